"""JSON from servers, parsed with a cap on nesting depth (no network, no Qt).

``json.loads`` recurses once per level: a hostile ``[[[[...]]]]`` raises :class:`RecursionError` in it, and a
document just below Python's limit still breaks every recursive reader after it. :func:`loads` refuses
anything nested deeper than :data:`MAX_DEPTH` with :class:`JsonTooDeepError`, a :class:`json.JSONDecodeError`
(so every ``except ValueError`` / ``except json.JSONDecodeError`` that handles malformed JSON handles it too).
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 100  # GeoJSON pages nest about 8 levels, JSON schemas of process descriptions about 20

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
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
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    for _ in range(limit):
        brackets, removed = _INNERMOST.subn("", brackets)
        if not brackets or not removed:
            return False  # balanced within the limit, or malformed (json.loads says where)
    return _INNERMOST.search(brackets) is not None


def loads(text: str, limit: int = MAX_DEPTH) -> Any:
    """``json.loads(text)``, refusing documents nested deeper than ``limit`` with :class:`JsonTooDeepError`."""
    if too_deep(text, limit):
        raise JsonTooDeepError(text, max(0, _too_deep_at(text, limit)), limit)
    try:
        return json.loads(text)
    except RecursionError:
        raise JsonTooDeepError(text, 0, limit) from None
