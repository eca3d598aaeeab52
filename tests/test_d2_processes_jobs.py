"""Issue 15's jobs in the Processes dock, on real wraptile and pygeoapi: the server's jobs by status and page by
page (and a next link on another origin gets no credential), a finished job deleted on the server after a
confirmation, a job run again with the same request, and issue 16's stale and stuck states."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_task, wait_until
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QMessageBox
from test_sql_console import MessageBoxAnswerer
from test_trust_credentials import PASSWORD, _assert_boundary, _connect

from geodock.plugin.errors import NotFoundError
from geodock.plugin.job_model import JobState
from geodock.plugin.platforms.ogcapi.adapter import OgcProcessesAdapter, StatusInfo
from geodock.ui.platforms.ogcapi.processes_dock import ProcessesDock
from geodock.ui.platforms.ogcapi.server_jobs import server_job_label


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


def run_slow_job(dock: ProcessesDock, manager, seconds: int = 1):
    """Execute slow_job for ``seconds`` from the dock and wait for its end; the job."""
    select(dock, "slow_job")
    row = dock.form.rows["seconds"]
    row.include.setChecked(True)
    row.editor.setValue(seconds)
    dock.execute()
    wait_until(lambda: dock.current_job and manager.get(dock.current_job).state.final, 60, "the job to end")
    return manager.get(dock.current_job)


# The server's jobs: status filter and paging ------------------------------------------------------------


def test_pygeoapi_jobs_by_status_and_page_by_page(dock, connections, pygeoapi_server):
    load(dock, connections, pygeoapi_server)
    adapter = dock.adapter
    started = [
        run_task(lambda fb, n=n: adapter.execute("hello-world", {"inputs": {"name": f"d2-{n}"}}, fb)).job_id
        for n in range(3)
    ]
    wait_until(
        lambda: all(adapter.status(job).status == "successful" for job in started), 30, "the three jobs to succeed"
    )
    first = run_task(lambda fb: adapter.list_jobs("successful", 2, None, fb))
    assert len(first.items) == 2 and first.next is not None and "offset=" in str(first.next)
    assert all(isinstance(info, StatusInfo) and info.status == "successful" for info in first.items)
    second = run_task(lambda fb: adapter.list_jobs("successful", 2, first.next, fb))
    assert {i.job_id for i in second.items}.isdisjoint({i.job_id for i in first.items})
    assert run_task(lambda fb: adapter.list_jobs("failed", 50, None, fb)).items == []  # applied here too

    pane = dock.jobs_pane
    pane.page_size = 2
    pane.status_filter.setCurrentIndex(pane.status_filter.findData("successful"))  # lists by itself
    wait_until(lambda: len(pane.infos) >= 1 and not pane.more_button.isHidden(), 30, "a page and More")
    first_page = len(pane.infos)
    pane.more_button.click()
    wait_until(lambda: len(pane.infos) > first_page, 30, "the next page added")
    assert all(info.status == "successful" for info in pane.infos.values())
    pane.status_filter.setCurrentIndex(pane.status_filter.findData("failed"))
    wait_until(lambda: pane.list.count() == 1 and pane.list.item(0).text() != "Loading jobs…", 30, "no failed jobs")
    assert pane.list.item(0).text() == "The server lists no jobs" and not pane.infos


def test_a_next_page_on_another_origin_gets_no_credentials(hostile, connections):
    connection = _connect(connections, hostile, "ogcapi-processes", "/ogc/", {"username": "me", "password": PASSWORD})
    job = {"jobID": "j1", "processID": "buffer", "status": "failed", "progress": 10}
    hostile.script(
        {
            "path": "/ogc/jobs",
            "times": 1,
            "json": {"jobs": [job], "links": [{"rel": "next", "href": "{other}/ogc/jobs?p=2"}]},
        },
        {"path": "/ogc/jobs", "json": {"jobs": [dict(job, jobID="j2", status="running")], "links": []}},
    )
    adapter = OgcProcessesAdapter(connection)
    first = run_task(lambda fb: adapter.list_jobs("failed", 5, None, fb))
    assert [i.job_id for i in first.items] == ["j1"] and str(first.next).startswith(hostile.other_origin())
    second = run_task(lambda fb: adapter.list_jobs("failed", 5, first.next, fb))
    assert second.items == [] and second.next is None  # a running job is not a failed one, whatever the server
    own = [r for r in hostile.received() if r["host"].startswith("127.0.0.1")]
    assert "status=failed" in own[0]["query"] and "limit=5" in own[0]["query"]
    _assert_boundary(hostile, {"/ogc/jobs"}, {"/ogc/jobs"})


def test_a_final_state_is_shown_as_final():
    failed = StatusInfo(job_id="j1", status="failed", process_id="buffer", progress=10.0)
    running = StatusInfo(job_id="j2", status="running", process_id="buffer", progress=10.0)
    assert server_job_label(failed) == "j1 · buffer · failed"
    assert server_job_label(running) == "j2 · buffer · running · 10%"


# Delete and run again -----------------------------------------------------------------------------------


def test_a_finished_job_is_deleted_on_the_server_after_asking(dock, connections, wraptile_server, manager):
    load(dock, connections, wraptile_server)
    job = run_slow_job(dock, manager)
    assert job.state == JobState.SUCCEEDED
    wait_until(lambda: dock.results.delete_button.isEnabled(), 10, "Delete offered for the finished job")
    adapter = OgcProcessesAdapter(connections.all()[0])

    declined = MessageBoxAnswerer(QMessageBox.StandardButton.No)
    dock.results.delete_button.click()
    assert job.remote_id in declined.text and adapter.status(job.remote_id).status == "successful"

    confirmed = MessageBoxAnswerer(QMessageBox.StandardButton.Yes)
    dock.results.delete_button.click()
    assert "Delete the job" in confirmed.text
    wait_until(lambda: "deleted on the server" in dock.results.status.text(), 30, "deleted")
    with pytest.raises(NotFoundError):
        adapter.status(job.remote_id)
    assert not dock.results.delete_button.isEnabled()


def test_a_server_job_is_deleted_from_the_list(dock, connections, wraptile_server, manager):
    load(dock, connections, wraptile_server)
    job = run_slow_job(dock, manager)
    dock.job_tabs.setCurrentWidget(dock.jobs_pane)
    dock.load_server_jobs()
    pane = dock.jobs_pane
    wait_until(lambda: job.remote_id in pane.infos, 30, "the job listed")
    row = [pane.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(pane.list.count())].index(job.remote_id)
    pane.list.setCurrentRow(row)
    assert pane.delete_button.isEnabled()
    confirmed = MessageBoxAnswerer(QMessageBox.StandardButton.Yes)
    pane.delete_button.click()
    assert job.remote_id in confirmed.text
    wait_until(lambda: job.remote_id not in pane.infos, 30, "taken off the list")
    with pytest.raises(NotFoundError):
        OgcProcessesAdapter(connections.all()[0]).status(job.remote_id)


def test_run_again_sends_the_same_request_as_a_new_job(dock, connections, wraptile_server, manager):
    load(dock, connections, wraptile_server)
    first = run_slow_job(dock, manager, seconds=2)
    wait_until(lambda: dock.results.run_again_button.isEnabled(), 10, "Run again offered")
    dock.results.run_again_button.click()
    wait_until(lambda: dock.current_job and dock.current_job != first.id, 30, "a new job")
    second = manager.get(dock.current_job)
    assert second.remote_id != first.remote_id and second.folder != first.folder
    wait_until(lambda: manager.get(second.id).outputs or "elapsed" in dock.results.text.toPlainText(), 60, "results")
    sent = [json.loads((Path(j.folder) / "request.json").read_text()) for j in (first, second)]
    assert sent[0] == sent[1] and sent[0]["inputs"] == {"seconds": 2} and sent[0]["process_id"] == "slow_job"
    results = json.loads(next(Path(second.folder).glob("results-*.json")).read_text())
    assert results["outputs"]["elapsed"] >= 2


# Issue 16: stale and stuck states -------------------------------------------------------------------------


def test_a_new_job_clears_the_previous_failure_and_a_failed_job_leaves_no_bar(
    dock, connections, wraptile_server, manager
):
    load(dock, connections, wraptile_server)
    select(dock, "fail_job")
    dock.execute()
    wait_until(lambda: dock.current_job and manager.get(dock.current_job).state == JobState.FAILED, 30, "failed")
    assert "always fails" in dock.results.text.toPlainText()
    assert dock.results.progress.isHidden()  # final: no bar left standing at its last value
    failed = dock.current_job

    select(dock, "slow_job")
    dock.form.rows["seconds"].include.setChecked(True)
    dock.form.rows["seconds"].editor.setValue(30)
    dock.execute()
    assert dock.results.text.toPlainText() == "" and dock.results.status.text() == "Sending…"
    wait_until(lambda: dock.current_job not in ("", failed), 30, "the new job")
    wait_until(lambda: manager.get(dock.current_job).state == JobState.RUNNING, 30, "running")
    assert "always fails" not in dock.results.text.toPlainText() + dock.results.status.text()
    assert not dock.results.progress.isHidden()
    dock.dismiss()
    wait_until(lambda: manager.get(dock.current_job).state == JobState.CANCELLED, 30, "dismissed")
    assert dock.results.progress.isHidden()
