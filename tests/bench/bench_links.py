"""Transfers at link speed: Geodock beside curl when the local servers pace what they send and take.

A user's server is not on their CPUs, so the loopback ratios (``bench_download``, ``bench_exports``,
``bench_upload``, kept as references) measure the machine more than Geodock. Here the servers pace each
connection (``POST /__pace__``, ``tests/servers/pacing.py``) at 100 MiB/s (a 1 Gbit/s link) and 12 MiB/s
(100 Mbit/s), and Geodock and curl take turns (see :mod:`measure`) on:

* a plain-HTTP download (httpbin ``/bytes/N``);
* an HTTPS export download (the Koordinates server's bench archive, ``Authorization: key``);
* a Geobox upload (``files/``, multipart).

For each: the ratio of medians (goal ≥ 0.97× curl), Geodock's peak RSS growth (≤ 64 MiB), the GUI thread's
longest stall (≤ 50 ms), and the CPU-seconds per GiB of Geodock (every thread but the GUI thread) beside curl's
(goals: ≤ 1.5× curl plain HTTP, ≤ 1.8× HTTPS, ≤ 1.5× upload), split into Qt's network thread and the task
thread (:class:`measure.ThreadCpu`). The sizes keep each transfer about 5 s long.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from helpers import StallProbe, run_task, wait_until
from measure import CpuClock, PeakRss, ThreadCpu, interleaved
from servers import launch
from servers.launch import GEOBOX_APIKEY

from geodock.plugin.net.client import HttpClient, HttpRequest
from geodock.plugin.net.download import download

MIB = 1024**2
PACES = {"1gbit": 100 * MIB, "100mbit": 12 * MIB}
SIZES = {"1gbit": 512 * MIB, "100mbit": 64 * MIB}
ROUNDS = 3
TOKEN = "demo-koordinates-token"
CPU_GOALS = {"http": 1.5, "https": 1.8, "upload": 1.5}


def _pace(server: launch.Server, rate: float) -> None:
    server._send_json("POST", "/__pace__", {"send": rate, "receive": rate})


def _random_file(path: Path, size: int) -> Path:
    block = os.urandom(MIB)
    with path.open("wb") as handle:
        for _ in range(size // MIB):
            handle.write(block)
    return path


class Contest:
    """Geodock and curl on one transfer: times, CPU, memory and stalls, gathered round by round."""

    def __init__(self, bench, name: str, size: int, rate: float) -> None:
        self.bench, self.name, self.size, self.rate = bench, name, size, rate
        self.cpu: dict[str, list[float]] = {"curl": [], "geodock": []}
        self.threads: dict[str, list[float]] = {ThreadCpu.NETWORK: [], ThreadCpu.TASKS: []}
        self.stalls: list[float] = []
        self.growth: list[float] = []

    def curl(self, args: list[str]) -> Callable[[], float]:
        def run() -> float:
            with CpuClock() as cpu:
                start = time.perf_counter()
                subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
                elapsed = time.perf_counter() - start
            self.cpu["curl"].append(cpu.children)
            return elapsed

        return run

    def geodock(self, work: Callable[[Any], Any], check: Callable[[Any], None]) -> Callable[[], float]:
        def run() -> float:
            probe = StallProbe()
            with PeakRss() as peak, CpuClock() as cpu, ThreadCpu() as threads:
                probe.start()
                start = time.perf_counter()
                result = self.bench.task(work, timeout=900)
                elapsed = time.perf_counter() - start
                self.stalls.append(probe.stop())
            self.cpu["geodock"].append(cpu.own - peak.cpu)
            for name, values in self.threads.items():
                values.append(threads.seconds.get(name, 0.0))
            self.growth.append(peak.growth)
            check(result)
            return elapsed

        return run

    def run(self, contenders: dict[str, Callable[[], float]], outputs: list[Path], kind: str) -> None:
        seconds = interleaved(ROUNDS, contenders, outputs)
        gib = self.size / 1024**3
        cpu = {who: statistics.median(values[1:]) / gib for who, values in self.cpu.items()}  # [0]: warm-up
        report, name = self.bench.report, self.name
        report(f"{name}_ratio_vs_curl", seconds["curl"] / seconds["geodock"], "x", ">=", 0.97)
        pace = round(self.rate / MIB, 1)  # the link's speed
        report(f"{name}_geodock_throughput", self.size / MIB / seconds["geodock"], "MiB/s", "~", pace)
        report(f"{name}_curl_throughput", self.size / MIB / seconds["curl"], "MiB/s", "~", pace)
        report(f"{name}_peak_rss_growth", max(self.growth), "MiB", "<=", 64)
        report(f"{name}_gui_longest_stall", max(self.stalls), "ms", "<=", 50)
        report(
            f"{name}_geodock_cpu_per_gib", cpu["geodock"], "CPU-s/GiB", "<=", round(CPU_GOALS[kind] * cpu["curl"], 3)
        )
        report(f"{name}_curl_cpu_per_gib", cpu["curl"], "CPU-s/GiB", "ref", 0)
        # Where Geodock's CPU goes: Qt's network thread (socket, TLS, HTTP) and the task thread (the reply's
        # side of Qt's thread hop, Geodock's Python, the file)
        for thread, label in ((ThreadCpu.NETWORK, "qt_network_thread"), (ThreadCpu.TASKS, "task_thread")):
            share = statistics.median(self.threads[thread][1:]) / gib
            report(f"{name}_geodock_cpu_per_gib_{label}", share, "CPU-s/GiB", "ref", 0)
        report(f"{name}_cpu_vs_curl", cpu["geodock"] / cpu["curl"], "x", "<=", CPU_GOALS[kind])


def run(bench) -> None:
    folder = Path(tempfile.mkdtemp(prefix="geodock-bench-links-", dir=bench.workdir))
    try:
        for label, rate in PACES.items():
            plain_download(bench, folder, label, rate)
            https_export(bench, folder, label, rate)
            geobox_upload(bench, folder, label, rate)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def plain_download(bench, folder: Path, label: str, rate: float) -> None:
    size = SIZES[label]
    server = bench.server("httpbin")
    url = f"{server.root}/bytes/{size}"
    out = folder / "http"
    out.mkdir(exist_ok=True)
    subprocess.run(["curl", "-s", "-o", "/dev/null", "-r", "0-0", url], check=True)  # the server makes its file
    client = HttpClient()
    contest = Contest(bench, f"link_{label}_http_download_{size // MIB}mib", size, rate)

    def check(result) -> None:
        assert result.size == size, result.size

    _pace(server, rate)
    try:
        contest.run(
            {
                "curl": contest.curl(["curl", "-s", "-f", "-o", str(out / "curl.bin"), url]),
                "geodock": contest.geodock(lambda fb: download(client, HttpRequest(url), out, feedback=fb), check),
            },
            [out],
            "http",
        )
    finally:
        _pace(server, 0)


def https_export(bench, folder: Path, label: str, rate: float) -> None:
    from geodock.plugin.platforms.koordinates.exports import KoordinatesExports, export_body

    size = SIZES[label]
    archive = _random_file(folder / f"bench-archive-{label}.zip", size)
    server = launch.start("koordinates", folder / f"kx-{label}", env={"KOORDINATES_BENCH_ARCHIVE": str(archive)})
    try:
        api = KoordinatesExports(bench.connection(server, name=f"Bench links {label}"))
        body = export_body([api.item_url(3)], "EPSG:4326", {"vector": "application/x-ogc-gpkg"}, name="bench-link")
        server.export_timing(0.1)
        export = run_task(lambda fb: api.create(body, fb))
        wait_until(lambda: run_task(lambda fb: api.get(export.id, fb)).state == "complete", 60, "bench export")
        export = run_task(lambda fb: api.get(export.id, fb))
        assert export.size == size, export.size
        out = folder / "https"
        out.mkdir(exist_ok=True)
        curl_args = ["curl", "-s", "-f", "-H", f"Authorization: key {TOKEN}", "--cacert", str(server.ca_file)]
        contest = Contest(bench, f"link_{label}_https_export_{size // MIB}mib", size, rate)

        def check(path) -> None:
            assert path.stat().st_size == size

        _pace(server, rate)
        contest.run(
            {
                "curl": contest.curl([*curl_args, "-o", str(out / "curl.zip"), export.download_url]),
                "geodock": contest.geodock(lambda fb: api.download(export, out, fb), check),
            },
            [out],
            "https",
        )
    finally:
        server.stop()
        archive.unlink(missing_ok=True)


def geobox_upload(bench, folder: Path, label: str, rate: float) -> None:
    from geodock.plugin.platforms.geobox.upload import upload_file

    size = SIZES[label] // 2 if label == "1gbit" else SIZES[label]  # 256 MiB at 1 Gbit/s: the loopback bench's size
    server = bench.server("geobox")
    connection = bench.connection(server, name="Bench links Geobox", credentials={"apikey": GEOBOX_APIKEY})
    path = _random_file(folder / f"upload-{label}.tif", size)  # a type the server stores without scanning it
    url = f"{server.url}files/?apikey={GEOBOX_APIKEY}"
    contest = Contest(bench, f"link_{label}_geobox_upload_{size // MIB}mib", size, rate)

    def check(record) -> None:
        assert record.uuid

    _pace(server, rate)
    try:
        contest.run(
            {
                "curl": contest.curl(["curl", "-sS", "-f", "-o", "/dev/null", "-F", f"file=@{path}", url]),
                "geodock": contest.geodock(lambda fb: upload_file(connection, path, fb), check),
            },
            [],
            "upload",
        )
    finally:
        _pace(server, 0)
        path.unlink(missing_ok=True)
