"""Several requests in flight at once (``HttpClient.send_each``) against the real local httpbin server.

One at a time, each small PUT of a sync waited about 40 ms for the server's delayed ACK (Qt 5 writes headers and
body apart with Nagle's algorithm on); ``send_each`` keeps several in flight so that those waits overlap.
"""

from __future__ import annotations

import time
import uuid

import pytest
from helpers import TaskRun, run_task, spin

from geodock.plugin import errors
from geodock.plugin.net.client import IN_FLIGHT, HttpClient, HttpRequest


@pytest.fixture
def client():
    return HttpClient()


def _key() -> str:
    return uuid.uuid4().hex


def _send_each(client, requests, window=IN_FLIGHT, stop_after=None):
    """``send_each`` in a task: ``(sent, {index: answer or error})`` (stops after ``stop_after`` answers)."""
    answers = {}

    def heard(index, answer):
        answers[index] = answer
        return stop_after is None or len(answers) < stop_after

    sent = run_task(lambda feedback: client.send_each(requests, feedback, heard, window))
    return sent, answers


def test_requests_are_in_flight_together_and_answers_match_their_requests(client, httpbin):
    key = _key()
    requests = [
        HttpRequest(f"{httpbin.root}/together/{key}", "PUT", json={"n": n}, params={"seconds": 0.4}) for n in range(14)
    ]
    sent, answers = _send_each(client, requests)
    assert sent == 14 and sorted(answers) == list(range(14))
    for index, answer in answers.items():
        assert answer.json()["body"] == f'{{"n": {index}}}'  # each answer is heard for its own request
    most = max(answer.json()["most"] for answer in answers.values())
    assert most == IN_FLIGHT  # never more than the window, and the window filled


def test_window_of_one_sends_one_at_a_time(client, httpbin):
    key = _key()
    requests = [HttpRequest(f"{httpbin.root}/together/{key}", "POST", body=b"x", params={"seconds": 0.05})] * 4
    sent, answers = _send_each(client, requests, window=1)
    assert sent == 4 and max(a.json()["most"] for a in answers.values()) == 1


def test_no_new_request_once_an_answer_says_stop(client, httpbin):
    key = _key()
    requests = [HttpRequest(f"{httpbin.root}/together/{key}", params={"seconds": 0.2}) for _ in range(10)]
    sent, answers = _send_each(client, requests, window=3, stop_after=1)
    assert sent == 3  # the three in flight when the first answer came...
    assert len(answers) == 3  # ...are all heard; none after
    assert max(a.json()["most"] for a in answers.values()) <= 3


def test_errors_redirects_and_retries_each_reach_their_own_request(client, httpbin):
    flaky = f"{httpbin.root}/flaky/{_key()}"
    requests = [
        HttpRequest(f"{httpbin.root}/status/404", params={"shape": "geobox"}),
        HttpRequest(flaky, params={"fail": 1, "status": 503}),  # retried after the first 503
        HttpRequest(f"{httpbin.root}/redirect", params={"to": f"{httpbin.root}/method", "status": 307}),
        HttpRequest(f"{httpbin.root}/method", "PUT", json={"a": 1}),
    ]
    sent, answers = _send_each(client, requests)
    assert sent == 4
    assert isinstance(answers[0], errors.NotFoundError)
    assert answers[1].json()["attempts"] == 2
    assert answers[2].json()["method"] == "GET"
    assert answers[3].json() == {"method": "PUT", "body": '{"a": 1}', "content_type": "application/json"}


def test_cancelling_aborts_what_is_in_flight_at_once(client, httpbin):
    key = _key()
    requests = [HttpRequest(f"{httpbin.root}/together/{key}", params={"seconds": 20}) for _ in range(8)]
    heard = []

    def work(feedback):
        def on_answer(index, answer):
            heard.append(answer)
            if isinstance(answer, errors.CancelledError):
                raise answer
            return True

        return client.send_each(requests, feedback, on_answer)

    run = TaskRun(work)
    spin(0.5)
    start = time.monotonic()
    run.task.cancel()
    run.wait(10)
    assert time.monotonic() - start < 5  # not the 20 s the server holds them
    assert run.error is not None and isinstance(run.error, errors.CancelledError)
    assert heard and all(isinstance(answer, errors.CancelledError) for answer in heard)
