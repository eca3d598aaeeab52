"""The trust boundary for credentials: a connection's secret goes to that connection's origin only.

An origin is (scheme, host, port), as browsers scope cookies. Each auth applier is bound to its connection's
URL (``origin`` attribute); a request is authenticated only when its URL has that very origin, whatever handed
the URL over (the user, an answer's JSON, a ``Link`` or ``Location`` header, a redirect). Another host, another
port, or ``http`` where the connection is ``https``: no header, no query secret, no auth config. Both callers,
the HTTP client (:mod:`plugin.net.client`) and the provider preprocessor (:mod:`plugin.provider_auth`), ask
:func:`may_authenticate` before they call ``apply()``.
"""

from __future__ import annotations

from typing import Any, Optional, Union

from qgis.PyQt.QtCore import QUrl

Origin = tuple[str, str, int]


def origin_of(url: Union[QUrl, str]) -> Origin:
    """``url``'s (scheme, lower-case host, port), the port made explicit."""
    url = QUrl(url) if isinstance(url, str) else url
    scheme = url.scheme().lower()
    default = 443 if scheme == "https" else 80
    return (scheme, url.host().lower(), url.port(default))


def bound_origin(applier: Any) -> Optional[Origin]:
    """The origin ``applier``'s credentials belong to (its ``origin`` URL), or None when it names none."""
    url = getattr(applier, "origin", "") or ""
    return origin_of(url) if url else None


def may_authenticate(url: Union[QUrl, str], applier: Any, fallback: Optional[Origin] = None) -> bool:
    """Whether a request to ``url`` may carry ``applier``'s credentials.

    ``fallback`` is the origin to use for an applier bound to none (one built without a connection URL):
    the client passes the origin of the URL the request was made for.
    """
    allowed = bound_origin(applier) or fallback
    return allowed is not None and origin_of(url) == allowed
