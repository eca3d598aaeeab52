"""Realtime events checked before use: a frame is data from the server, validated, never trusted.

:func:`parse_realtime` turns a ``realtime`` payload into a :class:`RealtimeEvent` or raises
:class:`MalformedFrameError`; :class:`ProblemLog` writes what was skipped to the Geodock log without letting
a server that sends nothing but garbage flood it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional

from .... import log
from ....errors import GeodockError

MAX_OBJECT_ID = 64  # the live layer's object_id field is string(64)
MAX_SEQ = 2**63 - 1
SAMPLE_CHARS = 80


class MalformedFrameError(GeodockError):
    """A realtime frame or event without the expected shape: it is logged and skipped."""


@dataclass(frozen=True)
class Position:
    """Where one object is now."""

    object_id: str
    longitude: float
    latitude: float


@dataclass(frozen=True)
class RealtimeEvent:
    """A ``realtime`` event: ``{dataset_id, data: [{object_id, latitude, longitude}], seq?, sent_at?}``."""

    dataset_id: str
    seq: int
    sent_at: float
    positions: list[Position]
    skipped: int  # rows of ``data`` that were not positions


def _number(value: Any, low: float, high: float) -> Optional[float]:
    """``value`` as a finite float within ``[low, high]`` (numbers and numeric strings), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)) or len(str(value)) > 40:
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def position(row: Any) -> Optional[Position]:
    """The position in one row of an event's ``data``, or None when the row is not one."""
    if not isinstance(row, dict):
        return None
    object_id = row.get("object_id")
    if isinstance(object_id, bool) or not isinstance(object_id, (str, int)):
        return None
    text = str(object_id) if not isinstance(object_id, int) or abs(object_id) < 10**MAX_OBJECT_ID else ""
    if not text or len(text) > MAX_OBJECT_ID:
        return None
    longitude, latitude = _number(row.get("longitude"), -180, 180), _number(row.get("latitude"), -90, 90)
    if longitude is None or latitude is None:
        return None
    return Position(text, longitude, latitude)


def parse_realtime(payload: Any) -> RealtimeEvent:
    """The event in a ``realtime`` payload; :class:`MalformedFrameError` when it has the wrong shape
    (``seq`` and ``sent_at`` are optional; rows that are not positions are counted in ``skipped``)."""
    if not isinstance(payload, dict):
        raise MalformedFrameError(f"a realtime event that is a {type(payload).__name__}, not an object")
    dataset_id = payload.get("dataset_id")
    if isinstance(dataset_id, bool) or not isinstance(dataset_id, (str, int)) or len(str(dataset_id)) > 40:
        raise MalformedFrameError("a realtime event without a valid dataset_id")
    seq = payload.get("seq")
    seq = 0 if seq is None else seq
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= MAX_SEQ:
        raise MalformedFrameError("a realtime event whose seq is not a counter")
    sent_at = payload.get("sent_at")
    sent = 0.0 if sent_at is None else None if isinstance(sent_at, str) else _number(sent_at, 0, 1e11)
    if sent is None:
        raise MalformedFrameError("a realtime event whose sent_at is not a time")
    data = payload.get("data")
    data = [] if data is None else data
    if not isinstance(data, list):
        raise MalformedFrameError(f"a realtime event whose data is a {type(data).__name__}, not a list")
    positions = [found for found in map(position, data) if found is not None]
    return RealtimeEvent(str(dataset_id), seq, sent, positions, len(data) - len(positions))


def sample(value: Any) -> str:
    """A short, printable excerpt of ``value`` for the log."""
    text = value if isinstance(value, str) else repr(value)
    return repr(text[:SAMPLE_CHARS]) + ("…" if len(text) > SAMPLE_CHARS else "")


class ProblemLog:
    """Logs what was skipped: the first ``first`` problems, then one in every ``every``."""

    def __init__(self, context: str, first: int = 10, every: int = 1000) -> None:
        self.context = context
        self.first, self.every = first, every
        self.count = 0

    def report(self, problem: str, value: Any = None) -> None:
        """Count one skipped frame or event (``problem``: what was wrong; ``value``: what came)."""
        self.count += 1
        if self.count <= self.first or self.count % self.every == 0:
            excerpt = "" if value is None else f": {sample(value)}"
            log.warning(f"{self.context}: skipped {problem} (#{self.count}){excerpt}")
