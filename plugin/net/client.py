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

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Protocol, Union

from qgis.core import QgsFeedback, QgsNetworkAccessManager
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QByteArray, QEventLoop, QObject, QTimer, QUrl, QUrlQuery
from qgis.PyQt.QtNetwork import QHttpMultiPart, QNetworkReply, QNetworkRequest

from .. import auth, log
from ..errors import (
    CancelledError,
    GeodockError,
    NetworkError,
    RequestTimeoutError,
    ResponseError,
    UnreadableResponseError,
    error_for_status,
)
from ..redact import redact_url
from ..version import user_agent
from . import json_limits
from .origin import Origin, may_authenticate, origin_of
from .retry import DEFAULT_RETRIES, retry_after_seconds, retry_delay
from .retry import backoff_delay as backoff_delay  # (re-exported: plugin.net.download imports it from here)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_TIMEOUT = 60.0
MAX_REDIRECTS = 5
# A streamed body is taken with readAll() when at most READ_CHUNK is waiting, else in READ_CHUNK pieces. Qt 5.15's
# readAll() copies the waiting blocks once into a new one; PyQt's read(n) copies twice (into a scratch buffer, then
# into bytes); no PyQt 5 call hands on Qt's own block. Taking a whole backlog at once joins it into fresh multi-MiB
# blocks whose page faults cost more than the second copy: measured, reading all that waits each time made a
# 512 MiB download swing between 0.36 and 0.85 s (over half the bytes came in such joins). See `make bench`.
READ_CHUNK = 256 * 1024
READ_BUFFER = 4 * 1024 * 1024  # bytes Qt may hold for a reply before reading pauses (bounds memory)
# Over TLS, Qt's HTTP channel caps its socket's read buffer at 64 KiB (Qt 5.15, qhttpnetworkconnectionchannel).
# With a reply buffer of exactly that size, Qt hands each full socket buffer on as one block: 64 KiB blocks, each
# taken with one readAll() copy, few bytes in flight. With 128 KiB most blocks are 4 KiB (the steps QSslSocket decrypts
# in), and with READ_BUFFER a backlog piles up that is copied out: either way Qt spends about twice the CPU per
# GiB (measured: `make bench` exports, and a block-size count). Plain HTTP reads straight from the kernel,
# where a larger buffer means fewer, larger reads (`make bench` download).
READ_BUFFER_TLS = 64 * 1024
# Marks requests Geodock authenticated itself, so the provider-side request preprocessor leaves them alone.
GEODOCK_REQUEST_ATTRIBUTE = QNetworkRequest.Attribute(QNetworkRequest.Attribute.User + 7041)

Params = Union[Mapping[str, Any], Iterable[tuple[str, Any]], None]


class AuthApplier(Protocol):
    """Adds a connection's credentials to a request (a header, a query parameter, or an auth config).

    ``origin`` is the connection's URL: only requests to its origin are given to :meth:`apply` (an empty
    ``origin`` binds the credentials to the origin of the URL each request is made for).
    """

    origin: str

    def apply(self, request: QNetworkRequest) -> None:
        """Authenticate ``request`` in place (it may change the URL)."""

    def renew(self, feedback: Optional[QgsFeedback]) -> bool:
        """Called once after a 401: renew short-lived credentials; ``True`` to retry the request."""


class ResponseSink(Protocol):
    """Receives a response body as it streams in, instead of keeping it in memory."""

    def begin(self, response: HttpResponse) -> None:
        """Headers are in; the body follows (raise a GeodockError to refuse it)."""

    def write(self, data: Any) -> None:
        """Next part of the body (a bytes-like object: ``bytes`` or ``QByteArray``)."""


@dataclass
class HttpRequest:
    """What to send. ``json`` or ``form`` or ``body`` (bytes) or ``multipart`` for the body."""

    url: str
    method: str = "GET"
    params: Params = None
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None
    form: Optional[Mapping[str, Any]] = None
    body: Optional[bytes] = None
    multipart: Optional[Callable[[], QHttpMultiPart]] = None  # a factory: a fresh body for every attempt
    timeout: float = DEFAULT_TIMEOUT  # seconds without any progress
    retries: Optional[int] = None  # None: DEFAULT_RETRIES (for a POST: only when the server did not process it)
    accept: str = "application/json"
    auth: Optional[AuthApplier] = None
    on_upload_progress: Optional[Callable[[int, int], None]] = None  # (bytes sent, total or -1)

    def max_retries(self) -> int:
        """How many times the request may be sent again (:func:`plugin.net.retry.retryable` says after what)."""
        return DEFAULT_RETRIES if self.retries is None else self.retries

    def full_url(self) -> QUrl:
        url = QUrl(self.url)
        if self.params:
            query = QUrlQuery(url)
            items = self.params.items() if isinstance(self.params, Mapping) else self.params
            for key, value in items:
                if value is None:
                    continue
                if isinstance(value, bool):
                    value = "true" if value else "false"
                query.addQueryItem(str(key), _encode_query_value(str(value)))
            url.setQuery(query)
        return url


def _encode_query_value(value: str) -> str:
    # QUrlQuery leaves "+" and "&" alone in values; encode what would change the meaning of the query.
    return value.replace("%", "%25").replace("+", "%2B").replace("&", "%26").replace("#", "%23")


@dataclass
class HttpResponse:
    """A received answer. ``headers`` keys are lower case."""

    status: int
    headers: dict[str, str]
    body: bytes
    url: str

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def json(self) -> Any:
        """The body as JSON, or :class:`UnreadableResponseError` (HTML page, malformed, truncated)."""
        content_type = self.header("content-type")
        text = self.body.decode("utf-8", errors="replace")
        if "html" in content_type.lower() or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
            raise UnreadableResponseError(
                "The server answered with a web page instead of data",
                f"HTML from {redact_url(self.url)}:\n{text[:2000]}",
                self.url,
            )
        try:
            return json_limits.loads(text) if text.strip() else None  # depth-capped: no RecursionError
        except json.JSONDecodeError as err:
            raise UnreadableResponseError(
                f"The server's answer could not be read ({err.msg} at character {err.pos})",
                f"Malformed JSON from {redact_url(self.url)}:\n{text[:2000]}",
                self.url,
            ) from None


def _slot(method: Callable[..., None]) -> Callable[..., None]:
    """Qt calls this method as a slot: an exception must never escape into Qt (PyQt aborts the process).

    A RuntimeError from sip means the reply's wrapper was found deleted. When Qt really deleted the reply,
    the slot just ends; when PyQt only marked a live reply's wrapper deleted (see :attr:`_Attempt.reply`),
    the slot runs again with a fresh wrapper: ending it would leave the data unread, and the download stalled.
    """

    def wrapper(self: _Attempt, *args: Any) -> None:
        for _ in range(3):
            try:
                method(self, *args)
                return
            except RuntimeError:
                if self.reply_gone:
                    return
            except Exception as err:  # a bug in a sink or a callback: fail this request, keep QGIS alive
                self.sink_error = GeodockError(f"Unexpected error while receiving data: {err}")
                self.loop.quit()
                return

    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


class _Attempt(QObject):
    """One request/reply on the current thread's QgsNetworkAccessManager, driven by a local event loop."""

    def __init__(
        self,
        request: HttpRequest,
        url: QUrl,
        method: str,
        sink: Optional[ResponseSink],
        feedback: Optional[QgsFeedback],
        authenticate: bool,
    ) -> None:
        super().__init__()
        self.request = request
        self.url = url
        self.method = method
        self.sink = sink
        self.feedback = feedback
        self.authenticate = authenticate
        self.loop = QEventLoop()
        self.timer = QTimer()
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._on_timeout)
        self.chunks: list[bytes] = []
        self.timed_out = False
        self.cancelled = False
        self.sink_error: Optional[GeodockError] = None
        self.began = False
        self.received = 0
        self._reply: Optional[QNetworkReply] = None
        self._reply_address = 0
        self.reply_gone = False  # Qt deleted the reply (its destroyed() came)
        self.last_activity = 0.0
        self.lost = False
        self.response: Optional[HttpResponse] = None
        self.final_status = 0
        self.retry_after: Optional[float] = None  # seconds, from an error answer's Retry-After

    @property
    def reply(self) -> Optional[QNetworkReply]:
        """The reply, through a wrapper that PyQt has not marked deleted.

        PyQt hears that a C++ object it wrapped was deleted through a watcher on the GUI thread, so the news of
        a reply deleted on a worker thread comes queued; when the next reply of that thread was made at the same
        address before the GUI thread got round to it (a busy GUI, a loaded machine), PyQt marked the new, live
        reply's wrapper deleted, every slot met "wrapped C/C++ object has been deleted", and the download
        stalled with its data unread (seen in CI; reproduced). So :meth:`dispose` keeps the news from being
        sent, and a wrapper marked deleted anyway while the reply's own destroyed() (direct, on this thread)
        has not come is made again from the address.
        """
        reply = self._reply
        if reply is not None and sip.isdeleted(reply):
            if self.reply_gone:
                self._reply = None
                return None
            reply = self._reply = sip.wrapinstance(self._reply_address, QNetworkReply)
        return reply

    def _adopt(self, reply: QNetworkReply) -> None:
        self._reply = reply
        self._reply_address = sip.unwrapinstance(reply)
        reply.destroyed.connect(self._on_reply_destroyed)

    @_slot
    def _on_reply_destroyed(self) -> None:
        self.reply_gone = True
        self.loop.quit()

    def build(self) -> QNetworkRequest:
        qreq = QNetworkRequest(self.url)
        qreq.setAttribute(
            QNetworkRequest.Attribute.RedirectPolicyAttribute, QNetworkRequest.RedirectPolicy.ManualRedirectPolicy
        )
        qreq.setAttribute(GEODOCK_REQUEST_ATTRIBUTE, True)
        # Never through QGIS's disk cache: API answers change, and downloads would be copied into it.
        qreq.setAttribute(
            QNetworkRequest.Attribute.CacheLoadControlAttribute, QNetworkRequest.CacheLoadControl.AlwaysNetwork
        )
        qreq.setAttribute(QNetworkRequest.Attribute.CacheSaveControlAttribute, False)
        if self.request.accept:
            qreq.setRawHeader(b"Accept", self.request.accept.encode())
        for name, value in self.request.headers.items():
            qreq.setRawHeader(name.encode(), str(value).encode())
        if self.authenticate and self.request.auth is not None:  # (send() checked the origin)
            self.request.auth.apply(qreq)
        return qreq

    def body(self, qreq: QNetworkRequest) -> Union[QByteArray, QHttpMultiPart, None]:
        request = self.request
        if self.method in ("GET", "HEAD"):
            return None
        if request.multipart is not None:
            return request.multipart()
        if request.json is not None:
            qreq.setHeader(QNetworkRequest.KnownHeaders.ContentTypeHeader, "application/json")
            return QByteArray(json.dumps(request.json).encode())
        if request.form is not None:
            query = QUrlQuery()
            for key, value in request.form.items():
                if value is not None:
                    query.addQueryItem(str(key), _encode_query_value(str(value)))
            qreq.setHeader(QNetworkRequest.KnownHeaders.ContentTypeHeader, "application/x-www-form-urlencoded")
            return QByteArray(query.toString(QUrl.ComponentFormattingOption.FullyEncoded).encode())
        if request.body is not None:
            return QByteArray(request.body)
        return None

    def _create(self, qreq: QNetworkRequest, data: Union[QByteArray, QHttpMultiPart, None]) -> QNetworkReply:
        nam = QgsNetworkAccessManager.instance()
        verb = self.method.encode()
        # QGIS creates a request under its auth-database mutex (certificates of HTTPS hosts), holding Python's GIL
        # all the while; credentials stored on the GUI thread meanwhile hold that mutex and need the GIL: both
        # threads froze. Geodock's auth-database users take turns (see auth.serialized), waiting without the GIL.
        with auth.serialized():
            if isinstance(data, QHttpMultiPart):
                reply = nam.post(qreq, data) if self.method == "POST" else nam.put(qreq, data)
                data.setParent(reply)
            elif data is not None:
                reply = nam.sendCustomRequest(qreq, verb, data)
            elif self.method == "GET":
                reply = nam.get(qreq)
            elif self.method == "HEAD":
                reply = nam.head(qreq)
            else:
                reply = nam.sendCustomRequest(qreq, verb)
        return reply

    def run(self) -> QNetworkReply:
        qreq = self.build()
        data = self.body(qreq)
        reply = self._create(qreq, data)
        try:
            self._adopt(reply)
            reply.setReadBufferSize(READ_BUFFER_TLS if qreq.url().scheme() == "https" else READ_BUFFER)
            reply.metaDataChanged.connect(self._on_meta)
            reply.readyRead.connect(self._on_ready_read)
            reply.uploadProgress.connect(self._on_upload_progress)
            reply.finished.connect(self.loop.quit)
        except RuntimeError:  # the network manager dropped the reply at once: report it as a lost connection
            self.lost = True
            self._reply = None
            return reply
        if self.feedback is not None:
            self.feedback.canceled.connect(self.cancel)
            if self.feedback.isCanceled():
                self.cancel()
        self.timer.start(int(self.request.timeout * 1000))
        live = self.reply
        if live is not None and not live.isFinished() and not self.cancelled:
            self.loop.exec()
        if self.feedback is not None:
            try:
                self.feedback.canceled.disconnect(self.cancel)
            except TypeError:
                pass
        self.timer.stop()
        live = self.reply
        if live is None:
            self.lost = True
            return reply
        if live.isFinished():
            self._on_ready_read()
        return self.reply or live

    def dispose(self) -> None:
        """Free the Qt objects on this (worker) thread, which owns them."""
        self.timer.stop()
        reply = self.reply
        if reply is not None:
            for signal, slot in (
                (reply.metaDataChanged, self._on_meta),
                (reply.readyRead, self._on_ready_read),
                (reply.uploadProgress, self._on_upload_progress),
                (reply.finished, self.loop.quit),
            ):
                try:
                    signal.disconnect(slot)
                except (TypeError, RuntimeError):
                    pass
            # The reply belongs to QGIS's network manager of this thread, which still holds it: let Qt
            # delete it the Qt way (with the next event loop of this thread). Its destroyed() must reach nobody,
            # PyQt's deletion watcher included (see `reply`): the wrapper is retired here instead.
            try:
                reply.destroyed.disconnect()
            except (TypeError, RuntimeError):  # nothing connected
                pass
            try:
                reply.deleteLater()
                sip.setdeleted(reply)
            except RuntimeError:  # already deleted by Qt
                pass
            self._reply = None
        for obj in (self.timer, self.loop):
            sip.delete(obj)

    @_slot
    def cancel(self) -> None:
        self.cancelled = True
        reply = self.reply
        if reply is not None and not reply.isFinished():
            reply.abort()
        self.loop.quit()

    @_slot
    def _on_timeout(self) -> None:
        self.timed_out = True
        reply = self.reply
        if reply is not None:
            reply.abort()

    def _alive(self) -> None:
        """Data moved: restart the inactivity timer (at most every 100 ms: restarting costs)."""
        now = time.monotonic()
        if now - self.last_activity > 0.1:
            self.last_activity = now
            self.timer.start(int(self.request.timeout * 1000))

    @_slot
    def _on_upload_progress(self, done: int, total: int) -> None:
        self._alive()
        if self.request.on_upload_progress is not None and done > 0:
            self.request.on_upload_progress(done, total)

    def status(self) -> int:
        reply = self.reply
        value = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute) if reply is not None else None
        return int(value) if value is not None else 0

    def headers(self) -> dict[str, str]:
        reply = self.reply
        assert reply is not None
        return {bytes(k).decode("latin-1").lower(): bytes(v).decode("latin-1") for k, v in reply.rawHeaderPairs()}

    def _streaming(self) -> bool:
        status = self.status()
        return self.sink is not None and 200 <= status < 300

    @_slot
    def _on_meta(self) -> None:
        if self._streaming() and not self.began:
            reply = self.reply
            assert reply is not None and self.sink is not None
            response = HttpResponse(self.status(), self.headers(), b"", reply.url().toString())
            self.began = True
            try:
                self.sink.begin(response)
            except GeodockError as err:
                self.sink_error = err
                reply.abort()

    @_slot
    def _on_ready_read(self) -> None:
        reply = self.reply
        if reply is None or self.sink_error is not None or not reply.isOpen():  # closed: aborted, nothing to read
            return
        if not reply.isFinished():
            self._alive()
        if self.began or self._streaming():  # (began: streaming was decided once, from the status)
            if not self.began:
                self._on_meta()
                if self.sink_error is not None:
                    return
            while (available := reply.bytesAvailable()) > 0:
                data = reply.readAll() if available <= READ_CHUNK else reply.read(READ_CHUNK)
                if not data:
                    break
                self.received += len(data)
                try:
                    self.sink.write(data)  # type: ignore[union-attr]
                except GeodockError as err:
                    self.sink_error = err
                    reply.abort()
                    return
        else:
            data = bytes(reply.readAll())
            if data:
                self.received += len(data)
                self.chunks.append(data)


_ua_preprocessor_id: Optional[str] = None


def _set_user_agent(request: QNetworkRequest) -> None:
    # QgsNetworkAccessManager sets its own User-Agent on every request before the preprocessors run.
    if request.attribute(GEODOCK_REQUEST_ATTRIBUTE):
        request.setRawHeader(b"User-Agent", user_agent().encode())


def install_user_agent() -> None:
    """Make Geodock's requests carry Geodock's User-Agent (idempotent)."""
    global _ua_preprocessor_id
    if _ua_preprocessor_id is None:
        _ua_preprocessor_id = QgsNetworkAccessManager.setRequestPreprocessor(_set_user_agent)


def uninstall_user_agent() -> None:
    global _ua_preprocessor_id
    if _ua_preprocessor_id is not None:
        QgsNetworkAccessManager.removeRequestPreprocessor(_ua_preprocessor_id)
        _ua_preprocessor_id = None


class HttpClient:
    """Sends :class:`HttpRequest` s and returns :class:`HttpResponse` s, blocking the calling thread.

    Never call it on the GUI thread of a running QGIS desktop: run it in a ``QgsTask`` (see
    :func:`plugin.tasks.run_in_background`) or from a Processing algorithm.
    """

    def __init__(self, sleep: Optional[Callable[[float, Optional[QgsFeedback]], None]] = None) -> None:
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
                    raise NetworkError("Too many redirects", url=redact_url(url.toString()))
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

    def _outcome(self, exchange: _Attempt, reply: QNetworkReply) -> Union[HttpResponse, QUrl, GeodockError]:
        if exchange.lost:
            return _lost(exchange)
        safe_url = redact_url(reply.url().toString())
        if exchange.sink_error is not None:
            return exchange.sink_error
        if exchange.cancelled:
            return CancelledError(url=safe_url)
        if exchange.timed_out:
            return RequestTimeoutError(
                f"No answer from {reply.url().host()} within {exchange.request.timeout:g} s",
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
                    f"The answer from {reply.url().host()} was cut short",
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
    return NetworkError(f"The connection to {host} was dropped", f"{exchange.method}: reply lost", host)


def _check_body_stays(request: HttpRequest, method: str, url: QUrl, origin: Origin) -> None:
    """A redirect that would send the request's body (a login form, an upload) to another origin is refused."""
    has_body = any(part is not None for part in (request.json, request.form, request.body, request.multipart))
    if has_body and method not in ("GET", "HEAD") and origin_of(url) != origin:
        raise NetworkError(
            f"Not sent: the server redirected a {method} request to another site ({url.host()})",
            f"{method} redirected from {origin[0]}://{origin[1]}:{origin[2]} to {redact_url(url.toString())}",
            redact_url(url.toString()),
        )


def _network_message(reply: QNetworkReply) -> str:
    host = reply.url().host()
    code = reply.error()
    errors = QNetworkReply.NetworkError
    if code == errors.ConnectionRefusedError:
        return f"Could not connect to {host}: connection refused"
    if code == errors.HostNotFoundError:
        return f"Could not connect to {host}: unknown host"
    if code == errors.SslHandshakeFailedError:
        return f"Secure connection to {host} failed (certificate not trusted?)"
    if code in (errors.RemoteHostClosedError, errors.UnknownNetworkError):
        return f"The connection to {host} was dropped"
    if code == errors.ProxyConnectionRefusedError or code == errors.ProxyNotFoundError:
        return f"Could not reach the proxy for {host}"
    return f"Network error talking to {host}: {reply.errorString()}"


def _check_cancel(feedback: Optional[QgsFeedback]) -> None:
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
