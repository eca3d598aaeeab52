"""The Jobs table shows final states as final: no progress bar left at its last value on a failed job."""

from __future__ import annotations

import pytest


def _job(state, progress):
    from geodock.plugin.job_model import Job

    job = Job.from_json({"platform": "koordinates", "connection": "c", "remote_id": "1", "title": "t", "kind": "export"})
    job.state, job.progress = state, progress
    return job


@pytest.mark.parametrize(
    "state, progress, shown",
    [("RUNNING", 10.0, 10.0), ("SUCCEEDED", 100.0, 100.0), ("FAILED", 10.0, "–"), ("CANCELLED", 40.0, "–")],
)
def test_the_progress_cell_of_a_failed_or_cancelled_job_is_no_bar(state, progress, shown):
    from geodock.plugin.job_model import JobState
    from geodock.ui.jobs_table import _cell

    progress_column = 3
    assert _cell(_job(JobState[state], progress), progress_column) == shown
