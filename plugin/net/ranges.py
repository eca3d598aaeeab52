"""HTTP byte ranges for resumed downloads: ``Content-Range`` parsing and the ``If-Range`` validator."""

from __future__ import annotations

import re
from typing import Any, Optional

_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)
_UNSATISFIED_RANGE = re.compile(r"bytes\s+\*/(\d+)\s*$", re.IGNORECASE)


def validator(info: dict[str, Any]) -> str:
    """The ``If-Range`` value for a saved ``.part``: its strong ETag, else its Last-Modified ("" if neither)."""
    etag = str(info.get("etag") or "")
    if etag and not etag.startswith("W/"):  # a weak ETag may not be used in If-Range (RFC 9110)
        return etag
    return str(info.get("last_modified") or "")


def parse_content_range(value: str) -> Optional[tuple[int, int, Optional[int]]]:
    """``bytes START-END/TOTAL`` as (start, end, total or None); None when it is not a valid byte range."""
    match = _CONTENT_RANGE.match(value.strip())
    if not match:
        return None
    start, end = int(match.group(1)), int(match.group(2))
    total = None if match.group(3) == "*" else int(match.group(3))
    if end < start or (total is not None and end >= total):
        return None
    return start, end, total


def unsatisfied_size(value: str) -> Optional[int]:
    """The size a ``416`` answer's ``Content-Range: bytes */SIZE`` reports (None when it reports none)."""
    match = _UNSATISFIED_RANGE.match(value)
    return int(match.group(1)) if match else None
