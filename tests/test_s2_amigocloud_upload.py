"""AmigoCloud upload against the local server: a small layer in one request, a big one in bounded chunks, a
connection cut at 60 % (sent again from where the server stands, automatically or by a later resume), the import
job followed until the dataset is ready (held by the test), and a server whose answers do not add up.

Chunks are made small (16 KiB) so that a layer of a few hundred points needs many; the code path is the one a
4 MiB chunk takes.
"""

from __future__ import annotations

import uuid as _uuid

import pytest
from helpers import TaskRun, run_task, wait_until
from qgis.core import QgsFeature, QgsFeedback, QgsField, QgsGeometry, QgsPointXY, QgsVectorLayer
from qgis.PyQt.QtCore import QVariant

from geodock.plugin.connections import Connection
from geodock.plugin.errors import ValidationError
from geodock.plugin.job_model import JobState
from geodock.plugin.platforms.amigocloud.adapter import AmigoCloudAdapter
from geodock.plugin.platforms.amigocloud.chunked_upload import ChunkedUpload, UploadError, UploadInterruptedError
from geodock.plugin.platforms.amigocloud.upload import resume_upload, upload_layer

CHUNK = 16 * 1024
CONTROL = "/__amigocloud_uploads__"


def unique(base: str) -> str:
    return f"{base}_{_uuid.uuid4().hex[:8]}"


@pytest.fixture
def server(amigocloud_server):
    amigocloud_server._send_json("DELETE", CONTROL + "/log")
    yield amigocloud_server
    amigocloud_server._send_json("DELETE", CONTROL + "/log")


@pytest.fixture
def project(server) -> str:
    """A new project of the test's own (the server lives for the session: the catalog's projects stay as they are)."""
    token = server.credentials["token"]
    doc = server._send_json(
        "POST", f"/api/v1/me/projects?token={token}", {"name": f"s2 uploads {_uuid.uuid4().hex[:6]}"}
    )
    return str(doc["id"])


@pytest.fixture
def connection(server, connections) -> Connection:
    connections.import_json({"connections": [server.connection()]})
    return connections.all()[0]


def points_layer(count: int, name: str = "sites") -> QgsVectorLayer:
    layer = QgsVectorLayer("Point?crs=EPSG:4326", name, "memory")
    layer.dataProvider().addAttributes([QgsField("name", QVariant.String), QgsField("rank", QVariant.Int)])
    layer.updateFields()
    features = []
    for i in range(count):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([f"site {i} " + "x" * 40, i])
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(10 + i * 0.001, 50 + i * 0.001)))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def chunk_log(server) -> list[dict]:
    return server._send_json("GET", CONTROL + "/log")["chunks"]


#: ``drop_times`` for a cut that lasts until the test lifts it.
UNTIL_LIFTED = 10_000


def faults(server, **values) -> None:
    server._send_json("POST", CONTROL + "/faults", values)


def dataset_doc(connection: Connection, url: str) -> dict:
    adapter = AmigoCloudAdapter(connection)
    return run_task(lambda feedback: adapter.client.get_json(url, auth=adapter.auth, feedback=feedback))


def project_dataset_names(server, project: str) -> set[str]:
    """The project's dataset names, asked without a QgsTask (the task pool may be busy with the held upload)."""
    token = server.credentials["token"]
    doc = server._send_json("GET", f"/api/v1/users/1/projects/{project}/datasets?summary&limit=1000&token={token}")
    return {item["name"] for item in doc["results"]}


def chunked(connection: Connection, layer: QgsVectorLayer, name: str, project: str):
    return lambda feedback: upload_layer(connection, layer, name, project, feedback, chunk_size=CHUNK, simple_limit=0)


def assert_whole_file_once(chunks: list[dict]) -> int:
    """Every byte stored once, in order; returns the file's size."""
    stored = [c for c in chunks if c["outcome"] == "stored"]
    assert stored and stored[0]["start"] == 0
    for before, after in zip(stored, stored[1:]):
        assert after["start"] == before["end"] + 1
    assert stored[-1]["end"] == stored[-1]["total"] - 1
    assert all(c["end"] - c["start"] + 1 <= CHUNK for c in chunks)  # bounded pieces
    assert len({c["upload_id"] for c in stored}) == 1
    return stored[-1]["total"]


def test_small_layer_goes_in_one_request(connection, project, server):
    name = unique("s2_small")
    dataset = run_task(lambda feedback: upload_layer(connection, points_layer(3), name, project, feedback))
    assert chunk_log(server) == []  # datasets/upload, no chunk
    doc = dataset_doc(connection, dataset.url)
    assert (doc["name"], doc["feature_count"], str(doc["id"])) == (name, 3, dataset.dataset_id)


def test_big_layer_goes_in_bounded_chunks(connection, project, server):
    name = unique("s2_chunked")
    dataset = run_task(chunked(connection, points_layer(600), name, project))
    chunks = chunk_log(server)
    assert all(c["outcome"] == "stored" for c in chunks) and len(chunks) > 5
    size = assert_whole_file_once(chunks)
    assert len(chunks) == -(-size // CHUNK)
    assert dataset_doc(connection, dataset.url)["feature_count"] == 600


def test_connection_cut_at_60_percent_is_sent_again_from_there(connection, project, server):
    faults(server, drop_at=0.6)
    name = unique("s2_dropped")
    dataset = run_task(chunked(connection, points_layer(600), name, project))
    chunks = chunk_log(server)
    dropped = [i for i, c in enumerate(chunks) if c["outcome"] == "dropped"]
    assert len(dropped) == 1
    cut = chunks[dropped[0]]
    assert 0.4 < cut["start"] / cut["total"] <= 0.6 <= (cut["end"] + 1) / cut["total"]
    assert chunks[dropped[0] + 1]["start"] == cut["start"]  # only the missing bytes, from the server's offset
    assert all(c["start"] >= cut["start"] for c in chunks[dropped[0] :])
    assert_whole_file_once(chunks)
    assert dataset_doc(connection, dataset.url)["feature_count"] == 600


def test_interrupted_upload_resumes_later_with_only_the_rest(connection, project, server):
    # Cut every time until lifted: Qt itself sends a cut request again up to 3 times, so no count is safe.
    faults(server, drop_at=0.6, drop_times=UNTIL_LIFTED)
    name = unique("s2_resumed")
    with pytest.raises(UploadInterruptedError) as err:
        run_task(chunked(connection, points_layer(600), name, project))
    upload = err.value.upload
    assert "60" in err.value.message or "5" in err.value.message
    assert 0.4 < upload.fraction <= 0.6 and upload.path.is_file()
    faults(server, drop_at=None, drop_times=1)  # the connection is back
    before = len(chunk_log(server))
    assert name not in project_dataset_names(server, project)  # nothing half-written shows as a dataset
    dataset = run_task(lambda feedback: resume_upload(connection, upload, name, feedback))
    chunks = chunk_log(server)
    assert all(c["start"] >= upload.size * 0.4 for c in chunks[before:])
    assert chunks[before]["start"] == chunks[before - 1]["start"]  # the chunk that was cut, and on from there
    assert_whole_file_once(chunks)
    assert dataset_doc(connection, dataset.url)["feature_count"] == 600
    assert not upload.path.exists()  # its temporary file is gone once sent


def test_lost_answer_follows_the_offset_the_server_holds(connection, project, server):
    faults(server, drop_answer_at=0.6)  # the chunk is stored, its answer never arrives
    name = unique("s2_lost_answer")
    dataset = run_task(chunked(connection, points_layer(600), name, project))
    chunks = chunk_log(server)
    stored_then = [i for i, c in enumerate(chunks) if c["outcome"] == "rejected"]
    assert len(stored_then) == 1  # the chunk sent again was refused with the server's offset...
    again = chunks[stored_then[0]]
    assert chunks[stored_then[0] + 1]["start"] == again["end"] + 1  # ...and the upload went on from there
    assert_whole_file_once(chunks)
    assert dataset_doc(connection, dataset.url)["feature_count"] == 600


def test_the_new_dataset_is_followed_until_ready(connection, project, server, jobs):
    faults(server, hold_import="s2-import")
    name = unique("s2_followed")
    run = TaskRun(lambda feedback: upload_layer(connection, points_layer(5), name, project, feedback))
    wait_until(lambda: server.held("s2-import") == 1, 30, "the import to be held")
    wait_until(lambda: any(job.kind == "upload" for job in jobs.jobs()), 30, "the import in the Jobs dock")
    job = next(job for job in jobs.jobs() if job.kind == "upload")
    assert job.platform == "amigocloud" and name in job.title and not job.add_to_project
    assert not run.done and name not in project_dataset_names(server, project)
    server.release("s2-import")
    run.wait(60)
    assert run.error is None, run.error
    wait_until(lambda: jobs.get(job.id).state == JobState.SUCCEEDED, 60, "the Jobs dock to see it ready")
    assert jobs.get(job.id).result["dataset"] == run.result.dataset_id
    assert name in project_dataset_names(server, project)


def test_another_upload_id_stops_the_upload(connection, project, server):
    faults(server, wrong_upload_id=True)
    name = unique("s2_wrong_id")
    with pytest.raises(UploadError) as err:
        run_task(chunked(connection, points_layer(600), name, project))
    assert "another upload" in err.value.message
    assert len(chunk_log(server)) == 2  # stopped at once: the second answer named another upload
    assert name not in project_dataset_names(server, project)


def test_a_wrong_offset_stops_the_upload(connection, project, server):
    faults(server, bad_offset=True)
    name = unique("s2_bad_offset")
    with pytest.raises(UploadError) as err:
        run_task(chunked(connection, points_layer(600), name, project))
    assert "holds" in err.value.message and name not in project_dataset_names(server, project)


def test_a_refused_md5_is_a_clear_error(connection, project, server, tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"0123456789" * 5000)
    adapter = AmigoCloudAdapter(connection)
    url = adapter.url(f"users/1/projects/{project}/datasets/chunked_upload")
    upload = ChunkedUpload(url, path, "data.bin", path.stat().st_size, "0" * 32, chunk_size=CHUNK)

    def work(feedback: QgsFeedback):
        upload.send(adapter.client, adapter.auth, feedback)
        return upload.complete(adapter.client, adapter.auth, feedback)

    with pytest.raises(ValidationError) as err:
        run_task(work)
    assert "md5 checksum does not match" in err.value.message


def test_a_user_token_needs_a_project(connection):
    with pytest.raises(UploadError) as err:
        run_task(lambda feedback: upload_layer(connection, points_layer(2), "nowhere", None, feedback))
    assert "project" in err.value.message


def test_processing_algorithm(connection, project, server, geodock_provider):
    import processing

    name = unique("s2_processing")
    result = processing.run(
        "geodock:amigocloudupload",
        {"CONNECTION": connection.name, "INPUT": points_layer(4), "PROJECT": project, "NAME": name},
    )
    doc = dataset_doc(connection, result["DATASET_URL"])
    assert (doc["name"], doc["feature_count"], str(doc["id"])) == (name, 4, result["DATASET_ID"])
