"""Downloads against a hostile server: resumes are never stitched from two versions or placed wrong, a complete
``.part`` is finished, and a final name is reserved atomically -- a file already there is never replaced.

Issue 13, items 6 and 7. The server (tests/servers/hostile.py) plays lying ranges, changed files and cut
transfers; every file is checked byte for byte against what the server meant to send.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import pytest
from helpers import TaskRun, run_task, wait_until

from geodock.plugin import errors
from geodock.plugin.net.client import HttpClient, HttpRequest
from geodock.plugin.net.download import download

SIZE = 1_000_000
CUT = 300_000


def payload(size: int, seed: int) -> bytes:
    """The bytes the hostile server sends for ``{"bytes": {"size": size, "seed": seed}}``."""
    block = hashlib.sha256(f"geodock-hostile-{seed}".encode()).digest() * 2048
    whole, rest = divmod(size, len(block))
    return block * whole + block[:rest]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def client():
    return HttpClient()


def fetch(client, url: str, folder: Path, filename=None, **kwargs):
    return run_task(lambda fb: download(client, HttpRequest(url), folder, filename, feedback=fb, **kwargs))


def resume_headers(hostile) -> list[dict[str, str]]:
    return [r["headers"] for r in hostile.received() if r["path"] == "/file.bin"]


def test_a_file_changed_on_the_server_is_downloaded_again_never_stitched(client, hostile, tmp_path):
    """Cut at 300 kB of version 1; when resumed the server has version 2 (a new ETag): If-Range does not match,
    the server sends version 2 whole, and the file is exactly version 2."""
    hostile.script(
        {"path": "/file.bin", "times": 1, "bytes": {"size": SIZE, "seed": 1}, "etag": '"v1"', "drop_after": CUT},
        {"path": "/file.bin", "bytes": {"size": SIZE, "seed": 2}, "etag": '"v2"'},
    )
    result = fetch(client, f"{hostile.root}/file.bin", tmp_path)
    assert sha(result.path.read_bytes()) == sha(payload(SIZE, 2))
    first, second = resume_headers(hostile)
    assert "Range" not in first
    assert second["Range"] == f"bytes={CUT}-"
    assert second["If-Range"] == '"v1"'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.bin"]


@pytest.mark.parametrize("ranges", ["no-content-range", "wrong-start"])
def test_a_partial_answer_that_does_not_say_or_is_not_what_was_asked_is_never_written(
    client, hostile, tmp_path, ranges
):
    """A 206 without Content-Range, or one starting at byte 0 instead of the byte asked for, is refused: the
    download starts again from byte 0 (a plain GET) and the file is the server's, byte for byte."""
    hostile.script(
        {"path": "/file.bin", "times": 1, "bytes": {"size": SIZE, "seed": 3}, "etag": '"v1"', "drop_after": CUT},
        {"path": "/file.bin", "bytes": {"size": SIZE, "seed": 3}, "etag": '"v1"', "ranges": ranges},
    )
    result = fetch(client, f"{hostile.root}/file.bin", tmp_path)
    assert result.size == SIZE
    assert sha(result.path.read_bytes()) == sha(payload(SIZE, 3))
    ranges_asked = [h.get("Range") for h in resume_headers(hostile)]
    assert ranges_asked == [None, f"bytes={CUT}-", None]


def test_a_server_ignoring_range_on_resume_restarts_the_file(client, hostile, tmp_path):
    """A 200 (the whole file) answering a resume replaces what the .part held: the file is not 1.3 MB."""
    hostile.script(
        {"path": "/file.bin", "times": 1, "bytes": {"size": SIZE, "seed": 4}, "etag": '"v1"', "drop_after": CUT},
        {"path": "/file.bin", "bytes": {"size": SIZE, "seed": 4}, "etag": '"v1"', "ranges": "ignore"},
    )
    result = fetch(client, f"{hostile.root}/file.bin", tmp_path)
    assert result.size == SIZE == result.path.stat().st_size
    assert sha(result.path.read_bytes()) == sha(payload(SIZE, 4))
    assert resume_headers(hostile)[1]["If-Range"] == '"v1"'


@pytest.mark.parametrize("named", [False, True], ids=["server-name", "caller-name"])
def test_a_complete_part_answered_416_is_finished_in_a_new_session(client, hostile, tmp_path, named):
    """QGIS died right after the last byte (before the rename): the next session's download asks for the rest,
    gets 416 (bytes */SIZE), sees that the .part holds all of it, and finishes -- it does not fail every time."""
    hostile.script(
        {
            "path": "/file.bin",
            "bytes": {"size": SIZE, "seed": 5},
            "etag": '"v1"',
            "headers": {"Content-Disposition": 'attachment; filename="file.bin"'},
        }
    )
    filename = "file.bin" if named else None

    def stop_at_the_end(done: int, total: int) -> None:
        if done >= SIZE:
            raise errors.CancelledError("QGIS is closing")

    with pytest.raises(errors.CancelledError):
        fetch(client, f"{hostile.root}/file.bin", tmp_path, filename, on_progress=stop_at_the_end)
    assert (tmp_path / "file.bin.part").stat().st_size == SIZE
    assert not (tmp_path / "file.bin").exists()
    result = fetch(client, f"{hostile.root}/file.bin", tmp_path, filename)  # a new session
    assert result.size == SIZE
    assert sha(result.path.read_bytes()) == sha(payload(SIZE, 5))
    last = resume_headers(hostile)[-1]
    assert (last["Range"], last["If-Range"]) == (f"bytes={SIZE}-", '"v1"')
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.bin"]


def test_a_416_for_a_part_that_is_not_the_servers_whole_file_starts_again(client, hostile, tmp_path):
    """The .part of a finished-but-not-renamed download; the server's file is now shorter (416, bytes */SIZE with
    another SIZE): the .part is not the file, so the download starts again and gets the server's file."""
    hostile.script({"path": "/file.bin", "times": 1, "bytes": {"size": SIZE, "seed": 10}, "etag": '"v1"'})

    def stop_at_the_end(done: int, total: int) -> None:
        if done >= SIZE:
            raise errors.CancelledError("QGIS is closing")

    with pytest.raises(errors.CancelledError):
        fetch(client, f"{hostile.root}/file.bin", tmp_path, "file.bin", on_progress=stop_at_the_end)
    hostile.script({"path": "/file.bin", "bytes": {"size": SIZE - 1000, "seed": 11}, "etag": '"v1"'})
    result = fetch(client, f"{hostile.root}/file.bin", tmp_path, "file.bin")
    assert sha(result.path.read_bytes()) == sha(payload(SIZE - 1000, 11))
    assert [h.get("Range") for h in resume_headers(hostile)] == [f"bytes={SIZE}-", None]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.bin"]


@pytest.mark.parametrize("named", [False, True], ids=["server-name", "caller-name"])
def test_two_downloads_of_one_name_at_once_get_two_files(client, hostile, tmp_path, named):
    """Both requests are in flight before either answer starts: each download reserves its own name and
    writes its own .part, so both files are whole and different."""
    disposition = {"Content-Disposition": 'attachment; filename="same.bin"'}
    size = 4 * SIZE
    hostile.script(
        {"path": "/same", "times": 1, "bytes": {"size": size, "seed": 6}, "hold": "go", "headers": disposition},
        {"path": "/same", "times": 1, "bytes": {"size": size, "seed": 7}, "hold": "go", "headers": disposition},
    )
    filename = "same.bin" if named else None
    both_writing = threading.Barrier(2, timeout=20)

    started: set[int] = set()

    def meet(done: int, total: int) -> None:
        if threading.get_ident() not in started:  # each download's first chunk waits for the other's first
            started.add(threading.get_ident())
            both_writing.wait()

    runs = [
        TaskRun(
            lambda fb: download(
                client, HttpRequest(f"{hostile.root}/same"), tmp_path, filename, feedback=fb, on_progress=meet
            )
        )
        for _ in range(2)
    ]
    wait_until(lambda: len(hostile.received()) == 2, 20, "both requests in flight")
    hostile.release("go")
    for run in runs:
        run.wait(60)
        assert run.error is None, run.error
    paths = sorted(run.result.path for run in runs)
    assert [p.name for p in paths] == ["same (1).bin", "same.bin"]
    assert {sha(p.read_bytes()) for p in paths} == {sha(payload(size, 6)), sha(payload(size, 7))}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["same (1).bin", "same.bin"]


def test_a_file_the_user_has_is_never_replaced(client, hostile, tmp_path):
    (tmp_path / "keep.bin").write_bytes(b"precious")
    hostile.script(
        {
            "path": "/keep",
            "bytes": {"size": 1000, "seed": 8},
            "headers": {"Content-Disposition": "attachment; filename=keep.bin"},
        }
    )
    first = fetch(client, f"{hostile.root}/keep", tmp_path)
    second = fetch(client, f"{hostile.root}/keep", tmp_path, "keep.bin")
    assert (first.path.name, second.path.name) == ("keep (1).bin", "keep (2).bin")
    assert (tmp_path / "keep.bin").read_bytes() == b"precious"


def test_a_file_saved_under_the_reserved_name_meanwhile_is_not_replaced(client, hostile, tmp_path):
    """The reserved (empty) name is taken over by the user while the download runs: the download is saved
    under another name instead of over the user's file."""
    hostile.script({"path": "/late", "bytes": {"size": 1000, "seed": 9}, "hold": "go"})
    run = TaskRun(lambda fb: download(client, HttpRequest(f"{hostile.root}/late"), tmp_path, "late.bin", feedback=fb))
    wait_until(lambda: len(hostile.received()) == 1, 20, "the request in flight")
    (tmp_path / "late.bin").write_bytes(b"saved by the user meanwhile")
    hostile.release("go")
    run.wait(30)
    assert run.error is None, run.error
    assert run.result.path == tmp_path / "late (1).bin"
    assert run.result.path.read_bytes() == payload(1000, 9)
    assert (tmp_path / "late.bin").read_bytes() == b"saved by the user meanwhile"


def test_a_geobox_publish_result_never_replaces_a_file_in_the_job_folder(geobox_server, connections, tmp_path):
    """A finished publish task's layer is copied into the job folder under a new name: the user's file of the
    same name stays as it was."""
    from geodock.plugin.job_model import Job
    from geodock.plugin.platforms.geobox.jobs import GeoboxTaskBackend, GeoboxTasks

    (connection,) = connections.import_json({"connections": [geobox_server.connection()]})
    api = GeoboxTasks(connection)
    docs = run_task(
        lambda fb: api.client.get_json(
            api.adapter.url("vectorLayers/"), params={"f": "json", "limit": 50}, auth=api._auth(fb), feedback=fb
        )
    )
    layer = next(d for d in docs if d["name"] == "countries")
    resource = run_task(lambda fb: api.adapter.resource_by_id(layer["uuid"], fb))
    mine = tmp_path / f"{resource.title}.gpkg"
    mine.write_bytes(b"the user's own file")
    job = Job(
        platform="geobox",
        connection=connection.name,
        remote_id="task-1",
        title="publish",
        kind="task",
        result={"layer_uuid": layer["uuid"]},
    )
    (path,) = run_task(lambda fb: GeoboxTaskBackend(connection).fetch_results(job, tmp_path, fb))
    assert mine.read_bytes() == b"the user's own file"
    assert path == tmp_path / f"{resource.title} (1).gpkg"
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, path.name])


def test_ogc_geojson_results_never_replace_a_file_in_the_job_folder(tmp_path):
    """Inline GeoJSON outputs become new files; a file of the same name already in the folder stays."""
    from geodock.plugin.platforms.ogcapi.jobs import write_results

    (tmp_path / "area.geojson").write_text("the user's own")
    collection = {"type": "FeatureCollection", "features": []}
    written = write_results(None, {"area": collection, "other": collection}, tmp_path, "job-1")
    assert (tmp_path / "area.geojson").read_text() == "the user's own"
    assert [p.name for p in written.layer_files] == ["area (1).geojson", "other.geojson"]
    assert json.loads((tmp_path / "area (1).geojson").read_text()) == collection
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "area (1).geojson",
        "area.geojson",
        "other.geojson",
        "results-job-1.json",
    ]
