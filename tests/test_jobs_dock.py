"""The Jobs dock follows the manager: rows, progress, cancel, remove, the server's exports, notifications."""

from __future__ import annotations

from helpers import run_task, wait_until
from qgis.core import QgsProject
from qgis.PyQt.QtWidgets import QPushButton


def _export(kx, server, name, seconds=None):
    """An export on the local ``server``, taking ``seconds`` there (None: held there until the test is over)."""
    from geodock.plugin.platforms.koordinates.exports import KoordinatesExports, export_body

    if seconds is None:
        server.hold_exports()
    else:
        server.export_timing(seconds)
    api = KoordinatesExports(kx)
    body = export_body([api.item_url(3)], "EPSG:4326", {"vector": "application/x-ogc-gpkg"}, name=name)
    return run_task(lambda fb: api.create(body, fb))


def test_dock_rows_progress_cancel_remove(kx, jobs, qgis_iface, tmp_path, koordinates_server):
    from geodock.plugin.job_model import JobState
    from geodock.ui.jobs_dock import PROGRESS_COLUMN, JobsDock

    dock = JobsDock(qgis_iface, None, jobs=jobs)
    dock.show()
    job = _export(kx, koordinates_server, "Dock export").to_job(kx, str(tmp_path))  # held: cancelled running
    jobs.submit(job)
    model = dock.model
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "Koordinates" and model.index(0, 1).data() == "Dock export"
    wait_until(lambda: (model.index(0, PROGRESS_COLUMN).data() or 0) > 0, 20, "progress in the table")
    dock.table.selectRow(0)
    assert dock.cancel_action.isEnabled() and not dock.download_action.isEnabled()
    dock.cancel_action.trigger()
    wait_until(lambda: job.state == JobState.CANCELLED, 20, "cancelled")
    assert model.index(0, 2).data() == "Cancelled"
    dock.table.selectRow(0)
    assert not dock.cancel_action.isEnabled() and dock.remove_action.isEnabled()
    dock.remove_action.trigger()
    assert model.rowCount() == 0 and jobs.get(job.id) is None
    dock.shutdown()
    dock.deleteLater()


def test_server_exports_listed_and_followed(kx, jobs, qgis_iface, tmp_path, koordinates_server):
    from geodock.plugin.job_model import JobState
    from geodock.plugin.platforms.koordinates.exports import KoordinatesExports
    from geodock.ui.jobs_dock import JobsDock

    export = _export(kx, koordinates_server, "Made elsewhere", 0.2)
    dock = JobsDock(qgis_iface, None, jobs=jobs)
    dock._fill_connections()
    dock.connection_combo.setCurrentIndex(dock.connection_combo.findData(kx.name))
    dock.refresh_button.click()
    wait_until(lambda: dock.server_table.rowCount() > 0, 20, "server exports")
    ids = [dock.server_table.item(r, 3).text() for r in range(dock.server_table.rowCount())]
    row = ids.index(str(export.id))
    api = KoordinatesExports(kx)
    wait_until(lambda: run_task(lambda fb: api.get(export.id, fb)).state == "complete", 20, "complete")
    dock.refresh_button.click()
    wait_until(lambda: dock.refresh_button.isEnabled(), 20, "refreshed")
    dock.server_table.selectRow(row)
    dock.server_jobs[row].folder = str(tmp_path / "followed")
    dock.follow_button.click()
    followed = next(j for j in jobs.jobs() if j.remote_id == str(export.id))
    wait_until(lambda: followed.download == "done", 60, "re-downloaded")
    assert followed.state == JobState.SUCCEEDED and followed.outputs
    dock.shutdown()
    dock.deleteLater()


def test_notification_has_add_to_map(kx, jobs, qgis_iface, tmp_path, koordinates_server):
    pushed = []
    bar = qgis_iface.messageBar()
    bar.widgetAdded.connect(pushed.append)
    job = _export(kx, koordinates_server, "Notify me", 0.2).to_job(kx, str(tmp_path), add_to_project=False)
    jobs.submit(job)
    wait_until(lambda: job.download == "done", 60, "downloaded")
    wait_until(lambda: pushed, 5, "message bar item")
    item = pushed[-1]
    assert "Notify me" in item.text()
    buttons = {b.text(): b for b in item.findChildren(QPushButton)}
    assert "Add to map" in buttons
    buttons["Add to map"].click()
    assert QgsProject.instance().layerTreeRoot().findGroup("Notify me") is not None


def test_a_job_with_only_values_offers_nothing_to_add(jobs, qgis_iface, tmp_path):
    """A process whose results are values (no file): "finished", without "Add to map" (which would only
    download nothing again) or "Open folder" (empty)."""
    from geodock.plugin.job_model import DownloadState, Job, JobState
    from geodock.ui.jobs_dock import notify_job_end

    pushed = []
    qgis_iface.messageBar().widgetAdded.connect(pushed.append)
    folder = tmp_path / "values"
    folder.mkdir()
    job = Job("ogcapi-processes", "x", "1", "Hello World", "process", JobState.SUCCEEDED, folder=str(folder))
    job.download = DownloadState.DONE
    job.message = "No files to download"
    notify_job_end(jobs, job)
    (item,) = pushed
    assert "Hello World finished" in item.text()
    assert [b.text() for b in item.findChildren(QPushButton)] == []


def test_a_job_that_failed_before_it_was_handed_over_is_told(kx, jobs, qgis_iface, tmp_path):
    from geodock.plugin.job_model import Job, JobState

    told = []
    jobs.notifier = lambda manager, job: told.append(job.id)
    job = Job("koordinates", kx.name, "7", "Failed at once", "export", JobState.FAILED, message="Input rejected")
    finished = []
    jobs.job_finished.connect(finished.append)
    jobs.submit(job)
    assert told == [job.id] and finished == [job.id]
    assert not jobs.is_busy(job.id)  # nothing to watch


def test_removing_a_running_job_asks_first(kx, jobs, qgis_iface, tmp_path, koordinates_server):
    from geodock.ui.jobs_dock import JobsDock

    dock = JobsDock(qgis_iface, None, jobs=jobs)
    job = _export(kx, koordinates_server, "Still running").to_job(kx, str(tmp_path))  # held: running
    jobs.submit(job)
    dock.table.selectRow(0)
    asked = []
    dock.confirm_remove_running = lambda running: asked.append([j.title for j in running]) or False
    dock.remove_action.trigger()
    assert asked == [["Still running"]] and jobs.get(job.id) is not None  # the user said no
    dock.confirm_remove_running = lambda running: True
    dock.remove_action.trigger()
    assert jobs.get(job.id) is None
    dock.shutdown()
    dock.deleteLater()
