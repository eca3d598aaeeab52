"""The official ``amigocloud`` SDK's uploads (``upload_datafile``: ``datasets/upload`` under 8 MB, else
``datasets/chunked_upload`` + ``complete``) against the local AmigoCloud server: the contract Geodock's uploader
speaks. A new dataset appears only when its import job has succeeded; the job is held by the test, not timed.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "_stubs"))

from amigocloud import AmigoCloud, AmigoCloudError

OWNER = 1


@pytest.fixture
def server(amigocloud_server):
    amigocloud_server._send_json("DELETE", "/__amigocloud_uploads__/log")
    yield amigocloud_server
    amigocloud_server._send_json("DELETE", "/__amigocloud_uploads__/log")


@pytest.fixture
def client(server):
    sdk = AmigoCloud(token=server.credentials["token"], base_url=server.root)
    # A project of the test's own: the server lives for the session, the catalog's projects stay as they are.
    sdk.project_id = sdk.post("me/projects", {"name": "sdk uploads"})["id"]
    yield sdk
    with contextlib.suppress(Exception):
        sdk.socketio.disconnect()


def geojson_file(folder: Path, name: str, count: int) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {"name": f"site {i}", "rank": i},
            "geometry": {"type": "Point", "coordinates": [10 + i * 0.01, 50 + i * 0.01]},
        }
        for i in range(count)
    ]
    path = folder / f"{name}.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def wait_job(client: AmigoCloud, job: str) -> dict:
    """Poll the job until it ends (the server ends it once the test released its import)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state = client.get(f"/me/jobs/{job}")
        if state["status"] in ("SUCCESS", "FAILURE"):
            return state
    raise AssertionError(f"job {job} did not end")


def dataset_names(client: AmigoCloud) -> set[str]:
    page = client.get(f"users/{OWNER}/projects/{client.project_id}/datasets", params={"limit": 1000})
    return {item["name"] for item in page["results"]}


def test_simple_upload_becomes_a_dataset_when_its_job_is_released(client, server, tmp_path):
    path = geojson_file(tmp_path, "sdk_simple_sites", 25)
    server._send_json("POST", "/__amigocloud_uploads__/faults", {"hold_import": "sdk-simple"})
    answer = client.upload_datafile(OWNER, client.project_id, str(path))
    assert answer["job"]
    deadline = time.monotonic() + 10
    while server.held("sdk-simple") == 0:  # the import waits for the test
        assert time.monotonic() < deadline
    assert client.get(f"/me/jobs/{answer['job']}")["status"] == "STARTED"
    assert "sdk_simple_sites" not in dataset_names(client)
    server.release("sdk-simple")
    state = wait_job(client, answer["job"])
    assert state["status"] == "SUCCESS"
    dataset = client.get(state["extra"]["dataset_url"])
    assert dataset["name"] == "sdk_simple_sites" and dataset["feature_count"] == 25
    assert "sdk_simple_sites" in dataset_names(client)


def test_chunked_upload_sends_ranges_and_md5(client, server, tmp_path):
    path = geojson_file(tmp_path, "sdk_chunked_sites", 200)
    size = path.stat().st_size
    answer = client.upload_datafile(OWNER, client.project_id, str(path), chunk_size=4096, force_chunked=True)
    chunks = server._send_json("GET", "/__amigocloud_uploads__/log")["chunks"]
    assert [c["outcome"] for c in chunks] == ["stored"] * len(chunks) and len(chunks) == -(-size // 4096)
    assert [c["start"] for c in chunks] == list(range(0, size, 4096))
    assert len({c["upload_id"] for c in chunks}) == 1
    state = wait_job(client, answer["job"])
    assert state["status"] == "SUCCESS"
    # The SDK names no file when it completes: the server's default name; the rows are all there.
    assert client.get(state["extra"]["dataset_url"])["feature_count"] == 200


def test_chunk_out_of_place_is_refused_with_the_servers_offset(client, server, tmp_path):
    first = client.post(
        f"users/{OWNER}/projects/{client.project_id}/datasets/chunked_upload",
        files={"datafile": b"0123456789"},
        headers={"Content-Range": "bytes 0-9/30"},
    )
    assert first["offset"] == 10
    with pytest.raises(AmigoCloudError) as err:
        client.post(
            f"users/{OWNER}/projects/{client.project_id}/datasets/chunked_upload",
            data={"upload_id": first["upload_id"]},
            files={"datafile": b"abcdefghij"},
            headers={"Content-Range": "bytes 20-29/30"},
        )
    assert err.value.response.status_code == 400 and err.value.response.json()["offset"] == 10
    with pytest.raises(AmigoCloudError) as err:
        client.post(
            f"users/{OWNER}/projects/{client.project_id}/datasets/chunked_upload/complete",
            data={"upload_id": first["upload_id"], "md5": "0" * 32},
        )
    assert "incomplete" in err.value.response.json()["detail"]


def test_wrong_md5_and_unknown_upload_are_refused(client, server):
    url = f"users/{OWNER}/projects/{client.project_id}/datasets/chunked_upload"
    first = client.post(url, files={"datafile": b"abc"}, headers={"Content-Range": "bytes 0-2/3"})
    with pytest.raises(AmigoCloudError) as err:
        client.post(url + "/complete", data={"upload_id": first["upload_id"], "md5": "0" * 32})
    assert err.value.response.json()["detail"] == "md5 checksum does not match"
    with pytest.raises(AmigoCloudError) as err:
        client.post(
            url, data={"upload_id": "nope"}, files={"datafile": b"abc"}, headers={"Content-Range": "bytes 3-5/6"}
        )
    assert err.value.response.status_code == 404
