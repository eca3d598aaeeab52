"""A minimal Socket.IO 2 client (Engine.IO protocol 3) over Qt's ``QWebSocket``: enough for AmigoCloud's
realtime events, with no extra Python package.

Frames (text): Engine.IO ``0{open}``, ``1`` close, ``2`` ping (the client sends it every ``pingInterval``),
``3`` pong, ``4<socket.io packet>``; Socket.IO packets ``0/ns`` connect, ``1/ns`` disconnect,
``2/ns,["event", data]`` event, ``4/ns,"error"`` error. The client lives on the thread that created it (the
GUI thread: QWebSocket is asynchronous, nothing here blocks), reconnects with exponential backoff and
jitter after a drop, and stops cleanly on :meth:`SocketIoClient.close`.
"""

from __future__ import annotations

import json
import random
from enum import Enum
from importlib import import_module
from typing import Any, Optional

from qgis.core import QgsNetworkAccessManager
from qgis.PyQt.QtCore import QObject, QTimer, QUrl, pyqtSignal
from qgis.PyQt.QtNetwork import QAbstractSocket, QSslConfiguration

from .. import log
from ..redact import redact_url

try:  # qgis.PyQt has no QtWebSockets shim in QGIS 3.22; the bindings come from python3-pyqt5.qtwebsockets
    from qgis.PyQt.QtWebSockets import QWebSocket  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the QGIS build
    # The same Qt binding qgis.PyQt wraps (PyQt5 with Qt 5, PyQt6 with Qt 6), so this stays Qt6-ready.
    _binding = QObject.__module__.split(".")[0]
    QWebSocket = import_module(f"{_binding}.QtWebSockets").QWebSocket  # type: ignore[misc]

SOCKETIO_PATH = "/v2_socket.io/socket.io/"
BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0


class ConnectionState(str, Enum):
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
    while rest[:1].isdigit():  # an ack id
        rest = rest[1:]
    payload: Any = None
    if rest:
        try:
            payload = json.loads(rest)
        except ValueError:
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
        self.attempts = 0
        self.ping_interval = 25.0
        self.ping_timeout = 20.0
        self.socket: Optional[QWebSocket] = None
        self._stopping = False
        self._ping_timer = QTimer(self)
        self._ping_timer.timeout.connect(self._ping)
        self._pong_timer = QTimer(self)
        self._pong_timer.setSingleShot(True)
        self._pong_timer.timeout.connect(self._pong_missed)
        self._reconnect_timer = QTimer(self)
        self._reconnect_timer.setSingleShot(True)
        self._reconnect_timer.timeout.connect(self._open_socket)

    # Control -------------------------------------------------------------------------------------------

    def open(self) -> None:
        """Connect (asynchronously); ``namespaceConnected`` fires once the namespace answers."""
        self._stopping = False
        self.attempts = 0
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
        if self.url.startswith("wss:"):
            socket.setSslConfiguration(QSslConfiguration.defaultConfiguration())
            socket.sslErrors.connect(self._ssl_errors)
        socket.textMessageReceived.connect(self._on_frame)
        socket.disconnected.connect(self._on_disconnected)
        socket.error.connect(self._on_error)
        self.socket = socket
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
        if self.socket is not None:
            log.warning(f"Realtime socket {redact_url(self.url)}: {self.socket.errorString()}")

    def _on_disconnected(self) -> None:
        self._ping_timer.stop()
        self._pong_timer.stop()
        if self._stopping:
            return
        self._schedule_reconnect()

    def _schedule_reconnect(self) -> None:
        if self._stopping or self._reconnect_timer.isActive():
            return
        delay = random.uniform(0.5, 1.0) * min(BACKOFF_CAP, BACKOFF_BASE * (2**self.attempts))
        self.attempts += 1
        log.info(f"Realtime socket dropped; reconnecting in {delay:.1f} s (attempt {self.attempts})")
        self._set_state(ConnectionState.RECONNECTING)
        self._reconnect_timer.start(int(delay * 1000))

    def _set_state(self, state: ConnectionState) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state.value)

    # Frames --------------------------------------------------------------------------------------------

    def _on_frame(self, frame: str) -> None:
        kind = frame[:1]
        if kind == "4":
            self._on_packet(frame)
        elif kind == "3":
            self._pong_timer.stop()
        elif kind == "0":
            self._on_open(frame[1:])
        elif kind == "2":  # a server ping (Engine.IO 4 style): answer it
            if self.socket is not None:
                self.socket.sendTextMessage("3" + frame[1:])
        elif kind == "1" and self.socket is not None:
            self.socket.close()

    def _on_open(self, body: str) -> None:
        try:
            info = json.loads(body)
        except ValueError:
            info = {}
        self.ping_interval = float(info.get("pingInterval", 25000)) / 1000.0
        self.ping_timeout = float(info.get("pingTimeout", 20000)) / 1000.0
        self._ping_timer.start(int(self.ping_interval * 1000))
        if self.namespace != "/" and self.socket is not None:
            self.socket.sendTextMessage(f"40{self.namespace}")

    def _on_packet(self, frame: str) -> None:
        kind, namespace, payload = decode_packet(frame)
        if namespace != self.namespace:
            if kind == "0" and namespace == "/" and self.namespace == "/":
                self._namespace_ready()
            return
        if kind == "2" and isinstance(payload, list) and payload:
            self.received.emit(str(payload[0]), payload[1] if len(payload) > 1 else None)
        elif kind == "0":
            self._namespace_ready()
        elif kind == "1":
            if self.socket is not None:
                self.socket.close()
        elif kind == "4":
            self.failed.emit(f"Realtime server refused {self.namespace}: {payload}")

    def _namespace_ready(self) -> None:
        self.attempts = 0
        self._set_state(ConnectionState.LIVE)
        self.namespaceConnected.emit()

    def _ping(self) -> None:
        if self.socket is not None and self.socket.state() == QAbstractSocket.SocketState.ConnectedState:
            self.socket.sendTextMessage("2")
            if not self._pong_timer.isActive():
                self._pong_timer.start(int(self.ping_timeout * 1000))

    def _pong_missed(self) -> None:
        log.warning(f"Realtime socket {redact_url(self.url)}: no pong within {self.ping_timeout:g} s")
        if self.socket is not None:
            self.socket.abort()
            if not self._stopping:
                self._schedule_reconnect()
