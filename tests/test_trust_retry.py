"""Trust boundary, retries: ``Retry-After`` is honoured on 429 and 503 (seconds or an HTTP date, capped), and a
POST is sent again only when the server said it did not process it (429, or 503 with ``Retry-After``).

The hostile server records when each request arrived (``t``), so the waits are measured on its side.
"""

from __future__ import annotations

import email.utils
import time

import pytest
from helpers import run_task

from geodock.plugin import errors
from geodock.plugin.net.client import HttpClient, HttpRequest

PATH = "/api/thing"


def _arrivals(server, path: str = PATH, method: str = "GET") -> list[float]:
    return [r["t"] for r in server.received() if r["path"] == path and r["method"] == method]


def _send(request: HttpRequest):
    client = HttpClient()
    return run_task(lambda fb: client.send(request, fb))


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_503_retry_after_is_honoured(hostile, form):
    # An HTTP date has whole seconds: 4 s ahead is still over 2 s ahead when it is read (under 1 s later).
    wait, at_least = (1, 0.95) if form == "seconds" else (4, 2.0)
    value = str(wait) if form == "seconds" else email.utils.formatdate(time.time() + wait, usegmt=True)
    hostile.script(
        {"path": PATH, "times": 1, "status": 503, "headers": {"Retry-After": value}, "json": {"detail": "busy"}},
        {"path": PATH, "json": {"ok": True}},
    )
    assert _send(HttpRequest(hostile.root + PATH)).json() == {"ok": True}
    first, second = _arrivals(hostile)
    assert second - first >= at_least, f"retried {second - first:.2f} s after a 503 with Retry-After: {value}"


def test_ogc_execute_answered_503_with_retry_after_is_sent_again(hostile, connections):
    from geodock.plugin.platforms import adapter_for

    (connection,) = connections.import_json(
        {"connections": [{"name": "Busy OGC", "kind": "ogcapi-processes", "url": hostile.root + "/ogc/"}]}
    )
    execution = "/ogc/processes/buffer/execution"
    hostile.script(
        {"method": "POST", "path": execution, "times": 1, "status": 503, "headers": {"Retry-After": "1"}, "text": ""},
        {"method": "POST", "path": execution, "status": 201, "json": {"jobID": "j1", "status": "accepted"}},
    )
    adapter = adapter_for(connection)
    outcome = run_task(lambda fb: adapter.execute("buffer", {"inputs": {"distance": 5}}, fb))
    assert outcome.job_id == "j1"
    first, second = _arrivals(hostile, execution, "POST")
    assert second - first >= 0.95
    assert all(r["body_size"] > 0 for r in hostile.received())  # the same body, sent again


def test_post_is_sent_again_only_when_the_server_did_not_process_it(hostile):
    def post() -> HttpRequest:
        return HttpRequest(hostile.root + PATH, "POST", json={"a": 1})

    # 503 without Retry-After, 502, 504: the server may have acted on it. Never sent twice.
    for status in (503, 502, 504):
        hostile.script({"path": PATH, "times": 1, "status": status, "text": ""}, {"path": PATH, "json": {}})
        with pytest.raises(errors.ServerError):
            _send(post())
        assert len(_arrivals(hostile, method="POST")) == 1, status
    # 429 and 503 + Retry-After: the server says it did not take it. Sent again, and it succeeds.
    for status in (429, 503):
        hostile.script(
            {"path": PATH, "times": 1, "status": status, "headers": {"Retry-After": "0"}, "text": ""},
            {"path": PATH, "json": {"done": True}},
        )
        assert _send(post()).json() == {"done": True}
        assert len(_arrivals(hostile, method="POST")) == 2, status
    # An explicit retries=0 (a login, a connection test) is never sent again.
    hostile.script({"path": PATH, "times": 1, "status": 429, "text": ""}, {"path": PATH, "json": {}})
    with pytest.raises(errors.RateLimitedError):
        _send(HttpRequest(hostile.root + PATH, "POST", json={"a": 1}, retries=0))
    assert len(_arrivals(hostile, method="POST")) == 1


def test_retry_after_is_capped_and_read_in_both_forms():
    from geodock.plugin.errors import ServerError
    from geodock.plugin.net.retry import MAX_RETRY_AFTER, retry_after_seconds, retry_delay

    busy = ServerError("Service unavailable (503)", 503)
    assert retry_delay("GET", busy, 86400.0, 0) == MAX_RETRY_AFTER
    assert retry_delay("POST", busy, 86400.0, 0) == MAX_RETRY_AFTER
    assert retry_delay("POST", busy, None, 0) is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: at once
    assert 8 < (retry_after_seconds(email.utils.formatdate(time.time() + 10, usegmt=True)) or 0) <= 10
    assert retry_after_seconds("soon") is None
