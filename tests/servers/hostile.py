"""A hostile server: answers exactly what the test scripts, and records everything it is sent.

The platform servers here are honest; this one plays a broken or malicious deployment of any platform:
other-origin URLs in answers, wrong JSON types, lying ranges, huge or deep documents, markup in text. A test
scripts its answers, drives Geodock against it, then reads back what Geodock sent (credentials included).

Control routes (never scripted, never recorded):

* ``PUT /__script__`` a JSON list of rules (replaces the script and clears the request log);
  ``POST /__script__`` appends rules; ``DELETE /__script__`` clears both.
* ``GET /__requests__`` -> every request received since the last reset, oldest first:
  ``{"method", "path", "query", "headers", "body_size", "host", "t"}`` (``query`` the raw query string,
  ``t`` the server's ``time.monotonic()`` on arrival).

A rule (all keys optional but ``path``)::

    {"method": "GET",            # or "*" (default)
     "path": "/api/x",           # exact path, or a prefix when "prefix": true
     "times": 2,                 # answer this many matching requests, then stand aside (default: for ever)
     "status": 200,
     "headers": {"Link": "<{other}/steal>; rel=\\"next\\""},
     "json": {...} | "text": "..." | "body_b64": "..." | "bytes": {"size": N, "seed": S},
     "content_type": "application/json",
     "delay": 0.5,               # seconds before answering
     "ranges": "honour" | "ignore" | "no-content-range" | "wrong-start",   # with "bytes": Range handling
     "etag": "\\"v1\\"",          # with "bytes": the ETag sent and compared with If-Range
     "drop_after": N,            # send the head and N body bytes, then cut the connection
     "hold": "name"}             # wait until POST /__release__/name before answering

The first rule that matches (method, path, times left) answers. Unmatched requests get ``404 {"detail":
"not scripted"}``. In every header value and in every string anywhere inside ``json`` or ``text``,
``{root}`` becomes this server's own ``scheme://127.0.0.1:port`` and ``{other}`` the same server reached as
``scheme://localhost:port``: another origin (another host name) that still lands here, so the test can see
whether Geodock sent it a credential.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import hostile_realtime

_RANGE = re.compile(r"bytes=(\d+)-(\d*)$")


def _fill(value: Any, root: str, other: str) -> Any:
    """``value`` with ``{root}`` and ``{other}`` replaced in every string it holds."""
    if isinstance(value, str):
        return value.replace("{root}", root).replace("{other}", other)
    if isinstance(value, list):
        return [_fill(item, root, other) for item in value]
    if isinstance(value, dict):
        return {_fill(key, root, other): _fill(item, root, other) for key, item in value.items()}
    return value


def payload_bytes(size: int, seed: int = 0) -> bytes:
    """``size`` deterministic bytes (the same ``seed`` gives the same bytes)."""
    block = hashlib.sha256(f"geodock-hostile-{seed}".encode()).digest() * 2048  # 64 KiB
    whole, rest = divmod(size, len(block))
    return block * whole + block[:rest]


def _origins(request: web.Request) -> tuple[str, str]:
    port = request.url.port
    return f"{request.scheme}://127.0.0.1:{port}", f"{request.scheme}://localhost:{port}"


def _matches(rule: dict[str, Any], request: web.Request) -> bool:
    method = rule.get("method", "*")
    if method != "*" and method.upper() != request.method:
        return False
    if rule.get("times", 1) <= 0:
        return False
    path = rule["path"]
    return request.path.startswith(path) if rule.get("prefix") else request.path == path


async def _bytes_response(request: web.Request, rule: dict[str, Any], headers: dict[str, str]) -> web.StreamResponse:
    spec = rule["bytes"]
    data = payload_bytes(int(spec["size"]), int(spec.get("seed", 0)))
    size = len(data)
    status = rule.get("status", 200)
    mode = rule.get("ranges", "honour")
    etag = rule.get("etag")
    if etag:
        headers.setdefault("ETag", etag)
    if mode != "ignore":
        headers.setdefault("Accept-Ranges", "bytes")
    start, end = 0, size - 1
    wanted = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range")
    match = _RANGE.match(wanted.strip())
    if match and mode != "ignore" and (if_range is None or if_range == etag):
        start = int(match.group(1))
        end = min(int(match.group(2)) if match.group(2) else size - 1, size - 1)
        if start >= size:
            return web.Response(status=416, headers={"Content-Range": f"bytes */{size}"})
        status = 206
        if mode == "honour":
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        elif mode == "wrong-start":
            headers["Content-Range"] = f"bytes 0-{end - start}/{size}"
    body = data[start : end + 1]
    return await _send(request, status, headers, body, rule)


async def _send(
    request: web.Request, status: int, headers: dict[str, str], body: bytes, rule: dict[str, Any]
) -> web.StreamResponse:
    drop_after = rule.get("drop_after")
    if drop_after is None:
        return web.Response(status=status, headers=headers, body=body)
    response = web.StreamResponse(status=status, headers=headers)
    response.content_length = len(body)
    await response.prepare(request)
    await response.write(body[: int(drop_after)])
    await response.drain()
    common.cut_connection(request)
    return response


async def scripted(request: web.Request) -> web.StreamResponse:
    """Record the request, then answer it with the first matching rule."""
    app = request.app
    body = await request.read()
    app["requests"].append(
        {
            "method": request.method,
            "path": request.path,
            "query": request.query_string,
            "headers": dict(request.headers),
            "body_size": len(body),
            "host": request.host,
            "t": time.monotonic(),
        }
    )
    rule = next((rule for rule in app["script"] if _matches(rule, request)), None)
    if rule is None:
        return web.json_response({"detail": "not scripted"}, status=404)
    if "times" in rule:
        rule["times"] -= 1
    if rule.get("hold"):
        await common.hold(request, rule["hold"])
    if rule.get("delay"):
        await asyncio.sleep(float(rule["delay"]))
    root, other = _origins(request)
    headers = {str(k): str(_fill(v, root, other)) for k, v in rule.get("headers", {}).items()}
    if "bytes" in rule:
        headers.setdefault("Content-Type", rule.get("content_type", "application/octet-stream"))
        return await _bytes_response(request, rule, headers)
    if "json" in rule:
        body_out = json.dumps(_fill(rule["json"], root, other)).encode()
        headers.setdefault("Content-Type", rule.get("content_type", "application/json"))
    elif "text" in rule:
        body_out = str(_fill(rule["text"], root, other)).encode()
        headers.setdefault("Content-Type", rule.get("content_type", "text/plain"))
    elif "body_b64" in rule:
        body_out = base64.b64decode(rule["body_b64"])
        headers.setdefault("Content-Type", rule.get("content_type", "application/octet-stream"))
    else:
        body_out = b""
    return await _send(request, int(rule.get("status", 200)), headers, body_out, rule)


async def put_script(request: web.Request) -> web.Response:
    rules = await request.json()
    request.app["script"] = list(rules)
    request.app["requests"].clear()
    for event in request.app["holds"].values():
        event.set()
    request.app["holds"].clear()
    return web.json_response({"rules": len(request.app["script"])})


async def add_script(request: web.Request) -> web.Response:
    request.app["script"].extend(await request.json())
    return web.json_response({"rules": len(request.app["script"])})


async def clear_script(request: web.Request) -> web.Response:
    request.app["script"] = []
    request.app["requests"].clear()
    for event in request.app["holds"].values():
        event.set()
    request.app["holds"].clear()
    return web.json_response({"rules": 0})


async def requests_log(request: web.Request) -> web.Response:
    return web.json_response(request.app["requests"])


def make_app() -> web.Application:
    """The hostile application: control routes, the realtime routes, and everything else scripted."""
    app = common.make_app("hostile")
    app["script"] = []
    app["requests"] = []
    app.router.add_put("/__script__", put_script)
    app.router.add_post("/__script__", add_script)
    app.router.add_delete("/__script__", clear_script)
    app.router.add_get("/__requests__", requests_log)
    hostile_realtime.add_routes(app)
    app.router.add_route("*", "/{tail:.*}", scripted)
    return app


if __name__ == "__main__":
    common.run(make_app(), common.arg_parser(__doc__.splitlines()[0]).parse_args())
