"""Link pacing for the local servers (``make bench``): ``POST /__pace__`` ``{"send": bytes/s, "receive": bytes/s}``.

Installed by :func:`common.make_app` on every server. What :func:`common.serve_file` sends waits on :func:`paced`;
what a connection receives is held back from aiohttp until it is due (:func:`_install_receive_pacing`, installed
the first time a ``receive`` pace is set), so the client's sending stalls on TCP's window as on a slow link.
Each connection (or response) has its own token bucket of :data:`PACE_BURST` bytes; 0 means unpaced.
"""

from __future__ import annotations

import asyncio
import time
import weakref

from aiohttp import web

PACE_BURST = 256 * 1024  # bytes a paced connection may send or take at once after an idle spell


class _Bucket:
    """A token bucket: :meth:`take` says how long to wait so that the bytes taken keep to ``rate``."""

    def __init__(self) -> None:
        self.tokens = float(PACE_BURST)
        self.last = time.monotonic()

    def take(self, size: int, rate: float) -> float:
        now = time.monotonic()
        self.tokens = min(float(PACE_BURST), self.tokens + (now - self.last) * rate) - size
        self.last = now
        return -self.tokens / rate if self.tokens < 0 else 0.0


PACE = {"send": 0.0, "receive": 0.0}  # bytes/s; 0: unpaced


class _Held:
    """A paced connection's received data not yet handed to aiohttp: ``(due time, bytes)`` in order."""

    def __init__(self) -> None:
        self.bucket = _Bucket()
        self.queue: list[tuple[float, bytes]] = []
        self.scheduled = False


_held: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # transport -> _Held


async def paced(bucket: _Bucket, size: int) -> None:
    """Wait as long as sending ``size`` more bytes at the ``send`` pace asks (not at all when unpaced)."""
    rate = PACE["send"]
    if rate > 0:
        delay = bucket.take(size, rate)
        if delay > 0:
            await asyncio.sleep(delay)


def _install_receive_pacing() -> None:
    """Pace every connection's reading of request bodies: what arrives ahead of the ``receive`` pace is held back
    from aiohttp until it is due, and the socket is not read meanwhile, so the client's sending stalls on TCP's
    window as on a slow link. (Pausing the socket alone does not hold: aiohttp resumes it as its buffer drains.)"""
    from aiohttp.web_protocol import RequestHandler

    original = RequestHandler.data_received
    if getattr(original, "geodock_paced", False):
        return

    def release(protocol: RequestHandler, transport: asyncio.Transport, state: _Held) -> None:
        state.scheduled = False
        now = time.monotonic()
        while state.queue and state.queue[0][0] <= now:
            original(protocol, state.queue.pop(0)[1])
        if state.queue:
            state.scheduled = True
            asyncio.get_running_loop().call_later(state.queue[0][0] - now, release, protocol, transport, state)
        elif not transport.is_closing() and not (protocol._reading_paused or protocol._buffer_paused):
            transport.resume_reading()  # (not when aiohttp paused it itself: aiohttp resumes it)

    def data_received(self: RequestHandler, data: bytes) -> None:
        rate, transport = PACE["receive"], self.transport
        state = _held.get(transport) if transport is not None else None
        if not data or transport is None or (rate <= 0 and (state is None or not state.queue)):
            original(self, data)
            return
        if state is None:
            state = _held[transport] = _Held()
        state.queue.append((time.monotonic() + state.bucket.take(len(data), rate or 1e12), data))
        transport.pause_reading()
        if not state.scheduled:
            release(self, transport, state)

    data_received.geodock_paced = True  # type: ignore[attr-defined]
    RequestHandler.data_received = data_received  # type: ignore[method-assign]


async def set_pace(request: web.Request) -> web.Response:
    """``{"send": bytes/s, "receive": bytes/s}``: pace what the server sends and reads (see the docstring)."""
    payload = await request.json()
    PACE["send"] = float(payload.get("send") or 0)
    PACE["receive"] = float(payload.get("receive") or 0)
    if PACE["receive"] > 0:
        _install_receive_pacing()
    return web.json_response(PACE)


async def get_pace(request: web.Request) -> web.Response:
    return web.json_response(PACE)


def new_bucket() -> _Bucket:
    """A fresh bucket for one response's sending."""
    return _Bucket()
