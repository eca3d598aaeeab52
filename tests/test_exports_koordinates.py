"""Koordinates exports end to end against the local server: validate, create, watch, cancel, fail, download."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from helpers import headless_profile, qgis_process, run_task, wait_until
from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsVectorLayer


@pytest.fixture
def api(kx):
    from geodock.plugin.platforms.koordinates.exports import KoordinatesExports

    return KoordinatesExports(kx)


def test_formats_with_display_names(api):
    formats = run_task(lambda fb: api.formats(fb))
    assert {"vector", "table", "raster", "grid"} <= set(formats)
    names = {f.value: f.name for f in formats["vector"]}
    assert names["application/x-ogc-gpkg"] == "GeoPackage / SQLite"
    assert "image/tiff;subtype=geotiff" in {f.value for f in formats["raster"]}


def test_validate_invalid_reasons_in_words(api):
    from geodock.plugin.platforms.koordinates.exports import bbox_polygon, export_body

    body = export_body(
        [api.item_url(1), api.item_url("tables/5"), api.item_url(999)],
        "EPSG:4326",
        {"vector": "application/x-ogc-gpkg"},
        extent=bbox_polygon(-10, 85, 10, 89),  # near the North Pole: no country there
    )
    result = run_task(lambda fb: api.validate(body, fb))
    assert result.is_valid is False
    by_item = {check.item: check for check in result.items}
    assert "outside-extent" in by_item[api.item_url(1)].reasons
    assert "no-format" in by_item[api.item_url("tables/5")].reasons
    assert by_item[api.item_url(999)].reasons == ["not-found"]
    lines = result.problems()
    assert any("outside the crop extent" in line for line in lines)
    assert any("does not exist" in line for line in lines)
    assert "Creative Commons Attribution 4.0 International" in result.licenses

    good = export_body([api.item_url(1)], "EPSG:2193", {"vector": "application/x-ogc-gpkg"})
    ok = run_task(lambda fb: api.validate(good, fb))
    assert ok.is_valid and ok.problems() == [] and ok.size_estimate_zipped > 0


def _submit(api, jobs, kx, tmp_path, body, server, seconds=1.0, add=True):
    """Create the export on the local ``server`` (taking ``seconds`` there; None: held there until the test
    releases it) and hand it to ``jobs``."""
    if seconds is None:
        server.hold_exports()
    else:
        server.export_timing(seconds)
    export = run_task(lambda fb: api.create(body, fb))
    job = export.to_job(kx, str(tmp_path / "out"), add)
    jobs.submit(job)
    return job


def test_export_watch_download_and_add_cropped(api, jobs, kx, tmp_path, koordinates_server):
    from geodock.plugin.job_model import JobState
    from geodock.plugin.platforms.koordinates.exports import export_body

    crop = run_task(lambda fb: api.crop_features(api.crop_layers(fb)[0], fb))  # Regions
    europe = next(f for f in crop if f.name == "Europe")
    body = export_body(
        [api.item_url(1), api.item_url("tables/5")],
        "EPSG:3857",
        {"vector": "application/x-ogc-gpkg", "table": "text/csv"},
        name="Europe countries",
        extent=europe.url,
    )
    progress: list[float] = []
    job = None

    def changed(job_id):
        if job is not None and job_id == job.id and job.progress is not None:
            progress.append(job.progress)

    jobs.job_changed.connect(changed)
    job = _submit(api, jobs, kx, tmp_path, body, koordinates_server, seconds=2.5)
    wait_until(lambda: job.download == "done", 60, "export downloaded")
    assert job.state == JobState.SUCCEEDED
    assert len(progress) >= 2 and progress == sorted(progress) and progress[-1] == 100.0
    group = QgsProject.instance().layerTreeRoot().findGroup("Europe countries")
    assert group is not None
    layers = [node.layer() for node in group.findLayers()]
    vectors = {layer.name(): layer for layer in layers if isinstance(layer, QgsVectorLayer)}
    assert len(layers) == 2, [layer.name() for layer in layers]
    spatial = next(layer for layer in layers if layer.isSpatial())
    table = next(layer for layer in layers if not layer.isSpatial())
    assert spatial.crs() == QgsCoordinateReferenceSystem("EPSG:3857")
    # Cropped to Europe: fewer countries than the world, and only European ones.
    assert 30 < spatial.featureCount() < 120
    assert table.featureCount() > 100  # tables are not cropped
    assert all(Path(p).exists() for p in job.outputs)
    assert vectors


def test_export_uncropped_feature_count(api, jobs, kx, tmp_path, koordinates_server):
    from geodock.plugin.platforms.koordinates.exports import export_body

    body = export_body([api.item_url(1)], "EPSG:4326", {"vector": "application/x-zipped-shp"}, name="World shp")
    job = _submit(api, jobs, kx, tmp_path, body, koordinates_server, seconds=0.5)
    wait_until(lambda: job.download == "done", 60, "export downloaded")
    group = QgsProject.instance().layerTreeRoot().findGroup("World shp")
    (layer,) = [node.layer() for node in group.findLayers()]
    assert layer.featureCount() >= 170  # every country
    assert layer.crs().authid() == "EPSG:4326"


def test_cancel_while_processing(api, jobs, kx, tmp_path, koordinates_server):
    from geodock.plugin.job_model import JobState
    from geodock.plugin.platforms.koordinates.exports import export_body

    body = export_body([api.item_url(1)], "EPSG:4326", {"vector": "application/x-ogc-gpkg"}, name="To cancel")
    job = _submit(api, jobs, kx, tmp_path, body, koordinates_server, seconds=None)  # held: still processing
    wait_until(lambda: (job.progress or 0) > 0, 20, "progress")
    jobs.cancel(job.id)
    wait_until(lambda: job.state == JobState.CANCELLED, 20, "cancelled")
    assert run_task(lambda fb: api.get(job.remote_id, fb)).state == "cancelled"
    assert not jobs.is_busy(job.id) or wait_until(lambda: not jobs.is_busy(job.id), 10) is None
    # Cancelling a finished export is refused (409) and said so, not a crash.
    jobs.cancel(job.id)
    wait_until(lambda: "Already finished" in job.message, 20, "409 answer")


def test_export_that_fails(api, jobs, kx, tmp_path, koordinates_server):
    from geodock.plugin.job_model import JobState
    from geodock.plugin.platforms.koordinates.exports import export_body

    body = export_body([api.item_url(1)], "EPSG:999999", {"vector": "application/x-ogc-gpkg"}, name="bad crs")
    job = _submit(api, jobs, kx, tmp_path, body, koordinates_server, seconds=0.2)
    wait_until(lambda: job.state.final, 30, "final state")
    assert job.state == JobState.FAILED
    assert "failed on the server" in job.message
    assert job.download == "pending"  # never downloaded
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_download_resumes_after_a_drop(api, kx, tmp_path, koordinates_server):
    from geodock.plugin.platforms.koordinates.exports import export_body

    body = export_body([api.item_url(1)], "EPSG:4326", {"vector": "application/x-ogc-gpkg"}, name="resume me")
    koordinates_server.export_timing(0.2)
    export = run_task(lambda fb: api.create(body, fb))
    wait_until(lambda: run_task(lambda fb: api.get(export.id, fb)).state == "complete", 30, "complete")
    export = run_task(lambda fb: api.get(export.id, fb))
    assert export.size > 100_000
    before = koordinates_server.stats()
    koordinates_server.fault(drop_after=50_000, path="/services/api/v1/exports/")
    dropped = run_task(lambda fb: api.download(export, tmp_path / "a", fb))
    after = koordinates_server.stats()
    assert after["dropped"] == before["dropped"] + 1  # the connection was cut mid-body ...
    assert after["ranged"] == before["ranged"] + 1  # ... and the rest came as a range, not from the start
    clean = run_task(lambda fb: api.download(export, tmp_path / "b", fb))
    assert hashlib.sha256(dropped.read_bytes()).hexdigest() == hashlib.sha256(clean.read_bytes()).hexdigest()
    assert not list((tmp_path / "a").glob("*.part*"))


@pytest.fixture
def provider(geodock_provider):
    """Geodock's Processing provider, registered for the test."""
    return geodock_provider


def test_algorithm_through_processing_run(kx, provider, tmp_path):
    import processing
    from qgis.core import QgsRectangle, QgsReferencedRectangle

    europe = QgsReferencedRectangle(QgsRectangle(-25, 34, 45, 72), QgsCoordinateReferenceSystem("EPSG:4326"))
    result = processing.run(
        "geodock:koordinatesexport",
        {
            "CONNECTION": kx.name,
            "ITEMS": "1, tables/5",
            "CRS": "EPSG:3857",
            "FORMAT": "application/x-ogc-gpkg",
            "EXTENT": europe,
            "OUTPUT_FOLDER": str(tmp_path / "alg"),
        },
    )
    assert Path(result["ARCHIVE"]).exists() and result["ARCHIVE"].endswith(".zip")
    layers = [QgsVectorLayer(p, "x", "ogr") for p in result["LAYERS"]]
    assert len(layers) == 2 and all(layer.isValid() for layer in layers)
    spatial = next(layer for layer in layers if layer.isSpatial())
    assert spatial.crs().authid() == "EPSG:3857" and 30 < spatial.featureCount() < 120


def test_algorithm_refuses_an_invalid_export(kx, provider, tmp_path):
    # (A test of its own: a raised error's traceback would keep the layers above alive past QGIS's exit.)
    import processing
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as info:
        processing.run(
            "geodock:koordinatesexport",
            {
                "CONNECTION": kx.name,
                "ITEMS": "999",
                "CRS": "EPSG:4326",
                "FORMAT": "application/x-ogc-gpkg",
                "OUTPUT_FOLDER": str(tmp_path / "bad"),
            },
        )
    assert "does not exist" in str(info.value)


def test_export_through_headless_qgis_process(koordinates_server, tmp_path):
    """`geodock:koordinatesexport` in a `qgis_process` subprocess with a fresh profile (TLS CA from the import)."""
    import json

    env, _profile = headless_profile(tmp_path)
    connections = tmp_path / "connections.json"
    connections.write_text(
        json.dumps(
            {
                "connections": [koordinates_server.connection()],
                "certificate_authorities": [str(koordinates_server.ca_file)],
            }
        )
    )
    qgis_process(env, "geodock:importconnections", INPUT=connections, TRUST_CERTIFICATES="true")
    out = tmp_path / "export"
    run = qgis_process(
        env,
        "geodock:koordinatesexport",
        CONNECTION=koordinates_server.connection()["name"],
        ITEMS=3,
        CRS="EPSG:3857",
        FORMAT="application/x-ogc-gpkg",
        OUTPUT_FOLDER=out,
    )
    assert "ARCHIVE:" in run.stdout
    gpkgs = list(out.rglob("*.gpkg"))
    assert gpkgs, run.stdout
    layer = QgsVectorLayer(str(gpkgs[0]), "exported", "ogr")
    assert layer.isValid() and layer.featureCount() == 46 and layer.crs().authid() == "EPSG:3857"
    assert koordinates_server.credentials["token"] not in run.stdout + run.stderr


def test_download_resumed_from_a_server_ignoring_range_is_byte_identical(api, kx, tmp_path, koordinates_server):
    """A CDN answers the resume's Range with 200 and the whole file: the download starts again, not stitched."""
    from geodock.plugin.platforms.koordinates.exports import export_body

    body = export_body([api.item_url(1)], "EPSG:4326", {"vector": "application/x-ogc-gpkg"}, name="no ranges")
    koordinates_server.export_timing(0.2)
    export = run_task(lambda fb: api.create(body, fb))
    wait_until(lambda: run_task(lambda fb: api.get(export.id, fb)).state == "complete", 30, "complete")
    export = run_task(lambda fb: api.get(export.id, fb))
    before = koordinates_server.stats()
    koordinates_server.fault(drop_after=50_000, path="/services/api/v1/exports/")
    koordinates_server.fault(ignore_range=True, path="/services/api/v1/exports/")
    resumed = run_task(lambda fb: api.download(export, tmp_path / "a", fb))
    after = koordinates_server.stats()
    assert after["dropped"] == before["dropped"] + 1  # cut mid-body ...
    assert after["ranged"] == before["ranged"]  # ... and the resume got the whole file, not a range
    clean = run_task(lambda fb: api.download(export, tmp_path / "b", fb))
    assert clean.stat().st_size == export.size == resumed.stat().st_size
    assert hashlib.sha256(resumed.read_bytes()).hexdigest() == hashlib.sha256(clean.read_bytes()).hexdigest()
    assert not list((tmp_path / "a").glob("*.part*"))
