"""Typed errors for everything that can go wrong talking to a remote platform.

Each error has a one-line, human :attr:`GeodockError.message` (what the QGIS message bar shows), taken
from the platform's own error body when it gives one, and :attr:`GeodockError.details` for the Geodock
log tab. Neither ever contains a secret: URLs are redacted by :func:`plugin.redact.redact_url` before they
get here.

Error body shapes understood (see ``shared/api``):

* Koordinates ``{"error": "..."}``, field maps ``{"field": ["msg"]}`` (400/422), ``{"errors": ["..."]}`` (409);
* Geobox / FastAPI ``{"detail": "..."}``, ``{"detail": {"msg": ...}}``, ``{"detail": [{"loc": [...], "msg": ...}]}``;
* OGC RFC 7807 ``{"type", "title", "status", "detail"}``; pygeoapi ``{"code", "type", "description"}``;
* AmigoCloud ``{"error": ["msg"]}`` / ``{"detail": "..."}``;
* an HTML error page (its ``<title>`` or first heading).
"""

from __future__ import annotations

import html
import json
import re
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Optional

from .html_sanitize import inert_text
from .i18n import QT_TRANSLATE_NOOP, tr
from .net import json_limits

MAX_MESSAGE = 300


class GeodockError(Exception):
    """Base of every Geodock error: ``message`` is one line for the user, ``details`` for the log."""

    def __init__(self, message: str, details: str = "", url: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.url = url

    def __str__(self) -> str:
        return self.message


class CancelledError(GeodockError):
    """The user (or a QgsFeedback) cancelled the operation."""

    def __init__(self, message: str = "", details: str = "", url: str = "") -> None:
        super().__init__(message or tr("Cancelled"), details, url)


class NetworkError(GeodockError):
    """The server could not be reached, or the connection dropped (no HTTP answer)."""


class RequestTimeoutError(NetworkError):
    """No answer within the request's timeout."""


class ResponseError(GeodockError):
    """The server answered with an HTTP error status."""

    def __init__(self, message: str, status: int, details: str = "", url: str = "") -> None:
        super().__init__(message, details, url)
        self.status = status
        self.headers: dict[str, str] = {}  # the answer's headers (lower-case names), set by the HTTP client


class ValidationError(ResponseError):
    """400 or 422: the request was refused as invalid; ``field_errors`` maps fields to messages."""

    def __init__(
        self,
        message: str,
        status: int,
        details: str = "",
        url: str = "",
        field_errors: Optional[dict[str, list[str]]] = None,
    ) -> None:
        super().__init__(message, status, details, url)
        self.field_errors = field_errors or {}


class AuthenticationError(ResponseError):
    """401: missing or wrong credentials."""


class PermissionDeniedError(ResponseError):
    """403: authenticated, but not allowed."""


class NotFoundError(ResponseError):
    """404: no such resource."""


class ConflictError(ResponseError):
    """409: the resource's state does not allow this (e.g. cancelling a finished export)."""


class RateLimitedError(ResponseError):
    """429: too many requests; ``retry_after`` seconds when the server said so."""

    def __init__(
        self, message: str, status: int, details: str = "", url: str = "", retry_after: Optional[float] = None
    ) -> None:
        super().__init__(message, status, details, url)
        self.retry_after = retry_after


class ServerError(ResponseError):
    """5xx: the server failed."""


class UnreadableResponseError(GeodockError):
    """The answer could not be read: malformed JSON, an HTML page where JSON was expected, a truncated body."""


_STATUS_CLASSES: dict[int, type[ResponseError]] = {
    400: ValidationError,
    422: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
}

_STATUS_WORDS = {
    400: QT_TRANSLATE_NOOP("@default", "Bad request"),
    401: QT_TRANSLATE_NOOP("@default", "Authentication failed"),
    403: QT_TRANSLATE_NOOP("@default", "Permission denied"),
    404: QT_TRANSLATE_NOOP("@default", "Not found"),
    405: QT_TRANSLATE_NOOP("@default", "Method not allowed"),
    409: QT_TRANSLATE_NOOP("@default", "Conflict"),
    422: QT_TRANSLATE_NOOP("@default", "Invalid request"),
    429: QT_TRANSLATE_NOOP("@default", "Too many requests"),
    500: QT_TRANSLATE_NOOP("@default", "Server error"),
    502: QT_TRANSLATE_NOOP("@default", "Bad gateway"),
    503: QT_TRANSLATE_NOOP("@default", "Service unavailable"),
    504: QT_TRANSLATE_NOOP("@default", "Gateway timeout"),
}


def url_hint(err: BaseException) -> BaseException:
    """``err`` with a hint to check the connection's URL when it is a 404 or 405 (the same error, its message
    extended once): on a listing or a connection test, the usual cause is a wrong path in the URL."""
    if isinstance(err, ResponseError) and err.status in (404, 405):
        hint = tr("Check the connection's URL: its path may be wrong.")
        if hint not in err.message:
            err.message = f"{err.message.rstrip()} {hint}"
    return err


def unexpected(err: BaseException) -> GeodockError:
    """A :class:`GeodockError` for an exception no code path expected, its traceback in the details. A file
    system error is said in words (which file, what went wrong); anything else is a bug, named as such."""
    details = traceback.format_exc()
    if isinstance(err, OSError):
        where = f" ({Path(str(err.filename)).name})" if err.filename else ""
        return GeodockError(
            tr("Could not use a file{where}: {reason}").format(where=where, reason=err.strerror or err), details
        )
    return GeodockError(tr("Unexpected error: {kind}: {reason}").format(kind=type(err).__name__, reason=err), details)


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """Collapse whitespace and cut ``text`` to ``limit`` characters."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def html_text(body: str) -> str:
    """The gist of an HTML page: its title, else its first heading, else its text (as inert text: entities
    such as ``&lt;img&gt;`` are decoded to the text they stand for, never back into markup)."""
    for pattern in (r"<title[^>]*>(.*?)</title>", r"<h1[^>]*>(.*?)</h1>"):
        match = re.search(pattern, body, re.IGNORECASE | re.DOTALL)
        if match and match.group(1).strip():
            return one_line(inert_text(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))))
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.IGNORECASE | re.DOTALL)
    return one_line(inert_text(html.unescape(re.sub(r"<[^>]+>", " ", text))))


def _join(messages: Iterable[str]) -> str:
    return "; ".join(m for m in messages if m)


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return _join([_as_text(v) for v in value])
    if isinstance(value, dict):
        for key in ("msg", "message", "detail", "description", "error"):
            if key in value:
                return _as_text(value[key])
        return json.dumps(value)
    return "" if value is None else str(value)


def _fastapi_detail(detail: Any) -> tuple[str, dict[str, list[str]]]:
    if isinstance(detail, list):
        fields: dict[str, list[str]] = {}
        parts = []
        for item in detail:
            if isinstance(item, dict):
                loc = item.get("loc") or []
                field = str(loc[-1]) if loc else ""
                msg = _as_text(item.get("msg", item))
                parts.append(f"{field}: {msg}" if field else msg)
                if field:
                    fields.setdefault(field, []).append(msg)
            else:
                parts.append(_as_text(item))
        return _join(parts), fields
    return _as_text(detail), {}


def parse_error_body(body: bytes, content_type: str = "") -> tuple[str, dict[str, list[str]]]:
    """The platform's own message in an error body, and per-field messages when it has them."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return "", {}
    try:
        data = json_limits.loads(text)  # depth-capped: too deep is a ValueError, never a RecursionError
    except ValueError:
        if "html" in content_type.lower() or text.lstrip().startswith("<"):
            return html_text(text), {}
        return one_line(text), {}
    if isinstance(data, str):
        return one_line(data), {}
    if isinstance(data, list):
        return one_line(_as_text(data)), {}
    if not isinstance(data, dict):
        return one_line(str(data)), {}
    return _dict_message(data, text)


def _dict_message(data: dict[str, Any], text: str) -> tuple[str, dict[str, list[str]]]:
    """The message (and per-field messages) in a JSON object error body, whichever platform's shape it has."""
    if "detail" in data and "title" in data:  # RFC 7807
        title, detail = _as_text(data["title"]), _as_text(data["detail"])
        return one_line(f"{title}: {detail}" if detail and detail != title else title or detail), {}
    if "description" in data and ("code" in data or "type" in data):  # pygeoapi
        return one_line(_as_text(data["description"])), {}
    if "detail" in data:  # FastAPI / Geobox / AmigoCloud
        message, fields = _fastapi_detail(data["detail"])
        return one_line(message), fields
    for key in ("error", "errors", "message", "title", "description"):
        if key in data:
            return one_line(_as_text(data[key])), {}
    # A field map: {"crs": ["Unknown CRS"], "items": ["..."]}
    if data and all(isinstance(v, (list, str)) for v in data.values()):
        fields = {str(k): [_as_text(m) for m in (v if isinstance(v, list) else [v])] for k, v in data.items()}
        return one_line(_join(f"{k}: {_join(v)}" for k, v in fields.items())), fields
    return one_line(text), {}


def error_for_status(
    status: int,
    body: bytes,
    content_type: str = "",
    url: str = "",
    retry_after: Optional[float] = None,
) -> ResponseError:
    """The typed error for an HTTP error ``status`` with the platform's message from ``body``."""
    message, fields = parse_error_body(body, content_type)
    message = inert_text(message)  # the server's words, never markup, wherever they are shown
    words = tr(_STATUS_WORDS.get(status, QT_TRANSLATE_NOOP("@default", "HTTP error")))
    headline = f"{words} ({status})" + (f": {message}" if message else "")
    details = f"HTTP {status} from {url}\n{body[:4000].decode('utf-8', errors='replace')}"
    if status in (400, 422):
        return ValidationError(headline, status, details, url, fields)
    if status == 429:
        return RateLimitedError(headline, status, details, url, retry_after)
    if status >= 500:
        return ServerError(headline, status, details, url)
    cls = _STATUS_CLASSES.get(status, ResponseError)
    return cls(headline, status, details, url)
