"""Measuring helpers shared by the benches: peak memory growth, and timings taken in interleaved rounds.

Transfers of hundreds of MiB on a shared machine vary by ±50 % from one run to the next (page-cache
writeback, the host's disk). Timing each contender once, one after the other, mostly measures that noise;
so the contenders take turns, round after round, each starting from the same state (dirty pages written
back, output files removed), and the median of each is compared.

CPU is measured with ``getrusage``: Geodock's as the process's CPU less the GUI thread's (:class:`CpuClock`;
the GUI thread runs the bench's event loop and probes, and QGIS's event loop turns whether Geodock transfers or
not) and less :class:`PeakRss`'s sampler; a subprocess's (curl) from the children's rusage once it was waited for.
:class:`ThreadCpu` splits a process's CPU by thread. :class:`Spinner` keeps one core busy in another process (the "busy machine" of the stall measures).
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


class ThreadCpu:
    """``with ThreadCpu() as threads:`` CPU seconds each thread of this process took meanwhile, summed by the
    thread's name (``/proc/self/task/*/stat``, clock ticks of 10 ms): ``threads.seconds["QNetworkAccessM"]``
    is Qt's network thread (sockets, TLS), ``"Thread (pooled)"`` QGIS's task threads."""

    NETWORK = "QNetworkAccessM"  # Qt's "QNetworkAccessManager thread", cut to Linux's 15 characters
    TASKS = "Thread (pooled)"

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._start: dict[tuple[str, str], float] = {}

    @staticmethod
    def _now() -> dict[tuple[str, str], float]:
        tick = os.sysconf("SC_CLK_TCK")
        found = {}
        for task in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{task}/stat") as handle:
                    stat = handle.read()
            except OSError:  # the thread ended meanwhile
                continue
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2 :].split()
            found[(task, name)] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        return found

    def __enter__(self) -> ThreadCpu:
        self._start = self._now()
        return self

    def __exit__(self, *exc: object) -> None:
        for (task, name), seconds in self._now().items():
            used = seconds - self._start.get((task, name), 0.0)
            self.seconds[name] = self.seconds.get(name, 0.0) + used


_TOUCH = """
import sys
blocks = []
for _ in range(int(sys.argv[1])):
    block = bytearray(1 << 30)  # mapped, not yet backed
    block[::4096] = b"\\x01" * (1 << 18)  # one byte per page: every page is backed now
    blocks.append(block)  # kept until the end, so that the next GiB takes other pages
"""


def touch_free_memory(keep_free_gib: int = 2) -> tuple[int, float]:
    """Have every free page of the machine's memory touched once (by a subprocess that then exits); returns
    (GiB, seconds).

    On a virtual machine whose host backs guest memory lazily (this one: 18 GiB took 50 s), the first write to a
    page costs a host page fault, billed as CPU time to whichever thread touched it: a page-cache copy into such
    pages cost a download 0.7-1.5 CPU-s/GiB more, in some rounds and not others, and curl too at times
    (measured: ``perf`` put a quarter of the samples in ``copy_folio_from_iter_atomic``; after this, the same
    writes cost 0.13-0.28 CPU-s per 512 MiB, as outside QGIS). Neither contender should pay it at random."""
    with open("/proc/meminfo") as handle:
        free_kib = next(int(line.split()[1]) for line in handle if line.startswith("MemFree:"))
    gib = max(0, free_kib // 1024**2 - keep_free_gib)
    start = time.perf_counter()
    if gib:
        subprocess.run([sys.executable, "-c", _TOUCH, str(gib)], check=True)
    return gib, time.perf_counter() - start


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
