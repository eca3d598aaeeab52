"""Measuring helpers shared by the benches: peak memory growth, and timings taken in interleaved rounds.

Transfers of hundreds of MiB on a shared machine vary by ±50 % from one run to the next (page-cache
writeback, the host's disk). Timing each contender once, one after the other, mostly measures that noise;
so the contenders take turns, round after round, each starting from the same state (dirty pages written
back, output files removed), and the median of each is compared.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from pathlib import Path
from typing import Callable, Iterable, Optional


def rss_mib() -> float:
    """Current resident set size of this process, MiB."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024**2


class PeakRss:
    """``with PeakRss() as peak:`` samples this process's RSS every 20 ms; ``peak.growth`` in MiB."""

    def __init__(self) -> None:
        self.base = self.peak = rss_mib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mib())
            time.sleep(0.02)

    def __enter__(self) -> PeakRss:
        self.base = self.peak = rss_mib()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib())

    @property
    def growth(self) -> float:
        return self.peak - self.base


def settle(outputs: Iterable[Path] = ()) -> None:
    """Remove earlier outputs and write dirty pages back, so the next contender starts where the last did."""
    for path in outputs:
        if path.is_dir():
            for child in path.iterdir():
                child.unlink()
        elif path.exists():
            path.unlink()
    os.sync()
    time.sleep(0.2)


def interleaved(
    rounds: int, contenders: dict[str, Callable[[], Optional[float]]], outputs: Iterable[Path] = ()
) -> dict[str, float]:
    """Run every contender once per round, in turn, after one untimed warm-up round; return each one's
    median seconds.

    A contender returns its own elapsed seconds (timed where it runs, e.g. inside a subprocess) or None to
    be timed here."""
    outputs = list(outputs)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for round_ in range(rounds + 1):
        for name, run in contenders.items():
            settle(outputs)
            start = time.perf_counter()
            own = run()
            if round_ > 0:
                times[name].append(own if own is not None else time.perf_counter() - start)
    settle(outputs)
    if os.environ.get("GEODOCK_BENCH_VERBOSE"):
        for name, values in times.items():
            print(f"# {name}: " + " ".join(f"{v:.3f}" for v in values) + " s", flush=True)
    return {name: statistics.median(values) for name, values in times.items()}
