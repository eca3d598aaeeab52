"""Trust boundary, watching jobs: a malformed job status is a typed error on that one job, never a dead
watcher or a request storm; saved jobs of the wrong shape never stop the plugin from starting.

The hostile server plays each platform's job status endpoint (Koordinates exports, Geobox tasks, AmigoCloud
jobs, OGC API - Processes jobs): one job answers garbage, another, on the same server, answers honestly.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import pytest
from helpers import run_task, spin, wait_until

WINDOW = 3.0  # seconds during which the requests for the bad job are counted
MAX_BAD_POLLS = 5  # at most this many in that window (the old watcher sent ~60)


@dataclass
class Platform:
    kind: str  # connection kind (= Job.platform)
    job_kind: str
    api: str  # the API root path on the hostile server
    status_path: str  # the job status path below it ({id})
    bad: dict[str, Any]  # a malformed status
    field: str  # the field it gets wrong
    running: dict[str, Any]  # an honest job's status while it runs...
    done: dict[str, Any]  # ...and when it has finished


PLATFORMS = {
    "koordinates": Platform(
        "koordinates",
        "export",
        "/services/api/v1/",
        "exports/{id}/",
        {"id": 7, "name": "Bad", "state": "processing", "progress": "half"},
        "progress",
        {"id": 8, "name": "Good", "state": "processing", "progress": 0.5},
        {"id": 8, "name": "Good", "state": "complete", "progress": 1.0, "download_url": None},
    ),
    "geobox": Platform(
        "geobox",
        "task",
        "/api/v1/",
        "tasks/{id}/",
        {"uuid": "bad", "name": "Bad", "state": "PROGRESS", "progress": "half"},
        "progress",
        {"uuid": "good", "name": "Good", "state": "PROGRESS", "progress": 50},
        {"uuid": "good", "name": "Good", "state": "SUCCESS", "progress": 100, "result": {}},
    ),
    "amigocloud": Platform(
        "amigocloud",
        "export",
        "/api/v1/",
        "me/jobs/{id}",
        {"job": "bad", "status": 42, "extra": {}},
        "status",
        {"job": "good", "status": "STARTED", "extra": {}},
        {"job": "good", "status": "SUCCESS", "extra": {}},
    ),
    "ogcapi-processes": Platform(
        "ogcapi-processes",
        "process",
        "/ogc/",
        "jobs/{id}",
        {"jobID": "bad", "status": "running", "progress": "half"},
        "progress",
        {"jobID": "good", "status": "running", "progress": 50},
        {"jobID": "good", "status": "successful", "progress": 100},
    ),
}

# Other malformed answers, each a typed error on its job (platform, status document, field named).
MALFORMED = [
    ("koordinates", {"name": "No id", "state": "processing"}, "id"),
    ("koordinates", {"id": 7, "state": "exploded"}, "state"),
    ("koordinates", ["not", "an", "object"], "the answer"),
    ("geobox", {"uuid": "bad", "state": "PROGRESS", "progress": 250}, "progress"),
    ("amigocloud", {"job": "bad", "status": "PENDING", "extra": "nope"}, "extra"),
    ("ogcapi-processes", {"jobID": "bad", "status": ["running"]}, "status"),
    ("ogcapi-processes", "just text", "status"),
]


def _connection(hostile, platform: Platform):
    from geodock.plugin.connections import Connection

    return Connection(f"Hostile {platform.kind}", platform.kind, hostile.root + platform.api)


def _job(connection, platform: Platform, remote_id: str, title: str):
    from geodock.plugin.job_model import Job

    return Job(platform.kind, connection.name, remote_id, title, platform.job_kind, add_to_project=False)


def _path(platform: Platform, remote_id: str) -> str:
    return platform.api + platform.status_path.format(id=remote_id)


def _row_message(dock, title: str) -> str:
    from geodock.ui.jobs_dock import COLUMNS

    model = dock.model
    rows = [row for row in range(model.rowCount()) if model.index(row, COLUMNS.index("Name")).data() == title]
    assert rows, f"no row for {title}"
    return model.index(rows[0], COLUMNS.index("Message")).data()


@pytest.mark.parametrize("name", list(PLATFORMS))
def test_a_malformed_status_is_an_error_on_that_job_with_backoff(hostile, clean_jobs, qgis_iface, name):
    from geodock.plugin.job_model import JobState
    from geodock.plugin.jobs import JobManager
    from geodock.ui.jobs_dock import JobsDock

    platform = PLATFORMS[name]
    connection = _connection(hostile, platform)
    bad_path, good_path = _path(platform, "bad"), _path(platform, "good")
    hostile.script(
        {"path": bad_path, "json": platform.bad},
        {"path": good_path, "json": platform.running, "times": 2},
        {"path": good_path, "json": platform.done},
    )
    manager = JobManager(connection_lookup=lambda wanted: connection if wanted == connection.name else None)
    manager.start(None, resume_delay=3600)
    dock = JobsDock(qgis_iface, None, jobs=manager)
    try:
        bad = _job(connection, platform, "bad", "Bad job")
        good = _job(connection, platform, "good", "Good job")
        manager.submit(bad)
        manager.submit(good)
        started = time.monotonic()

        # The healthy job on the same server is followed to its end meanwhile...
        wait_until(lambda: good.state == JobState.SUCCEEDED, 20, "the healthy job to finish")
        # ...while the bad one is polled a few times, not in a storm.
        spin(max(0.0, WINDOW - (time.monotonic() - started)))
        bad_polls = len([r for r in hostile.received() if r["path"] == bad_path])
        elapsed = time.monotonic() - started
        assert 1 <= bad_polls <= MAX_BAD_POLLS, f"{bad_polls} polls of the bad job in {elapsed:.1f} s: no backoff"

        # The bad job says what is wrong (in the dock too), is still watched, and is not failed for good.
        wait_until(lambda: "could not be read" in _row_message(dock, "Bad job"), 5, "the job to say it (in the dock)")
        assert f'"{platform.field}"' in bad.message and "Unexpected error" not in bad.message, bad.message
        assert not bad.state.final and manager.is_busy(bad.id)
        assert good.state == JobState.SUCCEEDED and "could not be read" not in good.message
    finally:
        manager.stop()
        dock.deleteLater()


@pytest.mark.parametrize(("name", "doc", "field"), MALFORMED)
def test_wait_for_job_gives_a_typed_error_for_a_malformed_status(hostile, clean_jobs, name, doc, field):
    from geodock.plugin.errors import UnreadableResponseError
    from geodock.plugin.jobs import wait_for_job
    from geodock.plugin.platforms.registry import job_backend

    platform = PLATFORMS[name]
    connection = _connection(hostile, platform)
    hostile.script({"path": _path(platform, "bad"), "json": doc})
    job = _job(connection, platform, "bad", "Bad job")
    backend = job_backend(job, connection)
    with pytest.raises(UnreadableResponseError) as raised:
        run_task(lambda feedback: wait_for_job(backend, job, feedback, timeout=5), timeout=30)
    error = raised.value
    assert "could not be read" in error.message and field in error.message, error.message
    assert "\n" not in error.message
    assert hostile.root + _path(platform, "bad") in error.details  # the server's context, for the log
    assert len(hostile.received()) <= 2  # one answer was enough to know (no poll loop until the timeout)


VALID = {
    "platform": "koordinates",
    "connection": "Somewhere",
    "remote_id": "5",
    "title": "Kept",
    "kind": "export",
    "state": "running",
    "id": "kept-job",
}
CORRUPT = {
    "not JSON": "[{'platform': oops",
    "not a list": json.dumps({"jobs": [VALID]}),
    "entries of the wrong shape": json.dumps(
        [1, "text", None, [VALID], dict(VALID, id="wrong", title=5), dict(VALID, id="bad-state", state="??"), VALID]
    ),
    "nested too deep": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("case", list(CORRUPT))
def test_saved_jobs_of_the_wrong_shape_are_moved_aside(clean_jobs, case):
    from geodock.plugin import settings
    from geodock.plugin.jobs import JobManager

    raw = CORRUPT[case]
    settings.set_value(settings.JOBS, raw)
    manager = JobManager(connection_lookup=lambda name: None)
    try:
        manager.start(None, resume_delay=3600)  # does not raise: the plugin starts
        kept = [job.id for job in manager.jobs()]
        assert kept == (["kept-job"] if case == "entries of the wrong shape" else [])
        assert settings.value(settings.JOBS_UNREADABLE) == raw  # the bad data is kept for the user...
        assert [entry["id"] for entry in json.loads(settings.value(settings.JOBS))] == kept  # ...moved aside
    finally:
        manager.stop()


def test_init_gui_starts_with_a_saved_jobs_list_of_the_wrong_shape(clean_jobs, qgis_iface):
    import geodock
    from geodock.plugin import jobs, settings

    raw = CORRUPT["entries of the wrong shape"]
    settings.set_value(settings.JOBS, raw)
    plugin = geodock.classFactory(qgis_iface)
    try:
        plugin.initGui()
        ids = {job.id for job in jobs.manager().jobs()}
        assert "kept-job" in ids and not ids & {"wrong", "bad-state"}
        assert settings.value(settings.JOBS_UNREADABLE) == raw
    finally:
        plugin.unload()
        for job in jobs.manager().jobs():
            jobs.manager().remove(job.id)


def test_one_unreadable_entry_does_not_hide_the_others_in_job_lists(hostile, clean_jobs, qgis_app):
    from geodock.plugin.platforms.geobox.jobs import GeoboxTasks
    from geodock.plugin.platforms.koordinates.exports import KoordinatesExports

    hostile.script(
        {
            "path": "/services/api/v1/exports/",
            "json": [
                {"id": 1, "name": "Fine", "state": "complete", "created_at": "2024-01-02"},
                {"name": "No id", "state": "complete"},
                {"id": 3, "name": "Half", "state": "processing", "progress": "half"},
                "not an export",
            ],
        },
        {
            "path": "/api/v1/tasks/",
            "json": [{"uuid": "t1", "state": "PENDING"}, {"uuid": "t2", "state": 5}, {"uuid": "t3", "progress": []}],
        },
    )
    exports = KoordinatesExports(_connection(hostile, PLATFORMS["koordinates"]))
    assert [export.id for export in run_task(lambda feedback: exports.list(feedback))] == [1]
    tasks = GeoboxTasks(_connection(hostile, PLATFORMS["geobox"]))
    assert [task.uuid for task in run_task(lambda feedback: tasks.tasks("PENDING", feedback=feedback))] == ["t1"]
