"""A 256 MiB file to AmigoCloud's ``datasets/chunked_upload``: Geodock's chunked upload (4 MiB in-memory
multipart pieces, ``Content-Range``, the ``upload_id`` after the first) beside curl POSTing the same 4 MiB chunks
with the same headers and fields to the same local server (the first chunk alone, for its ``upload_id``, then the
other 63 in one curl run over one kept-alive connection, ``--next``). Only the chunks are timed: the md5 and
``complete`` (which starts an import) are the same for both and left out.

Reported: each one's throughput (median of three interleaved rounds after a warm-up, see :mod:`measure`), the
ratio (goal ≥ 0.9× curl's), CPU-seconds per GiB of each (Geodock: every thread but the GUI thread) and the
memory Geodock's process grows by while it uploads (goal ≤ 64 MiB: a chunk or two in memory at a time).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
import uuid
from pathlib import Path

from measure import CpuClock, PeakRss, interleaved

from geodock.plugin.platforms.amigocloud.adapter import AmigoCloudAdapter
from geodock.plugin.platforms.amigocloud.chunked_upload import CHUNK_SIZE, ChunkedUpload
from geodock.plugin.platforms.amigocloud.upload import project_upload_url

SIZE_MIB = 256
ROUNDS = 3
FILENAME = "bench.gpkg"


def _curl_chunk_args(url: str, chunk: Path, start: int, size: int, upload_id: str) -> list[str]:
    end = start + chunk.stat().st_size - 1
    args = ["-sS", "-o", "-", "-w", "\n%{http_code}\n", "-H", f"Content-Range: bytes {start}-{end}/{size}"]
    if upload_id:
        args += ["-F", f"upload_id={upload_id}"]
    return [*args, "-F", f"datafile=@{chunk};filename={FILENAME};type=application/octet-stream", url]


def _curl(url: str, chunks: list[Path], size: int, cpu: list[float]) -> float:
    """The chunks with curl: the first alone (its answer names the upload), the rest in one run."""
    start = time.perf_counter()
    with CpuClock() as clock:
        first = subprocess.run(
            ["curl", *_curl_chunk_args(url, chunks[0], 0, size, "")], capture_output=True, text=True, check=True
        )
        body, status = first.stdout.rsplit("\n", 2)[:2]
        assert status == "200", first.stdout[-500:]
        upload_id = json.loads(body)["upload_id"]
        command, offset = ["curl"], chunks[0].stat().st_size
        for chunk in chunks[1:]:
            if len(command) > 1:
                command.append("--next")
            command += _curl_chunk_args(url, chunk, offset, size, upload_id)
            offset += chunk.stat().st_size
        rest = subprocess.run(command, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - start
    cpu.append(clock.children)
    codes = [line for line in rest.stdout.splitlines() if line.strip() in ("200", "400", "404", "500")]
    assert codes == ["200"] * (len(chunks) - 1), rest.stdout[-500:]
    assert json.loads(rest.stdout.rsplit("\n", 3)[-3])["offset"] == size, rest.stdout[-500:]
    return elapsed


def _chunks(path: Path, folder: Path) -> list[Path]:
    folder.mkdir(exist_ok=True)
    chunks = []
    with path.open("rb") as source:
        while piece := source.read(CHUNK_SIZE):
            chunks.append(folder / f"chunk_{len(chunks):03d}")
            chunks[-1].write_bytes(piece)
    return chunks


def chunked_upload_target(bench, name: str) -> tuple[object, str, str]:
    """The local AmigoCloud server's ``chunked_upload`` URL in a new project: (connection, URL, token)."""
    server = bench.server("amigocloud")
    connection = bench.connection(server, name=name)
    token = server.credentials["token"]
    project = server._send_json("POST", f"/api/v1/me/projects?token={token}", {"name": f"bench {uuid.uuid4().hex[:6]}"})
    base = bench.task(lambda fb: project_upload_url(connection, str(project["id"]), fb))
    return connection, f"{base}/datasets/chunked_upload", token


def run(bench) -> None:
    connection, url, token = chunked_upload_target(bench, "Bench AmigoCloud upload")
    path = bench.workdir / "amigocloud-upload-256.bin"
    with path.open("wb") as handle:
        for _ in range(SIZE_MIB):
            handle.write(os.urandom(1024 * 1024))
    size = path.stat().st_size
    chunks = _chunks(path, bench.workdir / "amigocloud-chunks")
    adapter = AmigoCloudAdapter(connection)
    growth: list[float] = []
    cpu: dict[str, list[float]] = {"curl": [], "geodock": []}

    def geodock() -> float:
        upload = ChunkedUpload(url, path, FILENAME, size, "not-completed")
        with PeakRss() as peak, CpuClock() as clock:
            start = time.perf_counter()
            bench.task(lambda fb: upload.send(adapter.client, adapter.auth, fb), timeout=600)
            elapsed = time.perf_counter() - start
        growth.append(peak.growth)
        cpu["geodock"].append(clock.own - peak.cpu)
        assert upload.offset == size and upload.upload_id
        return elapsed

    curl_url = f"{url}?token={token}"
    seconds = interleaved(ROUNDS, {"curl": lambda: _curl(curl_url, chunks, size, cpu["curl"]), "geodock": geodock})
    bench.report("amigocloud_upload_256mib_curl", SIZE_MIB / seconds["curl"], "MiB/s", "ref", 0)
    bench.report("amigocloud_upload_256mib_geodock", SIZE_MIB / seconds["geodock"], "MiB/s", ">", 0)
    bench.report("amigocloud_upload_throughput_vs_curl", seconds["curl"] / seconds["geodock"], "x", ">=", 0.9)
    per_gib = {who: statistics.median(values[1:]) * 1024 / SIZE_MIB for who, values in cpu.items()}  # [0]: warm-up
    bench.report(
        "amigocloud_upload_256mib_geodock_cpu_per_gib",
        per_gib["geodock"],
        "CPU-s/GiB",
        "<=",
        round(1.5 * per_gib["curl"], 3),
    )
    bench.report("amigocloud_upload_256mib_curl_cpu_per_gib", per_gib["curl"], "CPU-s/GiB", "ref", 0)
    bench.report("amigocloud_upload_memory_growth", max(growth), "MiB", "<=", 64)
    path.unlink()
    for chunk in chunks:
        chunk.unlink()
