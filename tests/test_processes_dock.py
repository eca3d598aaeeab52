"""The Processes dock on real wraptile and pygeoapi: describe → form → execute → job manager → results."""

from __future__ import annotations

import pytest
from helpers import wait_for_no_tasks, wait_until
from qgis.core import Qgis, QgsFeature, QgsGeometry, QgsPointXY, QgsProject, QgsVectorLayer
from qgis.gui import QgsDoubleSpinBox, QgsMapLayerComboBox, QgsSpinBox
from qgis.PyQt.QtCore import Qt

from geodock.plugin.job_model import JobState
from geodock.plugin.platforms.ogcapi.adapter import OgcProcessesAdapter
from geodock.ui.platforms.ogcapi.processes_dock import ProcessesDock


@pytest.fixture
def dock(qgis_iface, connections, manager):
    qgis_iface.messageBar().clear_messages()
    widget = ProcessesDock(qgis_iface)
    yield widget
    widget.shutdown()
    widget.deleteLater()


def qgis_bar_text() -> str:
    import qgis.utils

    return repr(getattr(qgis.utils.iface.messageBar(), "messages", {}))


def load(dock: ProcessesDock, connections, server) -> None:
    connections.import_json({"connections": [server.connection()]})
    wait_until(
        lambda: dock.process_list.count() > 0, 30, f"processes listed ({dock.server_label.text()!r}, {qgis_bar_text()})"
    )


def select(dock: ProcessesDock, process_id: str) -> None:
    for row in range(dock.process_list.count()):
        if dock.process_list.item(row).data(Qt.ItemDataRole.UserRole) == process_id:
            dock.process_list.setCurrentRow(row)
    wait_until(lambda: dock.form is not None and dock.description.id == process_id, 30, "form built")


def current_job(dock, manager):
    return manager.get(dock.current_job)


def test_wraptile_buffer_end_to_end(dock, connections, wraptile_server, manager):
    load(dock, connections, wraptile_server)
    assert "Dismiss (cancel) jobs" in dock.server_label.text() and "Geodock demo processes" in dock.server_label.text()
    dock.search.setText("buffer")
    assert dock.process_list.count() == 1
    select(dock, "buffer")
    assert "Buffer distance" in dock.description_view.toPlainText()
    rows = dock.form.rows
    distance, segments = rows["distance"].editor, rows["segments"].editor
    assert isinstance(distance, QgsDoubleSpinBox) and (distance.minimum(), distance.maximum()) == (0, 10)
    assert isinstance(segments, QgsSpinBox) and (segments.minimum(), segments.maximum()) == (1, 32)
    assert rows["distance"].include is not None and not rows["distance"].include.isChecked()
    assert isinstance(rows["features"].layer_combo, QgsMapLayerComboBox)

    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", "pts", "memory")
    features = []
    for index in range(4):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([f"p{index}"])
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(index, index)))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    QgsProject.instance().addMapLayer(layer)
    rows["features"].layer_combo.setLayer(layer)
    layer.selectByIds([1, 2])
    rows["features"].selected_only.setChecked(True)
    rows["distance"].include.setChecked(True)
    distance.setValue(0.3)
    dock.execute()
    wait_until(lambda: dock.current_job and current_job(dock, manager).outputs, 60, "results downloaded")
    job = current_job(dock, manager)
    assert job.state == JobState.SUCCEEDED
    result = QgsVectorLayer(job.outputs[0], "r", "ogr")
    assert result.featureCount() == 2  # selected features only
    assert "result:" in dock.results.text.toPlainText()
    wait_until(
        lambda: any(lyr.source().startswith(job.folder) for lyr in QgsProject.instance().mapLayers().values()),
        10,
        "layer added",
    )
    assert not dock.results.add_button.isEnabled()  # added already: no second identical group (issue 16)
    ours = [lyr.id() for lyr in QgsProject.instance().mapLayers().values() if lyr.source().startswith(job.folder)]
    QgsProject.instance().removeMapLayers(ours)  # the user removes them ...
    assert dock.results.add_button.isEnabled()  # ... and may add them again
    before = len(QgsProject.instance().mapLayers())
    dock.results.add_button.click()
    wait_until(lambda: len(QgsProject.instance().mapLayers()) > before, 10, "added again")
    assert not dock.results.add_button.isEnabled()


def test_invalid_input_is_flagged_before_sending(dock, connections, wraptile_server, qgis_iface):
    load(dock, connections, wraptile_server)
    select(dock, "buffer")
    dock.form.rows["features"].layer_combo.setLayer(None)
    dock.execute()
    assert "choose a vector layer" in dock.form.rows["features"].error.text()
    assert not dock.current_job


def test_failing_process_shows_its_message(dock, connections, wraptile_server, manager):
    load(dock, connections, wraptile_server)
    select(dock, "fail_job")
    dock.execute()
    wait_until(lambda: dock.current_job and current_job(dock, manager).state == JobState.FAILED, 30, "failed")
    assert "the demo process always fails" in dock.results.status.text()


def test_dismiss_slow_job(dock, connections, wraptile_server, manager):
    load(dock, connections, wraptile_server)
    select(dock, "slow_job")
    row = dock.form.rows["seconds"]
    row.include.setChecked(True)
    row.editor.setValue(30)
    dock.execute()
    wait_until(lambda: dock.current_job and current_job(dock, manager).state == JobState.RUNNING, 30, "running")
    dock.dismiss()
    wait_until(lambda: current_job(dock, manager).state == JobState.CANCELLED, 30, "dismissed")
    remote = current_job(dock, manager).remote_id
    adapter = OgcProcessesAdapter(connections.all()[0])
    assert adapter.status(remote).status == "dismissed"


def test_already_successful_201_and_export_link(dock, connections, wraptile_server, manager):
    load(dock, connections, wraptile_server)
    select(dock, "export_file")
    dock.execute()
    wait_until(lambda: dock.current_job and current_job(dock, manager).outputs, 60, "downloaded")
    job = current_job(dock, manager)
    assert QgsVectorLayer(job.outputs[0], "c", "ogr").featureCount() > 100


def test_pygeoapi_location_flow_and_plain_values(dock, connections, pygeoapi_server, manager):
    load(dock, connections, pygeoapi_server)
    assert "Geodock local pygeoapi" in dock.server_label.text()
    select(dock, "hello-world")
    dock.execute()  # the required Name left empty: flagged, nothing sent
    assert dock.form.rows["name"].error.text() == "Name is required" and not dock.current_job
    dock.form.rows["name"].editor.setText("QGIS")
    dock.execute()
    wait_until(lambda: "Hello QGIS!" in dock.results.text.toPlainText(), 30, "plain value shown")
    assert len(current_job(dock, manager).remote_id) == 36


def test_execute_sends_one_job_per_click_however_fast(dock, connections, wraptile_server, manager):
    load(dock, connections, wraptile_server)
    select(dock, "slow_job")
    dock.execute_button.click()
    assert not dock.execute_button.isEnabled()  # while the request is on its way
    dock.execute_button.click()  # a double-click's second click
    wait_until(lambda: dock.current_job and dock.execute_button.isEnabled(), 30, "the job to start")
    assert len(dock.job_ids) == 1 and len(manager.jobs()) == 1
    dock.dismiss()


def test_a_server_that_is_down_says_so_with_retry(dock, connections, wraptile_server, qgis_iface, refused_port):
    dead = dict(wraptile_server.connection(), name="Dead processes", url=f"http://127.0.0.1:{refused_port}/")
    connections.import_json({"connections": [dead]})
    wait_until(lambda: "Retry" in dock.server_label.text(), 30, "the error in the dock's header")
    assert "Could not connect" in dock.server_label.text() and "Loading" in dock.server_label.text()
    warnings = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Warning)
    assert any("Loading Dead processes: Could not connect" in message for message in warnings)
    assert all("Geodock: Geodock" not in message for message in warnings)
    dock.server_label.linkActivated.emit("retry")
    assert dock.server_label.text() == "Loading Dead processes…"
    wait_until(lambda: "Retry" in dock.server_label.text(), 30, "the error again")


def test_a_removed_job_and_another_connection_leave_the_results_pane(dock, connections, wraptile_server, manager):
    load(dock, connections, wraptile_server)
    select(dock, "slow_job")
    dock.execute()
    wait_until(lambda: dock.current_job and dock.dismiss_button.isEnabled(), 30, "the job to run")
    job_id = dock.current_job
    manager.cancel(job_id)
    manager.remove(job_id)  # from the Jobs dock
    assert not dock.current_job and not dock.dismiss_button.isEnabled()
    assert "no longer follows" in dock.results.status.text()
    dock.results.show_message("something of this connection")
    connections.import_json({"connections": [dict(wraptile_server.connection(), name="Another")]})
    dock.connection_combo.setCurrentIndex(dock.connection_combo.findText("Another"))
    assert dock.results.status.text() == "" and dock.results.text.toPlainText() == ""
    wait_for_no_tasks()  # the new connection's processes described, its list loaded
