"""The local OGC API - Processes servers speak the standard: wraptile (Geodock demo processes) and pygeoapi.

Plain HTTP (``requests``) against real servers started through the ``wraptile_server`` / ``pygeoapi_server``
fixtures (``tests/servers/ogc/*_server.py``)::

    .venv-servers/bin/python -m pytest -p no:qgis tests/sdk/test_ogc_servers.py -q
"""

from __future__ import annotations

import time
from typing import Any, Callable

import pytest
import requests
from servers import launch

JSON = {"Content-Type": "application/json", "Accept": "application/json"}
START_LIMIT = 30.0  # seconds a server may take to answer its health URL

FC = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": "a",
            "properties": {"name": "point"},
            "geometry": {"type": "Point", "coordinates": [10, 50]},
        },
        {
            "type": "Feature",
            "properties": {"name": "line"},
            "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
        },
        {
            "type": "Feature",
            "properties": {"name": "square"},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]},
        },
    ],
}


def _timed(request: pytest.FixtureRequest, name: str) -> launch.Server:
    pool = request.getfixturevalue("server_pool")
    cold = name not in pool.running
    t0 = time.monotonic()
    server = request.getfixturevalue(f"{name}_server")
    elapsed = time.monotonic() - t0
    if cold:
        print(f"\n{name} started in {elapsed:.2f} s")
        assert elapsed < START_LIMIT, f"{name} took {elapsed:.1f} s to start"
    return server


@pytest.fixture
def wt(request: pytest.FixtureRequest) -> launch.Server:
    return _timed(request, "wraptile")


@pytest.fixture
def pg(request: pytest.FixtureRequest) -> launch.Server:
    return _timed(request, "pygeoapi")


def wait_for(
    fetch: Callable[[], dict[str, Any]], done: Callable[[dict[str, Any]], bool], timeout: float = 30.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; last: {value}")
        time.sleep(0.2)


# ---------------------------------------------------------------------------------------------- wraptile


def wt_execute(server: launch.Server, process_id: str, inputs: dict[str, Any]) -> requests.Response:
    return requests.post(
        f"{server.root}/processes/{process_id}/execution", json={"inputs": inputs}, headers=JSON, timeout=10
    )


def wt_job(server: launch.Server, job_id: str) -> dict[str, Any]:
    reply = requests.get(f"{server.root}/jobs/{job_id}", timeout=10)
    assert reply.status_code == 200, reply.text
    return reply.json()


def wt_run(server: launch.Server, process_id: str, inputs: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
    """Execute, poll to a final status, return the final statusInfo."""
    reply = wt_execute(server, process_id, inputs)
    assert reply.status_code == 201, reply.text
    info = reply.json()
    assert info["processID"] == process_id
    assert info["status"] in ("accepted", "running", "successful", "failed")  # may already be final
    assert "Location" not in reply.headers  # wraptile 0.3 sends none
    return wait_for(
        lambda: wt_job(server, info["jobID"]), lambda j: j["status"] in ("successful", "failed", "dismissed"), timeout
    )


def wt_results(server: launch.Server, job_id: str) -> dict[str, Any]:
    reply = requests.get(f"{server.root}/jobs/{job_id}/results", timeout=10)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_wraptile_landing_and_conformance(wt: launch.Server) -> None:
    landing = requests.get(wt.root + "/", timeout=10).json()
    assert landing["title"] == "Geodock demo processes"
    assert any(link["href"].endswith("/processes") for link in landing["links"])
    conforms = requests.get(wt.root + "/conformance", timeout=10).json()["conformsTo"]
    for conf in ("core", "ogc-process-description", "json", "job-list", "dismiss"):
        assert f"http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/{conf}" in conforms


def test_wraptile_lists_demo_processes(wt: launch.Server) -> None:
    listing = requests.get(wt.root + "/processes", timeout=10).json()
    ids = [p["id"] for p in listing["processes"]]
    assert ids == ["buffer", "clip_summary", "slow_job", "fail_job", "export_file"]
    assert all(p["version"] == "1.0.0" and p["title"] for p in listing["processes"])


def test_wraptile_describes_buffer(wt: launch.Server) -> None:
    desc = requests.get(wt.root + "/processes/buffer", timeout=10).json()
    assert desc["id"] == "buffer"
    inputs = desc["inputs"]
    assert set(inputs) == {"features", "distance", "segments"}
    assert inputs["features"]["minOccurs"] == 1
    assert inputs["features"]["schema"]["type"] == "object"
    assert inputs["features"]["schema"]["format"] == "geojson-feature-collection"
    assert inputs["distance"]["minOccurs"] == 0
    assert inputs["distance"]["schema"] == {"type": "number", "default": 1.0, "minimum": 0, "maximum": 10}
    assert inputs["segments"]["schema"] == {"type": "integer", "default": 8, "minimum": 1, "maximum": 32}
    assert desc["outputs"]["result"]["schema"]["format"] == "geojson-feature-collection"


def test_wraptile_describes_clip_summary_and_export(wt: launch.Server) -> None:
    clip = requests.get(wt.root + "/processes/clip_summary", timeout=10).json()
    bbox = clip["inputs"]["bbox"]
    assert bbox["minOccurs"] == 1
    assert bbox["schema"]["format"] == "ogc-bbox"
    assert bbox["schema"]["required"] == ["bbox"]
    assert bbox["schema"]["properties"]["bbox"]["minItems"] == 4
    assert clip["inputs"]["layer"]["schema"] == {
        "type": "string",
        "enum": ["countries", "states_provinces"],
        "default": "countries",
    }
    assert clip["inputs"]["layer"]["minOccurs"] == 0
    assert set(clip["outputs"]) == {"summary", "features"}
    export = requests.get(wt.root + "/processes/export_file", timeout=10).json()
    assert export["inputs"]["format"]["schema"]["enum"] == ["geojson", "geotiff"]
    assert export["outputs"]["file"]["schema"]["required"] == ["href"]


def test_wraptile_buffer(wt: launch.Server) -> None:
    job = wt_run(wt, "buffer", {"features": FC, "distance": 0.5, "segments": 16})
    assert job["status"] == "successful", job
    result = wt_results(wt, job["jobID"])["result"]
    assert result["type"] == "FeatureCollection"
    assert len(result["features"]) == 3
    assert [f["properties"]["name"] for f in result["features"]] == ["point", "line", "square"]
    assert result["features"][0]["id"] == "a"
    assert {f["geometry"]["type"] for f in result["features"]} == {"Polygon"}
    ring = result["features"][0]["geometry"]["coordinates"][0]
    assert len(ring) == 4 * 16 + 1  # segments per quarter circle
    assert all(abs(((x - 10) ** 2 + (y - 50) ** 2) ** 0.5 - 0.5) < 1e-9 for x, y in ring)


def test_wraptile_buffer_defaults_and_bad_input(wt: launch.Server) -> None:
    job = wt_run(wt, "buffer", {"features": FC})
    assert job["status"] == "successful"
    ring = wt_results(wt, job["jobID"])["result"]["features"][0]["geometry"]["coordinates"][0]
    assert len(ring) == 4 * 8 + 1 and abs(ring[0][0] - 11.0) < 1e-9  # distance 1, 8 segments
    reply = wt_execute(wt, "buffer", {"features": FC, "distance": 20})
    assert reply.status_code == 400
    body = reply.json()
    assert body["type"].endswith("#bad-request") and body["status"] == 400
    assert "less than or equal to 10" in body["detail"]
    reply = wt_execute(wt, "no_such_process", {})
    assert (
        reply.status_code == 404
        and reply.json()["type"] == "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/no-such-process"
    )


def _points(coords: Any) -> list[tuple[float, float]]:
    if coords and isinstance(coords[0], (int, float)):
        return [(coords[0], coords[1])]
    return [pt for part in coords for pt in _points(part)]


def test_wraptile_clip_summary(wt: launch.Server) -> None:
    job = wt_run(
        wt, "clip_summary", {"bbox": {"bbox": [5, 45, 15, 55], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}
    )
    assert job["status"] == "successful", job
    results = wt_results(wt, job["jobID"])
    summary, features = results["summary"], results["features"]
    assert summary["layer"] == "countries"
    assert summary["count"] == len(features["features"]) == 14
    assert "Germany" in summary["names"] and "Switzerland" in summary["names"]
    assert 0 < summary["area"] <= 100  # square degrees, at most the bbox
    points = [pt for feature in features["features"] for pt in _points(feature["geometry"]["coordinates"])]
    assert all(5 - 1e-9 <= x <= 15 + 1e-9 and 45 - 1e-9 <= y <= 55 + 1e-9 for x, y in points)  # clipped
    job = wt_run(wt, "clip_summary", {"bbox": {"bbox": [5, 45, 15, 55]}, "layer": "states_provinces"})
    assert job["status"] == "successful", job
    assert wt_results(wt, job["jobID"])["summary"]["count"] > 14


def test_wraptile_slow_job_progress_then_dismiss(wt: launch.Server) -> None:
    reply = wt_execute(wt, "slow_job", {"seconds": 30})
    assert reply.status_code == 201
    job_id = reply.json()["jobID"]
    first = wait_for(lambda: wt_job(wt, job_id), lambda j: j["status"] == "running" and j.get("progress", 0) > 0, 10)
    later = wait_for(lambda: wt_job(wt, job_id), lambda j: j.get("progress", 0) > first["progress"], 10)
    assert later["status"] == "running"
    assert later["message"].startswith("Working: ")
    reply = requests.get(f"{wt.root}/jobs/{job_id}/results", timeout=10)
    assert (
        reply.status_code == 403
        and reply.json()["type"] == "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/result-not-ready"
    )
    assert job_id in [j["jobID"] for j in requests.get(wt.root + "/jobs", timeout=10).json()["jobs"]]
    reply = requests.delete(f"{wt.root}/jobs/{job_id}", timeout=10)
    assert reply.status_code == 200
    assert reply.json()["status"] == "dismissed"
    final = wait_for(lambda: wt_job(wt, job_id), lambda j: "finished" in j, 5)  # the thread really stopped
    assert final["status"] == "dismissed"
    assert final["progress"] < 50


def test_wraptile_job_ids_stay_unique_after_delete(wt: launch.Server) -> None:
    first = wt_run(wt, "fail_job", {})
    second = wt_run(wt, "fail_job", {})
    removed = requests.delete(f"{wt.root}/jobs/{first['jobID']}", timeout=10)
    assert removed.status_code == 200 and removed.json()["status"] == "dismissed"
    assert requests.get(f"{wt.root}/jobs/{first['jobID']}", timeout=10).status_code == 404  # finished: removed
    third = wt_run(wt, "fail_job", {})
    assert third["jobID"] not in (first["jobID"], second["jobID"])
    assert wt_job(wt, second["jobID"])["jobID"] == second["jobID"]


def test_wraptile_fail_job(wt: launch.Server) -> None:
    job = wt_run(wt, "fail_job", {})
    assert job["status"] == "failed"
    assert job["message"] == "Input rejected: the demo process always fails"
    reply = requests.get(f"{wt.root}/jobs/{job['jobID']}/results", timeout=10)
    assert reply.status_code == 403
    assert reply.json()["detail"].endswith("has failed")


@pytest.mark.parametrize("fmt", ["geojson", "geotiff"])
def test_wraptile_export_file(wt: launch.Server, fmt: str) -> None:
    job = wt_run(wt, "export_file", {"format": fmt})
    assert job["status"] == "successful", job
    link = wt_results(wt, job["jobID"])["file"]
    assert link["href"].startswith(wt.root + "/files/")
    download = requests.get(link["href"], timeout=30)
    assert download.status_code == 200
    if fmt == "geojson":
        assert link["type"] == "application/geo+json"
        data = download.json()
        assert data["type"] == "FeatureCollection" and len(data["features"]) == 240
    else:
        assert link["type"] == "image/tiff; application=geotiff"
        assert download.headers["content-type"] == "image/tiff"
        assert download.content[:4] in (b"II*\x00", b"MM\x00*")
        assert len(download.content) > 1000
    missing = requests.get(wt.root + "/files/nope/nothing.tif", timeout=10)
    assert missing.status_code == 404


def test_wraptile_testing_service(tmp_path) -> None:
    """wraptile's own demo service stays reachable with ``--service testing``."""
    server = launch.start("wraptile", tmp_path, extra_args=("--service", "testing"))
    try:
        ids = [p["id"] for p in requests.get(server.root + "/processes", timeout=10).json()["processes"]]
        assert "sleep_a_while" in ids and "primes_between" in ids
        job = wt_run(server, "primes_between", {"min_val": 0, "max_val": 20})
        assert wt_results(server, job["jobID"])["return_value"] == [2, 3, 5, 7, 11, 13, 17, 19]
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------- pygeoapi


def test_pygeoapi_landing_and_processes(pg: launch.Server) -> None:
    landing = requests.get(pg.root + "/?f=json", timeout=10).json()
    assert landing["title"] == "Geodock local pygeoapi"
    conforms = requests.get(pg.root + "/conformance?f=json", timeout=10).json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core" in conforms
    listing = requests.get(pg.root + "/processes?f=json", timeout=10).json()
    assert [p["id"] for p in listing["processes"]] == ["hello-world"]
    desc = requests.get(pg.root + "/processes/hello-world?f=json", timeout=10).json()
    assert desc["inputs"]["name"]["minOccurs"] == 1 and desc["inputs"]["message"]["minOccurs"] == 0
    assert set(desc["jobControlOptions"]) == {"sync-execute", "async-execute"}


def test_pygeoapi_hello_world_sync(pg: launch.Server) -> None:
    reply = requests.post(
        f"{pg.root}/processes/hello-world/execution", json={"inputs": {"name": "Geodock"}}, headers=JSON, timeout=10
    )
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"id": "echo", "value": "Hello Geodock!"}
    assert "/jobs/" in reply.headers["Location"]


def test_pygeoapi_hello_world_async(pg: launch.Server) -> None:
    headers = dict(JSON, Prefer="respond-async")
    body = {"inputs": {"name": "Geodock", "message": "async"}}
    reply = requests.post(f"{pg.root}/processes/hello-world/execution", json=body, headers=headers, timeout=10)
    assert reply.status_code == 201, reply.text
    assert reply.headers["Preference-Applied"] == "respond-async"
    location = reply.headers["Location"]
    assert location.startswith(pg.root + "/jobs/")
    job_id = location.rsplit("/", 1)[1]
    job = wait_for(
        lambda: requests.get(location + "?f=json", timeout=10).json(), lambda j: j["status"] in ("successful", "failed")
    )
    assert job["status"] == "successful" and job["jobID"] == job_id and job["progress"] == 100
    assert job_id in [j["jobID"] for j in requests.get(pg.root + "/jobs?f=json", timeout=10).json()["jobs"]]
    results = requests.get(f"{location}/results?f=json", timeout=10)
    assert results.status_code == 200
    assert results.json() == {"id": "echo", "value": "Hello Geodock! async"}
    dismissed = requests.delete(f"{location}?f=json", timeout=10)
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    assert requests.get(location + "?f=json", timeout=10).status_code == 404


def test_pygeoapi_errors(pg: launch.Server) -> None:
    reply = requests.post(
        f"{pg.root}/processes/no-such-process/execution?f=json", json={"inputs": {}}, headers=JSON, timeout=10
    )
    assert reply.status_code == 404
    error = reply.json()
    assert set(error) == {"code", "type", "description"}
    assert error["code"] == "NoSuchProcess"
    reply = requests.get(f"{pg.root}/processes/no-such-process?f=json", timeout=10)
    assert reply.status_code == 404 and set(reply.json()) == {"code", "type", "description"}
    reply = requests.get(f"{pg.root}/jobs/no-such-job?f=json", timeout=10)
    assert reply.status_code == 404 and reply.json()["code"] == "InvalidParameterValue"


def test_pygeoapi_countries_collection(pg: launch.Server) -> None:
    collection = requests.get(pg.root + "/collections/countries?f=json", timeout=10).json()
    assert collection["id"] == "countries"
    items = requests.get(pg.root + "/collections/countries/items?f=json&limit=10", timeout=30).json()
    assert items["type"] == "FeatureCollection"
    assert items["numberMatched"] == 240 and items["numberReturned"] == 10
    assert items["features"][0]["id"] == 1 and items["features"][0]["properties"]["NAME"] == "Norway"
    europe = requests.get(pg.root + "/collections/countries/items?f=json&bbox=5,45,15,55&limit=100", timeout=30).json()
    assert europe["numberMatched"] == 14
    one = requests.get(pg.root + "/collections/countries/items/1?f=json", timeout=10).json()
    assert one["type"] == "Feature" and one["id"] == 1
