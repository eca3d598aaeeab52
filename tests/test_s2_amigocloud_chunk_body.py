"""The body of each AmigoCloud upload chunk: the file's bytes read into place in one reused buffer."""

from __future__ import annotations

import os
import re

import pytest

from geodock.plugin.platforms.amigocloud.chunked_upload import ChunkedUpload, UploadError

CHUNK = 64 * 1024


def _parts(body: bytes, content_type: str) -> dict[str, bytes]:
    boundary = content_type.split("boundary=")[1].encode()
    found = {}
    for part in body.split(b"--" + boundary)[1:-1]:
        head, _, value = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]+)"', head).group(1).decode()
        found[name] = value[:-2]  # the CRLF before the next boundary
    assert body.endswith(b"--" + boundary + b"--\r\n")
    return found


def test_each_chunk_carries_its_own_slice_of_the_file(tmp_path):
    data = os.urandom(2 * CHUNK + 1000)
    path = tmp_path / "sites.gpkg"
    path.write_bytes(data)
    upload = ChunkedUpload("http://127.0.0.1:1/", path, "sites.gpkg", len(data), "md5", chunk_size=CHUNK)
    body, content_type, end = upload._body(0)
    assert end == CHUNK and _parts(bytes(body), content_type) == {"datafile": data[:CHUNK]}
    upload.upload_id = "u-1"
    body, content_type, end = upload._body(CHUNK)
    first_buffer = body
    assert end == 2 * CHUNK
    assert _parts(bytes(body), content_type) == {"upload_id": b"u-1", "datafile": data[CHUNK : 2 * CHUNK]}
    body, content_type, end = upload._body(CHUNK)  # the same chunk again (sent again after a cut)
    assert body is first_buffer  # the buffer is reused, not made again
    body, content_type, end = upload._body(2 * CHUNK)
    assert end == len(data)
    assert _parts(bytes(body), content_type) == {"upload_id": b"u-1", "datafile": data[2 * CHUNK :]}


def test_a_file_that_shrank_is_refused_not_sent_short(tmp_path):
    path = tmp_path / "sites.gpkg"
    path.write_bytes(os.urandom(2 * CHUNK))
    upload = ChunkedUpload("http://127.0.0.1:1/", path, "sites.gpkg", 2 * CHUNK, "md5", chunk_size=CHUNK)
    path.write_bytes(os.urandom(CHUNK + 10))
    with pytest.raises(UploadError, match="got shorter"):
        upload._body(CHUNK)
