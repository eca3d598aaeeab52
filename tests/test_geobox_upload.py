"""Upload to Geobox against the local server: GeoPackage and memory layers published and read back, refusals
with the server's reason, cancel mid-upload, empty remote layers, and ``geodock:geoboxupload``.

The Geobox server lives for the whole session: every remote layer a test makes has a name of its own
(:func:`unique`), so a test never meets a layer an earlier test, or an earlier run of itself, left there.
"""

from __future__ import annotations

import uuid as _uuid
from pathlib import Path

import pytest
from helpers import TaskRun, gpkg_layer, memory_layer, run_task, wait_until
from qgis.core import Qgis, QgsFeedback, QgsVectorFileWriter, QgsVectorLayer

from geodock.plugin.connections import Connection
from geodock.plugin.errors import CancelledError, ResponseError, ValidationError
from geodock.plugin.platforms.geobox.adapter import GeoboxAdapter
from geodock.plugin.platforms.geobox.upload import FieldSpec, create_empty_layer, upload_file, upload_layer


def unique(base: str) -> str:
    """A remote layer name no other test (or run) uses: ``<base>_<8 hex digits>``."""
    return f"{base}_{_uuid.uuid4().hex[:8]}"


def geobox_connection(connections, server) -> Connection:
    connections.import_json({"connections": [server.connection()]})
    return connections.all()[0]


def remote_features(connection: Connection, uuid: str) -> list[dict]:
    def work(feedback: QgsFeedback) -> list[dict]:
        adapter = GeoboxAdapter(connection)
        data = adapter.client.get_json(
            adapter.url(f"vectorLayers/{uuid}/features/"),
            params={"f": "json", "out_srid": 4326, "limit": 100},
            auth=adapter.authenticated(feedback),
            feedback=feedback,
        )
        return data["features"]

    return run_task(work)


def remote_layer_names(connection: Connection) -> list[str]:
    def work(feedback: QgsFeedback) -> list[str]:
        adapter = GeoboxAdapter(connection)
        items = adapter.client.get_json(
            adapter.url("vectorLayers/"), params={"limit": 1000}, auth=adapter.authenticated(feedback)
        )
        return [item["name"] for item in items]

    return run_task(work)


def by_name(features: list[dict]) -> dict[str, dict]:
    return {f["properties"]["name"]: f for f in features}


def test_memory_layer_is_published_and_reads_back(connections, geobox_server):
    connection = geobox_connection(connections, geobox_server)
    layer, name = memory_layer(), unique("towns_memory")
    uuid = run_task(lambda feedback: upload_layer(connection, layer, name, feedback))
    assert uuid
    assert name in remote_layer_names(connection)
    features = by_name(remote_features(connection, uuid))
    assert sorted(features) == ["Alpha", "Beta", "Gamma"]
    assert features["Beta"]["properties"]["population"] == 2000
    x, y = (
        features["Gamma"]["geometry"]["coordinates"][:2]
        if features["Gamma"]["geometry"]["type"] == "Point"
        else (features["Gamma"]["geometry"]["coordinates"][0][:2])
    )
    assert (round(x, 4), round(y, 4)) == (18.9, 69.6)


def test_geopackage_file_is_sent_as_is(connections, geobox_server, tmp_path: Path):
    connection = geobox_connection(connections, geobox_server)
    layer = gpkg_layer(tmp_path, "towns")
    progress: list[float] = []

    def work(feedback: QgsFeedback) -> str:
        feedback.progressChanged.connect(progress.append)
        return upload_layer(connection, layer, unique("towns_gpkg"), feedback)

    uuid = run_task(work)
    features = remote_features(connection, uuid)
    assert len(features) == layer.featureCount() == 3
    assert {f["properties"]["name"]: f["properties"]["population"] for f in features} == {
        "Alpha": 1000,
        "Beta": 2000,
        "Gamma": 3000,
    }
    assert progress and max(progress) == 100.0


def test_a_layer_whose_file_is_gone_is_not_published_empty(connections, geobox_server, tmp_path: Path):
    from geodock.plugin.platforms.geobox.upload import UploadError

    connection = geobox_connection(connections, geobox_server)
    path, layer = tmp_path / "ghost.gpkg", gpkg_layer(tmp_path, "ghost")
    assert layer.featureCount() == 3
    path.unlink()
    before = remote_layer_names(connection)
    with pytest.raises(UploadError, match=r"ghost cannot be read: its file ghost\.gpkg is no longer there"):
        run_task(lambda feedback: upload_layer(connection, layer, unique("ghost_remote"), feedback))
    assert remote_layer_names(connection) == before


def test_a_very_long_name_makes_a_short_local_file(connections, geobox_server):
    connection = geobox_connection(connections, geobox_server)
    name = unique("towns") + "_" + "x" * 300  # more than a file name may hold (255 bytes)
    uuid = run_task(lambda feedback: upload_layer(connection, memory_layer(), name, feedback))
    assert len(remote_features(connection, uuid)) == 3


def test_refused_type_gives_the_servers_reason(connections, geobox_server, tmp_path: Path):
    connection = geobox_connection(connections, geobox_server)
    path = tmp_path / "notes.exe"
    path.write_bytes(b"MZ" + b"\0" * 1000)
    with pytest.raises(ValidationError) as raised:
        run_task(lambda feedback: upload_file(connection, path, feedback))
    assert "file type .exe is not allowed" in raised.value.message


def test_refused_size_gives_the_servers_reason(connections, tmp_path: Path):
    from servers import launch

    server = launch.start("geobox", tmp_path / "small", env={"GEOBOX_MAX_UPLOAD_MB": "1"})
    try:
        connection = geobox_connection(connections, server)
        path = tmp_path / "big.geojson"
        path.write_bytes(b" " * (3 * 1024 * 1024))
        with pytest.raises(ResponseError) as raised:
            run_task(lambda feedback: upload_file(connection, path, feedback))
        assert raised.value.status == 413
        assert "File too large: the limit is 1 MB" in raised.value.message
    finally:
        server.stop()


def test_cancel_mid_upload(connections, geobox_server, tmp_path: Path):
    connection = geobox_connection(connections, geobox_server)
    path = tmp_path / "large.geojson"
    with path.open("wb") as handle:
        handle.truncate(400 * 1024 * 1024)
    seen: list[float] = []
    # The server holds the upload, reading none of its body, until the test releases it: the upload is still
    # under way when it is cancelled, however fast the machine (no race with 400 MiB going through).
    geobox_server.fault(hold="upload", path="/v1/files/")
    run = TaskRun(lambda feedback: _upload_watching(connection, path, feedback, seen))
    try:
        wait_until(lambda: geobox_server.held("upload") == 1, 60, "the upload held, under way")
        assert not run.done
        run.task.cancel()
        run.wait(30)
    finally:
        geobox_server.release("upload")
    assert isinstance(run.error, CancelledError)
    assert max(seen, default=0) < 100  # (how much was sent before the server stopped reading depends on buffers)


def _upload_watching(connection: Connection, path: Path, feedback: QgsFeedback, seen: list[float]):
    feedback.progressChanged.connect(seen.append)
    return upload_file(connection, path, feedback)


def test_create_empty_layer(connections, geobox_server):
    connection = geobox_connection(connections, geobox_server)
    fields = [FieldSpec("label", "String", 40), FieldSpec("count", "Integer")]
    name = unique("empty_points")
    uuid = run_task(lambda feedback: create_empty_layer(connection, name, "Point", fields, feedback))

    def work(feedback: QgsFeedback) -> tuple[dict, list]:
        adapter = GeoboxAdapter(connection)
        applier = adapter.authenticated(feedback)
        layer = adapter.client.get_json(adapter.url(f"vectorLayers/{uuid}/"), auth=applier)
        fields = adapter.client.get_json(adapter.url(f"vectorLayers/{uuid}/fields/"), auth=applier)
        return layer, fields

    layer, remote_fields = run_task(work)
    assert layer["name"] == name
    assert layer["layer_type"] == "Point"
    assert {"label", "count"} <= {f["name"] for f in remote_fields}


def test_a_name_used_twice_gives_each_upload_its_own_layer(connections, geobox_server):
    """Geobox names need not be unique (the contract and the SDK know no such rule; a layer is its uuid): the
    second upload under a name is published, and Geodock answers its new layer, not the older namesake."""
    connection = geobox_connection(connections, geobox_server)
    name = unique("towns_twice")
    first = run_task(lambda feedback: upload_layer(connection, memory_layer(), name, feedback))
    fewer = memory_layer()
    fewer.dataProvider().deleteFeatures([next(fewer.getFeatures()).id()])  # Alpha gone: Beta and Gamma
    second = run_task(lambda feedback: upload_layer(connection, fewer, name, feedback))
    assert first != second
    assert remote_layer_names(connection).count(name) == 2
    assert sorted(by_name(remote_features(connection, first))) == ["Alpha", "Beta", "Gamma"]
    assert sorted(by_name(remote_features(connection, second))) == ["Beta", "Gamma"]


def test_processing_algorithm(connections, geobox_server, geodock_provider):
    from qgis import processing

    connection = geobox_connection(connections, geobox_server)
    layer = memory_layer()
    result = processing.run(
        "geodock:geoboxupload", {"CONNECTION": connection.name, "INPUT": layer, "NAME": unique("towns_processing")}
    )
    uuid = result["LAYER_UUID"]
    assert len(remote_features(connection, uuid)) == 3


def test_upload_dialog_publishes_the_chosen_layer(connections, geobox_server):
    from qgis.core import QgsProject

    from geodock.ui.platforms.geobox.upload_dialog import UploadDialog

    connection = geobox_connection(connections, geobox_server)
    layer = memory_layer("dialog_towns")
    QgsProject.instance().addMapLayer(layer)
    dialog = UploadDialog(None, layer, connection)
    try:
        assert dialog.name_edit.text() == "dialog_towns"
        assert "EPSG:4326" in dialog.crs_label.text()
        dialog.name_edit.setText(unique("towns_from_dialog"))
        dialog.upload_button.click()
        assert not dialog.upload_button.isEnabled() and dialog.cancel_button.isEnabled()
        wait_until(lambda: dialog.task is None, 60, "the upload task to end")
        assert dialog.remote_uuid, dialog.status.text()
        assert dialog.progress.value() == 100
        assert len(remote_features(connection, dialog.remote_uuid)) == 3
    finally:
        dialog.close()
        QgsProject.instance().removeMapLayer(layer.id())


def test_create_empty_layer_dialog_takes_fields_from_a_layer(connections, geobox_server):
    from qgis.core import QgsProject

    from geodock.ui.platforms.geobox.upload_dialog import CreateEmptyLayerDialog

    connection = geobox_connection(connections, geobox_server)
    template = memory_layer("template_towns")
    QgsProject.instance().addMapLayer(template)
    dialog = CreateEmptyLayerDialog(None, connection)
    try:
        dialog.template_combo.setLayer(template)
        dialog.copy_from_layer()
        assert [(f.name, f.datatype) for f in dialog.fields()] == [("name", "String"), ("population", "Integer")]
        assert dialog.geometry_combo.currentText() == "Point"
        dialog.name_edit.setText(unique("empty_from_dialog"))
        dialog.buttons.accepted.emit()
        wait_until(
            lambda: dialog.created_uuid is not None or (bool(dialog.status.text()) and dialog.buttons.isEnabled()),
            30,
            "creation",
        )
        assert dialog.created_uuid, dialog.status.text()
    finally:
        dialog.close()
        QgsProject.instance().removeMapLayer(template.id())


def test_upload_dialog_replaces_the_local_layer_with_the_remote_one(connections, geobox_server, qgis_iface):
    from qgis.core import QgsProject

    from geodock.ui.platforms.geobox.upload_dialog import UploadDialog

    connection = geobox_connection(connections, geobox_server)
    project = QgsProject.instance()
    project.removeAllMapLayers()
    before = memory_layer("before_towns")
    local = memory_layer("towns_to_replace")
    after = memory_layer("after_towns")
    for layer in (before, local, after):
        project.addMapLayer(layer)
    local_id = local.id()
    order = [node.layerId() for node in project.layerTreeRoot().findLayers()]
    position = order.index(local_id)
    qgis_iface.messageBar().clear_messages()
    dialog = UploadDialog(qgis_iface, local, connection)
    try:
        dialog.name_edit.setText(unique("towns_replaced"))
        dialog.replace_check.setChecked(True)
        dialog.upload_button.click()
        wait_until(lambda: dialog.task is None, 60, "the upload task to end")
        assert dialog.remote_uuid, dialog.status.text()
        wait_until(lambda: project.mapLayer(local_id) is None, 60, "the local layer replaced")
        layers = [node.layer() for node in project.layerTreeRoot().findLayers()]
        assert len(layers) == 3 and len(project.mapLayers()) == 3
        remote = layers[position]  # in the local layer's place in the Layers panel
        assert remote.id() not in (before.id(), after.id())
        assert remote.isValid() and remote.providerType() != "memory"
        assert remote.featureCount() == 3
        assert sorted(f["name"] for f in remote.getFeatures()) == ["Alpha", "Beta", "Gamma"]
        # the loading reported to the message bar (not to the iface itself, which has no pushMessage in QGIS)
        successes = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Success)
        assert any("Added" in message and "to the map" in message for message in successes), successes
    finally:
        dialog.close()
        project.removeAllMapLayers()


def test_finished_publish_task_adds_its_new_layer(connections, geobox_server, tmp_path):
    """A publish task followed in the Jobs dock links to its result: the new remote layer, added as a copy."""
    from geodock.plugin.job_model import Job, JobState
    from geodock.plugin.net.client import HttpRequest
    from geodock.plugin.platforms.geobox.adapter import GeoboxAdapter
    from geodock.plugin.platforms.registry import job_backend

    connection = geobox_connection(connections, geobox_server)
    source = tmp_path / "towns.gpkg"
    layer = memory_layer()
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    QgsVectorFileWriter.writeAsVectorFormatV2(layer, str(source), layer.transformContext(), options)

    def publish(feedback):
        uploaded = upload_file(connection, source, feedback)
        adapter = GeoboxAdapter(connection)
        request = HttpRequest(
            adapter.url(f"files/{uploaded.uuid}/publish/"),
            "POST",
            form={"publish_as": "vector", "layer_name": unique("towns_task")},
            auth=adapter.authenticated(feedback),
        )
        return adapter.client.send(request, feedback).json()["task_id"]

    task_id = run_task(publish)
    job = Job("geobox", connection.name, task_id, "Publish towns_task", "task")
    backend = job_backend(job, connection)

    def follow(feedback):
        while True:
            status = backend.poll(job, feedback)
            if status.state.final:
                job.result.update(status.result)
                return status
            feedback.setProgress(status.progress or 0)
            import time

            time.sleep(0.3)

    assert run_task(follow).state == JobState.SUCCEEDED
    (path,) = run_task(lambda feedback: backend.fetch_results(job, tmp_path / "results", feedback))
    copy = QgsVectorLayer(str(path), "copy", "ogr")
    assert copy.isValid() and copy.featureCount() == 3
