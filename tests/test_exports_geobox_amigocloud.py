"""Geobox and AmigoCloud export flows end to end, through the job manager, into the project."""

from __future__ import annotations

import pytest
from helpers import run_task, wait_until
from qgis.core import QgsProject


@pytest.fixture
def gb(geobox_server, connections):
    (connection,) = connections.import_json({"connections": [geobox_server.connection()]})
    return connection


@pytest.fixture
def ac(amigocloud_server, connections):
    (connection,) = connections.import_json({"connections": [amigocloud_server.connection()]})
    return connection


def _countries_uuid(api) -> str:
    docs = run_task(
        lambda fb: api.client.get_json(
            api.adapter.url("vectorLayers/"), params={"f": "json", "limit": 50}, auth=api._auth(fb), feedback=fb
        )
    )
    return next(d["uuid"] for d in docs if d["name"] == "countries")


def test_geobox_export_filtered_into_project(gb, jobs, tmp_path):
    from geodock.plugin.job_model import JobState
    from geodock.plugin.platforms.geobox.jobs import GeoboxTasks

    api = GeoboxTasks(gb)
    uuid = _countries_uuid(api)
    task = run_task(
        lambda fb: api.export_layer(
            uuid,
            "GPKG",
            out_srid=3857,
            bbox=(-25.0, 34.0, 45.0, 72.0),
            cql="ISO_A3 <> 'FRA'",
            fields=["NAME"],
            feedback=fb,
        )
    )
    job = task.to_job(gb, str(tmp_path / "gb"), True)
    job.title = "Geobox Europe"
    seen = []
    jobs.job_changed.connect(lambda jid: seen.append(job.progress) if jid == job.id else None)
    jobs.submit(job)
    wait_until(lambda: job.download == "done", 60, "geobox export downloaded")
    assert job.state == JobState.SUCCEEDED and job.result.get("file_uuid")
    assert any(p is not None and 0 < p < 100 for p in seen), seen  # progress from tasks/{uuid}/status/
    group = QgsProject.instance().layerTreeRoot().findGroup("Geobox Europe")
    (layer,) = [node.layer() for node in group.findLayers()]
    assert layer.crs().authid() == "EPSG:3857"
    assert 10 < layer.featureCount() < 80
    assert "NAME" in layer.fields().names() and "ISO_A3" not in layer.fields().names()
    assert "France" not in {f["NAME"] for f in layer.getFeatures()}


@pytest.fixture
def slow_gb(connections, tmp_path):
    """A Geobox server whose tasks take 30 s, so that an abort always meets a running task."""
    from servers import launch

    server = launch.start("geobox", tmp_path / "slow-geobox", env={"GEOBOX_TASK_SECONDS": "30"})
    (connection,) = connections.import_json({"connections": [server.connection()]})
    yield connection
    server.stop()


def test_geobox_abort_and_running_list(slow_gb, jobs, tmp_path, monkeypatch):
    from geodock.plugin.job_model import JobState
    from geodock.plugin.platforms.geobox.jobs import GeoboxTasks

    gb = slow_gb
    api = GeoboxTasks(gb)
    uuid = _countries_uuid(api)
    task = run_task(lambda fb: api.export_layer(uuid, "GeoJSON", feedback=fb))
    running = run_task(lambda fb: api.running_tasks(fb))
    assert task.uuid in {t.uuid for t in running}
    job = task.to_job(gb, str(tmp_path / "x"), False)
    jobs.submit(job)
    jobs.cancel(job.id)
    wait_until(lambda: job.state == JobState.CANCELLED, 30, "aborted")
    assert "aborted" in job.message.lower()
    assert run_task(lambda fb: api.task(task.uuid, fb)).state == "ABORTED"


def test_geobox_bad_cql_is_refused_in_words(gb):
    from geodock.plugin.errors import ValidationError
    from geodock.plugin.platforms.geobox.jobs import GeoboxTasks

    api = GeoboxTasks(gb)
    uuid = _countries_uuid(api)
    with pytest.raises(ValidationError) as info:
        run_task(lambda fb: api.export_layer(uuid, "GPKG", cql="nosuchfield = 1", feedback=fb))
    message = info.value.message
    assert message.startswith("Invalid request (422): q: invalid filter") and "nosuchfield" in message
    assert "\n" not in message


def test_amigocloud_export_into_project(ac, jobs, tmp_path):
    from geodock.plugin.job_model import JobState
    from geodock.plugin.platforms.amigocloud.jobs import AmigoCloudExports, new_job

    api = AmigoCloudExports(ac)
    remote = run_task(lambda fb: api.export_dataset("1", "GPKG", fb))
    job = new_job(ac, remote, "Amigo countries", str(tmp_path / "ac"))
    jobs.submit(job)
    wait_until(lambda: job.download == "done", 60, "amigocloud export downloaded")
    assert job.state == JobState.SUCCEEDED and job.result.get("link")
    assert "token" not in job.result["link"]
    group = QgsProject.instance().layerTreeRoot().findGroup("Amigo countries")
    (layer,) = [node.layer() for node in group.findLayers()]
    assert layer.featureCount() >= 170


def test_amigocloud_export_failure_reason(ac, jobs, tmp_path):
    from geodock.plugin.job_model import JobState
    from geodock.plugin.platforms.amigocloud.jobs import AmigoCloudExports, new_job

    api = AmigoCloudExports(ac)
    remote = run_task(lambda fb: api.export_dataset("1", "KML", fb, fail=True))
    job = new_job(ac, remote, "Amigo failing", str(tmp_path / "acf"))
    jobs.submit(job)
    wait_until(lambda: job.state.final, 60, "final")
    assert job.state == JobState.FAILED
    assert "requested by the client" in job.message


@pytest.fixture
def provider(geodock_provider):
    return geodock_provider


def test_geobox_algorithm_through_processing_run(gb, tmp_path, provider):
    import processing
    from qgis.core import QgsVectorLayer

    from geodock.plugin.platforms.geobox.jobs import GeoboxTasks

    uuid = _countries_uuid(GeoboxTasks(gb))
    result = processing.run(
        "geodock:geoboxexport",
        {"CONNECTION": gb.name, "LAYER": uuid, "FORMAT": 1, "CRS": "EPSG:4326", "OUTPUT_FOLDER": str(tmp_path)},
    )
    assert result["FILE"].endswith(".zip")  # shapefiles come zipped
    (path,) = [p for p in result["LAYERS"] if p.endswith(".shp")]
    layer = QgsVectorLayer(path, "x", "ogr")
    assert layer.crs().authid() == "EPSG:4326" and layer.featureCount() >= 170
