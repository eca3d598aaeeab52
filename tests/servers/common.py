"""Shared pieces of Geodock's local platform servers (aiohttp, run in ``.venv-servers``).

Every server module (``koordinates.py``, ``geobox.py``, ``amigocloud.py``, ``httpbin.py``) is started as
``python tests/servers/<module>.py --host 127.0.0.1 --port P [--fd F] --data-dir DIR [--tls-cert C --tls-key K]``
and builds an ``aiohttp.web.Application`` with :func:`make_app`, which adds:

* ``GET /__health__`` -> ``200 {"ok": true}``: the launcher polls it until the server answers;
* ``GET /__stats__`` -> ``{"dropped", "ranged"}``: connections cut by faults and ranges served, so a test can
  check that the fault it queued really happened;
* ``POST /__faults__`` with a JSON object (or a list of them) queues faults for the next matching
  requests, ``DELETE /__faults__`` clears them. A fault object has:

  ``status``       answer this HTTP status instead (with the platform's error body when ``body`` is absent)
  ``retry_after``  seconds, sent as ``Retry-After`` (with ``status`` 429/503)
  ``retry_after_date`` true: send ``Retry-After`` as an HTTP date that many seconds ahead, as many
                   deployments do, instead of whole seconds
  ``body``         raw text body to send with ``status`` (e.g. an HTML error page)
  ``content_type`` content type of ``body`` (default ``text/html``)
  ``malformed``    true: answer 200 with a truncated JSON body
  ``delay``        seconds to wait before answering normally
  ``hold``         a name: wait until ``POST /__release__/<name>`` before answering (a test decides when, no
                   sleep); ``GET /__holds__`` tells how many requests each name holds now
  ``drop_after``   bytes: send the real response's headers and this many body bytes, then cut the connection
  ``ignore_range`` true: a file answers ``200`` with the whole file whatever ``Range`` asks (many CDNs do)
  ``path``         only requests whose path starts with this (default: any request but ``/__*``)
  ``times``        how many requests this fault applies to (default 1)

Fault handling lives here so that every platform server fails the same way, and tests can write
``server.fault(status=429, retry_after=1)`` whatever the platform.

Benchmarks pace the servers as a real link would (``make bench``): ``POST /__pace__`` with
``{"send": bytes/s, "receive": bytes/s}`` (0 or absent: as fast as the machine goes) paces what every
:func:`serve_file` sends and what the server reads of request bodies (uploads), each connection on its own
(``pacing.py``); ``GET /__pace__`` tells the paces in force.
"""

from __future__ import annotations

import argparse
import asyncio
import email.utils
import hashlib
import json
import os
import re
import socket
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable, Optional

from aiohttp import web
from pacing import get_pace, paced, set_pace
from pacing import new_bucket as _new_bucket

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ErrorBody = Callable[[int, str], web.Response]

CHUNK = 256 * 1024


@dataclass
class Fault:
    """One queued fault (see the module docstring)."""

    status: Optional[int] = None
    retry_after: Optional[float] = None
    body: Optional[str] = None
    content_type: str = "text/html"
    malformed: bool = False
    delay: float = 0.0
    hold: str = ""
    drop_after: Optional[int] = None
    ignore_range: bool = False
    retry_after_date: bool = False
    path: str = ""
    times: int = 1

    def matches(self, path: str) -> bool:
        return path.startswith(self.path) if self.path else not path.startswith("/__")


def _default_error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def take_fault(request: web.Request) -> Optional[Fault]:
    """Pop the first queued fault that applies to ``request`` (consuming one of its ``times``)."""
    faults: list[Fault] = request.app["faults"]
    for fault in faults:
        if fault.matches(request.path):
            fault.times -= 1
            if fault.times <= 0:
                faults.remove(fault)
            return fault
    return None


def peek_drop(request: web.Request) -> Optional[int]:
    """The ``drop_after`` of a fault taken for this request by the middleware, if any."""
    return request.get("drop_after")


@web.middleware
async def fault_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    fault = take_fault(request)
    if fault is None:
        return await handler(request)
    if fault.hold:
        await hold(request, fault.hold)
    if fault.delay:
        await asyncio.sleep(fault.delay)
    if fault.status is not None:
        headers = {}
        if fault.retry_after is not None and fault.retry_after_date:
            headers["Retry-After"] = email.utils.formatdate(time.time() + fault.retry_after, usegmt=True)
        elif fault.retry_after is not None:
            headers["Retry-After"] = str(
                int(fault.retry_after) if float(fault.retry_after).is_integer() else fault.retry_after
            )
        if fault.body is not None:
            return web.Response(status=fault.status, text=fault.body, content_type=fault.content_type, headers=headers)
        response = request.app["error_body"](fault.status, f"Injected fault {fault.status}")
        response.headers.update(headers)
        return response
    if fault.malformed:
        return web.Response(status=200, text='{"results": [{"id": 1, "name": "trunc', content_type="application/json")
    if fault.ignore_range:
        request["ignore_range"] = True
    if fault.drop_after is not None:
        request["drop_after"] = fault.drop_after
        response = await handler(request)
        if isinstance(response, web.Response) and not request.get("dropped"):
            # A plain response: send the head and the first bytes ourselves, then cut the connection.
            body = response.body if isinstance(response.body, bytes) else b""
            raw = web.StreamResponse(status=response.status, headers=response.headers)
            raw.content_length = len(body)
            await raw.prepare(request)
            await raw.write(body[: fault.drop_after])
            cut_connection(request)
            return raw
        return response
    return await handler(request)


def cut_connection(request: web.Request) -> None:
    """Close the TCP connection under ``request`` at once (a dropped connection, for fault tests)."""
    request["dropped"] = True
    request.app["stats"]["dropped"] += 1
    transport = request.transport
    if transport is not None:
        transport.close()


async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, "server": request.app["name"]})


async def add_faults(request: web.Request) -> web.Response:
    payload = await request.json()
    items = payload if isinstance(payload, list) else [payload]
    for item in items:
        request.app["faults"].append(Fault(**item))
    return web.json_response({"queued": len(request.app["faults"])})


async def clear_faults(request: web.Request) -> web.Response:
    request.app["faults"].clear()
    for event in request.app["holds"].values():  # nothing stays held after its test
        event.set()
    request.app["holds"].clear()
    return web.json_response({"queued": 0})


async def hold(request: web.Request, name: str) -> None:
    """Wait until the test releases ``name``; meanwhile ``GET /__holds__`` counts this request as held."""
    held = request.app["held"]
    held[name] = held.get(name, 0) + 1
    try:
        await request.app["holds"].setdefault(name, asyncio.Event()).wait()
    finally:
        held[name] -= 1


async def holds(request: web.Request) -> web.Response:
    """``{name: requests held now}``: a test waits for a request to be held before it goes on."""
    return web.json_response(request.app["held"])


async def stats(request: web.Request) -> web.Response:
    """``{"dropped": connections cut by faults, "ranged": 206 answers to Range requests}`` since the start."""
    return web.json_response(request.app["stats"])


async def release_hold(request: web.Request) -> web.Response:
    """Let the answers held under a name go (see the ``hold`` fault)."""
    request.app["holds"].setdefault(request.match_info["name"], asyncio.Event()).set()
    return web.json_response({"released": request.match_info["name"]})


def make_app(name: str, error_body: ErrorBody = _default_error, client_max_size: int = 4 * 1024**3) -> web.Application:
    """A new application with the health and fault routes and the fault middleware installed."""
    app = web.Application(middlewares=[fault_middleware], client_max_size=client_max_size)
    app["name"] = name
    app["faults"] = []
    app["holds"] = {}
    app["held"] = {}
    app["stats"] = {"dropped": 0, "ranged": 0}
    app["error_body"] = error_body
    app.router.add_get("/__health__", health)
    app.router.add_post("/__faults__", add_faults)
    app.router.add_delete("/__faults__", clear_faults)
    app.router.add_post("/__release__/{name}", release_hold)
    app.router.add_get("/__holds__", holds)
    app.router.add_get("/__stats__", stats)
    app.router.add_post("/__pace__", set_pace)
    app.router.add_get("/__pace__", get_pace)
    return app


_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


def content_disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'


async def serve_file(
    request: web.Request,
    path: Path,
    filename: Optional[str] = None,
    content_type: str = "application/octet-stream",
) -> web.StreamResponse:
    """Stream ``path`` with ``Accept-Ranges``/``Range`` support and ``Content-Disposition``.

    A single ``bytes=a-b`` range gets ``206`` with ``Content-Range``; an unsatisfiable one ``416``.
    A queued ``drop_after`` fault cuts the connection after that many body bytes; an ``ignore_range`` fault
    answers ``200`` with the whole file (no ``Accept-Ranges`` either), like a CDN that does not do ranges.
    """
    size = path.stat().st_size
    stat = path.stat()
    etag = '"' + hashlib.sha1(f"{path}:{stat.st_mtime_ns}:{size}".encode()).hexdigest()[:16] + '"'
    start, end = 0, size - 1
    status = 200
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Content-Type": content_type,
        "Content-Disposition": content_disposition(filename or path.name),
    }
    wanted = None if request.get("ignore_range") else request.headers.get("Range")
    if request.get("ignore_range"):
        del headers["Accept-Ranges"]
    if_range = request.headers.get("If-Range")
    if wanted and (not if_range or if_range == etag):
        match = _RANGE.match(wanted.strip())
        if not match or (not match.group(1) and not match.group(2)):
            return web.Response(status=416, headers={"Content-Range": f"bytes */{size}"})
        if match.group(1):
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else size - 1
        else:  # suffix range: the last N bytes
            start = max(0, size - int(match.group(2)))
        end = min(end, size - 1)
        if start >= size or start > end:
            return web.Response(status=416, headers={"Content-Range": f"bytes */{size}"})
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        request.app["stats"]["ranged"] += 1
    response = web.StreamResponse(status=status, headers=headers)
    response.content_length = end - start + 1
    await response.prepare(request)
    drop_after = peek_drop(request)
    sent = 0
    bucket = _new_bucket()
    with path.open("rb") as handle:
        handle.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            block = handle.read(min(CHUNK, remaining))
            if not block:
                break
            if drop_after is not None and sent + len(block) > drop_after:
                await response.write(block[: max(0, drop_after - sent)])
                await response.drain()
                cut_connection(request)
                return response
            await paced(bucket, len(block))
            await response.write(block)
            sent += len(block)
            remaining -= len(block)
    await response.write_eof()
    return response


def arg_parser(description: str) -> argparse.ArgumentParser:
    """The command line every server module accepts."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fd", type=int, help="serve on this listening socket (bound to --port by the launcher)")
    parser.add_argument("--data-dir", type=Path, required=True, help="work folder for generated data")
    parser.add_argument("--tls-cert", type=Path, help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--tls-key", type=Path, help="key of --tls-cert (PEM)")
    parser.add_argument("--catalog-size", type=int, default=0, help="extra generated catalog items (benchmarks)")
    parser.add_argument("--big-layer", type=int, default=0, help="features of a generated points layer (benchmarks)")
    return parser


def run(app: web.Application, args: argparse.Namespace) -> None:
    """Serve ``app`` on ``args.host:args.port``, over TLS when a certificate is given."""
    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(args.tls_cert), str(args.tls_key))
    if args.fd is not None:
        listener = socket.socket(fileno=args.fd)
        web.run_app(app, sock=listener, ssl_context=context, print=None, access_log=None, shutdown_timeout=1)
        return
    web.run_app(
        app, host=args.host, port=args.port, ssl_context=context, print=None, access_log=None, shutdown_timeout=1
    )


def base_url(request: web.Request) -> str:
    """``scheme://host:port`` of the server as the client reached it."""
    return f"{request.scheme}://{request.host}"


def dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def env_flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0", "false")
