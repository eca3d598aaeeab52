"""A small HTTP test server for Geodock's network client: echo, statuses, flaky answers, big files, uploads.

Run by the ``httpbin`` fixture (``tests/conftest.py``) like every server here; faults from ``common.py`` apply.

Routes:
  GET  /echo                      -> {"method", "path", "query", "headers"}
  GET  /status/{code}?shape=S     -> that status with an error body shaped like platform S
                                     (koordinates, koordinates-fields, koordinates-409, geobox, geobox-422,
                                     ogc, pygeoapi, amigocloud, html)
  GET  /flaky/{key}?fail=N&status=C[&retry_after=S]  -> C (N times per key) then 200 {"attempts": n}
  GET  /slow?seconds=S            -> 200 after S seconds
  GET  /bytes/{n}[?name=F][&ranges=0]  -> n bytes of a fixed file, Range support (unless ranges=0),
                                     Content-Disposition F (default bytes-n.bin)
  GET  /bytes/{n}/sha256          -> {"sha256", "size"}
  *    /redirect?to=URL&status=C  -> a redirect (301, 302, 303, 307, 308)
  POST /upload                    -> multipart streamed to disk: {"fields": {...}, "files": {field: {filename, size, sha256}}}
  *    /method                    -> {"method", "body", "content_type"}
  *    /together/{key}?seconds=S  -> after S seconds (default 0.3): {"body", "in_flight", "most"}: how many
                                     requests of key were in the server at once when this one came, and at most
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sys
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

ERROR_SHAPES = {
    "koordinates": (lambda s: {"error": f"Koordinates says {s}"}),
    "koordinates-fields": (lambda s: {"crs": ["Unknown CRS EPSG:0"], "items": ["This field is required."]}),
    "koordinates-409": (lambda s: {"errors": ["Can't cancel"]}),
    "geobox": (lambda s: {"detail": "Could not validate credentials"}),
    "geobox-422": (
        lambda s: {
            "detail": [
                {
                    "loc": ["body", "out_format"],
                    "msg": "value is not a valid enumeration member",
                    "type": "type_error.enum",
                }
            ]
        }
    ),
    "ogc": (
        lambda s: {
            "type": "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/no-such-process",
            "title": "No such process",
            "status": s,
            "detail": "Process 'nope' does not exist",
        }
    ),
    "pygeoapi": (
        lambda s: {
            "code": "InvalidParameterValue",
            "type": "InvalidParameterValue",
            "description": "Invalid token for pygeoapi",
        }
    ),
    "amigocloud": (lambda s: {"error": ["Invalid token for AmigoCloud"]}),
}


async def echo(request: web.Request) -> web.Response:
    return web.json_response(
        {"method": request.method, "path": request.path, "query": dict(request.query), "headers": dict(request.headers)}
    )


async def status(request: web.Request) -> web.Response:
    code = int(request.match_info["code"])
    shape = request.query.get("shape", "koordinates")
    if shape == "html":
        page = f"<!DOCTYPE html><html><head><title>{code} Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>nginx</p></body></html>"
        return web.Response(status=code, text=page, content_type="text/html")
    return web.json_response(ERROR_SHAPES[shape](code), status=code)


async def flaky(request: web.Request) -> web.Response:
    key = request.match_info["key"]
    attempts = request.app["attempts"]
    attempts[key] = attempts.get(key, 0) + 1
    if attempts[key] <= int(request.query.get("fail", "1")):
        code = int(request.query.get("status", "503"))
        headers = {"Retry-After": request.query["retry_after"]} if "retry_after" in request.query else {}
        return web.json_response({"error": f"flaky failure {attempts[key]}"}, status=code, headers=headers)
    return web.json_response({"attempts": attempts[key], "key": key})


async def slow(request: web.Request) -> web.Response:
    await asyncio.sleep(float(request.query.get("seconds", "5")))
    return web.json_response({"slept": float(request.query.get("seconds", "5"))})


def _bytes_file(app: web.Application, size: int) -> Path:
    path = app["data_dir"] / f"bytes-{size}.bin"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        block = hashlib.sha256(str(size).encode()).digest() * 32768  # 1 MiB, not compressible by accident
        with tmp.open("wb") as handle:
            remaining = size
            counter = 0
            while remaining > 0:
                chunk = (counter.to_bytes(8, "big") + block)[: min(len(block), remaining)]
                handle.write(chunk)
                remaining -= len(chunk)
                counter += 1
        tmp.rename(path)
    return path


async def get_bytes(request: web.Request) -> web.StreamResponse:
    size = int(request.match_info["size"])
    path = await asyncio.get_running_loop().run_in_executor(None, _bytes_file, request.app, size)
    name = request.query.get("name", f"bytes-{size}.bin")
    if request.query.get("ranges") == "0":
        response = web.StreamResponse(
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Content-Type": "application/octet-stream",
            }
        )
        response.content_length = size
        await response.prepare(request)
        drop_after = common.peek_drop(request)
        sent = 0
        with path.open("rb") as handle:
            while block := handle.read(common.CHUNK):
                if drop_after is not None and sent + len(block) > drop_after:
                    await response.write(block[: drop_after - sent])
                    common.cut_connection(request)
                    return response
                await response.write(block)
                sent += len(block)
        return response
    return await common.serve_file(request, path, name)


async def bytes_sha256(request: web.Request) -> web.Response:
    size = int(request.match_info["size"])
    path = await asyncio.get_running_loop().run_in_executor(None, _bytes_file, request.app, size)

    def digest() -> str:
        sha = hashlib.sha256()
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                sha.update(block)
        return sha.hexdigest()

    return web.json_response({"sha256": await asyncio.get_running_loop().run_in_executor(None, digest), "size": size})


REDIRECTS = {
    "301": web.HTTPMovedPermanently,
    "302": web.HTTPFound,
    "303": web.HTTPSeeOther,
    "307": web.HTTPTemporaryRedirect,
    "308": web.HTTPPermanentRedirect,
}


async def redirect(request: web.Request) -> web.Response:
    raise REDIRECTS[request.query.get("status", "302")](request.query["to"])


async def upload(request: web.Request) -> web.Response:
    reader = await request.multipart()
    fields: dict[str, str] = {}
    files: dict[str, dict[str, object]] = {}
    while True:
        part = await reader.next()
        if part is None:
            break
        if part.filename is None:
            fields[part.name or ""] = (await part.read()).decode()
            continue
        sha = hashlib.sha256()
        size = 0
        target = request.app["data_dir"] / f"upload-{os.getpid()}-{len(files)}.bin"
        with target.open("wb") as handle:
            while chunk := await part.read_chunk(1 << 20):
                sha.update(chunk)
                size += len(chunk)
                handle.write(chunk)
        target.unlink()
        files[part.name or ""] = {"filename": part.filename, "size": size, "sha256": sha.hexdigest()}
    return web.json_response({"fields": fields, "files": files})


async def method(request: web.Request) -> web.Response:
    body = await request.read()
    return web.json_response(
        {"method": request.method, "body": body.decode(errors="replace"), "content_type": request.content_type}
    )


async def together(request: web.Request) -> web.Response:
    key = request.match_info["key"]
    counts = request.app["together"].setdefault(key, {"now": 0, "most": 0})
    counts["now"] += 1
    counts["most"] = max(counts["most"], counts["now"])
    seen = counts["now"]
    try:
        body = await request.read()
        await asyncio.sleep(float(request.query.get("seconds", "0.3")))
    finally:
        counts["now"] -= 1
    return web.json_response({"body": body.decode(errors="replace"), "in_flight": seen, "most": counts["most"]})


def build(data_dir: Path) -> web.Application:
    app = common.make_app("httpbin")
    app["data_dir"] = data_dir
    app["attempts"] = {}
    app["together"] = {}
    app.router.add_get("/echo", echo)
    app.router.add_get("/status/{code}", status)
    app.router.add_get("/flaky/{key}", flaky)
    app.router.add_get("/slow", slow)
    app.router.add_get("/bytes/{size:\\d+}", get_bytes)
    app.router.add_get("/bytes/{size:\\d+}/sha256", bytes_sha256)
    app.router.add_route("*", "/redirect", redirect)
    app.router.add_post("/upload", upload)
    app.router.add_route("*", "/method", method)
    app.router.add_route("*", "/together/{key}", together)
    return app


if __name__ == "__main__":
    args = common.arg_parser(__doc__ or "").parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    common.run(build(args.data_dir), args)
