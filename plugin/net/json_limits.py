"""JSON from servers, parsed with a cap on nesting depth (no network, no Qt).

``json.loads`` recurses once per level: a hostile ``[[[[...]]]]`` raises :class:`RecursionError` in it, and a
document just below Python's limit still breaks every recursive reader after it. :func:`loads` refuses
anything nested deeper than :data:`MAX_DEPTH` with :class:`JsonTooDeepError`, a :class:`json.JSONDecodeError`
(so every ``except ValueError`` / ``except json.JSONDecodeError`` that handles malformed JSON handles it too).

The depth check runs on worker threads while the GUI thread waits for Python's GIL: it is made of short C calls
(``str.replace``, ``str.split``, one regex over the brackets alone), each a few ms on a 1.4 MB page, between which
the GIL changes hands. One regex over the whole text, stepping through every string, held the GIL 38 ms on such a
page (the Catalog's longest GUI stall, `make bench`). A big document is parsed with Python's cycle collector
paused (:func:`_collector_paused`): ``json.loads`` makes tens of thousands of containers in one C call, and the
collections they set off ran inside that call, holding the GIL for the parse and the collections together
(busy machine, 1,000-item pages: the GUI's longest stall 33 ms median, 21 ms with the collector paused).
"""

from __future__ import annotations

import gc
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

MAX_DEPTH = 100  # GeoJSON pages nest about 8 levels, JSON schemas of process descriptions about 20
PAUSE_COLLECTOR_FROM = 64 * 1024  # characters: smaller documents are parsed as they come

_collector = threading.Lock()
_collector_state = {"pausers": 0, "was_enabled": False}

_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST = re.compile(r"\[\]|\{\}")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JsonTooDeepError(json.JSONDecodeError):
    """A JSON document nested deeper than :data:`MAX_DEPTH` levels."""

    def __init__(self, doc: str, pos: int, limit: int) -> None:
        """The error at ``pos`` of ``doc``, deeper than ``limit``."""
        super().__init__(f"JSON nested deeper than {limit} levels", doc, pos)


def _too_deep_at(text: str, limit: int) -> int:
    """Where ``text`` first goes deeper than ``limit`` (-1 when it never does). Slow: only for the error path."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif token in "]}":
            depth -= 1
    return -1


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether ``text`` (JSON) nests deeper than ``limit``: every pass drops the innermost bracket pairs."""
    # In valid JSON a backslash only occurs in strings, where it escapes the next character: dropping every escaped
    # backslash, then every escaped quote (both left to right, as JSON reads them) leaves strings without quotes, so
    # every other piece between quotes is outside the strings.
    unescaped = text.replace("\\\\", "").replace('\\"', "")
    brackets = _NOT_BRACKET.sub("", "".join(unescaped.split('"')[::2]))
    for _ in range(limit):
        brackets, removed = _INNERMOST.subn("", brackets)
        if not brackets or not removed:
            return False  # balanced within the limit, or malformed (json.loads says where)
    return _INNERMOST.search(brackets) is not None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No automatic cycle collection meanwhile (threads may nest and overlap: the last one out restores it)."""
    with _collector:
        if _collector_state["pausers"] == 0:
            _collector_state["was_enabled"] = gc.isenabled()
            gc.disable()
        _collector_state["pausers"] += 1
    try:
        yield
    finally:
        with _collector:
            _collector_state["pausers"] -= 1
            if _collector_state["pausers"] == 0 and _collector_state["was_enabled"]:
                gc.enable()


def loads(text: str, limit: int = MAX_DEPTH) -> Any:
    """``json.loads(text)``, refusing documents nested deeper than ``limit`` with :class:`JsonTooDeepError`."""
    if too_deep(text, limit):
        raise JsonTooDeepError(text, max(0, _too_deep_at(text, limit)), limit)
    try:
        if len(text) < PAUSE_COLLECTOR_FROM:
            return json.loads(text)
        with _collector_paused():
            return json.loads(text)
    except RecursionError:
        raise JsonTooDeepError(text, 0, limit) from None
