"""Credentials saved on the GUI thread while tasks read credentials: QGIS 3.22's auth manager deadlocks on
that unless Geodock's calls go one at a time (``plugin.auth.serialized``). Without the guard this test hangs
at once, and pytest-timeout ends the run with every thread's stack; with it, every store and every read
completes."""

from __future__ import annotations

import time

import pytest
from helpers import TaskRun

from geodock.plugin.auth import create_basic_config, read_credentials, serialized


# A deadlock sits in C++: only the thread method (stacks dumped, the run ended) gets out of it.
@pytest.mark.timeout(60, method="thread")
def test_storing_credentials_while_tasks_read_them_does_not_deadlock(auth_db):
    authcfg = create_basic_config("geodock-concurrency-read", "token", "secret-read")
    reads = [0, 0]
    stop = [False]

    def reader(index: int):
        def work(feedback):
            while not stop[0] and not feedback.isCanceled():
                assert read_credentials(authcfg).password == "secret-read"
                reads[index] += 1
            return reads[index]

        return work

    runs = [TaskRun(reader(0)), TaskRun(reader(1))]
    stored = []
    deadline = time.monotonic() + 4
    try:
        while time.monotonic() < deadline or min(reads) == 0:
            stored.append(create_basic_config(f"geodock-concurrency-{len(stored)}", "token", "secret"))
            assert time.monotonic() < deadline + 30, f"the readers never ran: {reads}"
            if any(run.done for run in runs):  # a reader failed: stop and say why
                break
    finally:
        stop[0] = True
        for run in runs:
            run.wait(60)
        with serialized():
            for authcfg_id in [*stored, authcfg]:
                auth_db.removeAuthenticationConfig(authcfg_id)
    assert all(run.error is None for run in runs), [(run.error, getattr(run.error, "details", "")) for run in runs]
    assert len(stored) > 10 and min(reads) > 10, (len(stored), reads)
