"""What a realtime server cannot make Geodock do: retry in a storm, tick a 0 ms timer, hold unbounded memory.

* :class:`Backoff`: the delays between retries (reconnects, new websocket sessions), doubling from 1 s to a
  60 s cap with jitter; a server that drops or refuses us right after accepting does not reset it, only a
  connection that stayed healthy for :data:`STABLE_SECONDS` does.
* :func:`clamp_seconds`: a server-given interval in milliseconds, as sane seconds (or the default).
* :class:`SeqWindow`: the sequence numbers of the last events applied, a bounded window.
* :data:`MAX_FRAME_BYTES`: the largest websocket message accepted.
"""

from __future__ import annotations

import math
import random
import time
from collections import deque
from collections.abc import Iterable, Iterator, Set
from typing import Any, Callable, Optional

BACKOFF_BASE = 1.0  # seconds before the first retry
BACKOFF_CAP = 60.0
STABLE_SECONDS = 30.0  # a connection this old when it fails was healthy: retrying starts again from the base
MAX_FRAME_BYTES = 2 * 1024 * 1024  # realtime events carry a few positions; 2 MiB is thousands of them
SEQ_WINDOW = 16384  # sequence numbers remembered (a 10 s burst at 1,000 events a second fits)

PING_INTERVAL = (25.0, 1.0, 300.0)  # Engine.IO default, lowest and highest accepted (seconds)
PING_TIMEOUT = (20.0, 1.0, 120.0)


class Backoff:
    """Delays before retries: ``base`` doubling to ``cap``, each drawn from its upper half (jitter that
    keeps a floor, so retries can never come faster than the schedule's lower bound)."""

    def __init__(
        self,
        base: float = BACKOFF_BASE,
        cap: float = BACKOFF_CAP,
        stable: float = STABLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base, self.cap, self.stable = base, cap, stable
        self.clock = clock
        self.attempts = 0
        self._healthy_since: Optional[float] = None

    def next_delay(self) -> float:
        """Seconds to wait before the next attempt (and count it)."""
        if self._healthy_since is not None and self.clock() - self._healthy_since >= self.stable:
            self.attempts = 0
        self._healthy_since = None
        delay = min(self.cap, self.base * (2 ** min(self.attempts, 32)))
        self.attempts += 1
        return random.uniform(0.5, 1.0) * delay

    def healthy(self) -> None:
        """The connection works now; if it still works :attr:`stable` seconds later, failures are forgotten."""
        if self._healthy_since is None:
            self._healthy_since = self.clock()

    def reset(self) -> None:
        """Start afresh (a new connection the user asked for)."""
        self.attempts = 0
        self._healthy_since = None


def clamp_seconds(milliseconds: Any, bounds: tuple[float, float, float]) -> float:
    """A server-given interval in milliseconds as seconds within ``(default, low, high)``: the default
    when it is not a finite number, else clamped to ``[low, high]``."""
    default, low, high = bounds
    if isinstance(milliseconds, bool) or not isinstance(milliseconds, (int, float)):
        return default
    try:
        seconds = float(milliseconds) / 1000.0
    except OverflowError:  # an integer beyond any float
        seconds = math.inf if milliseconds > 0 else -math.inf
    if math.isnan(seconds):
        return default
    return min(high, max(low, seconds))


class SeqWindow(Set):
    """The last ``limit`` distinct sequence numbers added (a set-like, bounded record: older ones are
    forgotten), with :attr:`high` the highest seen and :attr:`total` how many were added in all."""

    def __init__(self, limit: int = SEQ_WINDOW) -> None:
        self.limit = limit
        self.high: Optional[int] = None
        self.total = 0
        self._order: deque[int] = deque()
        self._members: set[int] = set()

    @classmethod
    def _from_iterable(cls, values: Iterable[Any]) -> frozenset:
        return frozenset(values)  # set operations (``window - {0}``) give plain frozensets

    def add(self, seq: int) -> None:
        """Note sequence number ``seq`` as seen (the oldest beyond the window are forgotten)."""
        self.total += 1
        self.high = seq if self.high is None else max(self.high, seq)
        if seq in self._members:
            return
        self._members.add(seq)
        self._order.append(seq)
        if len(self._order) > self.limit:
            self._members.discard(self._order.popleft())

    def __contains__(self, seq: object) -> bool:
        return seq in self._members

    def __iter__(self) -> Iterator[int]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)
