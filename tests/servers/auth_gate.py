"""An auth gate: a reverse proxy in front of a real OGC API server that insists on one way of authenticating.

Started as ``python tests/servers/auth_gate.py --port P --data-dir D --upstream http://127.0.0.1:U`` (the real
wraptile or pygeoapi). Each path prefix is one gate; what passes it reaches the upstream with the prefix cut off,
and the upstream's own root in answers (links, ``Location``) becomes the gate's ``{root}/{gate}``:

* ``/bearer/...``        ``Authorization: Bearer demo-gate-token`` (or a token from the login below);
* ``/apikey/...``        header ``X-API-Key: demo-gate-apikey``;
* ``/named-key/...``     header ``X-Gate-Key: demo-gate-apikey`` (a header name of the server's choosing);
* ``/query-key/...``     query parameter ``?key=demo-gate-apikey`` (taken off before the upstream sees it);
* ``/basic/...``         HTTP Basic ``demo:demo-password``;
* ``/login/...``         ``Authorization: Bearer`` with a token from ``POST /auth/token`` (form ``username``,
  ``password`` = ``demo``, ``demo-password``) -> ``{"access_token", "token_type": "bearer"}``.

Anything else is 401 ``{"detail": ...}`` with ``WWW-Authenticate``. Test-only routes (no auth):
``POST /__gate__/expire`` forgets every token the login handed out (the next call answers 401);
``GET /__gate__/stats`` -> ``{"logins": N, "refused": N}``.
"""

from __future__ import annotations

import base64
import secrets
import sys
from pathlib import Path
from typing import Callable, Optional

from aiohttp import ClientSession, web

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TOKEN = "demo-gate-token"
APIKEY = "demo-gate-apikey"
USERNAME, PASSWORD = "demo", "demo-password"
_HOP = {"host", "connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}
_CREDENTIAL_HEADERS = {"authorization", "x-api-key", "x-gate-key"}
_TEXT_TYPES = ("json", "text", "xml", "javascript")


def _bearer(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else ""


def _basic_ok(request: web.Request) -> bool:
    header = request.headers.get("Authorization", "")
    expected = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    return header == f"Basic {expected}"


GATES: dict[str, Callable[[web.Request], bool]] = {
    "bearer": lambda r: _bearer(r) in r.app["tokens"] | {TOKEN},
    "apikey": lambda r: r.headers.get("X-API-Key") == APIKEY,
    "named-key": lambda r: r.headers.get("X-Gate-Key") == APIKEY,
    "query-key": lambda r: r.query.get("key") == APIKEY,
    "basic": _basic_ok,
    "login": lambda r: bool(_bearer(r)) and _bearer(r) in r.app["tokens"],
}


def _refused(request: web.Request, gate: str) -> web.Response:
    request.app["gate_stats"]["refused"] += 1
    scheme = "Basic" if gate == "basic" else "Bearer"
    return web.json_response(
        {"detail": "Not authenticated"}, status=401, headers={"WWW-Authenticate": f'{scheme} realm="gate"'}
    )


async def login(request: web.Request) -> web.Response:
    """``POST /auth/token``: username and password (form) -> a Bearer token."""
    form = await request.post()
    if form.get("username") != USERNAME or form.get("password") != PASSWORD:
        return web.json_response({"detail": "Incorrect username or password"}, status=401)
    value = secrets.token_urlsafe(24)
    request.app["tokens"].add(value)
    request.app["gate_stats"]["logins"] += 1
    return web.json_response({"access_token": value, "token_type": "bearer"})


async def expire(request: web.Request) -> web.Response:
    request.app["tokens"].clear()
    return web.json_response({"expired": True})


async def gate_stats(request: web.Request) -> web.Response:
    return web.json_response(dict(request.app["gate_stats"]))


def _rewrite(body: bytes, upstream: str, here: str) -> bytes:
    return body.replace(upstream.encode(), here.encode())


async def proxy(request: web.Request) -> web.StreamResponse:
    """Check the gate named by the first path segment, then pass the request on to the upstream."""
    gate, _, rest = request.match_info["tail"].partition("/")
    check: Optional[Callable[[web.Request], bool]] = GATES.get(gate)
    if check is None:
        return web.json_response({"detail": "No such gate"}, status=404)
    if not check(request):
        return _refused(request, gate)
    upstream: str = request.app["upstream"]
    here = f"{common.base_url(request)}/{gate}"
    query = [(k, v) for k, v in request.query.items() if not (gate == "query-key" and k == "key")]
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP | _CREDENTIAL_HEADERS}
    body = await request.read()
    session: ClientSession = request.app["session"]
    async with session.request(
        request.method, f"{upstream}/{rest}", params=query, headers=headers, data=body or None, allow_redirects=False
    ) as answer:
        payload = await answer.read()
        content_type = answer.headers.get("Content-Type", "")
        if any(kind in content_type for kind in _TEXT_TYPES):
            payload = _rewrite(payload, upstream, here)
        out = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP}
        if "Location" in out:
            out["Location"] = out["Location"].replace(upstream, here)
        return web.Response(status=answer.status, body=payload, headers=out)


async def _open_session(app: web.Application) -> None:
    app["session"] = ClientSession(auto_decompress=True)


async def _close_session(app: web.Application) -> None:
    await app["session"].close()


def make_app(upstream: str) -> web.Application:
    """The gate in front of ``upstream`` (``scheme://host:port``, no trailing slash)."""
    app = common.make_app("auth-gate")
    app["upstream"] = upstream.rstrip("/")
    app["tokens"] = set()
    app["gate_stats"] = {"logins": 0, "refused": 0}
    app.on_startup.append(_open_session)
    app.on_cleanup.append(_close_session)
    app.router.add_post("/auth/token", login)
    app.router.add_post("/__gate__/expire", expire)
    app.router.add_get("/__gate__/stats", gate_stats)
    app.router.add_route("*", "/{tail:.*}", proxy)
    return app


if __name__ == "__main__":
    parser = common.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="the real server's root, e.g. http://127.0.0.1:8000")
    args = parser.parse_args()
    common.run(make_app(args.upstream), args)
