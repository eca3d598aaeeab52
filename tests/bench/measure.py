"""Measuring helpers shared by the benches: peak memory growth, and timings taken in interleaved rounds.

Transfers of hundreds of MiB on a shared machine vary by ±50 % from one run to the next (page-cache
writeback, the host's disk). Timing each contender once, one after the other, mostly measures that noise;
so the contenders take turns, round after round, each starting from the same state (dirty pages written
back, output files removed), and the median of each is compared.

CPU is measured with ``getrusage``: Geodock's as the process's CPU less the GUI thread's (:class:`CpuClock`;
the GUI thread runs the bench's event loop and probes, and QGIS's event loop turns whether Geodock transfers or
not) and less :class:`PeakRss`'s sampler; a subprocess's (curl) from the children's rusage once it was waited for.
:class:`Spinner` keeps one core busy in another process (the "busy machine" of the stall measures).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
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
        self.cpu = 0.0  # CPU seconds the sampler thread itself took (left out of Geodock's)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mib())
            time.sleep(0.02)
        self.cpu = _seconds(resource.getrusage(resource.RUSAGE_THREAD))

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


def _seconds(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


class CpuClock:
    """``with CpuClock() as cpu:`` on the GUI thread: ``cpu.own`` is the CPU seconds every other thread of this
    process took meanwhile (Geodock's tasks, Qt's network threads), ``cpu.children`` the waited-for
    subprocesses'. ``exclude`` (seconds, e.g. :attr:`PeakRss.cpu`) is taken off ``own``."""

    def __init__(self) -> None:
        self.own = self.children = 0.0
        self._start = (0.0, 0.0, 0.0)

    @staticmethod
    def _now() -> tuple[float, float, float]:
        return (
            _seconds(resource.getrusage(resource.RUSAGE_SELF)),
            _seconds(resource.getrusage(resource.RUSAGE_THREAD)),
            _seconds(resource.getrusage(resource.RUSAGE_CHILDREN)),
        )

    def __enter__(self) -> CpuClock:
        self._start = self._now()
        return self

    def __exit__(self, *exc: object) -> None:
        end = self._now()
        self.own = (end[0] - self._start[0]) - (end[1] - self._start[1])
        self.children = end[2] - self._start[2]


class Spinner:
    """``with Spinner():`` another process spins on one core (a busy machine) until the block ends."""

    def __init__(self) -> None:
        self.process: Optional[subprocess.Popen] = None

    def __enter__(self) -> Spinner:
        self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


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
