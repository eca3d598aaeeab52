"""The network client against a real local HTTP server with faults (tests/servers/httpbin.py)."""

from __future__ import annotations

import gc
import hashlib
import json
import time
import uuid
from pathlib import Path

import pytest
from helpers import TaskRun, run_task, wait_until
from qgis.core import QgsFeedback
from qgis.PyQt import sip

from geodock.plugin import errors
from geodock.plugin.auth import create_basic_config, trust_certificate_authorities
from geodock.plugin.net.client import READ_BUFFER_TLS, HttpClient, HttpRequest, _Attempt
from geodock.plugin.net.download import download
from geodock.plugin.net.upload import multipart_factory
from geodock.plugin.platforms.auth_appliers import HeaderKeyAuth, QueryTokenAuth
from geodock.plugin.version import plugin_version

MiB = 1024 * 1024


@pytest.fixture
def client():
    return HttpClient()


def flaky_url(httpbin, name: str) -> str:
    """A ``/flaky/{key}`` URL whose retry counter is this test's alone (the server keeps counters per key for the
    whole session: a fixed key would start from an earlier test's, or an earlier run's, count)."""
    return f"{httpbin.root}/flaky/{name}-{uuid.uuid4().hex}"


def send(client, request):
    return run_task(lambda feedback: client.send(request, feedback))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(MiB):
            digest.update(block)
    return digest.hexdigest()


def server_sha(client, httpbin, size):
    return send(client, HttpRequest(f"{httpbin.root}/bytes/{size}/sha256")).json()["sha256"]


def test_every_request_carries_user_agent_accept_and_auth(client, httpbin, auth_db):
    authcfg = create_basic_config("test key", "token", "s3cret-key-123")
    response = send(
        client, HttpRequest(f"{httpbin.root}/echo", params={"q": "a&b c+d"}, auth=HeaderKeyAuth(authcfg, "key"))
    )
    data = response.json()
    assert data["headers"]["User-Agent"].startswith(f"Geodock/{plugin_version()} QGIS/3.")
    assert data["headers"]["Accept"] == "application/json"
    assert data["headers"]["Authorization"] == "key s3cret-key-123"
    assert data["query"]["q"] == "a&b c+d"


def test_query_token_auth_and_cross_origin_redirect_drops_credentials(client, httpbin, auth_db):
    authcfg = create_basic_config("amigo", "token", "R:tok-456")
    data = send(client, HttpRequest(f"{httpbin.root}/echo", auth=QueryTokenAuth(authcfg, "token"))).json()
    assert data["query"]["token"] == "R:tok-456"
    key_cfg = create_basic_config("key", "token", "key-789")
    other_origin = f"http://localhost:{httpbin.port}/echo"
    data = send(
        client, HttpRequest(f"{httpbin.root}/redirect", params={"to": other_origin}, auth=HeaderKeyAuth(key_cfg, "key"))
    ).json()
    assert data["path"] == "/echo"
    assert "Authorization" not in data["headers"]
    same_origin = f"{httpbin.root}/echo"
    data = send(
        client, HttpRequest(f"{httpbin.root}/redirect", params={"to": same_origin}, auth=HeaderKeyAuth(key_cfg, "key"))
    ).json()
    assert data["headers"]["Authorization"] == "key key-789"


@pytest.mark.parametrize(("status", "method_after"), [("303", "GET"), ("302", "GET"), ("307", "POST")])
def test_redirect_after_post_follows_http_rules(client, httpbin, status, method_after):
    to = f"{httpbin.root}/method"
    request = HttpRequest(f"{httpbin.root}/redirect", "POST", params={"to": to, "status": status}, json={"a": 1})
    data = send(client, request).json()
    assert data["method"] == method_after
    assert (data["body"] != "") == (method_after == "POST")


def test_500_is_reported_then_next_request_succeeds(client, httpbin):
    httpbin.fault(status=500, path="/echo")
    with pytest.raises(errors.ServerError) as caught:
        send(client, HttpRequest(f"{httpbin.root}/echo"))
    assert caught.value.status == 500
    assert "Server error (500)" in caught.value.message
    assert send(client, HttpRequest(f"{httpbin.root}/echo")).status == 200


def test_503_is_retried_with_backoff_until_success(client, httpbin):
    response = send(client, HttpRequest(flaky_url(httpbin, "retry503"), params={"fail": 2, "status": 503}))
    assert response.json()["attempts"] == 3


def test_429_retry_after_is_honoured(client, httpbin):
    start = time.monotonic()
    response = send(
        client, HttpRequest(flaky_url(httpbin, "ratelimit"), params={"fail": 1, "status": 429, "retry_after": 2})
    )
    assert response.json()["attempts"] == 2
    assert time.monotonic() - start >= 1.9


def test_retries_are_bounded_and_post_is_not_retried(client, httpbin):
    always429 = flaky_url(httpbin, "always429")
    with pytest.raises(errors.RateLimitedError) as caught:
        send(
            client,
            HttpRequest(always429, params={"fail": 99, "status": 429, "retry_after": 0}, retries=2),
        )
    assert caught.value.retry_after == 0
    attempts = send(client, HttpRequest(always429, params={"fail": 0})).json()["attempts"]
    assert attempts == 4  # 3 failed (1 + 2 retries) + this one
    httpbin.fault(status=503, path="/method")
    with pytest.raises(errors.ServerError):
        send(client, HttpRequest(f"{httpbin.root}/method", "POST", json={"a": 1}))


def test_malformed_json_is_an_unreadable_response(client, httpbin):
    httpbin.fault(malformed=True, path="/echo")
    response = send(client, HttpRequest(f"{httpbin.root}/echo"))
    with pytest.raises(errors.UnreadableResponseError) as caught:
        response.json()
    assert "could not be read" in caught.value.message


def test_html_error_page_gives_its_title(client, httpbin):
    with pytest.raises(errors.ServerError) as caught:
        send(client, HttpRequest(f"{httpbin.root}/status/502", params={"shape": "html"}, retries=0))
    assert caught.value.message == "Bad gateway (502): 502 Bad Gateway"
    httpbin.fault(status=200, body="<!DOCTYPE html><html><title>Login</title></html>", path="/echo")
    with pytest.raises(errors.UnreadableResponseError) as unreadable:
        send(client, HttpRequest(f"{httpbin.root}/echo")).json()
    assert "web page instead of data" in unreadable.value.message


def test_slow_server_times_out(client, httpbin):
    start = time.monotonic()
    with pytest.raises(errors.RequestTimeoutError) as caught:
        send(client, HttpRequest(f"{httpbin.root}/slow", params={"seconds": 5}, timeout=0.5))
    assert time.monotonic() - start < 4
    assert "within 0.5 s" in caught.value.message


@pytest.mark.parametrize(
    ("shape", "status", "error_class", "expected"),
    [
        ("koordinates", 401, errors.AuthenticationError, "Koordinates says 401"),
        ("geobox", 401, errors.AuthenticationError, "Could not validate credentials"),
        ("ogc", 401, errors.AuthenticationError, "No such process: Process 'nope' does not exist"),
        ("pygeoapi", 401, errors.AuthenticationError, "Invalid token for pygeoapi"),
        ("amigocloud", 401, errors.AuthenticationError, "Invalid token for AmigoCloud"),
        ("koordinates-409", 409, errors.ConflictError, "Can't cancel"),
        ("ogc", 404, errors.NotFoundError, "No such process"),
        ("koordinates", 403, errors.PermissionDeniedError, "Koordinates says 403"),
    ],
)
def test_error_bodies_give_typed_errors_with_the_platform_message(
    client, httpbin, shape, status, error_class, expected
):
    with pytest.raises(error_class) as caught:
        send(client, HttpRequest(f"{httpbin.root}/status/{status}", params={"shape": shape}))
    assert expected in caught.value.message
    assert "\n" not in caught.value.message


def test_validation_errors_carry_field_messages(client, httpbin):
    with pytest.raises(errors.ValidationError) as caught:
        send(client, HttpRequest(f"{httpbin.root}/status/400", params={"shape": "koordinates-fields"}))
    assert caught.value.field_errors == {"crs": ["Unknown CRS EPSG:0"], "items": ["This field is required."]}
    with pytest.raises(errors.ValidationError) as fastapi:
        send(client, HttpRequest(f"{httpbin.root}/status/422", params={"shape": "geobox-422"}))
    assert fastapi.value.field_errors == {"out_format": ["value is not a valid enumeration member"]}


def test_connection_refused_is_a_network_error(client):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(errors.NetworkError) as caught:
        send(client, HttpRequest(f"http://127.0.0.1:{port}/", retries=0))
    assert "connection refused" in caught.value.message


def test_cancel_through_feedback(client, httpbin):
    feedback = QgsFeedback()

    def work(task_feedback):
        task_feedback.canceled.connect(feedback.cancel)
        return client.send(HttpRequest(f"{httpbin.root}/slow", params={"seconds": 10}), feedback)

    from helpers import TaskRun

    start = time.monotonic()
    run = TaskRun(work)
    from helpers import spin

    spin(0.3)
    run.task.cancel()
    run.wait(5)
    assert isinstance(run.error, errors.CancelledError)
    assert time.monotonic() - start < 5


def test_download_streams_to_file_with_server_name(client, httpbin, tmp_path):
    size = 3 * MiB + 123
    result = run_task(
        lambda fb: download(
            client, HttpRequest(f"{httpbin.root}/bytes/{size}", params={"name": "data.bin"}), tmp_path, feedback=fb
        )
    )
    assert result.path == tmp_path / "data.bin"
    assert result.size == size
    assert sha256(result.path) == server_sha(client, httpbin, size)
    assert not list(tmp_path.glob("*.part*"))


def test_download_resumes_after_a_dropped_connection(client, httpbin, tmp_path):
    size = 8 * MiB
    httpbin.fault(drop_after=3 * MiB, path=f"/bytes/{size}")
    result = run_task(lambda fb: download(client, HttpRequest(f"{httpbin.root}/bytes/{size}"), tmp_path, feedback=fb))
    assert result.resumed == 1
    assert result.size == size
    assert sha256(result.path) == server_sha(client, httpbin, size)


def test_https_stream_comes_in_bounded_blocks_and_resumes(client, httpbin_tls, tmp_path):
    """Over TLS Qt holds little for a reply (READ_BUFFER_TLS, its socket's own 64 KiB: it may take one more
    socket read before it pauses), and a download dropped mid-body resumes to a byte-identical file."""
    trust_certificate_authorities([str(httpbin_tls.ca_file)])
    size = 8 * MiB
    url = f"{httpbin_tls.root}/bytes/{size}"
    blocks: list[int] = []

    class Sizes:
        def begin(self, response) -> None:
            pass

        def write(self, data) -> None:
            blocks.append(len(data))

    run_task(lambda fb: client.send(HttpRequest(url), fb, sink=Sizes()))
    assert sum(blocks) == size
    assert max(blocks) < 2 * READ_BUFFER_TLS

    httpbin_tls.fault(drop_after=3 * MiB, path=f"/bytes/{size}")
    result = run_task(lambda fb: download(client, HttpRequest(url), tmp_path, feedback=fb))
    assert result.resumed == 1
    assert sha256(result.path) == server_sha(client, httpbin_tls, size)


def test_a_live_reply_that_pyqt_marks_deleted_is_still_read_to_the_end(client, httpbin, tmp_path):
    """PyQt's watcher of C++ deletions lives on the GUI thread: the news that a worker thread's reply was deleted
    comes queued, and when the next reply took the same address meanwhile, PyQt marks the live one deleted
    (a download then stalled in CI). Here the GUI thread marks the live reply's wrapper deleted itself, the way
    PyQt's watcher does, while the server holds back the answer. (Larger than the 4 MiB Qt buffers for a reply:
    one left unread stalls.)"""
    size = 16 * MiB
    httpbin.fault(delay=1.0, path=f"/bytes/{size}")
    run = TaskRun(lambda fb: download(client, HttpRequest(f"{httpbin.root}/bytes/{size}"), tmp_path, feedback=fb))
    wait_until(lambda: _live_attempts(), 10, "the request to go out")
    time.sleep(0.2)
    for attempt in _live_attempts():
        sip.setdeleted(attempt._reply)
    run.wait(20)
    assert run.error is None, run.error
    assert run.result.size == size
    assert sha256(run.result.path) == server_sha(client, httpbin, size)


def _live_attempts():
    return [
        obj
        for obj in gc.get_objects()
        if isinstance(obj, _Attempt)
        and not sip.isdeleted(obj)
        and obj._reply is not None
        and not sip.isdeleted(obj._reply)
    ]


def test_download_resumes_a_part_left_by_an_earlier_session(client, httpbin, tmp_path):
    size = 16 * MiB

    def interrupted(feedback):
        def stop_early(done, total):
            if done >= 2 * MiB:
                feedback.cancel()

        return download(
            client, HttpRequest(f"{httpbin.root}/bytes/{size}"), tmp_path, feedback=feedback, on_progress=stop_early
        )

    with pytest.raises(errors.CancelledError):
        run_task(interrupted)
    part = tmp_path / f"bytes-{size}.bin.part"
    kept = part.stat().st_size
    assert 2 * MiB <= kept < size
    result = run_task(lambda fb: download(client, HttpRequest(f"{httpbin.root}/bytes/{size}"), tmp_path, feedback=fb))
    assert result.size == size
    assert sha256(result.path) == server_sha(client, httpbin, size)
    assert not part.exists()


def test_truncated_download_without_ranges_fails_and_writes_no_final_file(client, httpbin, tmp_path):
    size = 2 * MiB
    httpbin.fault(drop_after=MiB, path=f"/bytes/{size}")
    with pytest.raises(errors.NetworkError):
        run_task(
            lambda fb: download(
                client, HttpRequest(f"{httpbin.root}/bytes/{size}", params={"ranges": "0"}), tmp_path, feedback=fb
            )
        )
    assert not (tmp_path / f"bytes-{size}.bin").exists()


def test_hostile_content_disposition_stays_in_the_folder(client, httpbin, tmp_path):
    folder = tmp_path / "inside"
    result = run_task(
        lambda fb: download(
            client, HttpRequest(f"{httpbin.root}/bytes/1000", params={"name": "../../evil.sh"}), folder, feedback=fb
        )
    )
    assert result.path == folder / "evil.sh"
    assert not (tmp_path / "evil.sh").exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["evil.sh", "inside"]


def test_existing_file_is_never_overwritten(client, httpbin, tmp_path):
    (tmp_path / "keep.bin").write_text("precious")
    result = run_task(
        lambda fb: download(
            client, HttpRequest(f"{httpbin.root}/bytes/1000", params={"name": "keep.bin"}), tmp_path, feedback=fb
        )
    )
    assert result.path == tmp_path / "keep (1).bin"
    assert (tmp_path / "keep.bin").read_text() == "precious"


def test_streaming_multipart_upload(client, httpbin, tmp_path):
    source = tmp_path / "upload.gpkg"
    source.write_bytes(bytes(range(256)) * 40000)
    seen = []
    request = HttpRequest(
        f"{httpbin.root}/upload",
        "POST",
        multipart=multipart_factory({"user_id": 7, "scan_archive": "false"}, "file", source),
        on_upload_progress=lambda done, total: seen.append((done, total)),
    )
    data = send(client, request).json()
    assert data["fields"] == {"user_id": "7", "scan_archive": "false"}
    assert data["files"]["file"] == {"filename": "upload.gpkg", "size": source.stat().st_size, "sha256": sha256(source)}
    assert seen[-1][0] == seen[-1][1] >= source.stat().st_size


def test_json_helpers_send_and_parse(client, httpbin):
    data = run_task(lambda fb: client.send_json("PUT", f"{httpbin.root}/method", {"name": "x"}, feedback=fb))
    assert data["method"] == "PUT"
    assert json.loads(data["body"]) == {"name": "x"}
    assert data["content_type"] == "application/json"
    form = send(
        client, HttpRequest(f"{httpbin.root}/method", "POST", form={"out_format": "GPKG", "bbox": "1,2,3,4"})
    ).json()
    assert form["content_type"] == "application/x-www-form-urlencoded"
    assert form["body"] == "out_format=GPKG&bbox=1%2C2%2C3%2C4" or form["body"] == "out_format=GPKG&bbox=1,2,3,4"
