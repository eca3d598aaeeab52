"""Upload of a 256 MiB file to Geobox ``files/``: Geodock's streaming multipart upload beside
``curl -F file=@...`` to the same endpoint in the same run (goal ≥ 0.9× curl's throughput), and the memory
Geodock's process grows by while it uploads (goal ≤ 64 MiB: the file is streamed, never loaded). The two take
turns for five rounds after a warm-up (see :mod:`measure`); medians are compared. CPU-seconds per GiB of each
(Geodock: every thread but the GUI thread) are reported beside.

Then bounded in-memory pieces, as a platform with chunked uploads would take them (AmigoCloud's
``chunked_upload``; Geobox takes one multipart body): 64 MiB to httpbin's ``/upload`` as one streamed body (Qt
hands it to its network thread 16 KiB per round trip), as 4 MiB pieces in ordinary (asynchronous) requests, and
as 4 MiB pieces in synchronous requests (Qt buffers a synchronous request's body and gives it to its network
thread whole, ``qnetworkreplyhttpimpl.cpp``): time and CPU per GiB of each."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from pathlib import Path

from measure import CpuClock, PeakRss, interleaved
from qgis.PyQt.QtCore import QByteArray, QEventLoop, QUrl
from qgis.PyQt.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest
from servers.launch import GEOBOX_APIKEY

from geodock.plugin.platforms.geobox.upload import upload_file

SIZE_MIB = 256
ROUNDS = 5
PIECE_MIB, PIECES_TOTAL_MIB = 4, 64
SYNCHRONOUS = QNetworkRequest.Attribute(16)  # Qt 5's internal SynchronousRequestAttribute (PyQt 5 leaves it out)


def _curl(url: str, path: Path, cpu: list[float]) -> float:
    start = time.perf_counter()
    with CpuClock() as clock:
        result = subprocess.run(
            ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-F", f"file=@{path}", url],
            capture_output=True,
            text=True,
            check=True,
        )
    elapsed = time.perf_counter() - start
    cpu.append(clock.children)
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
    cpu: dict[str, list[float]] = {"curl": [], "geodock": []}

    def geodock() -> None:
        with PeakRss() as peak, CpuClock() as clock:
            record = bench.task(lambda feedback: upload_file(connection, path, feedback))
        growth.append(peak.growth)
        cpu["geodock"].append(clock.own - peak.cpu)
        assert record.uuid

    seconds = interleaved(ROUNDS, {"curl": lambda: _curl(url, path, cpu["curl"]), "geodock": geodock})
    bench.report("upload_256mib_curl", SIZE_MIB / seconds["curl"], "MiB/s", ">", 0)
    bench.report("upload_256mib_geodock", SIZE_MIB / seconds["geodock"], "MiB/s", ">", 0)
    bench.report("upload_throughput_vs_curl", seconds["curl"] / seconds["geodock"], "x", ">=", 0.9)
    bench.report("upload_memory_growth", max(growth), "MiB", "<=", 64)
    per_gib = {who: statistics.median(values[1:]) * 1024 / SIZE_MIB for who, values in cpu.items()}  # [0]: warm-up
    bench.report(
        "upload_256mib_geodock_cpu_per_gib", per_gib["geodock"], "CPU-s/GiB", "<=", round(1.5 * per_gib["curl"], 3)
    )
    bench.report("upload_256mib_curl_cpu_per_gib", per_gib["curl"], "CPU-s/GiB", "ref", 0)
    path.unlink()
    pieces(bench)


def _post(nam: QNetworkAccessManager, url: str, body: QByteArray, synchronous: bool) -> None:
    """POST ``body`` (an in-memory piece) to httpbin's ``/upload`` as a one-part multipart body."""
    boundary = b"geodock-bench-piece"
    head = b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="piece.bin"\r\n\r\n'
    data = QByteArray(head)
    data.append(body)
    data.append(b"\r\n--" + boundary + b"--\r\n")
    request = QNetworkRequest(QUrl(url))
    request.setRawHeader(b"Content-Type", b"multipart/form-data; boundary=" + boundary)
    request.setAttribute(SYNCHRONOUS, synchronous)
    reply = nam.post(request, data)
    if not reply.isFinished():
        loop = QEventLoop()
        reply.finished.connect(loop.quit)
        loop.exec()
    status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
    assert reply.error() == QNetworkReply.NetworkError.NoError and status == 200, (reply.errorString(), status)
    reply.deleteLater()


def pieces(bench) -> None:
    """One streamed body beside bounded in-memory pieces (asynchronous and synchronous requests)."""
    from geodock.plugin.net.client import HttpClient, HttpRequest
    from geodock.plugin.net.upload import multipart_factory

    server = bench.server("httpbin")
    url = f"{server.root}/upload"
    path = bench.workdir / "pieces.bin"
    piece = os.urandom(PIECE_MIB * 1024 * 1024)
    path.write_bytes(piece * (PIECES_TOTAL_MIB // PIECE_MIB))
    client = HttpClient()

    def streamed(feedback) -> None:
        client.send(HttpRequest(url, "POST", multipart=multipart_factory({}, "file", path), retries=0), feedback)

    def in_pieces(synchronous: bool):
        def work(feedback) -> None:
            nam = QNetworkAccessManager()
            body = QByteArray(piece)
            for _ in range(PIECES_TOTAL_MIB // PIECE_MIB):
                _post(nam, url, body, synchronous)
            nam.deleteLater()

        return work

    ways = {"streamed": streamed, "async_pieces": in_pieces(False), "sync_pieces": in_pieces(True)}
    cpu: dict[str, list[float]] = {name: [] for name in ways}

    def contender(name: str):
        def run() -> None:
            with PeakRss() as peak, CpuClock() as clock:
                bench.task(ways[name], timeout=600)
            cpu[name].append(clock.own - peak.cpu)

        return run

    seconds = interleaved(3, {name: contender(name) for name in ways})
    path.unlink()
    for name in ways:
        bench.report(
            f"upload_{PIECES_TOTAL_MIB}mib_{name}_throughput", PIECES_TOTAL_MIB / seconds[name], "MiB/s", "~", 0
        )
        per_gib = statistics.median(cpu[name][1:]) * 1024 / PIECES_TOTAL_MIB
        bench.report(f"upload_{PIECES_TOTAL_MIB}mib_{name}_cpu_per_gib", per_gib, "CPU-s/GiB", "~", 0)
