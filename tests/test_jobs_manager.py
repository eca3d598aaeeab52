"""The job manager: saved jobs survive a restart and are watched again; polling adapts; no secret is saved.

A job's timing is the server's: each test sets it (``export_timing``), or holds its exports on the server until it
releases them (``hold_exports``), so nothing depends on how fast this machine is.
"""

from __future__ import annotations

import importlib
import json
import os
import time

import pytest
from helpers import run_task, stop_job_manager, wait_until
from qgis.core import QgsApplication, QgsProject


@pytest.fixture
def managers(clean_jobs):
    """``managers(resume_delay)`` starts a JobManager; every one is stopped at the end, whatever happened
    (before ``clean_jobs`` forgets the saved jobs)."""
    from geodock.plugin.jobs import JobManager

    made = []

    def start(resume_delay: float = 3600) -> JobManager:
        manager = JobManager()
        made.append(manager)
        manager.start(None, resume_delay=resume_delay)
        return manager

    yield start
    for manager in made:
        stop_job_manager(manager)


def _create(kx, server, name, seconds=None):
    """An export of layer 3 on the local server: taking ``seconds``, or held there until the test releases it."""
    from geodock.plugin.platforms.koordinates.exports import KoordinatesExports, export_body

    if seconds is None:
        server.hold_exports()
    else:
        server.export_timing(seconds)
    api = KoordinatesExports(kx)
    body = export_body([api.item_url(3)], "EPSG:4326", {"vector": "application/x-ogc-gpkg"}, name=name)
    return api, run_task(lambda fb: api.create(body, fb))


def _saved(job_id):
    """The job ``job_id`` as saved in the settings (None when not saved)."""
    from geodock.plugin import settings

    raw = settings.value(settings.JOBS)
    return next((entry for entry in json.loads(raw) if entry["id"] == job_id), None) if raw else None


def test_restart_resumes_watching_and_downloads(kx, clean_jobs, managers, tmp_path, koordinates_server):
    from geodock.plugin import settings
    from geodock.plugin.job_model import JobState

    first = managers()
    _api, export = _create(kx, koordinates_server, "Survives restart")  # held: still running when QGIS closes
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

    second = managers(resume_delay=0.5)  # the next QGIS session
    again = second.get(job.id)
    assert again is not None and again.state == JobState.RUNNING
    assert not second.is_busy(job.id)  # no network at start-up...
    wait_until(lambda: second.is_busy(job.id), 5, "resumed")  # ...a moment later
    assert koordinates_server.release_exports() == [export.id]  # the export ends only now
    wait_until(lambda: again.download == "done", 60, "downloaded after restart")
    assert again.state == JobState.SUCCEEDED
    group = QgsProject.instance().layerTreeRoot().findGroup("Survives restart")
    assert group is not None and group.findLayers()


def test_interrupted_download_resumes_after_restart(kx, clean_jobs, managers, tmp_path, koordinates_server):
    from geodock.plugin import settings
    from geodock.plugin.job_model import DownloadState, JobState

    api, export = _create(kx, koordinates_server, "Finished earlier", 0.2)
    wait_until(lambda: run_task(lambda fb: api.get(export.id, fb)).state == "complete", 30, "complete")
    export = run_task(lambda fb: api.get(export.id, fb))
    job = export.to_job(kx, str(tmp_path / "later"), add_to_project=False)
    assert job.state == JobState.SUCCEEDED
    job.download = DownloadState.RUNNING  # QGIS was closed during the download
    settings.set_value(settings.JOBS, json.dumps([job.to_json()]))
    manager = managers(resume_delay=0.2)
    restored = manager.get(job.id)
    wait_until(lambda: restored.download == "done", 60, "download finished")
    assert restored.outputs and all(p.endswith(".gpkg") for p in restored.outputs)
    assert QgsProject.instance().mapLayers() == {}  # not asked to add
    manager.add_to_map(job.id)
    assert QgsProject.instance().layerTreeRoot().findGroup("Finished earlier") is not None


def test_remove_and_signals(kx, clean_jobs, managers, tmp_path, koordinates_server):
    from geodock.plugin import settings

    manager = managers()
    added, removed = [], []
    manager.job_added.connect(added.append)
    manager.job_removed.connect(removed.append)
    _api, export = _create(kx, koordinates_server, "Removed")  # held: running while it is removed
    job = export.to_job(kx, str(tmp_path))
    manager.submit(job)
    assert added == [job.id] and manager.is_busy(job.id)
    wait_until(lambda: _saved(job.id) is not None, 5, "the job saved")  # saves are batched
    manager.remove(job.id)
    assert removed == [job.id] and manager.get(job.id) is None and not manager.is_busy(job.id)
    wait_until(lambda: json.loads(settings.value(settings.JOBS)) == [], 5, "saved without it")


def test_poll_delay_is_adaptive():
    from geodock.plugin.jobs.schedule import MAX_INTERVAL, NEAR_END, next_poll_delay

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
    from geodock.plugin.jobs.schedule import FIRST_POLLS, PollSchedule

    schedule = PollSchedule(started=0.0, previous=0.0)
    queued = [schedule.observe(JobStatus(JobState.QUEUED), now=t) for t in (0.0, 10.0, 20.0, 30.0)]
    assert queued[-1] > 3 * FIRST_POLLS  # waiting in the server's queue: polls space out
    # It starts after 30 s queued: a short job must not end unnoticed for seconds.
    assert schedule.observe(JobStatus(JobState.RUNNING, progress=10.0), now=31.0) == FIRST_POLLS / 2
    assert schedule.observe(JobStatus(JobState.RUNNING, progress=10.0), now=35.0) == FIRST_POLLS


def test_poll_errors_keep_watching(kx, clean_jobs, managers, tmp_path, koordinates_server):
    from geodock.plugin.job_model import JobState

    manager = managers()
    _api, export = _create(kx, koordinates_server, "Flaky", 2)
    koordinates_server.fault(status=503, retry_after=1, path=f"/services/api/v1/exports/{export.id}/", times=6)
    job = export.to_job(kx, "", add_to_project=False)
    job.download = None
    seen: list[str] = []
    manager.job_changed.connect(lambda job_id: seen.append(manager.get(job_id).message))
    manager.submit(job)
    wait_until(lambda: job.state.final, 60, "final despite 503s")
    assert job.state == JobState.SUCCEEDED
    assert any("The server does not answer (Service unavailable (503)" in message for message in seen), seen
    assert "does not answer" not in job.message  # it answered again


def test_many_jobs_share_one_watcher_and_leave_threads_free(kx, clean_jobs, managers, tmp_path, koordinates_server):
    """Watching N jobs takes one worker thread, not N: other tasks still run meanwhile."""
    manager = managers()
    jobs = []
    for index in range(4):
        _api, export = _create(kx, koordinates_server, f"Parallel {index}")  # held: all four run at once
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
    assert all(not j.state.final for j in jobs)  # still running: the single watcher watched all four
    assert len(koordinates_server.release_exports()) == 4
    wait_until(lambda: all(j.download == "done" for j in jobs), 60, "all downloaded")
    assert all(j.state.value == "succeeded" for j in jobs)


def test_manager_first_asked_for_from_a_worker_belongs_to_the_gui_thread(qgis_app):
    from qgis.PyQt.QtCore import QCoreApplication

    jobs = importlib.import_module("geodock.plugin.jobs.manager")  # the module, not the function
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
    kx, clean_jobs, managers, tmp_path, koordinates_server, connections
):
    from geodock.plugin.job_model import JobState

    _api, export = _create(kx, koordinates_server, "Waits for its connection", 0.5)
    job = export.to_job(kx, str(tmp_path / "out"), add_to_project=False)
    connections.remove(kx)  # removed while its Export dialog was open
    manager = managers(resume_delay=0)
    manager.submit(job)
    assert not manager.is_busy(job.id) and "add it again" in job.message
    connections.import_json({"connections": [koordinates_server.connection()]})
    wait_until(lambda: job.download == "done", 60, "followed and downloaded")
    assert job.state == JobState.SUCCEEDED and job.outputs


def test_a_job_gone_from_the_server_ends_failed_and_says_so(kx, clean_jobs, managers, tmp_path, koordinates_server):
    """The export is deleted on the server (expired, removed by someone) while it is watched: a 404."""
    from geodock.plugin.job_model import JobState

    manager = managers()
    _api, export = _create(kx, koordinates_server, "Gone")  # held: running until it is gone
    job = export.to_job(kx, str(tmp_path / "out"), add_to_project=False)
    finished: list[str] = []
    manager.job_finished.connect(finished.append)
    manager.submit(job)
    wait_until(lambda: (job.progress or 0) > 0, 20, "first poll")
    koordinates_server.forget_export(export.id)
    wait_until(lambda: job.state.final, 20, "the job to end")
    assert job.state == JobState.FAILED
    assert job.message == "The job is gone from the server (Not found (404): Not found.)"
    assert finished == [job.id] and not manager.is_busy(job.id)  # told once, no longer polled
    assert job.download == "pending" and job.outputs == []  # nothing was downloaded
    wait_until(lambda: (_saved(job.id) or {}).get("state") == "failed", 5, "the failed job saved")
    assert _saved(job.id)["message"] == job.message


REFUSED = "Permission denied (403): Injected fault 403"


def test_a_failed_download_is_saved_and_can_be_fetched_again(kx, clean_jobs, managers, tmp_path, koordinates_server):
    """The export succeeded but its download is refused (an expired link): the download is marked failed and
    saved so; asked again, the results come. (The refusal is held back until the earlier state is saved, so
    that only the failure's own save can record it: saves are batched.)"""
    from geodock.plugin.job_model import JobState

    manager = managers()
    _api, export = _create(kx, koordinates_server, "Download refused", 0.2)
    koordinates_server.fault(status=403, hold="download", path=f"/services/api/v1/exports/{export.id}/download/")
    job = export.to_job(kx, str(tmp_path / "out"), add_to_project=False)
    manager.submit(job)
    wait_until(lambda: koordinates_server.held("download") == 1, 60, "the download request")
    wait_until(lambda: (_saved(job.id) or {}).get("download") == "running", 5, "saved as running")
    koordinates_server.release("download")  # refused (an expired link), once everything before was saved
    wait_until(lambda: job.download == "failed", 60, "the download to fail")
    assert job.state == JobState.SUCCEEDED  # the export itself is fine
    assert job.message == f"Download failed: {REFUSED}", job.message
    assert job.outputs == [] and job.download_error == REFUSED
    assert not manager.is_busy(job.id)
    wait_until(lambda: (_saved(job.id) or {}).get("download") == "failed", 5, "saved as failed")
    assert _saved(job.id)["download_error"] == REFUSED

    manager.fetch_results(job.id)  # the Jobs dock's "Download again"
    assert manager.is_busy(job.id)
    wait_until(lambda: job.download == "done", 60, "downloaded the second time")
    assert not job.download_error
    assert len(job.outputs) == 1 and job.outputs[0].endswith(".gpkg") and os.path.exists(job.outputs[0])
    wait_until(lambda: (_saved(job.id) or {}).get("download") == "done", 5, "saved as done")
    assert _saved(job.id)["outputs"] == job.outputs


def test_wait_for_job_gives_up_after_its_timeout(kx, koordinates_server):
    """Processing algorithms wait for a job with a time limit: past it, a one-line Geodock error, not a hang."""
    from geodock.plugin.errors import CancelledError, GeodockError, NetworkError, ResponseError
    from geodock.plugin.job_model import JobState
    from geodock.plugin.jobs import wait_for_job
    from geodock.plugin.platforms.koordinates.exports import KoordinatesExportBackend

    _api, export = _create(kx, koordinates_server, "Never ends")  # held until the test is over
    job = export.to_job(kx, "", add_to_project=False)
    backend = KoordinatesExportBackend(kx)
    started = time.monotonic()
    with pytest.raises(GeodockError) as info:
        run_task(lambda feedback: wait_for_job(backend, job, feedback, timeout=1.0), timeout=30)
    assert time.monotonic() - started < 20
    assert not isinstance(info.value, (NetworkError, ResponseError, CancelledError))
    assert info.value.message == "Never ends did not finish within 1 s"
    assert job.state == JobState.RUNNING and (job.progress or 0) > 0  # it was polled, and is still running:
    assert koordinates_server.held_exports() == [export.id]  # the limit ended the wait, not the export
