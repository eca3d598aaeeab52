"""A minimal Socket.IO 2 client (Engine.IO protocol 3) over Qt's ``QWebSocket``: enough for AmigoCloud's
realtime events, with no extra Python package.

Frames (text): Engine.IO ``0{open}``, ``1`` close, ``2`` ping (the client sends it every ``pingInterval``),
``3`` pong, ``4<socket.io packet>``; Socket.IO packets ``0/ns`` connect, ``1/ns`` disconnect,
``2/ns,["event", data]`` event, ``4/ns,"error"`` error. The client lives on the thread that created it (the
GUI thread: QWebSocket is asynchronous, nothing here blocks), reconnects with exponential backoff and
jitter after a drop, and stops cleanly on :meth:`SocketIoClient.close`.

The server is not trusted (:mod:`.limits`): its ping interval and timeout are clamped, a message over
:data:`~.limits.MAX_FRAME_BYTES` closes the socket (then a reconnect with backoff), and a frame that cannot
be read is logged and skipped -- no exception leaves a slot.
"""

from __future__ import annotations

import json
from enum import Enum
from importlib import import_module
from typing import Any, Optional

from qgis.core import QgsNetworkAccessManager
from qgis.PyQt.QtCore import QObject, QTimer, QUrl, pyqtSignal
from qgis.PyQt.QtNetwork import QAbstractSocket, QSslConfiguration

from .... import log
from ....redact import redact_url
from .events import ProblemLog, sample
from .limits import MAX_FRAME_BYTES, PING_INTERVAL, PING_TIMEOUT, Backoff, clamp_seconds

try:  # qgis.PyQt has no QtWebSockets shim in QGIS 3.22; the bindings come from python3-pyqt5.qtwebsockets
    from qgis.PyQt.QtWebSockets import QWebSocket  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the QGIS build
    # The same Qt binding qgis.PyQt wraps (PyQt5 with Qt 5, PyQt6 with Qt 6), so this stays Qt6-ready.
    _binding = QObject.__module__.split(".")[0]
    QWebSocket = import_module(f"{_binding}.QtWebSockets").QWebSocket  # type: ignore[misc]

SOCKETIO_PATH = "/v2_socket.io/socket.io/"
MAX_EVENT_NAME = 200


class ConnectionState(str, Enum):
    """The states of a realtime connection (connecting, live, reconnecting, stopped)."""

    CONNECTING = "connecting"
    LIVE = "live"  # the namespace is connected
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"


def websocket_url(site_or_api_url: str) -> str:
    """The Engine.IO websocket URL of a site: ``http(s)://host[:port]/...`` → ``ws(s)://host[:port]/v2_socket.io/...``."""
    url = QUrl(site_or_api_url)
    scheme = "wss" if url.scheme() == "https" else "ws"
    port = f":{url.port()}" if url.port() != -1 else ""
    return f"{scheme}://{url.host()}{port}{SOCKETIO_PATH}?EIO=3&transport=websocket"


def encode_event(namespace: str, event: str, data: Any) -> str:
    """The Engine.IO text frame of a Socket.IO event in ``namespace``."""
    prefix = f"42{namespace}," if namespace and namespace != "/" else "42"
    return prefix + json.dumps([event, data], separators=(",", ":"))


def decode_packet(frame: str) -> tuple[str, str, Any]:
    """``(socket.io type, namespace, payload)`` of an Engine.IO message frame ``4...``."""
    body = frame[1:]
    kind = body[:1]
    rest = body[1:]
    namespace = "/"
    if rest.startswith("/"):
        end = len(rest)
        for stop in (",", "[", "{"):
            found = rest.find(stop)
            if found != -1:
                end = min(end, found)
        namespace = rest[:end]
        rest = rest[end:]
        if rest.startswith(","):
            rest = rest[1:]
    rest = rest.lstrip("0123456789")  # an ack id
    payload: Any = None
    if rest:
        try:
            payload = json.loads(rest)
        except (ValueError, RecursionError):  # not JSON (or nested beyond reason): the text, for the caller
            payload = rest
    return kind, namespace, payload


class SocketIoClient(QObject):
    """One Socket.IO connection to one namespace; signals carry what arrives."""

    received = pyqtSignal(str, object)  # event name, payload (the first argument)
    stateChanged = pyqtSignal(str)  # a ConnectionState value
    namespaceConnected = pyqtSignal()  # (re)connected: time to authenticate
    failed = pyqtSignal(str)  # a one-line reason, for the log and the message bar

    def __init__(self, url: str, namespace: str, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.url = url
        self.namespace = namespace
        self.state = ConnectionState.STOPPED
        self.backoff = Backoff()
        self.problems = ProblemLog(f"Realtime socket {redact_url(url)}")
        self.ping_interval = PING_INTERVAL[0]
        self.ping_timeout = PING_TIMEOUT[0]
        self.socket: Optional[QWebSocket] = None
        self._stopping = False
        self._opened = False  # this socket's Engine.IO open frame came
        self._ping_timer = QTimer(self)
        self._ping_timer.timeout.connect(self._ping)
        self._pong_timer = QTimer(self)
        self._pong_timer.setSingleShot(True)
        self._pong_timer.timeout.connect(self._pong_missed)
        self._reconnect_timer = QTimer(self)
        self._reconnect_timer.setSingleShot(True)
        self._reconnect_timer.timeout.connect(self._open_socket)

    @property
    def attempts(self) -> int:
        """Reconnects since the connection was last healthy."""
        return self.backoff.attempts

    # Control -------------------------------------------------------------------------------------------

    def open(self) -> None:
        """Connect (asynchronously); ``namespaceConnected`` fires once the namespace answers."""
        self._stopping = False
        self.backoff.reset()
        self._set_state(ConnectionState.CONNECTING)
        self._open_socket()

    def close(self) -> None:
        """Disconnect for good: no reconnect; the socket is closed and released."""
        self._stopping = True
        self._reconnect_timer.stop()
        self._ping_timer.stop()
        self._pong_timer.stop()
        socket = self.socket
        self.socket = None
        if socket is not None:
            if socket.state() == QAbstractSocket.SocketState.ConnectedState:
                socket.sendTextMessage(f"41{self.namespace}" if self.namespace != "/" else "41")
                socket.sendTextMessage("1")
                socket.flush()
            socket.close()
            if socket.state() != QAbstractSocket.SocketState.UnconnectedState:
                socket.abort()
            self._release(socket)
        self._set_state(ConnectionState.STOPPED)

    def socket_state(self) -> QAbstractSocket.SocketState:
        """The QWebSocket's state (``UnconnectedState`` when there is none)."""
        return self.socket.state() if self.socket is not None else QAbstractSocket.SocketState.UnconnectedState

    def emit(self, event: str, data: Any) -> bool:
        """Send event ``event`` with ``data`` to the namespace; False when not connected."""
        if self.socket is None or self.socket.state() != QAbstractSocket.SocketState.ConnectedState:
            return False
        self.socket.sendTextMessage(encode_event(self.namespace, event, data))
        return True

    # Socket --------------------------------------------------------------------------------------------

    def _open_socket(self) -> None:
        if self._stopping:
            return
        if self.socket is not None:
            self._release(self.socket)
        socket = QWebSocket()
        socket.setParent(self)
        socket.setProxy(QgsNetworkAccessManager.instance().fallbackProxy())
        if hasattr(socket, "setMaxAllowedIncomingMessageSize"):  # Qt >= 5.15 (else _on_frame checks)
            socket.setMaxAllowedIncomingFrameSize(MAX_FRAME_BYTES)
            socket.setMaxAllowedIncomingMessageSize(MAX_FRAME_BYTES)
        if self.url.startswith("wss:"):
            socket.setSslConfiguration(QSslConfiguration.defaultConfiguration())
            socket.sslErrors.connect(self._ssl_errors)
        socket.textMessageReceived.connect(self._on_frame)
        socket.disconnected.connect(self._on_disconnected)
        socket.error.connect(self._on_error)
        self.socket = socket
        self._opened = False
        socket.open(QUrl(self.url))

    def _release(self, socket: QWebSocket) -> None:
        for signal in (socket.textMessageReceived, socket.disconnected, socket.error):
            try:
                signal.disconnect()
            except TypeError:
                pass
        socket.setParent(None)
        socket.deleteLater()

    def _ssl_errors(self, errors: list) -> None:
        text = "; ".join(e.errorString() for e in errors)
        self.failed.emit(f"Secure websocket to {QUrl(self.url).host()} failed: {text}")

    def _on_error(self, _code: Any) -> None:
        socket = self.socket
        if socket is None:
            return
        log.warning(f"Realtime socket {redact_url(self.url)}: {socket.errorString()}")
        if socket.state() != QAbstractSocket.SocketState.ConnectedState:  # a failed handshake: no `disconnected`
            socket.abort()
            self._schedule_reconnect()

    def _on_disconnected(self) -> None:
        self._ping_timer.stop()
        self._pong_timer.stop()
        code = int(self.socket.closeCode()) if self.socket is not None else 1000
        if code not in (1000, 1001):  # e.g. 1009: a message over MAX_FRAME_BYTES
            reason = sample(self.socket.closeReason()) if self.socket is not None else ""
            log.warning(f"Realtime socket {redact_url(self.url)} closed with code {code} {reason}")
        if self._stopping:
            return
        self._schedule_reconnect()

    def _schedule_reconnect(self) -> None:
        if self._stopping or self._reconnect_timer.isActive():
            return
        delay = self.backoff.next_delay()
        log.info(f"Realtime socket dropped; reconnecting in {delay:.1f} s (attempt {self.attempts})")
        self._set_state(ConnectionState.RECONNECTING)
        self._reconnect_timer.start(int(delay * 1000))

    def _set_state(self, state: ConnectionState) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state.value)

    # Frames --------------------------------------------------------------------------------------------

    def _on_frame(self, frame: str) -> None:
        """A text frame from the server (a slot: whatever the frame holds, nothing is raised from here)."""
        if len(frame) > MAX_FRAME_BYTES:  # (when Qt could not be told the limit)
            self.problems.report(f"a frame of {len(frame)} characters (over {MAX_FRAME_BYTES} bytes)")
            if self.socket is not None:
                self.socket.abort()
            return
        try:
            self._read_frame(frame)
        except Exception as err:  # a malformed frame: skip it, keep the connection
            self.problems.report(f"a frame that could not be read ({type(err).__name__})", frame)

    def _read_frame(self, frame: str) -> None:
        kind = frame[:1]
        if kind == "4":
            self._on_packet(frame)
        elif kind == "3":
            self._pong_timer.stop()
        elif kind == "0":
            self._on_open(frame[1:])
        elif kind == "2":  # a server ping (Engine.IO 4 style): answer it
            if self.socket is not None:
                self.socket.sendTextMessage("3" + frame[1:64])
        elif kind == "1":
            if self.socket is not None:
                self.socket.close()
        elif kind != "6":  # 6 (noop) is harmless; anything else is not Engine.IO
            self.problems.report("a frame of an unknown type", frame)

    def _on_open(self, body: str) -> None:
        if self._opened:
            self.problems.report("a second open frame", body)
            return
        self._opened = True
        try:
            info = json.loads(body)
        except (ValueError, RecursionError):
            info = None
        if not isinstance(info, dict):
            self.problems.report("an open frame that is not a JSON object", body)
            info = {}
        given = (info.get("pingInterval"), info.get("pingTimeout"))
        self.ping_interval = clamp_seconds(given[0], PING_INTERVAL)
        self.ping_timeout = clamp_seconds(given[1], PING_TIMEOUT)
        if given != (self.ping_interval * 1000, self.ping_timeout * 1000) and given != (None, None):
            interval, timeout = self.ping_interval, self.ping_timeout
            self.problems.report(f"the server's ping times, out of bounds (using {interval:g} s, {timeout:g} s)", given)
        self._ping_timer.start(round(self.ping_interval * 1000))
        if self.namespace != "/" and self.socket is not None:
            self.socket.sendTextMessage(f"40{self.namespace}")

    def _on_packet(self, frame: str) -> None:
        kind, namespace, payload = decode_packet(frame)
        if namespace != self.namespace:
            if kind == "0" and namespace == "/" and self.namespace == "/":
                self._namespace_ready()
            return
        if kind == "2":
            if not (isinstance(payload, list) and payload and isinstance(payload[0], str)):
                self.problems.report("an event that is not [name, data]", frame)
            elif not payload[0] or len(payload[0]) > MAX_EVENT_NAME:
                self.problems.report("an event without a sensible name", frame)
            else:
                self.received.emit(payload[0], payload[1] if len(payload) > 1 else None)
        elif kind == "0":
            self._namespace_ready()
        elif kind == "1":
            if self.socket is not None:
                self.socket.close()
        elif kind == "4":  # the namespace was refused: say so once per connection, retry with backoff
            self.failed.emit(f"Realtime server refused {self.namespace}: {str(payload)[:200]}")
            if self.socket is not None:
                self.socket.close()
        else:
            self.problems.report("a Socket.IO packet of an unknown type", frame)

    def _namespace_ready(self) -> None:
        self.backoff.healthy()
        self._set_state(ConnectionState.LIVE)
        self.namespaceConnected.emit()

    def _ping(self) -> None:
        if self.socket is not None and self.socket.state() == QAbstractSocket.SocketState.ConnectedState:
            self.socket.sendTextMessage("2")
            if not self._pong_timer.isActive():
                self._pong_timer.start(round(self.ping_timeout * 1000))

    def _pong_missed(self) -> None:
        log.warning(f"Realtime socket {redact_url(self.url)}: no pong within {self.ping_timeout:g} s")
        if self.socket is not None:
            self.socket.abort()
            if not self._stopping:
                self._schedule_reconnect()
