"""Binary results of OGC processes on a real pygeoapi: raw answers, sync and async, saved by media type and loaded.

``pygeoapi-binary`` (tests/servers/ogc/pygeoapi_binary_server.py) is pygeoapi 0.21 with processors that return
``(media type, bytes)``: pygeoapi answers a raw synchronous execution with the file itself (200, its
``Content-Type``) and an asynchronous one with a job whose ``/results`` is the file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from d15_fixtures import ogc_connection, pygeoapi_binary_fixture  # noqa: F401  (a fixture)
from helpers import run_task
from qgis.core import QgsRasterLayer, QgsVectorLayer

SIGNATURES = {
    "geotiff": (".tif", b"II*\x00"),
    "png": (".png", b"\x89PNG"),
    "zip": (".zip", b"PK\x03\x04"),
    "csv": (".csv", b"id,name"),
    "gpkg": (".gpkg", b"SQLite format 3\x00"),
}


def _adapter(connections, server):
    from geodock.plugin.platforms.ogcapi.adapter import OgcProcessesAdapter

    return OgcProcessesAdapter(ogc_connection(connections, server))


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("kind", sorted(SIGNATURES))
def test_raw_binary_results_are_saved_by_media_type(connections, pygeoapi_binary, tmp_path, kind, asynchronous):
    from geodock.plugin.platforms.ogcapi.jobs import run_to_end
    from geodock.plugin.platforms.ogcapi.results_raw import RawResult

    adapter = _adapter(connections, pygeoapi_binary)
    body = {"inputs": {"format": kind}, "outputs": {"result": {}}, "response": "raw"}
    if not asynchronous:  # the synchronous answer is the file itself
        outcome = run_task(lambda fb: adapter.execute("geodock-binary", body, fb, False, tmp_path / "x", "result"))
        assert isinstance(outcome.results, RawResult) and outcome.results.path.parent == tmp_path / "x"
    info, written = run_task(
        lambda fb: run_to_end(adapter, "geodock-binary", body, tmp_path, fb, None, asynchronous, "result")
    )
    assert info.status == "successful"
    extension, signature = SIGNATURES[kind]
    (path,) = written.files
    assert path.name == "result" + extension and path.parent == tmp_path
    assert path.read_bytes().startswith(signature)
    assert written.layer_files == [path]
    assert written.outputs["result"]["file"] == str(path)
    assert written.outputs["result"]["mediaType"].startswith(
        {"geotiff": "image/tiff", "png": "image/png", "zip": "application/zip", "csv": "text/csv"}.get(
            kind, "application/geopackage+sqlite3"
        )
    )
    assert not list(tmp_path.glob("*.part"))


def test_inline_base64_value_and_pygeoapi_document_become_a_png(connections, pygeoapi_binary, tmp_path):
    from geodock.plugin.platforms.ogcapi.jobs import run_to_end

    adapter = _adapter(connections, pygeoapi_binary)
    for response in ("raw", "document"):  # pygeoapi's document: {"outputs": [<the JSON>]}
        folder = tmp_path / response
        body = {"inputs": {"format": "inline-png"}, "response": response}
        _info, written = run_task(
            lambda fb, body=body, folder=folder: run_to_end(adapter, "geodock-binary", body, folder, fb, None, False)
        )
        (path,) = written.layer_files
        assert path.name == "result.png" and path.read_bytes().startswith(b"\x89PNG")
        assert QgsRasterLayer(str(path), "png", "gdal").isValid()


def _run(algorithm: str, parameters: dict):
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run(algorithm, parameters, context=context, feedback=QgsProcessingFeedback())


def _algorithm(connection, process_id: str, adapter):
    from geodock.plugin.platforms.ogcapi.process_algorithms import RemoteProcessAlgorithm

    description = run_task(lambda fb: adapter.describe(process_id, fb))
    algorithm = RemoteProcessAlgorithm(connection.name, description)
    algorithm.initAlgorithm()
    return algorithm


def test_algorithm_loads_geodata_and_unpacks_a_zip(connections, pygeoapi_binary, tmp_path, qgis_processing):
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject

    adapter = _adapter(connections, pygeoapi_binary)
    algorithm = _algorithm(adapter.connection, "geodock-binary", adapter)
    modes = algorithm.parameterDefinition("MODE").options()
    assert len(modes) == 3  # automatic, asynchronous, synchronous: the process allows both
    outputs = algorithm.parameterDefinition("OUTPUTS")
    assert outputs.options() == ["Result file (result)"] and outputs.allowMultiple()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    results = {}
    formats = algorithm.parameterDefinition("format").options()
    for kind, mode in (("zip", 1), ("gpkg", 2), ("geotiff", 0)):
        parameters = {
            "format": formats.index(kind),
            "MODE": mode,
            "RESPONSE": 1,
            "OUTPUTS": [0],
            "OUTPUT_FOLDER": str(tmp_path / kind),
        }
        ok, message = algorithm.checkParameterValues(parameters, context)
        assert ok, message
        results[kind] = algorithm.run(parameters, context, QgsProcessingFeedback())
        assert results[kind][1], f"{kind} failed"
    (zip_layer,) = results["zip"][0]["LAYERS"]
    assert Path(zip_layer).name == "points.geojson" and Path(zip_layer).parent.name == "result"
    assert QgsVectorLayer(zip_layer, "p", "ogr").featureCount() == 3
    (gpkg,) = results["gpkg"][0]["LAYERS"]
    assert gpkg.endswith("result.gpkg") and QgsVectorLayer(gpkg, "g", "ogr").featureCount() == 3
    (tif,) = results["geotiff"][0]["LAYERS"]
    raster = QgsRasterLayer(tif, "t", "gdal")
    assert raster.isValid() and raster.width() == 4 and raster.crs().authid() == "EPSG:4326"
    assert QgsApplication.processingRegistry() is not None


SYNC_ONLY = {
    "id": "p",
    "title": "Sync only",
    "jobControlOptions": ["sync-execute"],
    "inputs": {"n": {"title": "N", "schema": {"type": "integer"}, "minOccurs": 0}},
    "outputs": {"table": {"title": "Table", "schema": {"type": "string", "contentMediaType": "text/csv"}}},
}


def test_a_sync_only_process_offers_no_asynchronous_mode(hostile, connections, tmp_path):
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject

    from geodock.plugin.platforms.ogcapi.execute_options import ExecuteOptions, check_options

    hostile.script(
        {"method": "GET", "path": "/ogc/processes/p", "json": SYNC_ONLY},
        {"method": "POST", "path": "/ogc/processes/p/execution", "text": "a,b\n1,2\n", "content_type": "text/csv"},
    )
    adapter = _adapter_for_url(connections, hostile.root + "/ogc/")
    algorithm = _algorithm(adapter.connection, "p", adapter)
    options = algorithm.parameterDefinition("MODE").options()
    assert len(options) == 2 and "Synchronous" in options[1] and not any("Asynchronous" in o for o in options)
    assert check_options(algorithm.description, ExecuteOptions(mode="async"))  # refused
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    result, ok = algorithm.run({"OUTPUT_FOLDER": str(tmp_path)}, context, QgsProcessingFeedback())  # automatic
    assert ok
    (csv,) = result["LAYERS"]
    assert csv.endswith("table.csv") and QgsVectorLayer(csv, "csv", "ogr").featureCount() == 1
    (post,) = [r for r in hostile.received() if r["method"] == "POST"]
    assert "Prefer" not in post["headers"]  # automatic = synchronous for a process that allows only that


def test_pygeoapi_runs_a_sync_only_process_synchronously_even_when_asked_async(connections, pygeoapi_binary, tmp_path):
    from geodock.plugin.platforms.ogcapi.results_raw import RawResult

    adapter = _adapter(connections, pygeoapi_binary)
    body = {"inputs": {"format": "png"}}
    outcome = run_task(lambda fb: adapter.execute("geodock-binary-sync", body, fb, True, tmp_path, "result"))
    assert isinstance(outcome.results, RawResult) and outcome.results.path.name == "result.png"


def test_a_zip_result_with_traversal_is_refused_and_nothing_lands_outside(hostile, connections, tmp_path):
    import io

    from geodock.plugin.archive import ArchiveError
    from geodock.plugin.platforms.ogcapi.jobs import run_to_end
    from geodock.plugin.results import expand_results

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../escaped.txt", b"outside")
    import base64

    hostile.script(
        {
            "method": "POST",
            "path": "/ogc/processes/p/execution",
            "body_b64": base64.b64encode(buffer.getvalue()).decode(),
            "content_type": "application/zip",
        }
    )
    adapter = _adapter_for_url(connections, hostile.root + "/ogc/")
    folder = tmp_path / "job"
    _info, written = run_task(lambda fb: run_to_end(adapter, "p", {"inputs": {}}, folder, fb, None, False, "out"))
    (archive_path,) = written.layer_files
    assert archive_path.name == "out.zip"
    with pytest.raises(ArchiveError, match="outside"):
        expand_results(written.layer_files, folder)
    assert not (tmp_path / "escaped.txt").exists() and not (folder / "escaped.txt").exists()


def _adapter_for_url(connections, url: str):
    from geodock.plugin.platforms.ogcapi.adapter import OgcProcessesAdapter

    return OgcProcessesAdapter(ogc_connection(connections, None, url))
