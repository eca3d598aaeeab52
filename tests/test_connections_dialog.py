"""The Connections dialog, driven through its real widgets: add, edit, remove, import/export, test."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest
from helpers import StallProbe, wait_until
from qgis.core import Qgis, QgsApplication, QgsSettings
from qgis.gui import QgsMessageBar
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QCoreApplication, QEvent, Qt, QTimer
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from geodock.plugin import auth, settings
from geodock.plugin.connections import Connection, kind_title
from geodock.ui.connection_editor import ConnectionEditor
from geodock.ui.connections_dialog import CREDENTIALS, KIND, NAME, URL, ConnectionsDialog

SECRET = "dialog-test-secret-7f3a9c"


@pytest.fixture
def dialog(connections) -> Iterator[ConnectionsDialog]:
    shown = ConnectionsDialog(connections, QgsMessageBar())
    shown.show()
    yield shown
    shown.close()
    shown.deleteLater()
    QgsApplication.processEvents()


def rows(dialog: ConnectionsDialog) -> list[list[str]]:
    items = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())]
    return [[item.text(column) for column in (NAME, KIND, URL, CREDENTIALS)] for item in items]


def stored(connection_id: str) -> dict[str, str]:
    s = QgsSettings()
    prefix = f"{settings.CONNECTIONS}/{connection_id}"
    return {key: s.value(f"{prefix}/{key}", "") for key in ("name", "kind", "url", "authcfg")}


def messages(bar: QgsMessageBar) -> list[tuple[str, Qgis.MessageLevel]]:
    return [(f"{item.title()} {item.text()}".strip(), item.level()) for item in bar.items()]


def latest(bar: QgsMessageBar) -> tuple[str, Qgis.MessageLevel]:
    """The message the bar shows now (the last one pushed)."""
    item = bar.currentItem()
    assert item is not None, "no message shown"
    return f"{item.title()} {item.text()}".strip(), item.level()


def fill(editor: ConnectionEditor, name: str, kind: str, url: str, authcfg: str = "") -> None:
    editor.name_edit.clear()
    QTest.keyClicks(editor.name_edit, name)
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData(kind))
    editor.url_edit.setText(url)
    editor.auth_select.setConfigId(authcfg)


def save(editor: ConnectionEditor) -> None:
    editor.button_box.button(QDialogButtonBox.StandardButton.Save).click()
    QgsApplication.processEvents()


def select(dialog: ConnectionsDialog, name: str) -> None:
    item = dialog.tree.findItems(name, Qt.MatchFlag.MatchExactly, NAME)[0]
    QTest.mouseClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, pos=dialog.tree.visualItemRect(item).center())
    assert dialog.selected_connection().name == name


# Add, edit, remove ---------------------------------------------------------------------------------------


def test_add_connection_through_the_editor(dialog, connections):
    authcfg = auth.create_basic_config("Geodock test: add", "token", SECRET)
    assert dialog.empty_label.isVisible()

    dialog.add_button.click()
    editor = dialog.editor
    assert editor is not None and editor.isVisible() and editor.windowTitle() == "New Connection"
    fill(editor, "Processes", "ogcapi-processes", "https://processes.example.com/", authcfg)
    save(editor)

    assert editor.result() == ConnectionEditor.DialogCode.Accepted
    assert rows(dialog) == [["Processes", kind_title("ogcapi-processes"), "https://processes.example.com/", "Yes"]]
    assert not dialog.empty_label.isVisible()
    assert dialog.selected_connection().name == "Processes"
    saved = connections.get("Processes")
    assert stored(saved.id) == {
        "name": "Processes",
        "kind": "ogcapi-processes",
        "url": "https://processes.example.com/",
        "authcfg": authcfg,
    }
    assert any("Saved connection" in text for text, _ in messages(dialog.message_bar))


def test_edit_keeps_the_id_and_updates_the_list(dialog, connections):
    connections.save(Connection("Old name", "geobox", "https://geobox.example.com/v1/"))
    original = connections.get("Old name")
    select(dialog, "Old name")
    item = dialog.tree.currentItem()
    QTest.mouseDClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, pos=dialog.tree.visualItemRect(item).center())

    editor = dialog.editor
    assert editor is not None and editor.isVisible()
    assert editor.name_edit.text() == "Old name"
    assert editor.kind_combo.currentData() == "geobox"
    assert editor.auth_select.configId() == ""
    editor.name_edit.setText("New name")
    editor.url_edit.setText("https://other.example.com/v1/")
    save(editor)

    assert [c.id for c in connections.all()] == [original.id]
    assert stored(original.id)["name"] == "New name"
    assert stored(original.id)["url"] == "https://other.example.com/v1/"
    assert rows(dialog) == [["New name", "Geobox", "https://other.example.com/v1/", "None"]]
    assert dialog.selected_connection().id == original.id


def test_remove_asks_then_removes(dialog, connections):
    connections.save(Connection("Keep", "koordinates", "https://data.example.com/services/api/v1/"))
    connections.save(Connection("Drop", "amigocloud", "https://app.example.com/api/v1/"))
    dropped = connections.get("Drop")
    select(dialog, "Drop")

    answered = []

    def answer_yes() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        answered.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(0, answer_yes)
    dialog.remove_button.click()

    assert answered == ["Remove the connection “Drop”?"]
    assert [row[0] for row in rows(dialog)] == ["Keep"]
    assert connections.get("Drop") is None
    assert dropped.id not in QgsSettings().childGroups() and stored(dropped.id)["name"] == ""
    assert not dialog.remove_button.isEnabled()  # nothing selected any more


def test_remove_says_which_jobs_follow_through_the_connection(dialog, connections):
    from geodock.plugin.job_model import Job, JobState
    from geodock.plugin.jobs import manager

    connections.save(Connection("Busy", "koordinates", "http://127.0.0.1:9/services/api/v1/"))
    job = Job("koordinates", "Busy", "42", "Roads export", "export", JobState.RUNNING)
    manager()._jobs[job.id] = job  # (a job followed through it; not submitted: no request is made)
    try:
        select(dialog, "Busy")
        answered = []

        def answer_no() -> None:
            box = QApplication.activeModalWidget()
            answered.append(box.text())
            box.button(QMessageBox.StandardButton.No).click()

        QTimer.singleShot(0, answer_no)
        dialog.remove_button.click()
        assert "1 job(s) follow through it (Roads export)" in answered[0]
        assert connections.get("Busy") is not None
    finally:
        manager()._jobs.pop(job.id, None)


def test_invalid_url_is_explained_and_nothing_is_saved(dialog, connections):
    dialog.add_button.click()
    editor = dialog.editor
    fill(editor, "Broken", "koordinates", "ftp://data.example.com/")
    save(editor)

    assert editor.isVisible()  # still open, nothing typed is lost
    [(text, level)] = messages(editor.message_bar)
    assert text == "The URL must be an http(s) address, not 'ftp://data.example.com/'"
    assert level == Qgis.MessageLevel.Warning
    assert connections.all() == []
    assert rows(dialog) == []
    s = QgsSettings()
    s.beginGroup(settings.CONNECTIONS)
    assert s.childGroups() == []
    s.endGroup()

    # Correcting the URL then saves.
    editor.url_edit.setText("https://data.example.com/services/api/v1/")
    save(editor)
    assert not editor.isVisible()
    assert [row[0] for row in rows(dialog)] == ["Broken"]


def test_duplicate_name_is_refused_in_the_editor(dialog, connections):
    connections.save(Connection("Twin", "geobox", "https://a.example.com/v1/"))
    dialog.add_button.click()
    editor = dialog.editor
    fill(editor, "Twin", "geobox", "https://b.example.com/v1/")
    save(editor)
    assert editor.isVisible()
    assert "exists already" in latest(editor.message_bar)[0]
    assert [c.url for c in connections.all()] == ["https://a.example.com/v1/"]


def test_list_follows_store_changes(dialog, connections):
    connections.save(Connection("From elsewhere", "geobox", "https://geobox.example.com/v1/"))
    assert [row[0] for row in rows(dialog)] == ["From elsewhere"]
    connections.save(Connection("Missing auth", "geobox", "https://g.example.com/v1/", authcfg="zzzzzzz"))
    assert rows(dialog)[1][3] == "Missing (zzzzzzz)"


# Import and export ---------------------------------------------------------------------------------------


def test_import_then_export_never_writes_the_secret(dialog, connections, tmp_path):
    source = tmp_path / "in.json"
    source.write_text(
        json.dumps(
            {
                "connections": [
                    {
                        "name": "Imported",
                        "kind": "koordinates",
                        "url": "https://data.example.com/services/api/v1/",
                        "credentials": {"token": SECRET},
                    },
                    {"name": "Open", "kind": "ogcapi-processes", "url": "https://ogc.example.com/"},
                ]
            }
        ),
        encoding="utf-8",
    )
    imported = dialog.import_from(source)

    assert [c.name for c in imported] == ["Imported", "Open"]
    assert [(row[0], row[3]) for row in rows(dialog)] == [("Imported", "Yes"), ("Open", "None")]
    assert "Imported 2 connection(s) from in.json" in latest(dialog.message_bar)[0]
    authcfg = connections.get("Imported").authcfg
    assert auth.read_credentials(authcfg).password == SECRET  # the secret went to the auth database

    target = tmp_path / "out.json"
    assert dialog.export_to(target) == 2
    exported = target.read_text(encoding="utf-8")
    assert SECRET not in exported
    assert json.loads(exported)["connections"][0] == {
        "name": "Imported",
        "kind": "koordinates",
        "url": "https://data.example.com/services/api/v1/",
        "authcfg": authcfg,
    }
    assert "Exported 2 connection(s) to out.json" in latest(dialog.message_bar)[0]
    s = QgsSettings()
    s.sync()
    assert SECRET not in Path(s.fileName()).read_text(encoding="utf-8", errors="replace")


def test_import_of_a_bad_file_says_why(dialog, connections, tmp_path):
    source = tmp_path / "bad.json"
    source.write_text('{"connections": [{"name": "X", "kind": "nope", "url": "https://x.example.com/"}]}')
    assert dialog.import_from(source) == []
    text, level = latest(dialog.message_bar)
    assert "Unknown connection kind 'nope'" in text
    assert level == Qgis.MessageLevel.Critical
    assert connections.all() == []


# Test connection -----------------------------------------------------------------------------------------


def run_test(dialog: ConnectionsDialog, name: str, timeout: float = 60.0) -> tuple[str, Qgis.MessageLevel]:
    select(dialog, name)
    dialog.test_button.click()
    assert dialog.testing
    assert not dialog.test_button.isEnabled()
    assert "Testing “" in latest(dialog.message_bar)[0]  # the busy state
    wait_until(lambda: not dialog.testing, timeout, "the connection test")
    assert dialog.test_button.isEnabled()
    return latest(dialog.message_bar)


def test_connection_test_against_a_real_server(dialog, connections, wraptile_server):
    connections.save(Connection("Wraptile", "ogcapi-processes", wraptile_server.url))
    probe = StallProbe()
    probe.start()
    text, level = run_test(dialog, "Wraptile")
    stall = probe.stop()
    assert level == Qgis.MessageLevel.Success
    assert text.startswith(f"Wraptile: {kind_title('ogcapi-processes')} answered:")
    assert "processes" in text
    assert stall < 1000, f"the GUI thread stalled {stall:.0f} ms"


def test_connection_test_to_a_closed_port_fails_clearly(dialog, connections, refused_port):
    connections.save(Connection("Nobody home", "ogcapi-processes", f"http://127.0.0.1:{refused_port}/"))
    text, level = run_test(dialog, "Nobody home")
    assert level == Qgis.MessageLevel.Critical
    assert text.startswith("Connection failed Nobody home:")
    assert "refused" in text.lower()
    assert "Traceback" not in text


class SlowHandler(BaseHTTPRequestHandler):
    delay = 3.0

    def do_GET(self) -> None:
        self.server.hit.set()
        time.sleep(self.delay)
        body = json.dumps({"processes": [{"id": "slow"}]}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up, as it should

    def log_message(self, *args) -> None:
        pass


class SlowServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SlowHandler)
        self.hit = threading.Event()  # set when a request has arrived
        self.url = f"http://127.0.0.1:{self.server_address[1]}/"


@pytest.fixture
def slow_server() -> Iterator[SlowServer]:
    server = SlowServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("how", ["close", "delete"])
def test_closing_while_a_test_runs_is_safe(connections, slow_server, how):
    """Closing cancels the test; deleting the dialog outright leaves a late result with nowhere to go."""
    logged = []

    def record(message: str, tag: str, level: Qgis.MessageLevel) -> None:
        logged.append(message)

    QgsApplication.messageLog().messageReceived.connect(record)
    try:
        dialog = ConnectionsDialog(connections, QgsMessageBar())
        dialog.show()
        connections.save(Connection("Slow", "ogcapi-processes", slow_server.url))
        select(dialog, "Slow")
        task = dialog.test_connection()
        assert task is not None and dialog.testing
        # Wait until the request is out: the cancel then has a reply to abort.
        wait_until(slow_server.hit.is_set, 10, "the request to reach the server")
        finished = []
        task.taskCompleted.connect(lambda: finished.append("completed"))
        task.taskTerminated.connect(lambda: finished.append("terminated"))

        if how == "close":
            closed_at = time.monotonic()
            dialog.close()
            assert not dialog.testing  # cancelled at once: the dialog does not wait for the network
            wait_until(lambda: finished, 15, "the cancelled task to end")
            assert finished == ["terminated"]
            assert time.monotonic() - closed_at < SlowHandler.delay  # the request was aborted, not waited for
            QgsApplication.processEvents()
            assert dialog.message_bar.items() == []  # no result pushed after the dialog was closed
            dialog.deleteLater()
        else:
            dialog.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            assert sip.isdeleted(dialog)
            wait_until(lambda: finished, 15, "the task to deliver its late result")
            assert finished == ["completed"]
            QgsApplication.processEvents()
    finally:
        QgsApplication.messageLog().messageReceived.disconnect(record)
    assert not [m for m in logged if "callback failed" in m or "Traceback" in m]
