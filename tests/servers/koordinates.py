"""Geodock's local Koordinates server: the Koordinates REST contract (``/services/api/v1/``) on real data.

Started by ``launch.py`` as ``python tests/servers/koordinates.py --host 127.0.0.1 --port P --data-dir D
--tls-cert C --tls-key K [--catalog-size N] [--big-layer N]``; connection URL ``https://127.0.0.1:P/services/api/v1/``,
demo token ``demo-koordinates-token`` (header ``Authorization: key TOKEN`` on every API call).

Modules: ``koordinates_data.py`` (items, catalog, crop layers), ``koordinates_exports.py`` (formats, validation,
zip builds), ``koordinates_ows.py`` (WFS and XYZ tiles through ``qgis_mapserver``), ``koordinates_control.py``
(test-only routes ``/__exports__/...``: an export's timing, holding exports until released, an export gone).

Environment: ``KOORDINATES_EXPORT_SECONDS`` (default 3) -- how long an export stays ``processing`` (a test
sets it through ``POST /__exports__/timing``, never through the API);
``KOORDINATES_PAGE_SIZE`` (default 100) -- the default page size of lists (``page_size`` query wins, max 1000).

Lists (``/layers/``, ``/tables/``, ``/data/``) filter on the server like the platform's: ``kind``, ``q``, ``tag``,
``category`` (a slug of ``/categories/``), ``license`` (an id of ``/licenses/``), ``group`` (an id of ``/groups/``),
``created_at``/``updated_at`` with ``.gte``/``.gt``/``.lte``/``.lt``, and ``bbox=xmin,ymin,xmax,ymax`` (EPSG:4326:
items whose extent meets it; items without an extent are left out).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any, Optional

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import data
import koordinates_control
import koordinates_exports as kexports
import koordinates_ows as kows
from koordinates_data import API, CATEGORIES, GROUPS, LICENSES, Item, build_crop_layers, build_items, iso

TOKENS = {"demo-koordinates-token"}
EXPORT_SECONDS = float(os.environ.get("KOORDINATES_EXPORT_SECONDS", "3"))
PAGE_SIZE = int(os.environ.get("KOORDINATES_PAGE_SIZE", "100"))
SORTS = {
    "name": lambda item: item.title.lower(),
    "created_at": lambda item: item.created,
    "updated_at": lambda item: item.updated,
    "popularity": lambda item: item.popularity,
}


def error_body(status: int, message: str) -> web.Response:
    """Koordinates error bodies: ``{"error": ...}``; 400 a field map; 409 ``{"errors": [...]}``."""
    if status == 400:
        return web.json_response({"__all__": [message]}, status=status)
    if status == 409:
        return web.json_response({"errors": [message]}, status=status)
    return web.json_response({"error": message}, status=status)


def base(request: web.Request) -> str:
    return common.base_url(request)


# ----------------------------------------------------------------------------------------------- middleware


@web.middleware
async def api_middleware(request: web.Request, handler: common.Handler) -> web.StreamResponse:
    """Key check on ``/services/api/``; HTTP errors rendered in the Koordinates shape."""
    if request.path.startswith(API + "/") or request.path == API:
        header = request.headers.get("Authorization", "")
        if not header:
            return error_body(401, "Authentication credentials were not provided.")
        if not header.lower().startswith("key ") or header[4:].strip() not in TOKENS:
            return error_body(401, "Invalid API key.")
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_body(
            exc.status, {404: "Not found.", 405: f'Method "{request.method}" not allowed.'}.get(exc.status, exc.reason)
        )


# ------------------------------------------------------------------------------------------------- listing


def page_of(request: web.Request, rows: list[Any]) -> tuple[list[Any], dict[str, str]]:
    """Slice ``rows`` by ``page``/``page_size``, with the ``Link`` (rel page-next) and ``X-Resource-Range`` headers."""
    try:
        page = max(1, int(request.query.get("page", "1")))
        size = min(1000, max(1, int(request.query.get("page_size", str(PAGE_SIZE)))))
    except ValueError:
        raise web.HTTPBadRequest(reason="page and page_size must be integers") from None
    total = len(rows)
    start = (page - 1) * size
    chunk = rows[start : start + size]
    headers = {"X-Resource-Range": f"{start + 1}-{start + len(chunk)}/{total}" if chunk else f"0-0/{total}"}
    links = []
    own = f"{base(request)}{request.path}"
    if start + size < total:
        links.append(
            f'<{own}?{urllib.parse.urlencode({**request.query, "page": page + 1, "page_size": size})}>; rel="page-next"'
        )
    if page > 1:
        links.append(
            f"<{own}?{urllib.parse.urlencode({**request.query, 'page': page - 1, 'page_size': size})}>; "
            'rel="page-previous"'
        )
    if links:
        headers["Link"] = ", ".join(links)
    return chunk, headers


def _date_filter(value: str) -> dt.datetime:
    when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _bbox_filter(value: str) -> tuple[float, float, float, float]:
    """``bbox=xmin,ymin,xmax,ymax`` (EPSG:4326): items whose extent meets it (400 when it is not four numbers)."""
    try:
        xmin, ymin, xmax, ymax = (float(part) for part in value.split(","))
    except ValueError:
        raise web.HTTPBadRequest(reason="bbox must be xmin,ymin,xmax,ymax") from None
    if xmin > xmax or ymin > ymax:
        raise web.HTTPBadRequest(reason="bbox must be xmin,ymin,xmax,ymax")
    return xmin, ymin, xmax, ymax


def _intersects(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def filtered(request: web.Request, types: tuple[str, ...]) -> list[Item]:
    """The items of ``types`` matching the query's filters, sorted by ``sort`` (default: newest first)."""
    query = request.query
    sort = query.get("sort", "-updated_at")
    order = request.app["orders"].get(sort.lstrip("-"))
    if order is None:
        raise web.HTTPBadRequest(reason=f"Unknown sort: {sort}")
    cache = request.app["by_types"]
    rows = cache.get((types, sort))
    if rows is None:  # each (types, sort) list is made once
        ordered = reversed(order) if sort.startswith("-") else order
        rows = cache[(types, sort)] = [item for item in ordered if item.type in types]
    kinds = query.getall("kind", [])
    if kinds:
        rows = [item for item in rows if item.kind in kinds or item.type in kinds]
    for text in query.getall("q", []):
        for word in text.lower().split():
            rows = [item for item in rows if word in item.search]
    for tag in query.getall("tag", []):
        rows = [item for item in rows if tag in item.tags]
    for category in query.getall("category", []):
        rows = [item for item in rows if item.category == category]
    for name, attr in (("license", "license_id"), ("group", "group_id")):
        for value in query.getall(name, []):
            rows = [item for item in rows if str(getattr(item, attr)) == value]
    for value in query.getall("bbox", []):
        box = _bbox_filter(value)
        rows = [item for item in rows if item.bbox is not None and _intersects(item.bbox, box)]
    if query.get("public") in ("false", "False", "0"):
        rows = []
    for name, attr in (("created_at", "created"), ("updated_at", "updated")):
        for suffix, test in (
            (".gte", lambda a, b: a >= b),
            (".gt", lambda a, b: a > b),
            (".lte", lambda a, b: a <= b),
            (".lt", lambda a, b: a < b),
        ):
            for value in query.getall(name + suffix, []):
                limit = _date_filter(value)
                rows = [item for item in rows if test(getattr(item, attr), limit)]
    return rows


def list_response(request: web.Request, types: tuple[str, ...]) -> web.Response:
    rows, headers = page_of(request, filtered(request, types))
    full = "list" in request.headers.get("Expand", "")
    cache = request.app["rendered"].setdefault((base(request), full), {})
    parts = []
    for item in rows:
        text = cache.get(item.id)
        if text is None:
            text = cache[item.id] = common.dumps(item.render(base(request), full=full))
        parts.append(text)
    return web.Response(text="[" + ",".join(parts) + "]", content_type="application/json", headers=headers)


async def layers_list(request: web.Request) -> web.Response:
    """Layers and tables (the SDK's ``Table`` is its ``Layer``, on the same ``/layers/`` URLs)."""
    return list_response(request, ("layer", "table"))


async def tables_list(request: web.Request) -> web.Response:
    return list_response(request, ("table",))


async def catalog_list(request: web.Request) -> web.Response:
    return list_response(request, ("layer", "table", "set", "document"))


def get_item(request: web.Request, type_: str) -> Item:
    """The item of the URL's id; ``/layers/{id}/`` also answers for tables, as the SDK expects."""
    try:
        item = request.app["items"].get(int(request.match_info["id"]))
    except ValueError:
        item = None
    if item is None or (item.type != type_ and not (type_ == "layer" and item.type == "table")):
        raise web.HTTPNotFound()
    return item


def item_detail(type_: str):
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(get_item(request, type_).render(base(request)), dumps=common.dumps)

    return handler


def versions(type_: str, which: str):
    """``versions/`` (list of one), ``versions/{vid}/`` and ``versions/published/``."""

    async def handler(request: web.Request) -> web.Response:
        doc = get_item(request, type_).render(base(request))
        if "version" not in doc:
            raise web.HTTPNotFound()
        if which == "list":
            return web.json_response([doc], headers={"X-Resource-Range": "1-1/1"}, dumps=common.dumps)
        if which == "single" and request.match_info["vid"] != str(doc["version"]["id"]):
            raise web.HTTPNotFound()
        return web.json_response(doc, dumps=common.dumps)

    return handler


async def license_detail(request: web.Request) -> web.Response:
    license = next((doc for key, doc in LICENSES.items() if str(key) == request.match_info["id"]), None)
    if license is None:
        raise web.HTTPNotFound()
    return web.json_response(license)


async def licenses_list(request: web.Request) -> web.Response:
    """``GET /licenses/`` (the SDK's ``client.licenses.list()``): every licence, one page."""
    docs = [dict(doc, url=f"{base(request)}{API}/licenses/{key}/") for key, doc in LICENSES.items()]
    return web.json_response(docs, headers={"X-Resource-Range": f"1-{len(docs)}/{len(docs)}"})


async def groups_list(request: web.Request) -> web.Response:
    """``GET /groups/``: the groups items belong to (``group=<id>`` filters lists)."""
    docs = [{"id": key, "name": name, "url": f"{base(request)}{API}/groups/{key}/"} for key, name in GROUPS.items()]
    return web.json_response(docs, headers={"X-Resource-Range": f"1-{len(docs)}/{len(docs)}"})


async def categories_list(request: web.Request) -> web.Response:
    """``GET /categories/`` (what the vendor's QGIS plugin reads): ``[{name, slug, children}]``."""
    return web.json_response([{"name": name, "slug": key, "children": []} for key, name in CATEGORIES.items()])


async def thumbnail(request: web.Request) -> web.StreamResponse:
    """Thumbnails are public (a CDN in real life): one real PNG rendered from the relief raster."""
    return web.FileResponse(request.app["thumbnail"], headers={"Content-Type": "image/png"})


# -------------------------------------------------------------------------------------------------- exports


class Exports:
    """In-memory export records and their background builds."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.records: dict[int, dict[str, Any]] = {}
        self.tasks: dict[int, asyncio.Task] = {}
        self.ids = itertools.count(1)

    def render(self, request: web.Request, record: dict[str, Any], full: bool = True) -> dict[str, Any]:
        doc = {k: v for k, v in record.items() if not k.startswith("_")}
        doc["url"] = f"{base(request)}{API}/exports/{record['id']}/"
        doc["download_url"] = f"{doc['url']}download/" if record["state"] == "complete" else None
        if not full:
            doc = {k: doc[k] for k in ("id", "name", "created_at", "created_via", "state", "url", "download_url")}
        return doc

    async def run(
        self,
        record: dict[str, Any],
        items: list[Item],
        body: dict[str, Any],
        crop: Optional[dict[str, Any]],
        seconds: float,
        gate: Optional[asyncio.Event] = None,
    ) -> None:
        """Build in a worker thread while ``progress`` rises; ends ``complete`` or ``error``.

        It stays ``processing`` at least ``seconds``, and until ``gate`` is set (a test holding the export).
        """
        loop = asyncio.get_running_loop()
        out = self.folder / f"export-{record['id']}.zip"
        build = loop.run_in_executor(None, kexports.build_zip, items, body, crop, out)
        started = loop.time()
        try:
            while True:
                elapsed = loop.time() - started
                record["progress"] = round(min(0.95, elapsed / seconds if seconds > 0 else 0.95), 3)
                if elapsed >= seconds and build.done() and (gate is None or gate.is_set()):
                    break
                await asyncio.sleep(min(0.1, max(0.01, seconds / 20)))
            await build
        except asyncio.CancelledError:
            record.update(state="cancelled", progress=None)
            raise
        except Exception as exc:  # the build failed: a real error state
            record.update(state="error", progress=None, error=str(exc)[:500])
            return
        record.update(
            state="complete",
            progress=1.0,
            size=out.stat().st_size,
            _file=out,
            finished_at=iso(dt.datetime.now(dt.timezone.utc)),
        )


def resolve_items(request: web.Request, body: dict[str, Any]) -> tuple[list[str], list[Optional[Item]]]:
    """The export's item URLs and the items they name (None for unknown ones)."""
    urls, items = [], []
    for entry in body.get("items") or []:
        url = entry.get("item") if isinstance(entry, dict) else entry
        urls.append(str(url))
        path = urllib.parse.urlparse(str(url)).path
        parts = [p for p in path.split("/") if p]
        item = None
        if len(parts) >= 2 and parts[-1].isdigit():
            found = request.app["items"].get(int(parts[-1]))
            if found is not None and parts[-2] == f"{found.type}s":
                item = found
        items.append(item)
    return urls, items


def resolve_crop(request: web.Request, extent: Any) -> Optional[dict[str, Any]]:
    """The crop geometry (GeoJSON, EPSG:4326) of an export's ``extent``: a geometry or a crop feature URL."""
    if extent in (None, "", {}):
        return None
    if isinstance(extent, dict):
        if extent.get("type") == "Feature":
            extent = extent.get("geometry")
        if not isinstance(extent, dict) or extent.get("type") not in ("Polygon", "MultiPolygon"):
            raise web.HTTPBadRequest(reason="extent must be a GeoJSON Polygon or MultiPolygon")
        return extent
    parts = [p for p in urllib.parse.urlparse(str(extent)).path.split("/") if p]
    try:
        layer_id, feature_id = int(parts[-3]), int(parts[-1])
        return request.app["croplayers"][layer_id].features[feature_id][1]
    except (ValueError, IndexError, KeyError):
        raise web.HTTPBadRequest(reason=f"Unknown crop feature: {extent}") from None


def field_error(field: str, message: str) -> web.Response:
    return web.json_response({field: [message]}, status=400)


async def read_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(reason="JSON parse error") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(reason="Expected a JSON object")
    return body


async def exports_options(request: web.Request) -> web.Response:
    return web.json_response(kexports.options_document(), headers={"Allow": "GET, POST, HEAD, OPTIONS"})


async def exports_list(request: web.Request) -> web.Response:
    store: Exports = request.app["exports"]
    rows = sorted(store.records.values(), key=lambda r: r["id"], reverse=True)
    chunk, headers = page_of(request, rows)
    return web.json_response([store.render(request, r, full=False) for r in chunk], headers=headers)


async def exports_validate(request: web.Request) -> web.Response:
    body = await read_body(request)
    urls, items = resolve_items(request, body)
    crop = resolve_crop(request, body.get("extent"))
    return web.json_response(kexports.validate_items(items, urls, body, crop))


async def exports_create(request: web.Request) -> web.Response:
    body = await read_body(request)
    if not body.get("crs"):
        return field_error("crs", "This field is required.")
    if not isinstance(body.get("formats"), dict) or not body["formats"]:
        return field_error("formats", "This field is required.")
    urls, items = resolve_items(request, body)
    if not urls:
        return field_error("items", "This list may not be empty.")
    crop = resolve_crop(request, body.get("extent"))
    check = kexports.validate_items(items, urls, body, crop)
    bad = [r for r in check["items"] if set(r["invalid_reasons"]) - {"outside-extent"}]
    if bad:
        return field_error(
            "items", "Invalid items: " + "; ".join(f"{r['item']}: {', '.join(r['invalid_reasons'])}" for r in bad)
        )
    store: Exports = request.app["exports"]
    export_id = next(store.ids)
    now = iso(dt.datetime.now(dt.timezone.utc))
    record = {
        "id": export_id,
        "name": str(body.get("name") or f"kx-export-{export_id}"),
        "created_at": now,
        "created_via": "api",
        "state": "processing",
        "progress": 0.0,
        "crs": body["crs"],
        "formats": body["formats"],
        "items": [{"item": url} for url in urls],
        "extent": crop,
        "delivery": body.get("delivery") or {"method": "download"},
        "options": body.get("options") or {},
        "size_estimate_zipped": check["size_estimate_zipped"],
        "size": None,
        "user": {"id": 1, "url": None, "first_name": "Demo", "last_name": "User", "country": "NZ"},
        "finished_at": None,
    }
    store.records[export_id] = record
    control: koordinates_control.ExportControl = request.app["export_control"]
    seconds, gate = control.new_export(export_id)
    task = store.tasks[export_id] = asyncio.create_task(
        store.run(record, [i for i in items if i], body, crop, seconds, gate)
    )
    task.add_done_callback(lambda _task: control.ended(export_id))
    doc = store.render(request, record)
    return web.json_response(doc, status=201, headers={"Location": doc["url"]})


def get_export(request: web.Request) -> dict[str, Any]:
    record = request.app["exports"].records.get(int(request.match_info["id"]))
    if record is None:
        raise web.HTTPNotFound()
    return record


async def export_detail(request: web.Request) -> web.Response:
    return web.json_response(request.app["exports"].render(request, get_export(request)))


async def export_cancel(request: web.Request) -> web.Response:
    """DELETE: 202 + the cancelled export while processing; 409 ``{"errors": ["Can't cancel"]}`` otherwise."""
    record = get_export(request)
    store: Exports = request.app["exports"]
    if record["state"] != "processing":
        return error_body(409, "Can't cancel")
    task = store.tasks.get(record["id"])
    if task is not None:
        task.cancel()
    record.update(state="cancelled", progress=None)
    return web.json_response(store.render(request, record), status=202)


async def export_download(request: web.Request) -> web.StreamResponse:
    record = get_export(request)
    if record["state"] != "complete":
        return error_body(404, f"Export is {record['state']}, not complete.")
    return await common.serve_file(request, record["_file"], f"{record['name']}.zip", "application/zip")


# ---------------------------------------------------------------------------------------------- crop layers


def croplayer_doc(request: web.Request, layer: Any) -> dict[str, Any]:
    url = f"{base(request)}{API}/exports/croplayers/{layer.id}/"
    return {
        "id": layer.id,
        "name": layer.name,
        "url": url,
        "features": url + "cropfeatures/",
        "extent": layer.extent(),
        "source_layer": f"{base(request)}{API}/layers/{layer.source_layer}/" if layer.source_layer else None,
    }


def get_croplayer(request: web.Request) -> Any:
    layer = request.app["croplayers"].get(int(request.match_info["id"]))
    if layer is None:
        raise web.HTTPNotFound()
    return layer


async def croplayers_list(request: web.Request) -> web.Response:
    rows, headers = page_of(request, list(request.app["croplayers"].values()))
    return web.json_response([croplayer_doc(request, layer) for layer in rows], headers=headers)


async def croplayer_detail(request: web.Request) -> web.Response:
    return web.json_response(croplayer_doc(request, get_croplayer(request)))


def cropfeature_doc(request: web.Request, layer: Any, feature_id: int, geometry: bool) -> dict[str, Any]:
    name, geom = layer.features[feature_id]
    doc = {
        "id": feature_id,
        "name": name,
        "url": f"{croplayer_doc(request, layer)['features']}{feature_id}/",
        "layer": croplayer_doc(request, layer)["url"],
    }
    if geometry:
        doc["geometry"] = geom
    return doc


async def cropfeatures_list(request: web.Request) -> web.Response:
    layer = get_croplayer(request)
    rows, headers = page_of(request, sorted(layer.features))
    return web.json_response([cropfeature_doc(request, layer, fid, False) for fid in rows], headers=headers)


async def cropfeature_detail(request: web.Request) -> web.Response:
    layer = get_croplayer(request)
    feature_id = int(request.match_info["fid"])
    if feature_id not in layer.features:
        raise web.HTTPNotFound()
    return web.json_response(cropfeature_doc(request, layer, feature_id, True))


# ------------------------------------------------------------------------------------------------------ app


def make_thumbnail(dataset: data.Dataset, folder: Path) -> Path:
    path = folder / "thumbnail.png"
    if not path.exists():
        subprocess.run(
            [
                "gdal_translate",
                "-q",
                "-of",
                "PNG",
                "-outsize",
                "128",
                "64",
                "-scale",
                "0",
                "255",
                "0",
                "255",
                str(dataset.raster),
                str(path),
            ],
            check=True,
            capture_output=True,
        )
    return path


def build_app(data_dir: Path, catalog_size: int = 0, big_layer: int = 0, with_ows: bool = True) -> web.Application:
    """The application on the data in ``data_dir`` (made there on first use)."""
    dataset = data.prepare(data_dir, points=big_layer)
    app = common.make_app("koordinates", error_body)
    app.middlewares.append(api_middleware)
    app["items"] = build_items(dataset, catalog_size)
    # Each sort order precomputed once (ties broken by id): a page is a filter and a slice, a few ms at 10,000 items.
    items = app["items"].values()
    app["orders"] = {name: sorted(items, key=lambda i, k=key: (k(i), i.id)) for name, key in SORTS.items()}
    app["by_types"] = {}  # (types, sort) -> items
    app["rendered"] = {}  # (base URL, full) -> {id: JSON text}, filled as pages are asked for
    app["croplayers"] = build_crop_layers(dataset.world)
    app["exports"] = Exports(data_dir / "exports")
    koordinates_control.install(app, EXPORT_SECONDS)
    app["thumbnail"] = make_thumbnail(dataset, data_dir)

    async def stop_builds(app: web.Application) -> None:
        for task in app["exports"].tasks.values():
            task.cancel()

    app.on_cleanup.append(stop_builds)
    r = app.router
    r.add_get(API + "/layers/", layers_list)
    r.add_get(API + "/layers/{id}/", item_detail("layer"))
    r.add_get(API + "/layers/{id}/versions/", versions("layer", "list"))
    r.add_get(API + "/layers/{id}/versions/published/", versions("layer", "published"))
    r.add_get(API + "/layers/{id}/versions/{vid}/", versions("layer", "single"))
    r.add_get(API + "/tables/", tables_list)
    r.add_get(API + "/tables/{id}/", item_detail("table"))
    r.add_get(API + "/tables/{id}/versions/published/", versions("table", "published"))
    r.add_get(API + "/sets/{id}/", item_detail("set"))
    r.add_get(API + "/documents/{id}/", item_detail("document"))
    r.add_get(API + "/data/", catalog_list)
    r.add_get(API + "/data/latest/", catalog_list)
    r.add_get(API + "/licenses/", licenses_list)
    r.add_get(API + "/licenses/{id}/", license_detail)
    r.add_get(API + "/groups/", groups_list)
    r.add_get(API + "/categories/", categories_list)
    r.add_route("OPTIONS", API + "/exports/", exports_options)
    r.add_get(API + "/exports/", exports_list)
    r.add_post(API + "/exports/", exports_create)
    r.add_post(API + "/exports/validate/", exports_validate)
    r.add_get(API + "/exports/croplayers/", croplayers_list)
    r.add_get(API + "/exports/croplayers/{id:\\d+}/", croplayer_detail)
    r.add_get(API + "/exports/croplayers/{id:\\d+}/cropfeatures/", cropfeatures_list)
    r.add_get(API + "/exports/croplayers/{id:\\d+}/cropfeatures/{fid:\\d+}/", cropfeature_detail)
    r.add_get(API + "/exports/{id:\\d+}/", export_detail)
    r.add_delete(API + "/exports/{id:\\d+}/", export_cancel)
    r.add_get(API + "/exports/{id:\\d+}/download/", export_download)
    r.add_get("/media/thumbnails/{name}.png", thumbnail)
    if with_ows:
        kows.install(app, data_dir / "ows", kows.layer_specs(app["items"]), TOKENS)
        r.add_get("/services{rest:(;key=[^/]*)?/(wfs|tiles)(/.*)?}", kows.handle)
    return app


def main() -> None:
    args = common.arg_parser(__doc__.splitlines()[0]).parse_args()
    common.run(build_app(args.data_dir, args.catalog_size, args.big_layer), args)


if __name__ == "__main__":
    main()
