"""Geodock's one HTTP client, on ``QgsNetworkAccessManager``.

The model: **every call blocks the thread it runs on, and the GUI thread never makes one.** Calls run in
a ``QgsTask`` (see :mod:`plugin.tasks`), a Processing algorithm, or ``qgis_process``; the GUI starts a task
and gets its result in ``finished()``, on the GUI thread. Inside a call, the request goes out through the
``QgsNetworkAccessManager`` of the calling thread (QGIS makes one per thread, with the proxy, SSL and
authentication settings of the application), and a local ``QEventLoop`` runs until the reply is done,
so cancelling through the call's ``QgsFeedback`` aborts the reply at once.

Every request gets: the connection's authentication (an :class:`AuthApplier`), ``User-Agent:
Geodock/<version> QGIS/<version>``, ``Accept``, an inactivity timeout, and on failure a typed error from
:mod:`plugin.errors` carrying the platform's own message. Failed requests are retried a bounded number of
times as :mod:`plugin.net.retry` decides (a POST only when the server said it did not process it), honouring
``Retry-After``. Credentials go only to the connection's own origin (:mod:`plugin.net.origin`), whatever URL a
server names; redirects are followed by hand so that this holds for them too, and a request body is never sent
on to another origin.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence, Union

from qgis.core import QgsFeedback
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QEventLoop, QTimer, QUrl
from qgis.PyQt.QtNetwork import QNetworkReply

from .. import log
from ..errors import (
    CancelledError,
    GeodockError,
    NetworkError,
    RequestTimeoutError,
    ResponseError,
    error_for_status,
)
from ..i18n import tr
from ..redact import redact_url
from .exchange import GEODOCK_REQUEST_ATTRIBUTE as GEODOCK_REQUEST_ATTRIBUTE  # (re-exported: moved names)
from .exchange import READ_BUFFER as READ_BUFFER
from .exchange import READ_BUFFER_TLS as READ_BUFFER_TLS
from .exchange import READ_CHUNK as READ_CHUNK
from .exchange import _Attempt
from .http import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
from .http import AuthApplier as AuthApplier
from .http import HttpRequest as HttpRequest
from .http import HttpResponse as HttpResponse
from .http import Params as Params
from .http import ResponseSink as ResponseSink
from .origin import Origin, may_authenticate, origin_of
from .retry import backoff_delay as backoff_delay  # (re-exported: plugin.net.download imports it from here)
from .retry import retry_after_seconds, retry_delay
from .user_agent import install_user_agent as install_user_agent
from .user_agent import uninstall_user_agent as uninstall_user_agent

#: Requests :meth:`HttpClient.send_each` keeps in flight (Qt opens at most 6 connections per server).
IN_FLIGHT = 6
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5


class HttpClient:
    """Sends :class:`HttpRequest` s and returns :class:`HttpResponse` s, blocking the calling thread.

    Never call it on the GUI thread of a running QGIS desktop: run it in a ``QgsTask`` (see
    :func:`plugin.tasks.run_in_background`) or from a Processing algorithm.
    """

    def __init__(self, sleep: Optional[Callable[[float, Optional[QgsFeedback]], None]] = None) -> None:
        """``sleep(seconds, feedback)`` waits between retries (default: :func:`wait`)."""
        self._sleep = sleep or wait
        install_user_agent()

    def send(
        self, request: HttpRequest, feedback: Optional[QgsFeedback] = None, sink: Optional[ResponseSink] = None
    ) -> HttpResponse:
        """Send ``request`` and return the final answer (2xx), or raise a :class:`GeodockError` subclass.

        With a ``sink``, a 2xx body is streamed into it instead of being kept (``HttpResponse.body`` is empty).
        """
        url = request.full_url()
        method = request.method.upper()
        attempt = 0
        renewed = False
        redirects = 0
        origin = origin_of(url)
        # Sticky: once a redirect left the credentials' origin, coming back does not bring them back.
        authenticate = request.auth is not None and may_authenticate(url, request.auth, origin)
        while True:
            _check_cancel(feedback)
            exchange = _Attempt(request, url, method, sink, feedback, authenticate)
            try:
                result = self._outcome(exchange, exchange.run())
            except RuntimeError as lost:  # sip: Qt deleted the reply while we still used it
                log.info(f"{method} {redact_url(url.toString())}: reply lost ({lost})")
                result = _lost(exchange)
            finally:
                exchange.dispose()
            if isinstance(result, QUrl):  # redirect
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    raise NetworkError(tr("Too many redirects"), url=redact_url(url.toString()))
                status = exchange.final_status
                if status == 303 or (status in (301, 302) and method == "POST"):
                    method = "GET"
                url = url.resolved(result)
                _check_body_stays(request, method, url, origin)
                authenticate = authenticate and may_authenticate(url, request.auth, origin)
                continue
            if isinstance(result, HttpResponse):
                return result
            err = result
            if isinstance(err, ResponseError) and err.status == 401 and request.auth is not None and not renewed:
                renewed = True
                if request.auth.renew(feedback):
                    continue
            delay = retry_delay(method, err, exchange.retry_after, attempt)
            if attempt < request.max_retries() and delay is not None and not (sink is not None and exchange.began):
                log.info(f"Retrying {method} {redact_url(url.toString())} in {delay:.1f} s after: {err.message}")
                attempt += 1
                self._sleep(delay, feedback)
                continue
            raise err

    def send_each(
        self,
        requests: Sequence[HttpRequest],
        feedback: Optional[QgsFeedback],
        on_answer: Callable[[int, Union[HttpResponse, GeodockError]], bool],
        window: int = IN_FLIGHT,
    ) -> int:
        """Send ``requests`` with up to ``window`` in flight at once; how many were sent.

        ``on_answer(index, answer or error)`` hears each as it ends (in the order they end); when it returns False,
        no further request is started, and those in flight are still heard. One at a time, a small PUT or POST
        waits for the server's delayed ACK of its headers in Qt 5 (about 40 ms on Linux: Qt writes headers and
        body apart, with Nagle's algorithm on): in flight together, those waits overlap. A redirect, a 401 to
        renew or a failure worth retrying is sent again through :meth:`send`. Cancelling ``feedback`` aborts
        those in flight; the CancelledError goes to ``on_answer`` (which raises it) or is raised here.
        """
        loop = QEventLoop()
        active: list[tuple[int, _Attempt]] = []
        sent, going = 0, True
        try:
            while active or (going and sent < len(requests)):
                while going and sent < len(requests) and len(active) < max(1, window):
                    _check_cancel(feedback)
                    active.append((sent, self._start(requests[sent], feedback, loop)))
                    sent += 1
                if all(exchange.waiting() for _, exchange in active):
                    loop.exec()
                for item in [item for item in active if not item[1].waiting()]:
                    active.remove(item)
                    going = on_answer(item[0], self._settle(requests[item[0]], item[1], feedback)) and going
        finally:
            for _, exchange in active:  # (on_answer raised) abort what is still in flight
                exchange.cancel()
                exchange.finish()
                exchange.dispose()
            sip.delete(loop)
        return sent

    def _start(self, request: HttpRequest, feedback: Optional[QgsFeedback], loop: QEventLoop) -> _Attempt:
        """The first attempt of ``request``, sent, on the shared ``loop``."""
        url = request.full_url()
        authenticate = request.auth is not None and may_authenticate(url, request.auth, origin_of(url))
        exchange = _Attempt(request, url, request.method.upper(), None, feedback, authenticate, loop)
        exchange.start()
        return exchange

    def _settle(
        self, request: HttpRequest, exchange: _Attempt, feedback: Optional[QgsFeedback]
    ) -> Union[HttpResponse, GeodockError]:
        """What an ended first attempt came to; sent again through :meth:`send` when that takes more."""
        try:
            result = self._outcome(exchange, exchange.finish())
        except RuntimeError:  # sip: Qt deleted the reply while we still used it
            result = _lost(exchange)
        finally:
            exchange.dispose()
        if isinstance(result, (HttpResponse, CancelledError)):
            return result
        if isinstance(result, GeodockError) and not _worth_more(request, exchange, result):
            return result
        try:
            return self.send(request, feedback)
        except CancelledError:
            raise
        except GeodockError as err:
            return err

    def _outcome(self, exchange: _Attempt, reply: QNetworkReply) -> Union[HttpResponse, QUrl, GeodockError]:
        """What an ended attempt came to: the answer, a redirect's target, or the typed error."""
        if exchange.lost:
            return _lost(exchange)
        safe_url = redact_url(reply.url().toString())
        if exchange.sink_error is not None:
            return exchange.sink_error
        if exchange.cancelled:
            return CancelledError(url=safe_url)
        if exchange.timed_out:
            return RequestTimeoutError(
                tr("No answer from {host} within {timeout:g} s").format(
                    host=reply.url().host(), timeout=exchange.request.timeout
                ),
                f"Timed out: {exchange.method} {safe_url}",
                safe_url,
            )
        status = exchange.final_status = exchange.status()
        headers = exchange.headers()
        error = reply.error()
        if status == 0 or (error != QNetworkReply.NetworkError.NoError and 200 <= status < 300):
            # No HTTP answer at all, or the body broke off.
            return NetworkError(
                _network_message(reply), f"{exchange.method} {safe_url}: {reply.errorString()}", safe_url
            )
        if status in REDIRECT_STATUSES and headers.get("location"):
            return QUrl(headers["location"])
        body = b"".join(exchange.chunks)
        if 200 <= status < 300:
            expected = headers.get("content-length")
            if (
                expected is not None
                and exchange.method != "HEAD"
                and "content-encoding" not in headers
                and exchange.received < int(expected)
            ):
                return NetworkError(
                    tr("The answer from {host} was cut short").format(host=reply.url().host()),
                    f"{exchange.method} {safe_url}: {exchange.received} of {expected} bytes",
                    safe_url,
                )
            return HttpResponse(status, headers, body, reply.url().toString())
        exchange.retry_after = retry_after_seconds(headers.get("retry-after", ""))
        error = error_for_status(status, body, headers.get("content-type", ""), safe_url, exchange.retry_after)
        error.headers = headers  # e.g. a 416's Content-Range: bytes */SIZE, read by plugin.net.download
        return error

    # JSON helpers -----------------------------------------------------------------------------------

    def get_json(
        self,
        url: str,
        params: Params = None,
        auth: Optional[AuthApplier] = None,
        feedback: Optional[QgsFeedback] = None,
        **kwargs: Any,
    ) -> Any:
        """GET ``url`` and return its JSON body."""
        return self.send(HttpRequest(url, "GET", params=params, auth=auth, **kwargs), feedback).json()

    def send_json(
        self,
        method: str,
        url: str,
        payload: Any = None,
        auth: Optional[AuthApplier] = None,
        feedback: Optional[QgsFeedback] = None,
        **kwargs: Any,
    ) -> Any:
        """``method`` ``url`` with a JSON body; returns the JSON answer (None for an empty body)."""
        return self.send(HttpRequest(url, method, json=payload, auth=auth, **kwargs), feedback).json()


def _lost(exchange: _Attempt) -> NetworkError:
    """The error for a reply that Qt dropped before it was read: a dropped connection (retryable)."""
    host = exchange.url.host()
    return NetworkError(
        tr("The connection to {host} was dropped").format(host=host), f"{exchange.method}: reply lost", host
    )


def _worth_more(request: HttpRequest, exchange: _Attempt, err: GeodockError) -> bool:
    """Whether :meth:`HttpClient.send` would do more after this first attempt's error: renew on a 401, retry."""
    if isinstance(err, ResponseError) and err.status == 401 and request.auth is not None:
        return True
    return request.max_retries() > 0 and retry_delay(exchange.method, err, exchange.retry_after, 0) is not None


def _check_body_stays(request: HttpRequest, method: str, url: QUrl, origin: Origin) -> None:
    """A redirect that would send the request's body (a login form, an upload) to another origin is refused."""
    has_body = any(part is not None for part in (request.json, request.form, request.body, request.multipart))
    if has_body and method not in ("GET", "HEAD") and origin_of(url) != origin:
        raise NetworkError(
            tr("Not sent: the server redirected a {method} request to another site ({host})").format(
                method=method, host=url.host()
            ),
            f"{method} redirected from {origin[0]}://{origin[1]}:{origin[2]} to {redact_url(url.toString())}",
            redact_url(url.toString()),
        )


def _network_message(reply: QNetworkReply) -> str:
    """A one-line message for a failed connection to ``reply``'s host."""
    host = reply.url().host()
    code = reply.error()
    errors = QNetworkReply.NetworkError
    if code == errors.ConnectionRefusedError:
        return tr("Could not connect to {host}: connection refused").format(host=host)
    if code == errors.HostNotFoundError:
        return tr("Could not connect to {host}: unknown host").format(host=host)
    if code == errors.SslHandshakeFailedError:
        return tr("Secure connection to {host} failed (certificate not trusted?)").format(host=host)
    if code in (errors.RemoteHostClosedError, errors.UnknownNetworkError):
        return tr("The connection to {host} was dropped").format(host=host)
    if code == errors.ProxyConnectionRefusedError or code == errors.ProxyNotFoundError:
        return tr("Could not reach the proxy for {host}").format(host=host)
    return tr("Network error talking to {host}: {error}").format(host=host, error=reply.errorString())


def _check_cancel(feedback: Optional[QgsFeedback]) -> None:
    """Raise CancelledError when ``feedback`` was cancelled."""
    if feedback is not None and feedback.isCanceled():
        raise CancelledError()


def wait(seconds: float, feedback: Optional[QgsFeedback] = None) -> None:
    """Sleep ``seconds`` on the current thread, returning early (with CancelledError) when cancelled."""
    if seconds <= 0:
        return
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    if feedback is not None:
        feedback.canceled.connect(loop.quit)
    timer.start(int(seconds * 1000))
    loop.exec()
    timer.stop()
    if feedback is not None:
        try:
            feedback.canceled.disconnect(loop.quit)
        except TypeError:
            pass
    _check_cancel(feedback)


_shared: Optional[HttpClient] = None


def shared_client() -> HttpClient:
    """The client every adapter uses (stateless: one per process is enough)."""
    global _shared
    if _shared is None:
        _shared = HttpClient()
    return _shared
