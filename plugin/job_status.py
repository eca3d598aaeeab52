"""Typed reading of a remote job's status answer: every backend reads its fields through these helpers.

A server's answer is checked field by field before it reaches the job model: the body is an object, a state
is one of the platform's words, a progress is a number in the platform's range, a text is text. Anything else
raises :class:`~.errors.UnreadableResponseError` naming the field and what the server sent (its URL in the
details), so the job manager can tell the user on THAT job and keep watching the others -- never a
``ValueError`` or ``KeyError`` deep in the watcher. Fields that are absent or ``null`` take their default.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any, Optional

from .errors import UnreadableResponseError, one_line
from .i18n import tr
from .redact import redact_url

SHOWN = 40  # characters of a server's value quoted in a message


def shown(value: Any) -> str:
    """The server's value, short and on one line, for a message (a container is named, not dumped)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{one_line(value, SHOWN)}"'
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return one_line(str(value), SHOWN)


def unreadable(url: str, field: str, problem: str) -> UnreadableResponseError:
    """The error for a job status whose ``field`` (``""``: the whole answer) is wrong in the way ``problem`` says."""
    where = f'"{field}" ' if field else "the answer "
    message = tr("The job status from the server could not be read: {what}").format(what=f"{where}{problem}")
    safe_url = redact_url(url)
    return UnreadableResponseError(message, f"{message}\nJob status from {safe_url or 'the server'}", safe_url)


def status_object(doc: Any, url: str) -> dict[str, Any]:
    """``doc`` when it is a JSON object; the typed error otherwise."""
    if not isinstance(doc, dict):
        raise unreadable(url, "", f"is {shown(doc)}, not an object")
    return doc


def text(doc: Mapping[str, Any], key: str, url: str, default: str = "", required: bool = False) -> str:
    """``doc[key]`` as text (``default`` when absent or null, unless ``required``)."""
    value = doc.get(key)
    if value is None:
        if required:
            raise unreadable(url, key, "is missing")
        return default
    if not isinstance(value, str):
        raise unreadable(url, key, f"is {shown(value)}, not text")
    return value


def identifier(doc: Mapping[str, Any], key: str, url: str, required: bool = False) -> str:
    """``doc[key]`` as an id: text or a whole number (``""`` when absent or null, unless ``required``)."""
    value = doc.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    if value is None or value == "":
        if required:
            raise unreadable(url, key, "is missing")
        return ""
    raise unreadable(url, key, f"is {shown(value)}, not an id")


def number(doc: Mapping[str, Any], key: str, url: str, low: float = 0.0, high: float = math.inf) -> Optional[float]:
    """``doc[key]`` as a number from ``low`` to ``high`` (None when absent or null)."""
    value = doc.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise unreadable(url, key, f"is {shown(value)}, not a number")
    if not low <= value <= high:
        bound = f"from {low:g} to {high:g}" if math.isfinite(high) else f"of at least {low:g}"
        raise unreadable(url, key, f"is {shown(value)}, not a number {bound}")
    return float(value)


def choice(
    doc: Mapping[str, Any],
    key: str,
    url: str,
    words: Collection[str],
    default: Optional[str] = None,
    lower: bool = False,
) -> str:
    """``doc[key]``, one of the platform's ``words`` (``default`` when absent; ``lower``: compared in lower case)."""
    word = text(doc, key, url, default or "", required=default is None)
    if (word.lower() if lower else word) not in words:
        raise unreadable(url, key, f"is {shown(word)}, not one of {', '.join(words)}")
    return word.lower() if lower else word


def mapping(doc: Mapping[str, Any], key: str, url: str) -> dict[str, Any]:
    """``doc[key]`` as an object (empty when absent or null)."""
    value = doc.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise unreadable(url, key, f"is {shown(value)}, not an object")
    return value
