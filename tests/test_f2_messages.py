"""Clear words: one sentence when a job ends, and a hint to check the URL when a connection's path is wrong."""

from __future__ import annotations

import pytest
from f2_fixtures import live_children
from helpers import run_task, wait_until
from qgis.core import Qgis, QgsErrorItem

from geodock.plugin.browser.provider import create_provider
from geodock.plugin.errors import NotFoundError, error_for_status, url_hint
from geodock.plugin.job_model import DownloadState, Job, JobState
from geodock.plugin.jobs.messages import informative, job_end_text
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.base import ListQuery
from geodock.ui.catalog_model import CatalogModel

HINT = "Check the connection's URL: its path may be wrong."


def _job(state, message="", **values):
    return Job("geobox", "Local Geobox", "t1", "Publish world_uploaded", "task", state, message=message, **values)


@pytest.mark.parametrize(
    ("state", "message", "expected"),
    [
        (JobState.SUCCEEDED, "Finished", "Publish world_uploaded finished."),
        (JobState.SUCCEEDED, "SUCCESS", "Publish world_uploaded finished."),
        (JobState.SUCCEEDED, "Task finished successfully.", "Publish world_uploaded finished."),
        (JobState.SUCCEEDED, "", "Publish world_uploaded finished."),
        (
            JobState.SUCCEEDED,
            "2 layer(s) added to the project",
            "Publish world_uploaded finished: 2 layer(s) added to the project.",
        ),
        (JobState.FAILED, "Failed", "Publish world_uploaded failed."),
        (JobState.FAILED, "Invalid geometry in row 3.", "Publish world_uploaded failed: Invalid geometry in row 3."),
        (JobState.CANCELLED, "dismissed", "Publish world_uploaded was cancelled."),
    ],
)
def test_job_end_is_one_clear_sentence(state, message, expected):
    assert job_end_text(_job(state, message)) == expected


def test_a_failed_download_says_so():
    job = _job(JobState.SUCCEEDED, "Finished", download=DownloadState.FAILED, download_error="Disk full")
    assert job_end_text(job) == (
        "Publish world_uploaded finished on the server, but its results could not be downloaded: Disk full."
    )


def test_informative_keeps_what_says_more():
    assert informative("Finished") == informative("Job finished.") == informative("  ") == ""
    assert informative("12 features copied.") == "12 features copied"


def test_the_job_manager_tells_the_same_sentence(jobs, qgis_iface):
    bar = qgis_iface.messageBar()
    bar.clear_messages()
    jobs.notifier = None  # the manager's own message (no GUI notifier)
    jobs._notify(_job(JobState.SUCCEEDED, "Finished"))
    jobs._notify(_job(JobState.FAILED, "Failed"))
    assert bar.get_messages(Qgis.MessageLevel.Success) == ["Geodock:Publish world_uploaded finished."]
    assert bar.get_messages(Qgis.MessageLevel.Warning) == ["Geodock:Publish world_uploaded failed."]


def test_url_hint_only_on_404_and_405_and_only_once():
    err = error_for_status(404, b'{"detail": "Not found."}')
    assert url_hint(url_hint(err)).message == f"Not found (404): Not found. {HINT}"
    assert HINT not in url_hint(error_for_status(403, b'{"detail": "nope"}')).message
    assert HINT not in error_for_status(404, b"{}").message  # not every 404 is a wrong URL (a job gone...)


@pytest.fixture
def wrong_path(amigocloud_server, connections):
    entry = dict(amigocloud_server.connection(), name="AmigoCloud, wrong path")
    entry["url"] = entry["url"].replace("/api/v1", "/api/v9")
    assert "/api/v9/" in entry["url"]
    (connection,) = connections.import_json({"connections": [entry]})
    with pytest.raises(NotFoundError):
        run_task(lambda fb: adapter_for(connection).list_page("projects", ListQuery(), None, None, fb))
    return connection


def test_catalog_says_to_check_the_url(wrong_path):
    model = CatalogModel()
    failures = []
    model.pageFailed.connect(failures.append)
    model.set_source(wrong_path, adapter_for(wrong_path), "projects")
    wait_until(lambda: not model.loading, 30, "the failed page")
    assert len(failures) == 1 and "(404)" in failures[0] and failures[0].endswith(HINT)


def test_browser_says_to_check_the_url(wrong_path):
    root = create_provider().createDataItem("", None)
    (item,) = [c for c in live_children(root) if c.name() == wrong_path.name]
    (projects,) = live_children(item)
    errors = [child for child in live_children(projects) if isinstance(child, QgsErrorItem)]
    assert len(errors) == 1 and "(404)" in errors[0].name() and errors[0].name().endswith(HINT)
