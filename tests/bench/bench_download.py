"""512 MiB download through Geodock's client vs curl: throughput, memory growth, GUI stall.

QGIS's own ``QgsFileDownloader`` (same network stack, on the GUI thread) is measured beside as the native
reference. All write the file to the same folder; they take turns for five rounds (see :mod:`measure`) and the medians
are compared. Geodock's download runs in a QgsTask while the GUI event loop turns under a stall probe."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from helpers import StallProbe
from measure import CpuClock, PeakRss, interleaved
from qgis.core import QgsFileDownloader
from qgis.PyQt.QtCore import QEventLoop, QUrl

from geodock.plugin.net.client import HttpClient, HttpRequest
from geodock.plugin.net.download import download

SIZE = 512 * 1024 * 1024
ROUNDS = 5


def run(bench) -> None:
    server = bench.server("httpbin")
    url = f"{server.root}/bytes/{SIZE}"
    folder = Path(tempfile.mkdtemp(prefix="geodock-bench-dl-", dir=bench.workdir))
    # Warm the server's file so neither side pays for creating it.
    subprocess.run(["curl", "-s", "-o", "/dev/null", "-r", "0-0", url], check=True)
    client = HttpClient()
    stalls: list[float] = []
    growth: list[float] = []
    cpu: dict[str, list[float]] = {"curl": [], "geodock": []}

    def curl() -> None:
        with CpuClock() as clock:
            subprocess.run(["curl", "-s", "-f", "-o", str(folder / "curl.bin"), url], check=True)
        cpu["curl"].append(clock.children)

    def qgis_native() -> None:  # QGIS's own QgsFileDownloader: the same network stack, on the GUI thread
        loop = QEventLoop()
        errors: list[str] = []
        downloader = QgsFileDownloader(QUrl(url), str(folder / "qgis.bin"))
        downloader.downloadError.connect(errors.extend)
        downloader.downloadExited.connect(loop.quit)
        loop.exec()
        assert not errors and (folder / "qgis.bin").stat().st_size == SIZE, errors

    def geodock() -> None:
        probe = StallProbe()
        with PeakRss() as peak, CpuClock() as clock:
            probe.start()
            result = bench.task(lambda fb: download(client, HttpRequest(url), folder, feedback=fb))
            stalls.append(probe.stop())
        growth.append(peak.growth)
        cpu["geodock"].append(clock.own - peak.cpu)
        assert result.size == SIZE

    try:
        seconds = interleaved(ROUNDS, {"curl": curl, "geodock": geodock, "qgis": qgis_native}, [folder])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    mib = SIZE / 1024**2
    bench.report(
        "download_512mib_geodock_throughput",
        mib / seconds["geodock"],
        "MiB/s",
        ">=",
        round(0.9 * mib / seconds["curl"], 1),
    )
    bench.report(
        "download_512mib_curl_throughput", mib / seconds["curl"], "MiB/s", "~", round(mib / seconds["curl"], 1)
    )
    bench.report(
        "download_512mib_qgis_filedownloader_throughput",
        mib / seconds["qgis"],
        "MiB/s",
        "~",
        round(mib / seconds["qgis"], 1),
    )
    bench.report("download_512mib_ratio_vs_curl", seconds["curl"] / seconds["geodock"], "x", ">=", 0.9)
    bench.report("download_512mib_peak_rss_growth", max(growth), "MiB", "<=", 64)
    bench.report("download_512mib_gui_longest_stall", max(stalls), "ms", "<=", 50)
    per_gib = {who: statistics.median(values[1:]) * 1024**3 / SIZE for who, values in cpu.items()}  # [0]: warm-up
    bench.report(
        "download_512mib_geodock_cpu_per_gib", per_gib["geodock"], "CPU-s/GiB", "<=", round(1.5 * per_gib["curl"], 3)
    )
    bench.report("download_512mib_curl_cpu_per_gib", per_gib["curl"], "CPU-s/GiB", "ref", 0)
