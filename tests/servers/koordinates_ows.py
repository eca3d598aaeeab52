"""Layer data services of the local Koordinates server: WFS and XYZ tiles through a real ``qgis_mapserver``.

At start-up :class:`MapServer` writes a QGIS project publishing every layer with data (typenames ``layer-1``,
``layer-2``, ...; made by ``koordinates_project.py`` under ``/usr/bin/python3``) and starts ``qgis_mapserver`` on a
free local port as a child process; it is stopped with the server (and, as a child in the server's process
group, by the launcher). Requests are proxied:

* ``/services;key=KEY/wfs/`` and ``/services;key=KEY/wfs/layer-{id}/`` (key in the path), or the same under
  ``/services/wfs/...`` with the header ``Authorization: key KEY`` (no key in the URL).
  WFS 2.0 parameters are mapped onto what QGIS Server 3.22 answers (``TYPENAMES`` -> ``TYPENAME``,
  ``COUNT`` -> ``MAXFEATURES``; it answers as WFS 1.1.0). Capabilities point back at the proxy URL the client used
  (header ``X-Qgis-Service-Url``), never at mapserver's own port.
* ``/services;key=KEY/tiles/v4/layer={id}/EPSG:3857/{z}/{x}/{y}.png`` (and ``/services/tiles/...`` with the header):
  a 256 px WMS GetMap of ``layer-{id}``.

A missing key answers 401, a wrong one 403.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any, Optional

import aiohttp
from aiohttp import web

HERE = Path(__file__).resolve().parent
QGIS_PYTHON = "/usr/bin/python3"
EARTH = 20037508.342789244


_LISTENING = re.compile(rb"listening on http://127\.0\.0\.1:(\d+)")


def _die_with_parent() -> None:
    """In the child: SIGTERM when this server dies, however it dies (no leftover qgis_mapserver)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class MapServer:
    """A ``qgis_mapserver`` child serving the layers ``[(name, uri, provider)]``."""

    def __init__(self, folder: Path, layers: list[dict[str, str]]) -> None:
        self.folder = folder
        self.layers = layers
        self.port = 0
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout: float = 60.0) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        spec = self.folder / "layers.json"
        spec.write_text(json.dumps(self.layers))
        project = self.folder / "koordinates.qgs"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(self.folder))
        for name in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"):
            env.pop(name, None)
        subprocess.run(
            [QGIS_PYTHON, str(HERE / "koordinates_project.py"), str(spec), str(project)],
            check=True,
            capture_output=True,
            env=env,
            timeout=timeout,
        )
        env["QGIS_SERVER_LOG_LEVEL"] = "2"
        log_path = self.folder / "qgis_mapserver.log"
        log = log_path.open("wb")
        # Port 0: qgis_mapserver takes a free port itself and says which (no port chosen here and reused later).
        self.process = subprocess.Popen(
            ["qgis_mapserver", "-p", str(project), "127.0.0.1:0"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"qgis_mapserver exited with {self.process.returncode}")
            if not self.port:
                found = _LISTENING.search(log_path.read_bytes())
                if found is None:
                    time.sleep(0.1)
                    continue
                self.port = int(found.group(1))
            try:
                with urllib.request.urlopen(self.url + "?SERVICE=WFS&REQUEST=GetCapabilities", timeout=2) as reply:
                    reply.read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("qgis_mapserver did not answer")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()


# ------------------------------------------------------------------------------------------------ routing

_PATH = re.compile(r"^/services(?:;key=(?P<key>[^/]*))?/(?P<service>wfs|tiles)(?P<tail>/.*)?$")
_TILE = re.compile(r"^/v4/layer=(?P<layer>\d+)[^/]*/EPSG:3857/(?P<z>\d+)/(?P<x>\d+)/(?P<y>\d+)\.png$")


def _key_of(request: web.Request, path_key: Optional[str]) -> Optional[str]:
    if path_key is not None:
        return path_key
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("key "):
        return header[4:].strip()
    return None


def _ogc_error(status: int, message: str) -> web.Response:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ServiceExceptionReport version="1.2.0" xmlns="http://www.opengis.net/ogc">'
        f'<ServiceException code="{"MissingKey" if status == 401 else "InvalidKey"}">{message}</ServiceException>'
        "</ServiceExceptionReport>"
    )
    return web.Response(status=status, text=body, content_type="text/xml")


async def handle(request: web.Request) -> web.StreamResponse:
    """Serve a WFS or tile request under ``/services[;key=KEY]/{wfs,tiles}/...`` (see the module docstring)."""
    match = _PATH.match(request.raw_path.split("?", 1)[0])
    if not match:
        raise web.HTTPNotFound()
    key = _key_of(request, match.group("key"))
    if not key:
        return _ogc_error(401, "An API key is required: /services;key=KEY/... or the header Authorization: key KEY")
    if key not in request.app["tokens"]:
        return _ogc_error(403, "Invalid API key")
    mapserver: MapServer = request.app["mapserver"]
    tail = match.group("tail") or "/"
    if match.group("service") == "tiles":
        return await _tile(request, mapserver, tail)
    return await _wfs(request, mapserver, tail, match)


async def _fetch(
    request: web.Request, url: str, params: dict[str, str], headers: Optional[dict[str, str]] = None
) -> tuple[int, str, bytes]:
    session: aiohttp.ClientSession = request.app["ows_session"]
    async with session.get(url, params=params, headers=headers or {}) as reply:
        return reply.status, reply.headers.get("Content-Type", "application/octet-stream"), await reply.read()


async def _wfs(request: web.Request, mapserver: MapServer, tail: str, match: re.Match) -> web.StreamResponse:
    layer = re.match(r"^/(layer-\d+)/?$", tail)
    if tail not in ("/", "") and not layer:
        raise web.HTTPNotFound()
    params = {k.upper(): v for k, v in request.query.items()}
    params.setdefault("SERVICE", "WFS")
    if "TYPENAMES" in params:
        params.setdefault("TYPENAME", params.pop("TYPENAMES"))
    if "COUNT" in params:
        params.setdefault("MAXFEATURES", params.pop("COUNT"))
    if params.get("VERSION", "").startswith("2."):
        params["VERSION"] = "1.1.0"
    if (
        layer
        and params.get("REQUEST", "").lower() in ("getfeature", "describefeaturetype")
        and "TYPENAME" not in params
    ):
        params["TYPENAME"] = layer.group(1)
    if layer and "TYPENAME" in params and params["TYPENAME"].split(":")[-1] != layer.group(1):
        return _ogc_error(404, f"Unknown typename for this endpoint: {params['TYPENAME']}")
    service_url = f"{request.scheme}://{request.host}{request.raw_path.split('?', 1)[0]}"
    status, content_type, body = await _fetch(request, mapserver.url, params, {"X-Qgis-Service-Url": service_url})
    if b"127.0.0.1:%d" % mapserver.port in body:
        body = body.replace(mapserver.url.encode(), service_url.encode()).replace(
            mapserver.url.rstrip("/").encode(), service_url.encode()
        )
    return web.Response(status=status, body=body, headers={"Content-Type": content_type})


async def _tile(request: web.Request, mapserver: MapServer, tail: str) -> web.StreamResponse:
    match = _TILE.match(tail)
    if not match:
        raise web.HTTPNotFound()
    z, x, y = int(match.group("z")), int(match.group("x")), int(match.group("y"))
    if z > 24 or x >= 2**z or y >= 2**z:
        raise web.HTTPNotFound()
    layer_id = int(match.group("layer"))
    if layer_id not in request.app["ows_layers"]:
        raise web.HTTPNotFound()
    size = 2 * EARTH / 2**z
    xmin, ymax = -EARTH + x * size, EARTH - y * size
    params = {
        "SERVICE": "WMS",
        "VERSION": "1.3.0",
        "REQUEST": "GetMap",
        "LAYERS": f"layer-{layer_id}",
        "STYLES": "",
        "CRS": "EPSG:3857",
        "BBOX": f"{xmin},{ymax - size},{xmin + size},{ymax}",
        "WIDTH": "256",
        "HEIGHT": "256",
        "FORMAT": "image/png",
        "TRANSPARENT": "TRUE",
    }
    status, content_type, body = await _fetch(request, mapserver.url, params)
    if status != 200 or not content_type.startswith("image/png"):
        return web.json_response({"error": f"tile rendering failed: {body[:200].decode(errors='replace')}"}, status=502)
    return web.Response(body=body, content_type="image/png", headers={"Cache-Control": "max-age=3600"})


def install(app: web.Application, folder: Path, layers: dict[int, dict[str, str]], tokens: set[str]) -> None:
    """Add the WFS/tile routes and the mapserver's life cycle to ``app``."""
    app["tokens"] = tokens
    app["ows_layers"] = layers
    mapserver = MapServer(folder, list(layers.values()))
    app["mapserver"] = mapserver

    async def on_startup(app: web.Application) -> None:
        await asyncio.get_running_loop().run_in_executor(None, mapserver.start)
        app["ows_session"] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))

    async def on_cleanup(app: web.Application) -> None:
        await app["ows_session"].close()
        mapserver.stop()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)


def layer_specs(items: dict[int, Any]) -> dict[int, dict[str, Any]]:
    """``{id: {"name": "layer-ID", "uri": ..., "provider": ...}}`` for every layer with data (not tables)."""
    specs = {}
    for item in items.values():
        if item.source is None or item.kind == "table":
            continue
        if item.kind == "raster":
            specs[item.id] = {
                "name": f"layer-{item.id}",
                "uri": str(item.source),
                "provider": "gdal",
                "title": item.title,
            }
        else:
            specs[item.id] = {
                "name": f"layer-{item.id}",
                "uri": f"{item.source}|layername={item.source_layer}",
                "provider": "ogr",
                "title": item.title,
            }
    return specs


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Web-Mercator bounds of an XYZ tile (for tests)."""
    size = 2 * EARTH / 2**z
    return (-EARTH + x * size, EARTH - (y + 1) * size, -EARTH + (x + 1) * size, EARTH - y * size)
