"""The hostile server's realtime side: a Socket.IO-like websocket at ``/v2_socket.io/socket.io/`` (the path
AmigoCloud's realtime client opens) that misbehaves on purpose, and records what it is sent.

It speaks just enough Engine.IO 3 / Socket.IO 2 to be believed (``0{open}``, ``40/ns``, ``42/ns,[event,
data]``, pongs) and does what the test's plan says. Control routes:

* ``PUT /__realtime__`` a plan, or ``{"plans": [plan, ...]}``: connection *i* follows ``plans[i]`` (the last
  one for every later connection). Forgets the log and closes the open sockets.
* ``GET /__realtime__`` -> ``{"connections": [{"index", "t"}], "received": [{"index", "t", "text"}]}``:
  every websocket connection and every frame received since the last ``PUT``; ``t`` is the server's
  monotonic clock in seconds (compare differences only).

A plan (every key optional)::

    {"refuse": 503,              # answer the websocket handshake with this HTTP status instead
     "open": {...} | "text",     # the Engine.IO open payload (an object, or raw text after "0");
                                 # default {"sid", "upgrades": [], "pingInterval": 25000, "pingTimeout": 20000}
     "namespace": "accept" | "close" | "ignore",   # what to do when the client asks for the namespace
     "after_connect": [frame, ...],  # sent once the namespace is accepted
     "close_after_connect": false,   # then close the socket
     "auth": "ok" | "fail" | "ignore",   # the answer to "authenticate": authenticated / authentication_failed
     "after_auth": [frame, ...],     # sent after "authenticated"
     "burst": {"count": N, "dataset_id": 5},   # then N small realtime events, seq 1..N
     "close_after_auth": false,
     "pong": true}               # answer the client's pings

A frame is raw text (sent as it is), or ``{"event": name, "data": {...}, "pad": N}``: the event in the
namespace, with ``data["pad"]`` set to N characters when ``pad`` is given (an oversized frame).
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from aiohttp import WSMsgType, web

NAMESPACE = "/amigosocket"
SOCKETIO_PATH = "/v2_socket.io/socket.io/"


def _frame(spec: Any) -> str:
    """The text of one planned frame."""
    if isinstance(spec, str):
        return spec
    data = spec.get("data")
    if spec.get("pad"):
        data = dict(data or {}, pad="x" * int(spec["pad"]))
    return f"42{NAMESPACE}," + json.dumps([spec["event"], data], separators=(",", ":"))


def _plan(app: web.Application, index: int) -> dict[str, Any]:
    plans = app["rt_plans"] or [{}]
    return plans[min(index, len(plans) - 1)]


async def _send_all(ws: web.WebSocketResponse, frames: list[Any]) -> None:
    for spec in frames:
        await ws.send_str(_frame(spec))


async def _burst(ws: web.WebSocketResponse, burst: dict[str, Any]) -> None:
    dataset_id = burst.get("dataset_id", 5)
    for seq in range(1, int(burst["count"]) + 1):
        row = {"object_id": f"b{seq % 7}", "longitude": -122.0 + seq * 1e-6, "latitude": 37.5}
        await ws.send_str(_frame({"event": "realtime", "data": {"dataset_id": dataset_id, "seq": seq, "data": [row]}}))


async def _on_text(ws: web.WebSocketResponse, plan: dict[str, Any], text: str) -> bool:
    """Answer one frame from the client as ``plan`` says; False when the socket is to be closed."""
    if text == "2" and plan.get("pong", True):
        await ws.send_str("3")
    elif text.startswith("40"):
        mode = plan.get("namespace", "accept")
        if mode == "close":
            return False
        if mode == "accept":
            await ws.send_str("40" + text[2:])
            await _send_all(ws, plan.get("after_connect", []))
            if plan.get("close_after_connect"):
                return False
    elif text.startswith(f"42{NAMESPACE},") and '"authenticate"' in text[:40]:
        auth = plan.get("auth", "ok")
        if auth == "fail":
            await ws.send_str(_frame({"event": "authentication_failed", "data": {"detail": "Invalid session."}}))
        elif auth == "ok":
            await ws.send_str(_frame({"event": "authenticated", "data": {"userid": 1, "datasetid": 5}}))
            await _send_all(ws, plan.get("after_auth", []))
            if plan.get("burst"):
                await _burst(ws, plan["burst"])
            if plan.get("close_after_auth"):
                return False
    elif text == "1":
        return False
    return True


async def socket_io(request: web.Request) -> web.StreamResponse:
    """One websocket connection, played as the current plan says."""
    app = request.app
    index = len(app["rt_connections"])
    app["rt_connections"].append({"index": index, "t": time.monotonic()})
    plan = _plan(app, index)
    if plan.get("refuse"):
        return web.json_response({"detail": "refused"}, status=int(plan["refuse"]))
    ws = web.WebSocketResponse(max_msg_size=0)
    await ws.prepare(request)
    app["rt_sockets"].add(ws)
    try:
        opening = plan.get("open")
        if not isinstance(opening, str):
            defaults = {"sid": secrets.token_hex(8), "upgrades": [], "pingInterval": 25000, "pingTimeout": 20000}
            opening = json.dumps(opening if isinstance(opening, dict) else defaults)
        await ws.send_str("0" + opening)
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                break
            app["rt_received"].append({"index": index, "t": time.monotonic(), "text": message.data[:2000]})
            if not await _on_text(ws, plan, message.data):
                break
    except (ConnectionError, RuntimeError):
        pass
    finally:
        app["rt_sockets"].discard(ws)
        await ws.close()
    return ws


async def put_plan(request: web.Request) -> web.Response:
    body = await request.json()
    app = request.app
    app["rt_plans"][:] = list(body["plans"]) if isinstance(body, dict) and "plans" in body else [body]
    app["rt_connections"].clear()
    app["rt_received"].clear()
    for ws in list(app["rt_sockets"]):
        await ws.close()
    return web.json_response({"plans": len(app["rt_plans"])})


async def get_log(request: web.Request) -> web.Response:
    app = request.app
    return web.json_response({"connections": app["rt_connections"], "received": app["rt_received"]})


def add_routes(app: web.Application) -> None:
    """Add the realtime routes to the hostile application (before its catch-all route)."""
    app["rt_plans"] = [{}]
    app["rt_connections"] = []
    app["rt_received"] = []
    app["rt_sockets"] = set()
    app.router.add_put("/__realtime__", put_plan)
    app.router.add_get("/__realtime__", get_log)
    app.router.add_get(SOCKETIO_PATH, socket_io)
