"""The data of an HTTP exchange: what to send (:class:`HttpRequest`), what came back (:class:`HttpResponse`),
and the two hooks a caller plugs in: an :class:`AuthApplier` (credentials) and a :class:`ResponseSink` (streaming).

Sent by :class:`plugin.net.client.HttpClient`, which re-exports every name here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Protocol, Union

from qgis.core import QgsFeedback
from qgis.PyQt.QtCore import QUrl, QUrlQuery
from qgis.PyQt.QtNetwork import QHttpMultiPart, QNetworkRequest

from ..errors import UnreadableResponseError
from ..i18n import tr
from ..redact import redact_url
from . import json_limits
from .retry import DEFAULT_RETRIES

DEFAULT_TIMEOUT = 60.0

Params = Union[Mapping[str, Any], Iterable[tuple[str, Any]], None]


class AuthApplier(Protocol):
    """Adds a connection's credentials to a request (a header, a query parameter, or an auth config).

    ``origin`` is the connection's URL: only requests to its origin are given to :meth:`apply` (an empty
    ``origin`` binds the credentials to the origin of the URL each request is made for).
    """

    origin: str

    def apply(self, request: QNetworkRequest) -> None:
        """Authenticate ``request`` in place (it may change the URL)."""

    def renew(self, feedback: Optional[QgsFeedback]) -> bool:
        """Called once after a 401: renew short-lived credentials; ``True`` to retry the request."""


class ResponseSink(Protocol):
    """Receives a response body as it streams in, instead of keeping it in memory."""

    def begin(self, response: HttpResponse) -> None:
        """Headers are in; the body follows (raise a GeodockError to refuse it)."""

    def write(self, data: Any) -> None:
        """Next part of the body (a bytes-like object: ``bytes`` or ``QByteArray``)."""


@dataclass
class HttpRequest:
    """What to send. ``json`` or ``form`` or ``body`` (bytes) or ``multipart`` for the body."""

    url: str
    method: str = "GET"
    params: Params = None
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None
    form: Optional[Mapping[str, Any]] = None
    body: Optional[Union[bytes, bytearray]] = None  # copied into Qt when sent: a reused buffer is fine
    multipart: Optional[Callable[[], QHttpMultiPart]] = None  # a factory: a fresh body for every attempt
    timeout: float = DEFAULT_TIMEOUT  # seconds without any progress
    retries: Optional[int] = None  # None: DEFAULT_RETRIES (for a POST: only when the server did not process it)
    accept: str = "application/json"
    auth: Optional[AuthApplier] = None
    on_upload_progress: Optional[Callable[[int, int], None]] = None  # (bytes sent, total or -1)

    def max_retries(self) -> int:
        """How many times the request may be sent again (:func:`plugin.net.retry.retryable` says after what)."""
        return DEFAULT_RETRIES if self.retries is None else self.retries

    def full_url(self) -> QUrl:
        """The URL with ``params`` added to its query (None values left out, booleans as true/false)."""
        url = QUrl(self.url)
        if self.params:
            query = QUrlQuery(url)
            items = self.params.items() if isinstance(self.params, Mapping) else self.params
            for key, value in items:
                if value is None:
                    continue
                if isinstance(value, bool):
                    value = "true" if value else "false"
                query.addQueryItem(str(key), encode_query_value(str(value)))
            url.setQuery(query)
        return url


def encode_query_value(value: str) -> str:
    """``value`` with the characters QUrlQuery leaves alone but that change a query's meaning encoded."""
    # QUrlQuery leaves "+" and "&" alone in values; encode what would change the meaning of the query.
    return value.replace("%", "%25").replace("+", "%2B").replace("&", "%26").replace("#", "%23")


@dataclass
class HttpResponse:
    """A received answer. ``headers`` keys are lower case."""

    status: int
    headers: dict[str, str]
    body: bytes
    url: str

    def header(self, name: str, default: str = "") -> str:
        """Header ``name`` (any case), or ``default``."""
        return self.headers.get(name.lower(), default)

    def json(self) -> Any:
        """The body as JSON, or :class:`UnreadableResponseError` (HTML page, malformed, truncated)."""
        content_type = self.header("content-type")
        text = self.body.decode("utf-8", errors="replace")
        if "html" in content_type.lower() or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
            raise UnreadableResponseError(
                tr("The server answered with a web page instead of data"),
                f"HTML from {redact_url(self.url)}:\n{text[:2000]}",
                self.url,
            )
        try:
            return json_limits.loads(text) if text.strip() else None  # depth-capped: no RecursionError
        except json.JSONDecodeError as err:
            raise UnreadableResponseError(
                tr("The server's answer could not be read ({msg} at character {pos})").format(msg=err.msg, pos=err.pos),
                f"Malformed JSON from {redact_url(self.url)}:\n{text[:2000]}",
                self.url,
            ) from None
