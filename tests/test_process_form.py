"""The execution form generated from wraptile's demo descriptions, and following the server's own jobs.

Form: the right widget types and limits for ``buffer`` and ``clip_summary``; optional inputs with defaults are
left out of the request until included; invalid input is flagged on its row and nothing is sent.
Server jobs: a job started with a plain ``adapter.execute`` (as cuiman or a browser would) appears in the
dock's "Server jobs" list and, once followed, is watched by the job manager to its end and its results fetched.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_task, wait_until
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProject, QgsVectorLayer
from qgis.gui import QgsDoubleSpinBox, QgsMapLayerComboBox, QgsSpinBox
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QComboBox

from geodock.plugin.job_model import JobState
from geodock.plugin.platforms.ogcapi.adapter import OgcProcessesAdapter
from geodock.plugin.platforms.ogcapi.jobs import KIND, PLATFORM
from geodock.plugin.platforms.ogcapi.process_description import execute_request
from geodock.ui.platforms.ogcapi.process_form import ProcessForm, encode_layer_inputs
from geodock.ui.platforms.ogcapi.processes_dock import ProcessesDock


@pytest.fixture
def adapter(connections, wraptile_server) -> OgcProcessesAdapter:
    (connection,) = connections.import_json({"connections": [wraptile_server.connection()]})
    return OgcProcessesAdapter(connection)


def form_for(adapter: OgcProcessesAdapter, process_id: str) -> ProcessForm:
    return ProcessForm(run_task(lambda feedback: adapter.describe(process_id, feedback)))


def points_layer(count: int = 3) -> QgsVectorLayer:
    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", "form points", "memory")
    features = []
    for index in range(count):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([f"p{index}"])
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(index, index)))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    QgsProject.instance().addMapLayer(layer)
    return layer


def test_buffer_form_widgets_and_limits(adapter):
    form = form_for(adapter, "buffer")
    assert set(form.rows) == {"features", "distance", "segments"}
    distance, segments = form.rows["distance"].editor, form.rows["segments"].editor
    assert isinstance(distance, QgsDoubleSpinBox)
    assert (distance.minimum(), distance.maximum(), distance.value()) == (0.0, 10.0, 1.0)
    assert isinstance(segments, QgsSpinBox)
    assert (segments.minimum(), segments.maximum(), segments.value()) == (1, 32, 8)
    distance.setValue(25)  # clamped to the schema's maximum
    assert distance.value() == 10.0
    features = form.rows["features"]
    assert isinstance(features.layer_combo, QgsMapLayerComboBox)
    assert features.include is None  # required: always sent
    for name in ("distance", "segments"):  # optional with a default: off, editor disabled
        row = form.rows[name]
        assert row.include is not None and not row.include.isChecked() and not row.editor.isEnabled()


def test_optional_inputs_with_defaults_stay_out_of_the_request(adapter):
    form = form_for(adapter, "buffer")
    layer = points_layer(3)
    form.rows["features"].layer_combo.setLayer(layer)
    values, problems = form.collect()
    assert problems == []
    body = execute_request(encode_layer_inputs(values))
    assert set(body["inputs"]) == {"features"}
    assert len(body["inputs"]["features"]["features"]) == 3

    form.rows["segments"].include.setChecked(True)
    assert form.rows["segments"].editor.isEnabled()
    form.rows["segments"].editor.setValue(4)
    values, problems = form.collect()
    assert problems == [] and values["segments"] == 4 and "distance" not in values


def test_clip_summary_form_enum_and_bbox(adapter):
    form = form_for(adapter, "clip_summary")
    layer_row, bbox_row = form.rows["layer"], form.rows["bbox"]
    assert isinstance(layer_row.editor, QComboBox) and not isinstance(layer_row.editor, QgsMapLayerComboBox)
    items = [layer_row.editor.itemData(i) for i in range(layer_row.editor.count())]
    assert items == ["countries", "states_provinces"]
    assert layer_row.editor.currentData() == "countries"  # the default
    from geodock.ui.platforms.ogcapi.extent_editor import ExtentEditor

    assert isinstance(bbox_row.editor, ExtentEditor)
    assert bbox_row.editor.outputCrs().isValid()


def test_invalid_input_is_flagged_and_nothing_is_sent(adapter, qgis_iface, manager):
    jobs_before = len(run_task(lambda feedback: adapter.jobs(feedback)))
    form = form_for(adapter, "clip_summary")
    values, problems = form.collect()  # no extent chosen
    assert "bbox" not in values and any("choose an extent" in p for p in problems)
    assert "choose an extent" in form.rows["bbox"].error.text()
    assert not form.rows["bbox"].error.isHidden()

    dock = ProcessesDock(qgis_iface)
    try:
        wait_until(lambda: dock.process_list.count() > 0, 30, "processes listed")
        select(dock, "buffer")
        dock.form.rows["features"].layer_combo.setLayer(None)
        dock.execute()
        assert "choose a vector layer" in dock.form.rows["features"].error.text()
        assert not dock.current_job
    finally:
        dock.shutdown()
        dock.deleteLater()
    assert len(run_task(lambda feedback: adapter.jobs(feedback))) == jobs_before  # nothing reached the server


# Following the server's own jobs ----------------------------------------------------------------------------


def select(dock: ProcessesDock, process_id: str) -> None:
    for row in range(dock.process_list.count()):
        if dock.process_list.item(row).data(Qt.ItemDataRole.UserRole) == process_id:
            dock.process_list.setCurrentRow(row)
    wait_until(lambda: dock.form is not None and dock.description.id == process_id, 30, "form built")


def test_a_job_started_elsewhere_is_listed_and_followed_to_its_results(adapter, qgis_iface, manager):
    outcome = run_task(lambda feedback: adapter.execute("slow_job", {"inputs": {"seconds": 2}}, feedback))
    dock = ProcessesDock(qgis_iface)
    ready: list[str] = []
    manager.results_ready.connect(ready.append)
    try:
        wait_until(lambda: dock.process_list.count() > 0, 30, "processes listed")
        dock.load_server_jobs()
        wait_until(lambda: outcome.job_id in dock.server_job_infos, 30, "server jobs listed")
        rows = [dock.server_jobs.item(i) for i in range(dock.server_jobs.count())]
        (item,) = [r for r in rows if r.data(Qt.ItemDataRole.UserRole) == outcome.job_id]
        assert "slow_job" in item.text() and outcome.job_id in item.text()
        assert not dock.follow_button.isEnabled()
        dock.server_jobs.setCurrentItem(item)
        assert dock.follow_button.isEnabled()
        dock.follow()
        job = manager.get(dock.current_job)
        assert (job.platform, job.kind, job.remote_id) == (PLATFORM, KIND, outcome.job_id)
        dock.follow()  # following again does not add a second job
        assert [j.remote_id for j in manager.jobs()].count(outcome.job_id) == 1
        wait_until(lambda: job.id in ready, 60, "results fetched")
        assert manager.get(job.id).state == JobState.SUCCEEDED
        results = json.loads(next(Path(job.folder).glob("results-*.json")).read_text())
        assert results["jobID"] == outcome.job_id and results["outputs"]["elapsed"] >= 2
        wait_until(lambda: "elapsed" in dock.results.text.toPlainText(), 10, "results shown")
    finally:
        manager.results_ready.disconnect(ready.append)
        dock.shutdown()
        dock.deleteLater()
