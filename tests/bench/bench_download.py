"""512 MiB download through Geodock's client vs curl: throughput, memory growth, GUI stall."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from helpers import StallProbe

from geodock.plugin.net.client import HttpClient, HttpRequest
from geodock.plugin.net.download import download

SIZE = 512 * 1024 * 1024


def run(bench) -> None:
    from run import rss_mib

    server = bench.server("httpbin")
    url = f"{server.root}/bytes/{SIZE}"
    folder = Path(tempfile.mkdtemp(prefix="geodock-bench-dl-"))
    # Warm the server's file so neither side pays for creating it.
    subprocess.run(["curl", "-s", "-o", "/dev/null", "-r", "0-0", url], check=True)
    try:
        start = time.perf_counter()
        subprocess.run(["curl", "-s", "-o", str(folder / "curl.bin"), url], check=True)
        curl_seconds = time.perf_counter() - start
        (folder / "curl.bin").unlink()

        client = HttpClient()
        peak = [rss_mib()]
        base = peak[0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], rss_mib())
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        probe = StallProbe()
        probe.start()
        start = time.perf_counter()
        result = bench.task(lambda fb: download(client, HttpRequest(url), folder, feedback=fb))
        geodock_seconds = time.perf_counter() - start
        stall = probe.stop()
        stop.set()
        sampler.join()
        assert result.size == SIZE
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    mib = SIZE / 1024**2
    bench.report(
        "download_512mib_geodock_throughput", mib / geodock_seconds, "MiB/s", ">=", round(0.9 * mib / curl_seconds, 1)
    )
    bench.report("download_512mib_curl_throughput", mib / curl_seconds, "MiB/s", "~", round(mib / curl_seconds, 1))
    bench.report("download_512mib_ratio_vs_curl", curl_seconds / geodock_seconds, "x", ">=", 0.9)
    bench.report("download_512mib_peak_rss_growth", peak[0] - base, "MiB", "<=", 64)
    bench.report("download_512mib_gui_longest_stall", stall, "ms", "<=", 50)
