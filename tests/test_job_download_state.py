"""A job's download state is a typed field; jobs saved by older versions (state inside ``result``) read back."""

from __future__ import annotations

import pytest


def _saved(**extra):
    return {"platform": "koordinates", "connection": "c", "remote_id": "1", "title": "t", "kind": "export", **extra}


def test_a_legacy_download_state_moves_out_of_the_result():
    from geodock.plugin.job_model import DownloadState, Job

    job = Job.from_json(_saved(result={"geodock_download": "failed", "geodock_download_error": "refused", "url": "u"}))
    assert job.download == DownloadState.FAILED and job.download == "failed"
    assert job.download_error == "refused"
    assert job.result == {"url": "u"}  # nothing of Geodock's own left among the platform's details


def test_the_download_state_round_trips_and_a_wrong_one_is_refused():
    from geodock.plugin.job_model import DownloadState, Job

    job = Job.from_json(_saved(download="running"))
    assert job.download is DownloadState.RUNNING
    again = Job.from_json(job.to_json())
    assert again.download is DownloadState.RUNNING and again.to_json()["download"] == "running"
    assert Job.from_json(_saved()).download is None
    with pytest.raises(ValueError):
        Job.from_json(_saved(download="half"))
    with pytest.raises(TypeError):
        Job.from_json(_saved(download=3))
