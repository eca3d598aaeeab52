"""Issue 15's execution requests and execute options in the Processes dock (real wraptile and pygeoapi): save the
form's request as JSON and open one back (validated; a bad file said in the message bar, details in the log),
outputs / transmission / sync chosen in the form and sent; and issue 16's layout: the dock's panes keep usable
heights at 300 x 500 px, and the Processing Toolbox beside it cannot squeeze them away."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import wait_until
from qgis.core import Qgis
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget

from geodock.plugin.platforms.ogcapi.process_description import ProcessDescription
from geodock.ui.platforms.ogcapi.execute_options_box import ExecuteOptionsBox
from geodock.ui.platforms.ogcapi.processes_dock import PANE_MINIMUM_HEIGHTS, ProcessesDock


@pytest.fixture
def dock(qgis_iface, connections, manager):
    qgis_iface.messageBar().clear_messages()
    widget = ProcessesDock(qgis_iface)
    yield widget
    widget.shutdown()
    widget.deleteLater()


def load(dock: ProcessesDock, connections, server) -> None:
    connections.import_json({"connections": [server.connection()]})
    wait_until(lambda: dock.process_list.count() > 0, 30, f"processes listed ({dock.server_label.text()!r})")


def select(dock: ProcessesDock, process_id: str) -> None:
    assert dock.select_process(process_id)
    wait_until(lambda: dock.form is not None and dock.description.id == process_id, 30, "form built")


def warnings(iface) -> list[str]:
    return iface.messageBar().get_messages(Qgis.MessageLevel.Warning)


# Save and open ------------------------------------------------------------------------------------------


def test_a_request_saved_and_opened_back_fills_the_form(dock, connections, wraptile_server, tmp_path):
    load(dock, connections, wraptile_server)
    select(dock, "slow_job")
    row = dock.form.rows["seconds"]
    row.include.setChecked(True)
    row.editor.setValue(7)
    path = tmp_path / "slow.json"
    dock.save_request(str(path))
    wait_until(path.exists, 30, "the request saved")
    assert json.loads(path.read_text()) == {"process_id": "slow_job", "inputs": {"seconds": 7}, "mode": "async"}

    select(dock, "fail_job")  # another process: opening the file chooses slow_job again, then fills its form
    dock.open_request(str(path))
    wait_until(
        lambda: dock.description.id == "slow_job" and dock.form.rows["seconds"].include.isChecked(), 30, "filled"
    )
    assert dock.form.rows["seconds"].editor.value() == 7


def test_an_opened_request_is_checked(dock, connections, wraptile_server, qgis_iface, tmp_path):
    load(dock, connections, wraptile_server)
    select(dock, "slow_job")
    not_json = tmp_path / "broken.json"
    not_json.write_text("{inputs: 3", encoding="utf-8")
    dock.open_request(str(not_json))
    assert any("cannot be opened" in m and "broken.json is not JSON" in m for m in warnings(qgis_iface))

    qgis_iface.messageBar().clear_messages()
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"process_id": "slow_job", "inputs": [1, 2]}), encoding="utf-8")
    dock.open_request(str(wrong))
    assert any("inputs has the wrong type" in m for m in warnings(qgis_iface))

    qgis_iface.messageBar().clear_messages()
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps({"process_id": "no_such_process", "inputs": {}}), encoding="utf-8")
    dock.open_request(str(unknown))
    assert any("no_such_process" in m for m in warnings(qgis_iface)) and dock.description.id == "slow_job"

    qgis_iface.messageBar().clear_messages()
    too_big = tmp_path / "too-big.json"
    too_big.write_text(json.dumps({"process_id": "slow_job", "inputs": {"seconds": 9000}}), encoding="utf-8")
    dock.open_request(str(too_big))  # filled as far as it goes, and the out-of-range value flagged
    assert dock.form.rows["seconds"].include.isChecked()
    assert any("Seconds" in m for m in warnings(qgis_iface))


# Execute options ----------------------------------------------------------------------------------------


def test_execute_options_reach_the_server(dock, connections, pygeoapi_server, manager):
    load(dock, connections, pygeoapi_server)
    select(dock, "hello-world")
    dock.form.rows["name"].editor.setText("options")
    box = dock.options
    assert box.mode.isEnabled() and box.outputs.count() == 1  # hello-world allows sync and async
    box.transmission.setCurrentIndex(box.transmission.findData("value"))
    box.mode.setCurrentIndex(box.mode.findData("sync"))
    dock.execute()
    wait_until(lambda: "Hello options!" in dock.results.text.toPlainText(), 30, "the answer shown")
    job = manager.get(dock.current_job)
    assert job.result.get("prefetched") is not None  # answered synchronously: no job to poll
    sent = json.loads((Path(job.folder) / "request.json").read_text())
    assert sent["outputs"] == {"echo": {"transmissionMode": "value"}} and sent["mode"] == "sync"

    box.outputs.item(0).setCheckState(Qt.CheckState.Unchecked)
    dock.execute()  # no output to return: flagged, nothing sent
    assert any("at least one output" in m for m in warnings(dock.iface))


def test_only_the_modes_a_process_allows_are_offered(qgis_app):
    box = ExecuteOptionsBox()
    data = {"id": "p", "jobControlOptions": ["async-execute"], "outputs": {"a": {}, "b": {}}}
    box.set_description(ProcessDescription.from_json(data))
    assert not box.mode.isEnabled() and box.mode.currentData() == "async"
    assert box.choices().outputs == [] and box.choices().mode == "async"  # all outputs: the server's default
    box.outputs.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert box.choices().outputs == ["a"]
    box.set_description(ProcessDescription.from_json(dict(data, jobControlOptions=["sync-execute"])))
    assert box.mode.currentData() == "sync" and not box.mode.isEnabled()


# Layout -------------------------------------------------------------------------------------------------


def _pane_heights(dock: ProcessesDock) -> list[int]:
    return [dock.splitter.widget(i).height() for i in range(dock.splitter.count())]


def test_the_panes_keep_usable_heights_at_300_by_500(dock, connections, wraptile_server):
    window = QMainWindow()
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    toolbox = QWidget()  # the Processing Toolbox, opened beside it, wants room too
    toolbox.setMinimumHeight(400)
    other = QDockWidget("Processing Toolbox")
    other.setWidget(toolbox)
    window.resize(700, 500)
    window.show()
    load(dock, connections, wraptile_server)
    select(dock, "buffer")
    dock.resize(300, 500)
    QApplication.processEvents()
    assert all(h >= m for h, m in zip(_pane_heights(dock), PANE_MINIMUM_HEIGHTS)), _pane_heights(dock)
    assert dock.minimumSizeHint().height() <= 500 and dock.minimumSizeHint().width() <= 300  # fits 300 x 500
    assert not dock.form_area.horizontalScrollBar().isVisible()

    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, other)
    window.splitDockWidget(dock, other, Qt.Orientation.Vertical)
    QApplication.processEvents()
    assert all(h >= m for h, m in zip(_pane_heights(dock), PANE_MINIMUM_HEIGHTS)), _pane_heights(dock)
    for pane in (dock.process_tabs, dock.job_tabs):
        assert pane.height() >= pane.minimumHeight() > 100
    window.removeDockWidget(dock)
    dock.setParent(None)  # the fixture deletes it, not the window
    window.close()
