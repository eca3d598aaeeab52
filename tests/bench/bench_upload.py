"""Upload of a 256 MiB file to Geobox ``files/``: Geodock's streaming multipart upload beside
``curl -F file=@...`` to the same endpoint in the same run (goal ≥ 0.9× curl's throughput), and the memory
Geodock's process grows by while it uploads (goal ≤ 64 MiB: the file is streamed, never loaded). The two take
turns for five rounds after a warm-up (see :mod:`measure`); medians are compared."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from measure import PeakRss, interleaved
from servers.launch import GEOBOX_APIKEY

from geodock.plugin.platforms.geobox.upload import upload_file

SIZE_MIB = 256
ROUNDS = 5


def _curl(url: str, path: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-F", f"file=@{path}", url],
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - start
    if result.stdout.strip() != "200":
        raise RuntimeError(f"curl upload answered {result.stdout.strip()}: {result.stderr}")
    return elapsed


def run(bench) -> None:
    server = bench.server("geobox")
    connection = bench.connection(server, name="Bench Geobox", credentials={"apikey": GEOBOX_APIKEY})
    path = bench.workdir / "upload-256.tif"  # a type the server stores without scanning it
    with path.open("wb") as handle:
        for _ in range(SIZE_MIB):
            handle.write(os.urandom(1024 * 1024))
    url = f"{server.url}files/?apikey={GEOBOX_APIKEY}"
    growth: list[float] = []

    def geodock() -> None:
        with PeakRss() as peak:
            record = bench.task(lambda feedback: upload_file(connection, path, feedback))
        growth.append(peak.growth)
        assert record.uuid

    seconds = interleaved(ROUNDS, {"curl": lambda: _curl(url, path), "geodock": geodock})
    bench.report("upload_256mib_curl", SIZE_MIB / seconds["curl"], "MiB/s", ">", 0)
    bench.report("upload_256mib_geodock", SIZE_MIB / seconds["geodock"], "MiB/s", ">", 0)
    bench.report("upload_throughput_vs_curl", seconds["curl"] / seconds["geodock"], "x", ">=", 0.9)
    bench.report("upload_memory_growth", max(growth), "MiB", "<=", 64)
    path.unlink()
