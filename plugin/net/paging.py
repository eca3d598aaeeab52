"""The four paging schemes of the platforms, as one :class:`Page` type.

* Koordinates: ``Link: <...>; rel="page-next"`` and ``X-Resource-Range: start-end/total``;
* Geobox: ``skip``/``limit`` and ``return_count=true`` for the total;
* AmigoCloud: a cursor ``{count, next, previous, results}`` (SQL answers carry ``data`` instead);
* OGC API: ``links`` with ``rel="next"``.

A page's ``next`` is what to ask for the following page: a URL for link and cursor schemes, an offset for
``skip``/``limit``; ``None`` on the last page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

from qgis.core import QgsFeedback

from ..errors import UnreadableResponseError
from ..i18n import tr
from ..redact import redact_url
from .client import AuthApplier, HttpClient, HttpRequest, HttpResponse, Params

PageToken = Union[str, int, None]


@dataclass
class Page:
    """One page of a listing: its items, the total when known, and the token of the next page."""

    items: list[Any]
    total: Optional[int] = None
    next: PageToken = None
    raw: Any = field(default=None, repr=False)
    skipped: int = 0  # items of this page that could not be read (wrong types, no id): left out, logged


_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")


def parse_link_header(value: str) -> dict[str, str]:
    """``{rel: url}`` of an HTTP ``Link`` header."""
    links: dict[str, str] = {}
    for match in _LINK.finditer(value or ""):
        url, params = match.group(1), match.group(2)
        rel = re.search(r'rel\s*=\s*"?([^";]+)"?', params)
        if rel:
            for name in rel.group(1).split():
                links.setdefault(name, url)
    return links


def parse_resource_range(value: str) -> Optional[int]:
    """The total of ``X-Resource-Range: start-end/total`` (None when absent or ``*``)."""
    match = re.search(r"/(\d+)\s*$", value or "")
    return int(match.group(1)) if match else None


def link_page(response: HttpResponse) -> Page:
    """A Koordinates page: a JSON array, ``rel="page-next"`` and ``X-Resource-Range``."""
    items = response.json() or []
    if not isinstance(items, list):
        raise UnreadableResponseError(
            tr("The server answered with something that is not a list of items"),
            f"Unexpected list body from {redact_url(response.url)}: {str(items)[:500]}",
            response.url,
        )
    links = parse_link_header(response.header("link"))
    return Page(list(items), parse_resource_range(response.header("x-resource-range")), links.get("page-next"), items)


def cursor_page(data: Any, items_key: str = "results") -> Page:
    """An AmigoCloud cursor page; a body without ``next`` that is a single object yields itself."""
    if isinstance(data, dict) and ("next" in data or items_key in data or "data" in data):
        items = data.get(items_key)
        if items is None:
            items = data.get("data", [])
        if not isinstance(items, list):
            raise UnreadableResponseError(
                tr("The server answered a page whose {key!r} is not a list").format(key=items_key)
            )
        count, next_url = data.get("count"), data.get("next")
        total = count if isinstance(count, int) and not isinstance(count, bool) else None
        return Page(list(items), total, next_url if isinstance(next_url, str) and next_url else None, data)
    return Page([data] if data is not None else [], 1, None, data)


def ogc_page(data: Any, items_key: str, url: str = "") -> Page:
    """An OGC API page: ``items_key`` list and ``links`` with ``rel="next"``."""
    data = {} if data is None else data
    items = data.get(items_key, []) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise UnreadableResponseError(
            tr("The server answered with something that is not a list of {key}").format(key=items_key),
            f"Unexpected page from {redact_url(url)}: {str(data)[:500]}",
            url,
        )
    next_url = None
    links = data.get("links")
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and link.get("rel") == "next" and isinstance(link.get("href"), str) and link["href"]:
            next_url = link["href"]
            break
    total = data.get("numberMatched")
    return Page(list(items), total if isinstance(total, int) and not isinstance(total, bool) else None, next_url, data)


def offset_page(items: list[Any], skip: int, limit: int, total: Optional[int]) -> Page:
    """A Geobox ``skip``/``limit`` page; the next offset when this page was full (and below ``total``)."""
    end = skip + len(items)
    more = len(items) >= limit and (total is None or end < total)
    return Page(list(items), total, end if more else None, items)


def iterate(
    fetch: Callable[[PageToken], Page], feedback: Optional[QgsFeedback] = None, max_pages: int = 100000
) -> Iterator[Any]:
    """Every item over all pages; ``fetch(None)`` gets the first page, ``fetch(page.next)`` the others."""
    token: PageToken = None
    for _ in range(max_pages):
        if feedback is not None and feedback.isCanceled():
            return
        page = fetch(token)
        yield from page.items
        if page.next is None:
            return
        token = page.next


def fetch_link_page(
    client: HttpClient,
    first_url: str,
    token: PageToken,
    params: Params,
    auth: Optional[AuthApplier],
    feedback: Optional[QgsFeedback] = None,
) -> Page:
    """GET a Koordinates-style page: the first from ``first_url`` + ``params``, later ones from ``token``."""
    if token is None:
        request = HttpRequest(first_url, params=params, auth=auth)
    else:
        request = HttpRequest(str(token), auth=auth)
    return link_page(client.send(request, feedback))
