"""The job manager: saved jobs survive a restart and are watched again; polling adapts; no secret is saved."""

from __future__ import annotations

import json
import time

import pytest
from helpers import run_task, spin, wait_until
from qgis.core import QgsApplication, QgsProject


@pytest.fixture
def clean_jobs(qgis_app):
    from geodock.plugin import settings

    settings.remove(settings.JOBS)
    QgsProject.instance().clear()
    yield
    settings.remove(settings.JOBS)
    QgsProject.instance().clear()


def _create(kx, name, seconds):
    from geodock.plugin.platforms.koordinates_exports import KoordinatesExports, export_body

    api = KoordinatesExports(kx)
    body = export_body([api.item_url(3)], "EPSG:4326", {"vector": "application/x-ogc-gpkg"}, name=name)
    return api, run_task(lambda fb: api.create(body, fb, export_seconds=seconds))


def test_restart_resumes_watching_and_downloads(kx, clean_jobs, tmp_path, koordinates_server):
    from geodock.plugin import settings
    from geodock.plugin.job_model import JobState
    from geodock.plugin.jobs import JobManager

    first = JobManager()
    first.start(None, resume_delay=3600)
    _api, export = _create(kx, "Survives restart", 4)
    job = export.to_job(kx, str(tmp_path / "out"))
    first.submit(job)
    wait_until(lambda: (job.progress or 0) > 0, 20, "first poll")
    assert first.is_busy(job.id)
    assert any(t.description() == "Geodock: watching remote jobs" for t in QgsApplication.taskManager().activeTasks())
    first.stop()  # QGIS closes while the export runs
    saved = json.loads(settings.value(settings.JOBS))
    assert [entry["remote_id"] for entry in saved] == [str(export.id)]
    assert saved[0]["state"] == "running"
    raw = settings.value(settings.JOBS)
    assert "demo-koordinates-token" not in raw and "key " not in raw

    second = JobManager()  # the next QGIS session
    second.start(None, resume_delay=0.5)
    again = second.get(job.id)
    assert again is not None and again.state == JobState.RUNNING
    assert not second.is_busy(job.id)  # no network at start-up...
    wait_until(lambda: second.is_busy(job.id) or again.state.final, 5, "resumed")  # ...a moment later
    wait_until(lambda: again.result.get("geodock_download") == "done", 60, "downloaded after restart")
    assert again.state == JobState.SUCCEEDED
    group = QgsProject.instance().layerTreeRoot().findGroup("Survives restart")
    assert group is not None and group.findLayers()
    second.stop()


def test_interrupted_download_resumes_after_restart(kx, clean_jobs, tmp_path, koordinates_server):
    from geodock.plugin import settings
    from geodock.plugin.job_model import JobState
    from geodock.plugin.jobs import DOWNLOAD, JobManager

    api, export = _create(kx, "Finished earlier", 0.2)
    wait_until(lambda: run_task(lambda fb: api.get(export.id, fb)).state == "complete", 30, "complete")
    export = run_task(lambda fb: api.get(export.id, fb))
    job = export.to_job(kx, str(tmp_path / "later"), add_to_project=False)
    assert job.state == JobState.SUCCEEDED
    job.result[DOWNLOAD] = "running"  # QGIS was closed during the download
    settings.set_value(settings.JOBS, json.dumps([job.to_json()]))
    manager = JobManager()
    manager.start(None, resume_delay=0.2)
    restored = manager.get(job.id)
    wait_until(lambda: restored.result.get(DOWNLOAD) == "done", 60, "download finished")
    assert restored.outputs and all(p.endswith(".gpkg") for p in restored.outputs)
    assert QgsProject.instance().mapLayers() == {}  # not asked to add
    manager.add_to_map(job.id)
    assert QgsProject.instance().layerTreeRoot().findGroup("Finished earlier") is not None
    manager.stop()


def test_remove_and_signals(kx, clean_jobs, tmp_path):
    from geodock.plugin import settings
    from geodock.plugin.jobs import JobManager

    manager = JobManager()
    manager.start(None, resume_delay=3600)
    added, removed = [], []
    manager.job_added.connect(added.append)
    manager.job_removed.connect(removed.append)
    _api, export = _create(kx, "Removed", 30)
    job = export.to_job(kx, str(tmp_path))
    manager.submit(job)
    assert added == [job.id] and manager.is_busy(job.id)
    manager.remove(job.id)
    assert removed == [job.id] and manager.get(job.id) is None and not manager.is_busy(job.id)
    wait_until(lambda: settings.value(settings.JOBS) is not None, 5, "jobs saved")  # saves are batched
    assert json.loads(settings.value(settings.JOBS)) == []
    spin(0.3)
    manager.stop()


def test_poll_delay_is_adaptive():
    from geodock.plugin.jobs import MAX_INTERVAL, NEAR_END, next_poll_delay

    assert next_poll_delay(0, []) == 0.5  # fast at first
    assert next_poll_delay(4, []) == 1.0
    assert next_poll_delay(200, []) == MAX_INTERVAL  # capped for long jobs without progress
    now = time.time()
    # 50% after 150 s: about 150 s left -> wait long; 99% -> poll soon.
    assert next_poll_delay(150, [(now - 150, 0.0), (now, 50.0)]) == MAX_INTERVAL
    assert next_poll_delay(297, [(now - 297, 0.0), (now, 99.5)]) == NEAR_END
    # Stuck at 95% long after the expected end: polls space out again.
    assert next_poll_delay(400, [(now - 380, 0.0), (now - 100, 95.0)]) > 5 * NEAR_END
    assert next_poll_delay(5, [], retry_after=20) == 20  # Retry-After wins


def test_poll_schedule_starts_again_when_a_queued_job_starts_running():
    from geodock.plugin.job_model import JobState, JobStatus
    from geodock.plugin.jobs import FIRST_POLLS, PollSchedule

    schedule = PollSchedule(started=0.0, previous=0.0)
    queued = [schedule.observe(JobStatus(JobState.QUEUED), now=t) for t in (0.0, 10.0, 20.0, 30.0)]
    assert queued[-1] > 3 * FIRST_POLLS  # waiting in the server's queue: polls space out
    # It starts after 30 s queued: a short job must not end unnoticed for seconds.
    assert schedule.observe(JobStatus(JobState.RUNNING, progress=10.0), now=31.0) == FIRST_POLLS / 2
    assert schedule.observe(JobStatus(JobState.RUNNING, progress=10.0), now=35.0) == FIRST_POLLS


def test_poll_errors_keep_watching(kx, clean_jobs, tmp_path, koordinates_server):
    from geodock.plugin.job_model import JobState
    from geodock.plugin.jobs import JobManager

    manager = JobManager()
    manager.start(None, resume_delay=3600)
    _api, export = _create(kx, "Flaky", 2)
    koordinates_server.fault(status=503, retry_after=1, path=f"/services/api/v1/exports/{export.id}/", times=6)
    job = export.to_job(kx, "", add_to_project=False)
    job.result.pop("geodock_download", None)
    seen: list[str] = []
    manager.job_changed.connect(lambda job_id: seen.append(manager.get(job_id).message))
    manager.submit(job)
    wait_until(lambda: job.state.final, 60, "final despite 503s")
    assert job.state == JobState.SUCCEEDED
    assert any("The server does not answer (Service unavailable (503)" in message for message in seen), seen
    assert "does not answer" not in job.message  # it answered again
    manager.stop()


def test_many_jobs_share_one_watcher_and_leave_threads_free(kx, clean_jobs, tmp_path, koordinates_server):
    """Watching N jobs takes one worker thread, not N: other tasks still run meanwhile."""
    from helpers import run_task

    from geodock.plugin.jobs import JobManager

    manager = JobManager()
    manager.start(None, resume_delay=3600)
    jobs = []
    for index in range(4):
        _api, export = _create(kx, f"Parallel {index}", 4)
        job = export.to_job(kx, str(tmp_path / f"out{index}"))
        job.add_to_project = False
        manager.submit(job)
        jobs.append(job)
    wait_until(lambda: all((j.progress or 0) > 0 for j in jobs), 20, "first polls")
    watchers = [
        t for t in QgsApplication.taskManager().activeTasks() if t.description() == "Geodock: watching remote jobs"
    ]
    assert len(watchers) == 1
    assert run_task(lambda feedback: "other work ran", timeout=5) == "other work ran"
    wait_until(lambda: all(j.state.final for j in jobs), 60, "all finished")
    assert all(j.state.value == "succeeded" for j in jobs)
    manager.stop()


def test_manager_first_asked_for_from_a_worker_belongs_to_the_gui_thread(qgis_app):
    from qgis.PyQt.QtCore import QCoreApplication

    from geodock.plugin import jobs

    previous = jobs._manager
    jobs._manager = None
    try:
        made = run_task(lambda feedback: jobs.manager())
        assert made.thread() is QCoreApplication.instance().thread()
    finally:
        if jobs._manager is not None:
            jobs._manager.deleteLater()
        jobs._manager = previous


def test_a_job_waiting_for_its_connection_is_followed_once_it_is_added_again(
    kx, clean_jobs, tmp_path, koordinates_server, connections
):
    from geodock.plugin.job_model import JobState
    from geodock.plugin.jobs import JobManager

    _api, export = _create(kx, "Waits for its connection", 0.5)
    job = export.to_job(kx, str(tmp_path / "out"), add_to_project=False)
    connections.remove(kx)  # removed while its Export dialog was open
    manager = JobManager()
    manager.start(None, resume_delay=0)
    try:
        manager.submit(job)
        assert not manager.is_busy(job.id) and "add it again" in job.message
        connections.import_json({"connections": [koordinates_server.connection()]})
        wait_until(lambda: job.result.get("geodock_download") == "done", 60, "followed and downloaded")
        assert job.state == JobState.SUCCEEDED and job.outputs
    finally:
        manager.stop()
