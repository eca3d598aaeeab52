"""Credentials saved on the GUI thread while tasks read credentials: QGIS 3.22's auth manager deadlocks on
that unless Geodock's calls go one at a time (``plugin.auth.serialized``). Without the guard these tests hang
at once, and a watchdog ends the run with every thread's stack; with it, every call completes."""

from __future__ import annotations

import faulthandler
import os
import time

import pytest
from helpers import TaskRun

from geodock.plugin.auth import create_basic_config, read_credentials, serialized


@pytest.fixture
def deadlock_watchdog(capfd):
    """A deadlock holds Python's GIL in C++, where no Python thread (pytest-timeout's) can run: faulthandler's own
    C thread dumps every stack to the real stderr and ends the run instead of letting it hang."""
    with capfd.disabled():
        stderr = os.dup(2)
    faulthandler.dump_traceback_later(90, exit=True, file=stderr)
    yield
    faulthandler.cancel_dump_traceback_later()
    os.close(stderr)


def _store_while_tasks_run(auth_db, step, own_configs: list[str]) -> tuple[int, list[int]]:
    """Two tasks repeat ``step()`` while the GUI thread stores credentials for 4 s (and until both have run);
    returns how many configs were stored and how many steps each task made. Every config is removed after."""
    counts = [0, 0]
    stop = [False]

    def repeat(index: int):
        def work(feedback):
            while not stop[0] and not feedback.isCanceled():
                step(feedback)
                counts[index] += 1
            return counts[index]

        return work

    runs = [TaskRun(repeat(0)), TaskRun(repeat(1))]
    stored: list[str] = []
    deadline = time.monotonic() + 4
    try:
        while time.monotonic() < deadline or min(counts) == 0:
            stored.append(create_basic_config(f"geodock-concurrency-{len(stored)}", "token", "secret"))
            assert time.monotonic() < deadline + 30, f"the tasks never ran: {counts}"
            if any(run.done for run in runs):  # a task failed: stop and say why
                break
    finally:
        stop[0] = True
        for run in runs:
            run.wait(60)
        with serialized():
            for authcfg_id in [*stored, *own_configs]:
                auth_db.removeAuthenticationConfig(authcfg_id)
    assert all(run.error is None for run in runs), [(run.error, getattr(run.error, "details", "")) for run in runs]
    return len(stored), counts


@pytest.mark.usefixtures("deadlock_watchdog")
def test_storing_credentials_while_tasks_read_them_does_not_deadlock(auth_db):
    authcfg = create_basic_config("geodock-concurrency-read", "token", "secret-read")

    def read(feedback):
        assert read_credentials(authcfg).password == "secret-read"

    stored, reads = _store_while_tasks_run(auth_db, read, [authcfg])
    assert stored > 10 and min(reads) > 10, (stored, reads)


@pytest.mark.usefixtures("deadlock_watchdog")
def test_storing_credentials_while_tasks_make_https_requests_does_not_freeze(auth_db, koordinates_server):
    """QGIS creates an HTTPS request under its auth-database mutex, with Python's GIL held by the caller; storing
    credentials holds that mutex and turns a nested event loop, where any Python slot needs the GIL."""
    from qgis.PyQt.QtCore import QTimer

    from geodock.plugin.auth import trust_certificate_authorities
    from geodock.plugin.net.client import HttpClient, HttpRequest
    from geodock.plugin.platforms.auth_appliers import HeaderKeyAuth

    trust_certificate_authorities([str(koordinates_server.ca_file)])
    key = create_basic_config("geodock-concurrency-key", "key", koordinates_server.credentials["token"])
    client = HttpClient()
    url = f"{koordinates_server.url}layers/"

    def request(feedback):
        client.send(HttpRequest(url, auth=HeaderKeyAuth(key, "key"), retries=0), feedback)

    ticks = [0]
    timer = QTimer()  # a Python slot on the GUI thread, as the QGIS desktop always has some
    timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    timer.start(1)
    try:
        stored, requests = _store_while_tasks_run(auth_db, request, [key])
    finally:
        timer.stop()
    assert stored > 10 and min(requests) > 10 and ticks[0] > 0, (stored, requests, ticks)
