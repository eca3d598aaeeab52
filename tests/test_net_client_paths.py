"""Network client paths no other test reaches: redirect limits and methods, Retry-After as a date and its cap,
retries of PUT and DELETE, bodies cut short, the unknown-host and untrusted-certificate messages, and a download
that gives up after MAX_RESUMES.

Waits are recorded, not slept: ``HttpClient(sleep=...)`` takes the function that waits between attempts.
"""

from __future__ import annotations

import email.utils
import time
from pathlib import Path
from typing import Optional

import pytest
from helpers import run_task
from qgis.core import QgsFeedback
from qgis.PyQt.QtNetwork import QNetworkRequest

from geodock.plugin import errors
from geodock.plugin.net.client import HttpClient, HttpRequest

# The client's limits, written out: a test comparing with the constants would follow any change to them.
MAX_REDIRECTS = 5  # plugin.net.client.MAX_REDIRECTS
DEFAULT_RETRIES = 3  # plugin.net.retry.DEFAULT_RETRIES
MAX_RETRY_AFTER = 120.0  # plugin.net.retry.MAX_RETRY_AFTER
MAX_RESUMES = 8  # plugin.net.download.MAX_RESUMES

PATH = "/api/thing"
SECRET = "s3cret-paths-token"


class Sleeps:
    """Records the waits the client asks for instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float, feedback: Optional[QgsFeedback] = None) -> None:
        self.waits.append(seconds)


class HeaderAuth:
    """A bearer token bound to ``origin`` (the client's AuthApplier protocol)."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def apply(self, request: QNetworkRequest) -> None:
        request.setRawHeader(b"Authorization", f"Bearer {SECRET}".encode())

    def renew(self, feedback: Optional[QgsFeedback]) -> bool:
        return False


def send(request: HttpRequest, sleeps: Optional[Sleeps] = None):
    client = HttpClient(sleep=sleeps or Sleeps())
    return run_task(lambda fb: client.send(request, fb))


def arrivals(server, path: str, method: Optional[str] = None) -> list[dict]:
    return [r for r in server.received() if r["path"] == path and (method is None or r["method"] == method)]


def test_a_redirect_loop_stops_after_max_redirects(hostile):
    hostile.script({"path": "/loop", "status": 302, "headers": {"Location": "{root}/loop"}, "text": ""})
    with pytest.raises(errors.NetworkError, match="Too many redirects"):
        send(HttpRequest(hostile.root + "/loop"))
    assert len(arrivals(hostile, "/loop")) == MAX_REDIRECTS + 1


@pytest.mark.parametrize(
    "status, method, expected",
    [
        (303, "PUT", "GET"),
        (303, "POST", "GET"),
        (301, "POST", "GET"),
        (302, "POST", "GET"),
        (301, "PUT", "PUT"),
        (307, "POST", "POST"),
        (308, "PUT", "PUT"),
        (308, "POST", "POST"),
    ],
)
def test_redirect_method_and_body(httpbin, status, method, expected):
    target = f"{httpbin.root}/method"
    answer = send(
        HttpRequest(f"{httpbin.root}/redirect", method, params={"to": target, "status": status}, body=b"payload")
    ).json()
    assert answer["method"] == expected
    assert answer["body"] == ("payload" if expected == method else "")


def test_an_https_to_http_redirect_carries_no_credential(hostile, hostile_tls):
    from geodock.plugin.auth import trust_certificate_authorities

    trust_certificate_authorities([str(hostile_tls.ca_file)])
    hostile_tls.script({"path": PATH, "status": 302, "headers": {"Location": hostile.root + PATH}, "text": ""})
    hostile.script({"path": PATH, "json": {"plain": True}})
    answer = send(HttpRequest(hostile_tls.root + PATH, auth=HeaderAuth(hostile_tls.root)))
    assert answer.json() == {"plain": True}
    (secure,) = arrivals(hostile_tls, PATH)
    assert secure["headers"].get("Authorization") == f"Bearer {SECRET}"
    (plain,) = arrivals(hostile, PATH)
    assert "Authorization" not in plain["headers"]


@pytest.mark.parametrize("ahead, low, high", [(30, 27.0, 30.0), (86400, MAX_RETRY_AFTER, MAX_RETRY_AFTER)])
def test_retry_after_as_an_http_date_is_waited_for_and_capped(hostile, ahead, low, high):
    when = email.utils.formatdate(time.time() + ahead, usegmt=True)
    hostile.script(
        {"path": PATH, "times": 1, "status": 503, "headers": {"Retry-After": when}, "json": {"detail": "busy"}},
        {"path": PATH, "json": {"ok": True}},
    )
    sleeps = Sleeps()
    assert send(HttpRequest(hostile.root + PATH), sleeps).json() == {"ok": True}
    (waited,) = sleeps.waits
    assert low <= waited <= high


def test_a_platform_429_with_an_http_date_is_waited_for(httpbin):
    httpbin.fault(status=429, retry_after=5, retry_after_date=True, path="/echo")
    sleeps = Sleeps()
    assert send(HttpRequest(f"{httpbin.root}/echo"), sleeps).json()["path"] == "/echo"
    (waited,) = sleeps.waits
    assert 3.0 < waited <= 5.0  # a whole-second date, read within a second; backoff alone is under 1 s


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_put_and_delete_are_retried_on_503_up_to_the_default_count(hostile, method):
    hostile.script({"method": method, "path": PATH, "status": 503, "json": {"detail": "busy"}})
    sleeps = Sleeps()
    with pytest.raises(errors.ServerError):
        send(HttpRequest(hostile.root + PATH, method, body=b"same body"), sleeps)
    sent = arrivals(hostile, PATH, method)
    assert len(sent) == DEFAULT_RETRIES + 1 == len(sleeps.waits) + 1
    if method == "PUT":
        assert {r["body_size"] for r in sent} == {len(b"same body")}


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_put_and_delete_are_retried_after_a_dropped_connection(hostile, method):
    hostile.script(
        {"method": method, "path": PATH, "times": 1, "bytes": {"size": 100_000, "seed": 1}, "drop_after": 10},
        {"method": method, "path": PATH, "json": {"done": True}},
    )
    assert send(HttpRequest(hostile.root + PATH, method, body=b"x")).json() == {"done": True}
    assert len(arrivals(hostile, PATH, method)) == 2


def test_a_body_cut_short_of_its_length_is_an_error_and_retried(hostile):
    hostile.script({"path": PATH, "bytes": {"size": 100_000, "seed": 2}, "drop_after": 1000})
    with pytest.raises(errors.NetworkError) as caught:
        send(HttpRequest(hostile.root + PATH, accept="*/*"))
    assert type(caught.value) is errors.NetworkError
    assert "cut short" in caught.value.message or "dropped" in caught.value.message
    assert len(arrivals(hostile, PATH)) == DEFAULT_RETRIES + 1


def test_an_unknown_host_says_so(hostile):
    with pytest.raises(errors.NetworkError) as caught:
        send(HttpRequest("http://geodock-no-such-host.invalid/api", retries=0))
    assert caught.value.message == "Could not connect to geodock-no-such-host.invalid: unknown host"


def test_a_server_whose_certificate_is_not_trusted_says_so(tmp_path: Path):
    from servers import launch

    server = launch.start("hostile-tls", tmp_path / "own")  # its own CA, trusted by nobody
    try:
        server.script({"path": PATH, "json": {"ok": True}})
        with pytest.raises(errors.NetworkError) as caught:
            send(HttpRequest(server.root + PATH, retries=0))
        assert caught.value.message == "Secure connection to 127.0.0.1 failed (certificate not trusted?)"
        assert arrivals(server, PATH) == []
    finally:
        server.stop()


def test_a_download_that_drops_every_time_gives_up_after_max_resumes(hostile, tmp_path):
    from geodock.plugin.net.download import download

    size, cut = 1_000_000, 20_000
    hostile.script({"path": "/file.bin", "bytes": {"size": size, "seed": 3}, "etag": '"v1"', "drop_after": cut})
    client = HttpClient(sleep=Sleeps())
    with pytest.raises(errors.NetworkError, match="was dropped"):
        run_task(lambda fb: download(client, HttpRequest(hostile.root + "/file.bin"), tmp_path, feedback=fb), 120)
    assert len(arrivals(hostile, "/file.bin")) == MAX_RESUMES + 1
    (part,) = tmp_path.glob("*.part")  # kept, to resume later
    assert part.stat().st_size == (MAX_RESUMES + 1) * cut
