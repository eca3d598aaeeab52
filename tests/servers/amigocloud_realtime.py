"""Realtime events of the local AmigoCloud server: Socket.IO 2 / Engine.IO 3 at ``/v2_socket.io/socket.io/``.

python-socketio 4.6.1 (``AsyncServer``, aiohttp mode) speaks the protocol the official SDK's
socketIO-client 0.7.2 and AmigoCloud's JS client speak. Everything happens in namespace ``/amigosocket``:

* the client emits ``authenticate`` with ``{userid, websocket_session[, datasetid]}``, the session coming
  from ``GET /me/start_websocket_session`` (user events) or ``GET .../datasets/{d}/start_websocket_session``
  (dataset events; the session is bound to that dataset). The server answers ``authenticated``
  ``{userid, datasetid}`` and joins the socket to the rooms ``user:{uid}`` (and ``dataset:{d}``), or emits
  ``authentication_failed`` ``{detail}`` and joins nothing (extras to the contract, handy for raw clients);
* :class:`Realtime.mover` drives the moving-points dataset once a second (``AMIGOCLOUD_REALTIME_INTERVAL``)
  and emits ``realtime`` ``{dataset_id, data: [{object_id, latitude, longitude}], sent_at, seq}``
  to ``dataset:{d}`` (``sent_at``: epoch seconds, ``seq``: a counter; both extras);
* :meth:`Realtime.burst` (``POST /__realtime__``) emits ``rate`` events a second for ``seconds``;
  :meth:`Realtime.drop` (``POST /__realtime__/drop``) disconnects every socket; ``GET /__realtime__/sockets``
  counts the open ones;
* :meth:`Realtime.user_event` sends user events such as ``project:creation_succeeded``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import time
from typing import Any, Callable, Optional

import socketio

NAMESPACE = "/amigosocket"
SOCKETIO_PATH = "/v2_socket.io/socket.io"
SESSION_SECONDS = 3600.0


class Manager(socketio.AsyncManager):
    """python-socketio 4.6's manager, with ``emit`` fixed for Python 3.11 (``asyncio.wait`` no longer
    takes bare coroutines there; ``asyncio.gather`` does the same job)."""

    async def emit(self, event, data, namespace, room=None, skip_sid=None, callback=None, **kwargs):
        if namespace not in self.rooms or room not in self.rooms[namespace]:
            return
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        sends = []
        for sid in self.get_participants(namespace, room):
            if sid not in skip:
                ack = self._generate_ack_id(sid, namespace, callback) if callback is not None else None
                sends.append(self.server._emit_internal(sid, event, data, namespace, ack))
        if sends:
            await asyncio.gather(*sends, return_exceptions=True)


class Realtime:
    """The Socket.IO server, its websocket sessions and the event sources."""

    def __init__(self, moving_id: int, move: Callable[[], list[dict[str, Any]]]) -> None:
        self.moving_id = moving_id
        self._move = move
        self.sio = socketio.AsyncServer(
            client_manager=Manager(), async_mode="aiohttp", cors_allowed_origins="*", ping_interval=10, ping_timeout=20
        )
        self.sessions: dict[str, tuple[int, Optional[int], float]] = {}  # session -> (userid, datasetid, expiry)
        self.seq = 0
        self.interval = float(os.environ.get("AMIGOCLOUD_REALTIME_INTERVAL", "1.0"))
        self.sio.on("connect", self._on_connect, namespace=NAMESPACE)
        self.sio.on("authenticate", self._on_authenticate, namespace=NAMESPACE)
        self._task: Optional[asyncio.Task] = None

    def attach(self, app: Any) -> None:
        self.sio.attach(app, socketio_path=SOCKETIO_PATH)
        app.on_startup.append(self._start)
        app.on_cleanup.append(self._stop)

    # -- sessions ----------------------------------------------------------------------------------------
    def new_session(self, userid: int, datasetid: Optional[int] = None) -> str:
        """A websocket session token for ``userid`` (bound to ``datasetid`` for dataset events)."""
        token = secrets.token_hex(16)
        self.sessions[token] = (userid, datasetid, time.time() + SESSION_SECONDS)
        return token

    async def _on_connect(self, sid: str, environ: dict) -> None:
        pass

    async def _on_authenticate(self, sid: str, data: Any) -> None:
        data = data if isinstance(data, dict) else {}
        session = self.sessions.get(str(data.get("websocket_session", "")))
        userid, datasetid = data.get("userid"), data.get("datasetid")
        reason = None
        if session is None or session[2] < time.time():
            reason = "Invalid websocket session."
        elif str(session[0]) != str(userid):
            reason = "The websocket session belongs to another user."
        elif session[1] is not None and str(session[1]) != str(datasetid):
            reason = "The websocket session belongs to another dataset."
        elif session[1] is None and datasetid not in (None, ""):
            reason = "A user websocket session cannot listen to dataset events."
        if reason:
            await self.sio.emit("authentication_failed", {"detail": reason}, to=sid, namespace=NAMESPACE)
            return
        self.sio.enter_room(sid, f"user:{userid}", namespace=NAMESPACE)
        if datasetid not in (None, ""):
            self.sio.enter_room(sid, f"dataset:{datasetid}", namespace=NAMESPACE)
        await self.sio.emit("authenticated", {"userid": userid, "datasetid": datasetid}, to=sid, namespace=NAMESPACE)

    # -- events ------------------------------------------------------------------------------------------
    async def emit_positions(self, dataset_id: int, rows: list[dict[str, Any]]) -> None:
        """One ``realtime`` event to the listeners of ``dataset_id``."""
        self.seq += 1
        payload = {"dataset_id": dataset_id, "data": rows, "sent_at": time.time(), "seq": self.seq}
        await self.sio.emit("realtime", payload, room=f"dataset:{dataset_id}", namespace=NAMESPACE)

    async def user_event(self, userid: int, event: str, payload: dict[str, Any]) -> None:
        await self.sio.emit(event, payload, room=f"user:{userid}", namespace=NAMESPACE)

    async def _tick(self) -> None:
        rows = await asyncio.to_thread(self._move)
        await self.emit_positions(self.moving_id, rows)

    async def mover(self) -> None:
        """Move the vehicles and tell the listeners, every ``interval`` seconds, for ever."""
        while True:
            try:
                await self._tick()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # keep moving whatever one tick did
                print(f"realtime tick failed: {exc!r}", flush=True)
            await asyncio.sleep(self.interval)

    async def burst(self, rate: float, seconds: float, dataset_id: Optional[int] = None) -> int:
        """Emit ``rate`` events a second for ``seconds`` (in the background); returns the number planned."""
        total = max(1, round(rate * seconds))
        dataset_id = dataset_id or self.moving_id

        async def run() -> None:
            start = time.monotonic()
            for index in range(total):
                delay = start + index / max(rate, 1e-6) - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                rows = await asyncio.to_thread(self._move)
                await self.emit_positions(dataset_id, rows)

        asyncio.get_running_loop().create_task(run())
        return total

    async def drop(self) -> int:
        """Disconnect every socket (Engine.IO close); returns how many there were."""
        sids = list(self.sio.eio.sockets)
        for sid in sids:
            with contextlib.suppress(Exception):
                await self.sio.eio.disconnect(sid)
        return len(sids)

    async def _start(self, app: Any) -> None:
        self._task = asyncio.get_running_loop().create_task(self.mover())

    async def _stop(self, app: Any) -> None:
        if self._task:
            self._task.cancel()
