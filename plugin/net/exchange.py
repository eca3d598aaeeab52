"""One request/reply on the calling thread's ``QgsNetworkAccessManager`` (:class:`_Attempt`).

:class:`plugin.net.client.HttpClient` drives one :class:`_Attempt` per try (retries and redirects are its business),
or several in flight on one shared event loop (:meth:`HttpClient.send_each`).
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable, Optional, Union

from qgis.core import QgsFeedback, QgsNetworkAccessManager
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QByteArray, QEventLoop, QObject, QTimer, QUrl, QUrlQuery
from qgis.PyQt.QtNetwork import QHttpMultiPart, QNetworkReply, QNetworkRequest

from .. import auth
from ..errors import GeodockError
from ..i18n import tr
from .http import HttpRequest, HttpResponse, ResponseSink, encode_query_value

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


def _slot(method: Callable[..., None]) -> Callable[..., None]:
    """Qt calls this method as a slot: an exception must never escape into Qt (PyQt aborts the process).

    A RuntimeError from sip means the reply's wrapper was found deleted. When Qt really deleted the reply,
    the slot just ends; when PyQt only marked a live reply's wrapper deleted (see :attr:`_Attempt.reply`),
    the slot runs again with a fresh wrapper: ending it would leave the data unread, and the download stalled.
    """

    def wrapper(self: _Attempt, *args: Any) -> None:
        """Run the slot, retrying with a fresh wrapper when PyQt marked a live reply deleted."""
        for _ in range(3):
            try:
                method(self, *args)
                return
            except RuntimeError:
                if self.reply_gone:
                    return
            except Exception as err:  # a bug in a sink or a callback: fail this request, keep QGIS alive
                self.sink_error = GeodockError(tr("Unexpected error while receiving data: {err}").format(err=err))
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
        loop: Optional[QEventLoop] = None,
    ) -> None:
        """One ``method`` of ``request`` to ``url``, streamed into ``sink`` when given; ``loop``: an event loop
        shared with other attempts in flight (see :meth:`HttpClient.send_each`), which this one only quits."""
        super().__init__()
        self.request = request
        self.url = url
        self.method = method
        self.sink = sink
        self.feedback = feedback
        self.authenticate = authenticate
        self.shared_loop = loop is not None
        self.loop = loop if loop is not None else QEventLoop()
        self.ended = False  # the reply finished, or was lost
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
        self._sent: Optional[QNetworkReply] = None  # the reply as created (what run() returns when it is lost)
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
        """Keep ``reply`` and its address, and hear when Qt deletes it."""
        self._reply = reply
        self._reply_address = sip.unwrapinstance(reply)
        reply.destroyed.connect(self._on_reply_destroyed)

    @_slot
    def _on_reply_destroyed(self) -> None:
        """Qt deleted the reply: stop waiting."""
        self.reply_gone = self.ended = True
        self.loop.quit()

    @_slot
    def _on_finished(self) -> None:
        """The reply ended: stop waiting."""
        self.ended = True
        self.loop.quit()

    def build(self) -> QNetworkRequest:
        """The QNetworkRequest: manual redirects, no disk cache, Accept, headers, credentials."""
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
        """The body to send (sets its Content-Type), or None for GET/HEAD and bodiless requests."""
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
                    query.addQueryItem(str(key), encode_query_value(str(value)))
            qreq.setHeader(QNetworkRequest.KnownHeaders.ContentTypeHeader, "application/x-www-form-urlencoded")
            return QByteArray(query.toString(QUrl.ComponentFormattingOption.FullyEncoded).encode())
        if request.body is not None:
            return QByteArray(request.body)
        return None

    def _create(self, qreq: QNetworkRequest, data: Union[QByteArray, QHttpMultiPart, None]) -> QNetworkReply:
        """Hand the request to this thread's network manager with the right verb."""
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
        """Send, wait in a local event loop until the reply ends, is cancelled or times out; returns the reply."""
        if self.start():
            self.loop.exec()
        return self.finish()

    def start(self) -> bool:
        """Send; whether there is a reply to wait for (False: it ended at once, or was cancelled)."""
        qreq = self.build()
        data = self.body(qreq)
        reply = self._create(qreq, data)
        try:
            self._adopt(reply)
            reply.setReadBufferSize(READ_BUFFER_TLS if qreq.url().scheme() == "https" else READ_BUFFER)
            reply.metaDataChanged.connect(self._on_meta)
            reply.readyRead.connect(self._on_ready_read)
            reply.uploadProgress.connect(self._on_upload_progress)
            reply.finished.connect(self._on_finished)
        except RuntimeError:  # the network manager dropped the reply at once: report it as a lost connection
            self.lost = self.ended = True
            self._reply = None
            self._sent = reply
            return False
        self._sent = reply
        if self.feedback is not None:
            self.feedback.canceled.connect(self.cancel)
            if self.feedback.isCanceled():
                self.cancel()
        self.timer.start(int(self.request.timeout * 1000))
        live = self.reply
        return live is not None and not live.isFinished() and not self.cancelled

    def waiting(self) -> bool:
        """Whether the reply is still on its way (not ended, cancelled, timed out or failed in a sink)."""
        if self.ended or self.cancelled or self.sink_error is not None:
            return False
        live = self.reply
        return live is not None and not live.isFinished()

    def finish(self) -> QNetworkReply:
        """Stop listening for cancellation and the timeout; read what is left; the reply."""
        reply = self._sent
        assert reply is not None, "finish() before start()"
        if self.feedback is not None:
            try:
                self.feedback.canceled.disconnect(self.cancel)
            except TypeError:
                pass
        self.timer.stop()
        if self.lost:
            return reply
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
                (reply.finished, self._on_finished),
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
        sip.delete(self.timer)
        if not self.shared_loop:
            sip.delete(self.loop)

    @_slot
    def cancel(self) -> None:
        """Abort the reply (feedback cancelled) and stop waiting."""
        self.cancelled = True
        reply = self.reply
        if reply is not None and not reply.isFinished():
            reply.abort()
        self.loop.quit()

    @_slot
    def _on_timeout(self) -> None:
        """No progress for the request's timeout: abort the reply."""
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
        """Bytes went out: restart the inactivity timer and tell the request's callback."""
        self._alive()
        if self.request.on_upload_progress is not None and done > 0:
            self.request.on_upload_progress(done, total)

    def status(self) -> int:
        """The HTTP status of the reply (0: none)."""
        reply = self.reply
        value = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute) if reply is not None else None
        return int(value) if value is not None else 0

    def headers(self) -> dict[str, str]:
        """The reply's headers, names in lower case."""
        reply = self.reply
        assert reply is not None
        return {bytes(k).decode("latin-1").lower(): bytes(v).decode("latin-1") for k, v in reply.rawHeaderPairs()}

    def _streaming(self) -> bool:
        """Whether the body goes to the sink (a sink and a 2xx status)."""
        status = self.status()
        return self.sink is not None and 200 <= status < 300

    @_slot
    def _on_meta(self) -> None:
        """Headers are in: begin the sink once for a streamed answer (its refusal aborts the reply)."""
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
        """Read what has arrived, into the sink or the kept chunks."""
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
