"""The SQL console's widgets driven against the local AmigoCloud server: tables listed, a SELECT paged
through the cursor, a confirmed (and a declined) write, an error placed at its line, "Add as layer"."""

from __future__ import annotations

from helpers import wait_for_no_tasks, wait_until
from qgis.core import QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QMessageBox

from geodock.plugin import settings
from geodock.ui.platforms.amigocloud.sql_console import SqlConsole, load_history


class MessageBoxAnswerer:
    """Answers the next modal QMessageBox with ``button`` (what a user's click would do)."""

    def __init__(self, button: QMessageBox.StandardButton) -> None:
        self.button = button
        self.text = ""
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._answer)
        self.timer.start()

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            self.text = box.text()
            self.timer.stop()
            box.button(self.button).click()


def open_console(connections, server) -> SqlConsole:
    connections.import_json({"connections": [server.connection()]})
    settings.remove(settings.SQL_HISTORY)
    console = SqlConsole(None, connections.all()[0], "1")
    console.page_size = 100
    console.show()
    try:
        wait_until(lambda: console.tables.topLevelItemCount() >= 4, 30, "tables listed")
    except AssertionError as err:
        state = f"status {console.status.text()!r}, project {console.project_combo.currentText()!r}"
        raise AssertionError(f"{err} ({state})") from None
    return console


def run(console: SqlConsole, query: str) -> str:
    outcome: list[str] = []
    console.queryFinished.connect(outcome.append)
    console.editor.setText(query)
    console.run_button.click()
    wait_until(lambda: bool(outcome) or console.status.text() == "Write cancelled", 30, "query finished")
    console.queryFinished.disconnect(outcome.append)
    return outcome[0] if outcome else console.status.text()


def test_select_pages_and_adds_layer(connections, amigocloud_server):
    console = open_console(connections, amigocloud_server)
    try:
        assert console.project_id() == "1"
        names = [console.tables.topLevelItem(i).text(0) for i in range(console.tables.topLevelItemCount())]
        assert "dataset_1" in names
        status = run(console, "SELECT ogc_fid, name, wkb_geometry FROM dataset_1 ORDER BY ogc_fid")
        model = console.model
        assert model is not None and model.rowCount() == 100
        assert f"100 of {model.count}" in status
        assert model.count > 100 and model.canFetchMore()
        model.fetchMore()
        wait_until(lambda: model.rowCount() == min(200, model.count), 30, "second page")
        assert model.data(model.index(100, 0)) == 101  # row order kept across pages
        assert load_history()[0].startswith("SELECT ogc_fid")
        assert console.add_layer_button.isEnabled()
        before = set(QgsProject.instance().mapLayers())
        console.add_layer_button.click()
        wait_until(lambda: set(QgsProject.instance().mapLayers()) - before, 60, "layer added")
        (layer_id,) = set(QgsProject.instance().mapLayers()) - before
        layer = QgsProject.instance().mapLayer(layer_id)
        assert layer.featureCount() == model.count
        QgsProject.instance().removeMapLayer(layer_id)
    finally:
        console.close()


def test_result_without_geometry_cannot_be_a_layer(connections, amigocloud_server):
    console = open_console(connections, amigocloud_server)
    try:
        run(console, "SELECT name FROM dataset_1")
        assert not console.add_layer_button.isEnabled()
    finally:
        console.close()


def test_write_asks_and_reports_rows(connections, amigocloud_server):
    console = open_console(connections, amigocloud_server)
    try:
        query = "UPDATE dataset_1 SET wb_a2 = wb_a2 WHERE iso_a2 IN ('NO', 'SE', 'FI')"
        declined = MessageBoxAnswerer(QMessageBox.StandardButton.Cancel)
        assert run(console, query) == "Write cancelled"
        assert "changes data" in declined.text
        confirmed = MessageBoxAnswerer(QMessageBox.StandardButton.Yes)
        assert run(console, query) == "3 rows affected"
        assert "UPDATE dataset_1" in confirmed.text
    finally:
        console.close()


def test_error_shows_message_at_its_line(connections, amigocloud_server):
    console = open_console(connections, amigocloud_server)
    try:
        run(console, "SELECT ogc_fid, wkb_geometry FROM dataset_1")
        assert console.model is not None and console.add_layer_button.isEnabled()
        status = run(console, "SELECT name\nFROM dataset_1\nWHER iso_a2 = 'x'")
        assert console.model is None and console.results.model() is None  # no rows of the earlier query
        assert not console.add_layer_button.isEnabled()  # which would load them, not this query
        assert "syntax error" in status and "line 3, column 6" in status
        assert "syntax error" in console.status.text()
        assert console.editor.getCursorPosition() == (2, 5)
        assert console.run_button.isEnabled()
    finally:
        console.close()


def test_stop_is_not_an_error(connections, amigocloud_server):
    console = open_console(connections, amigocloud_server)
    try:
        amigocloud_server.fault(hold="sql", path="/api/v1/projects/1/sql")
        console.editor.setText("SELECT name FROM dataset_1")
        console.run_button.click()
        wait_until(lambda: amigocloud_server.held("sql") == 1, 30, "the query to reach the server")
        console.stop_button.click()
        assert console.run_button.isEnabled() and console.current is None  # stopped at once
        assert console.status.text() == "Stopped"
        wait_for_no_tasks(10)  # the aborted query reports back later (its CancelledError) ...
        assert console.status.text() == "Stopped"  # ... and that is no error either
        assert console.status.styleSheet() == ""  # not shown as an error
    finally:
        amigocloud_server.release("sql")
        console.close()
