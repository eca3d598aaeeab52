"""AmigoCloud's chunked upload at link speed: Geodock beside curl sending the same 4 MiB chunks (see
:mod:`bench_amigocloud_upload`) while the local server takes at most 100 MiB/s (1 Gbit/s) or 12 MiB/s (100 Mbit/s),
in the format and with the goals of :mod:`bench_links` (≥ 0.97× curl, RSS ≤ 64 MiB, GUI stall ≤ 50 ms, CPU per GiB
≤ 1.5× curl's). On loopback, where nothing paces it, Qt's hand-over of upload bodies between its threads, 16 KiB
per round trip, bounds Geodock's chunks well below curl's (``amigocloud_upload_throughput_vs_curl``).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bench_amigocloud_upload import FILENAME, _chunks, _curl, chunked_upload_target
from bench_links import MIB, PACES, Contest, _pace, _random_file

from geodock.plugin.platforms.amigocloud.adapter import AmigoCloudAdapter
from geodock.plugin.platforms.amigocloud.chunked_upload import ChunkedUpload

SIZES = {"1gbit": 256 * MIB, "100mbit": 64 * MIB}


def run(bench) -> None:
    folder = Path(tempfile.mkdtemp(prefix="geodock-bench-links-amigocloud-", dir=bench.workdir))
    server = bench.server("amigocloud")
    connection, url, token = chunked_upload_target(bench, "Bench links AmigoCloud")
    adapter = AmigoCloudAdapter(connection)
    try:
        for label, rate in PACES.items():
            size = SIZES[label]
            path = _random_file(folder / f"amigocloud-{label}.bin", size)
            chunks = _chunks(path, folder / f"chunks-{label}")
            contest = Contest(bench, f"link_{label}_amigocloud_upload_{size // MIB}mib", size, rate)

            def send(feedback, path=path, size=size) -> ChunkedUpload:
                upload = ChunkedUpload(url, path, FILENAME, size, "not-completed")
                upload.send(adapter.client, adapter.auth, feedback)
                return upload

            def check(upload, size=size) -> None:
                assert upload.offset == size and upload.upload_id

            def curl(chunks=chunks, size=size, contest=contest) -> float:
                return _curl(f"{url}?token={token}", chunks, size, contest.cpu["curl"])

            _pace(server, rate)
            try:
                contest.run({"curl": curl, "geodock": contest.geodock(send, check)}, [], "upload")
            finally:
                _pace(server, 0)
                shutil.rmtree(folder / f"chunks-{label}", ignore_errors=True)
                path.unlink(missing_ok=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
