"""Results from a server that lies: a content type that is not the content, a huge body, multipart, and documents
whose outputs are links, base64 values and plain values (tests/servers/hostile.py, real HTTP)."""

from __future__ import annotations

import base64
import json

import pytest
from d15_fixtures import ogc_connection
from helpers import run_task

API = "/ogc/"
TIFF = b"II*\x00" + bytes(60)
CSV = "id,name\n1,a\n2,b\n"


@pytest.fixture
def adapter(hostile, connections):
    from geodock.plugin.platforms.ogcapi.adapter import OgcProcessesAdapter

    return OgcProcessesAdapter(ogc_connection(connections, None, hostile.root + API))


def _execute(adapter, folder, asynchronous=False, output="out"):
    from geodock.plugin.platforms.ogcapi.jobs import run_to_end

    return run_task(lambda fb: run_to_end(adapter, "p", {"inputs": {}}, folder, fb, None, asynchronous, output))


def _post(**answer):
    return {"method": "POST", "path": API + "processes/p/execution", **answer}


def test_a_lying_content_type_is_kept_as_bin_and_never_opened(hostile, adapter, tmp_path):
    vrt = (
        '<VRTDataset rasterXSize="1" rasterYSize="1"><VRTRasterBand dataType="Byte" band="1"><SimpleSource>'
        '<SourceFilename relativeToVRT="0">/vsicurl/{root}/steal</SourceFilename></SimpleSource>'
        "</VRTRasterBand></VRTDataset>"
    )
    hostile.script(_post(text=vrt, content_type="image/tiff; application=geotiff", times=1))
    hostile.add_rules(_post(text="<html><body>login</body></html>", content_type="image/png", times=1))
    _info, first = _execute(adapter, tmp_path / "a")
    _info, second = _execute(adapter, tmp_path / "b")
    for written in (first, second):
        (path,) = written.files
        assert path.name == "out.bin" and written.layer_files == []
        assert written.outputs["out"]["file"] == str(path)
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["out.bin", "results-p.json"]
    assert not [r for r in hostile.received() if r["path"] == "/steal"]


def test_a_huge_body_is_refused_and_leaves_nothing(hostile, adapter, tmp_path, monkeypatch):
    from geodock.plugin.errors import UnreadableResponseError
    from geodock.plugin.platforms.ogcapi import results_raw

    monkeypatch.setattr(results_raw, "MAX_FILE_BYTES", 10_000)
    monkeypatch.setattr(results_raw, "MAX_JSON_BYTES", 10_000)
    hostile.script(_post(bytes={"size": 50_000}, content_type="image/png", times=1))
    hostile.add_rules(_post(text=json.dumps({"v": "x" * 20_000}), content_type="application/json", times=1))
    for folder in (tmp_path / "file", tmp_path / "json"):
        with pytest.raises(UnreadableResponseError, match="too large"):
            _execute(adapter, folder)
        assert not folder.exists() or list(folder.iterdir()) == []


def test_a_multipart_answer_is_refused_clearly(hostile, adapter, tmp_path):
    from geodock.plugin.platforms.ogcapi.results_raw import UnsupportedResultError

    body = "--b\r\nContent-Type: image/png\r\n\r\nx\r\n--b--\r\n"
    hostile.script(_post(text=body, content_type="multipart/related; boundary=b"))
    with pytest.raises(UnsupportedResultError, match="multipart") as info:
        _execute(adapter, tmp_path)
    assert "document" in info.value.message
    assert not tmp_path.exists() or list(tmp_path.iterdir()) == []


def test_an_async_document_of_links_base64_text_and_values(hostile, adapter, tmp_path):
    document = {
        "grid": {"href": "{root}/files/grid", "type": "image/tiff; application=geotiff"},
        "table": {"value": CSV, "mediaType": "text/csv"},
        "image": {"value": base64.b64encode(TIFF).decode(), "mediaType": "image/tiff", "encoding": "base64"},
        "count": 3,
        "note": {"value": "done", "mediaType": "text/plain"},
        "broken": {"value": "not base64!", "mediaType": "image/png"},
    }
    hostile.script(
        _post(status=201, json=None, headers={"Location": "{root}" + API + "jobs/j1"}),
        {"path": API + "jobs/j1", "json": {"jobID": "j1", "status": "successful", "progress": 100}},
        {"path": API + "jobs/j1/results", "json": document},
        {"path": "/files/grid", "body_b64": base64.b64encode(TIFF).decode(), "content_type": "image/tiff"},
    )
    info, written = _execute(adapter, tmp_path, asynchronous=True, output="")
    assert info.job_id == "j1"
    names = {name: written.outputs[name] for name in document}
    assert names["grid"]["file"].endswith("grid.tif") and names["grid"]["href"].endswith("/files/grid")
    assert names["table"]["file"].endswith("table.csv")
    assert names["image"]["file"].endswith("image.tif")
    assert names["count"] == 3 and names["note"] == "done" and names["broken"] == "not base64!"
    assert (tmp_path / "table.csv").read_text() == CSV and (tmp_path / "image.tif").read_bytes() == TIFF
    assert sorted(p.name for p in written.layer_files) == ["grid.tif", "image.tif", "table.csv"]
    (post,) = [r for r in hostile.received() if r["method"] == "POST"]
    assert post["headers"].get("Prefer") == "respond-async"
    saved = json.loads((tmp_path / "results-j1.json").read_text())
    assert saved["outputs"]["count"] == 3


def test_an_async_raw_result_comes_from_the_results_link(hostile, adapter, tmp_path):
    hostile.script(
        _post(status=201, json={"jobID": "j2", "status": "accepted"}),
        {"path": API + "jobs/j2", "json": {"jobID": "j2", "status": "successful"}},
        {"path": API + "jobs/j2/results", "text": CSV, "content_type": "text/csv; charset=utf-8"},
    )
    _info, written = _execute(adapter, tmp_path, asynchronous=True, output="table")
    (path,) = written.layer_files
    assert path.name == "table.csv" and path.read_text() == CSV


def test_the_job_manager_unpacks_and_loads_an_async_raw_zip(hostile, connections, clean_jobs, tmp_path):
    import io
    import zipfile

    from helpers import wait_until
    from qgis.core import QgsProject

    from geodock.plugin.job_model import Job, JobState
    from geodock.plugin.jobs import JobManager

    points = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"n": 1}, "geometry": {"type": "Point", "coordinates": [1, 2]}}],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/points.geojson", json.dumps(points))
    entry = {"name": "Hostile zip", "kind": "ogcapi-processes", "url": hostile.root + API}
    connections.import_json({"connections": [entry]})
    hostile.script(
        {"path": API + "jobs/z1", "json": {"jobID": "z1", "status": "successful", "progress": 100}},
        {
            "path": API + "jobs/z1/results",
            "body_b64": base64.b64encode(buffer.getvalue()).decode(),
            "content_type": "application/zip",
        },
    )
    manager = JobManager()
    manager.start(None, resume_delay=3600)
    try:
        job = Job(
            "ogcapi-processes",
            entry["name"],
            "z1",
            "Zipped results",
            "process",
            state=JobState.RUNNING,
            result={"job_url": hostile.root + API + "jobs/z1", "output": "archive"},
            folder=str(tmp_path / "out"),
        )
        manager.submit(job)
        wait_until(lambda: job.download in ("done", "failed"), 60, "the results")
        wait_until(lambda: "layer(s) added" in job.message or "No layer" in job.message, 30, "layers added")
    finally:
        manager.stop()
    assert job.download == "done", job.message
    assert (tmp_path / "out" / "archive.zip").exists()
    group = QgsProject.instance().layerTreeRoot().findGroup("Zipped results")
    assert group is not None and [layer.name() for layer in group.findLayers()] == ["points"]


def test_a_raw_result_saved_elsewhere_is_moved_into_the_job_folder(hostile, adapter, tmp_path):
    from geodock.plugin.platforms.ogcapi.jobs import write_results

    hostile.script(_post(text=CSV, content_type="text/csv"))
    outcome = run_task(lambda fb: adapter.execute("p", {"inputs": {}}, fb, False))  # no folder: a temporary one
    temporary = outcome.results.path
    assert temporary.name == "p.csv" and temporary.exists()
    written = write_results(adapter, outcome.results, tmp_path, "j")
    assert written.layer_files == [tmp_path / "p.csv"] and not temporary.exists()
