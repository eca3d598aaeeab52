"""Local Geobox server: the REST API of the official ``geobox`` SDK over real data (aiohttp, ``.venv-servers``).

Started as ``python tests/servers/geobox.py --host 127.0.0.1 --port P --data-dir D [--catalog-size N]
[--big-layer N]``; the API root is ``http://127.0.0.1:P/v1/``.

Auth: ``POST /v1/auth/token/`` (form ``username=demo``, ``password=demo-password``) -> ``{"access_token"}``,
then ``Authorization: Bearer``; or ``?apikey=demo-geobox-apikey`` on any call. A ready-made access token (the
SDK's ``access_token``), ``demo-geobox-access-token``, is a Bearer token too. Errors are FastAPI-style
``{"detail": ...}``.

Environment: ``GEOBOX_TASK_SECONDS`` (how long a task stays in PROGRESS, default 2),
``GEOBOX_MAX_UPLOAD_MB`` (upload size limit, default 1024), ``GEOBOX_COUNT_SHAPE`` (a ``return_count=true``
answer: ``object`` ``{"count": N}``, the default, or ``integer``, a bare number; the contract allows both).

Names are not unique: like the platform (the contract and the SDK know no such rule), two layers may share a
name; a layer is its uuid.

Modules: records, list filters and feature queries ``geobox_store.py``; uploads, publish, export and the raster
``geobox_files.py``; tiles ``geobox_tiles.py``; the in-memory catalog ``geobox_state.py``; tasks ``geobox_tasks.py``.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import sys
import uuid as _uuid
from pathlib import Path
from typing import Any, Awaitable, Callable

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import geobox_files as files
import geobox_store as store
import geobox_tiles as tiles
import geobox_writes as writes
from geobox_state import API, State
from geobox_store import ApiError, FileRecord, Layer, Raster, Task, Tileset
from geobox_tasks import start_task

USERNAME, PASSWORD = "demo", "demo-password"
APIKEY = "demo-geobox-apikey"
ACCESS_TOKEN = "demo-geobox-access-token"  # a ready-made Bearer token (the SDK's access_token)


def error_body(status: int, message: Any) -> web.Response:
    """A FastAPI-style error: ``{"detail": message}`` (a string, or a list of ``{loc, msg, type}``)."""
    return web.json_response({"detail": message}, status=status)


def state_of(request: web.Request) -> State:
    return request.app["state"]


def params_of(request: web.Request) -> dict[str, str]:
    return dict(request.query)


async def run_sync(func: Callable, *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, func, *args)


async def form_of(request: web.Request) -> dict[str, Any]:
    """A form body as a dict; repeated keys (lists sent by the SDK) become lists."""
    form = await request.post()
    result: dict[str, Any] = {}
    for key in form.keys():
        values = form.getall(key)
        result[key] = values if len(values) > 1 else values[0]
    return result


# ---------------------------------------------------------------------------------------- middlewares


@web.middleware
async def error_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Turn :class:`ApiError` and aiohttp's HTTP errors into FastAPI-style JSON bodies."""
    try:
        return await handler(request)
    except ApiError as exc:
        return error_body(exc.status, exc.detail)
    except web.HTTPException as exc:
        if exc.status >= 400:
            return error_body(exc.status, exc.reason if exc.status != 404 else "Not Found")
        raise
    except (ConnectionResetError, asyncio.CancelledError):
        raise
    except Exception as exc:  # a bug or a GDAL error: still a JSON body
        request.app.logger.exception("error handling %s", request.path)
        return error_body(500, f"Internal server error: {exc}")


@web.middleware
async def auth_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Every ``/v1/`` call but the token one needs a valid Bearer token or ``?apikey=``."""
    if request.path.startswith(f"{API}/") and request.path.rstrip("/") != f"{API}/auth/token":
        header = request.headers.get("Authorization", "")
        apikey = request.query.get("apikey")
        if header.startswith("Bearer "):
            if header[7:].strip() not in state_of(request).tokens | {ACCESS_TOKEN}:
                return error_body(401, "Could not validate credentials")
        elif apikey is not None:
            if apikey != APIKEY:
                return error_body(401, "Invalid API key")
        else:
            return error_body(401, "Not authenticated")
    return await handler(request)


# ------------------------------------------------------------------------------------------- handlers


async def token(request: web.Request) -> web.Response:
    form = await request.post()
    if form.get("username") != USERNAME or form.get("password") != PASSWORD:
        return error_body(401, "Incorrect username or password")
    value = secrets.token_urlsafe(24)
    state_of(request).tokens.add(value)
    return web.json_response({"access_token": value, "token_type": "bearer"})


async def me(request: web.Request) -> web.Response:
    return web.json_response(
        {
            "id": 1,
            "username": USERNAME,
            "first_name": "Demo",
            "last_name": "User",
            "email": "demo@example.org",
            "role": "Publisher",
            "status": "Active",
        }
    )


def list_json(items: list[dict], request: web.Request, default_limit: int = 10) -> web.Response:
    return web.json_response(store.filter_items(items, params_of(request), default_limit))


async def list_layers(request: web.Request) -> web.Response:
    st = state_of(request)
    table = st.views if request.path.startswith(f"{API}/vectorLayerViews/") else st.layers
    return list_json([layer.as_json() for layer in table.values()], request)


async def layers_by_ids(request: web.Request) -> web.Response:
    st = state_of(request)
    table = st.views if request.path.startswith(f"{API}/vectorLayerViews/") else st.layers
    wanted = {
        int(v) for value in request.query.getall("ids", []) for v in value.strip("[]").split(",") if v.strip().isdigit()
    }
    return web.json_response([layer.as_json() for layer in table.values() if layer.id in wanted])


async def get_layer(request: web.Request) -> web.Response:
    return web.json_response(state_of(request).layer(request).as_json())


async def create_layer(request: web.Request) -> web.Response:
    """``POST vectorLayers/`` (JSON ``{name, layer_type, fields[]}``): a new empty layer in the store."""
    st = state_of(request)
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(422, [{"loc": ["body"], "msg": "a JSON body is required", "type": "value_error"}])
    name = (body or {}).get("name")
    if not name or not isinstance(name, str):
        raise ApiError(422, [{"loc": ["body", "name"], "msg": "field required", "type": "value_error.missing"}])
    if body.get("layer_type") not in store.LAYER_TYPES:
        raise ApiError(
            422,
            [
                {
                    "loc": ["body", "layer_type"],
                    "msg": f"value is not a valid enumeration member; permitted: {', '.join(store.LAYER_TYPES)}",
                    "type": "type_error.enum",
                }
            ],
        )
    fields = body.get("fields") or []
    for item in fields:
        if item.get("datatype", "String") not in store.OGR_FIELD_TYPES or not item.get("name"):
            raise ApiError(422, [{"loc": ["body", "fields"], "msg": f"invalid field {item!r}", "type": "value_error"}])
    uuid = str(_uuid.uuid4())
    path = st.store / f"{uuid}.gpkg"
    await run_sync(store.create_layer_file, path, name, body["layer_type"], fields)
    layer = Layer(
        id=st.new_id(),
        uuid=uuid,
        name=name,
        layer_type=body["layer_type"],
        path=path,
        source_layer=name,
        display_name=body.get("display_name") or name,
        description=body.get("description") or "",
        feature_count=0,
        extent=[0.0, 0.0, 0.0, 0.0],
    )
    st.layers[uuid] = layer
    return web.json_response(layer.as_json(), status=200)


async def update_layer(request: web.Request) -> web.Response:
    layer = state_of(request).layer(request)
    body = await request.json()
    for key in ("name", "display_name", "description"):
        if body.get(key) is not None:
            setattr(layer, key, body[key])
    layer.touch()
    return web.json_response(layer.as_json())


async def delete_layer(request: web.Request) -> web.Response:
    st = state_of(request)
    layer = st.layer(request)
    (st.views if layer.is_view else st.layers).pop(layer.uuid)
    return web.json_response({"detail": "deleted"})


async def layer_fields(request: web.Request) -> web.Response:
    layer = state_of(request).layer(request)
    return web.json_response(await run_sync(store.fields_of, layer))


async def features(request: web.Request) -> web.Response:
    layer = state_of(request).layer(request)
    params: dict[str, Any] = params_of(request)
    if "feature_ids" in request.query:
        params["feature_ids"] = request.query.getall("feature_ids")
    return web.json_response(await run_sync(store.query_features, layer, params))


def fid_of(request: web.Request) -> int:
    try:
        return int(request.match_info["fid"])
    except ValueError:
        raise ApiError(
            422, [{"loc": ["path", "feature_id"], "msg": "value is not a valid integer", "type": "type_error.integer"}]
        )


async def get_feature(request: web.Request) -> web.Response:
    layer = state_of(request).layer(request)
    return web.json_response(await run_sync(store.get_feature, layer, fid_of(request)))


async def _feature_body(request: web.Request) -> tuple[dict, int]:
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(422, [{"loc": ["body"], "msg": "a GeoJSON Feature is required", "type": "value_error"}])
    return body, store.as_int(request.query.get("in_srid"), 3857, "in_srid")


async def create_feature(request: web.Request) -> web.Response:
    layer = state_of(request).layer(request)
    if layer.is_view:
        raise ApiError(403, "Views are read-only")
    body, srid = await _feature_body(request)
    return web.json_response(await run_sync(store.write_feature, layer, body, srid, None))


async def update_feature(request: web.Request) -> web.Response:
    layer = state_of(request).layer(request)
    body, srid = await _feature_body(request)
    return web.json_response(await run_sync(store.write_feature, layer, body, srid, fid_of(request)))


async def delete_feature(request: web.Request) -> web.Response:
    layer = state_of(request).layer(request)
    await run_sync(store.delete_feature, layer, fid_of(request))
    return web.json_response({"detail": "deleted"})


# ----------------------------------------------------------------------------------------------- tiles


def tile_xyz(request: web.Request) -> tuple[int, int, int]:
    try:
        z, x, y = (int(request.match_info[k]) for k in ("z", "x", "y"))
    except ValueError:
        raise ApiError(
            422, [{"loc": ["path", "z"], "msg": "tile coordinates must be integers", "type": "type_error.integer"}]
        )
    if not tiles.valid_tile(z, x, y):
        raise ApiError(404, f"Tile {z}/{x}/{y} does not exist")
    return z, x, y


async def mvt_response(request: web.Request, key: str, layers: list[Layer]) -> web.Response:
    st = state_of(request)
    z, x, y = tile_xyz(request)
    lock = st.tile_locks.setdefault(f"{key}/{z}/{x}/{y}", asyncio.Lock())
    async with lock:
        body = await run_sync(tiles.make_mvt, layers, z, x, y, st.cache / key)
    st.tile_locks.pop(f"{key}/{z}/{x}/{y}", None)
    return web.Response(body=body, content_type="application/x-protobuf", headers={"Cache-Control": "max-age=3600"})


async def layer_tile(request: web.Request) -> web.Response:
    layer = state_of(request).layer(request)
    return await mvt_response(request, layer.uuid, [layer])


def api_root(request: web.Request) -> str:
    return f"{common.base_url(request)}{API}/"


def with_key(request: web.Request, url: str) -> str:
    return f"{url}?apikey={request.query['apikey']}" if "apikey" in request.query else url


async def layer_tilejson(request: web.Request) -> web.Response:
    layer = state_of(request).layer(request)
    prefix = "vectorLayerViews" if layer.is_view else "vectorLayers"
    url = with_key(request, f"{api_root(request)}{prefix}/{layer.uuid}/tiles/{{z}}/{{x}}/{{y}}.pbf")
    return web.json_response(tiles.tilejson(layer.name, url, layer.extent, [layer]))


async def list_tilesets(request: web.Request) -> web.Response:
    return list_json([t.as_json() for t in state_of(request).tilesets.values()], request)


async def get_tileset(request: web.Request) -> web.Response:
    return web.json_response(state_of(request).lookup(state_of(request).tilesets, request, "Tileset").as_json())


async def create_tileset(request: web.Request) -> web.Response:
    st = state_of(request)
    body = await request.json()
    members = []
    for item in body.get("layers") or []:
        table = st.views if item.get("layer_type") == "view" else st.layers
        if item.get("layer_uuid") not in table:
            raise ApiError(
                422,
                [{"loc": ["body", "layers"], "msg": f"unknown layer {item.get('layer_uuid')}", "type": "value_error"}],
            )
        members.append(table[item["layer_uuid"]])
    if not body.get("name") or not members:
        raise ApiError(
            422, [{"loc": ["body", "name"], "msg": "name and at least one layer are required", "type": "value_error"}]
        )
    tileset = Tileset(
        id=st.new_id(),
        uuid=str(_uuid.uuid4()),
        name=body["name"],
        layers=members,
        min_zoom=body.get("min_zoom") or 0,
        max_zoom=body.get("max_zoom") or 14,
        description=body.get("description") or "",
    )
    st.tilesets[tileset.uuid] = tileset
    return web.json_response(tileset.as_json())


async def tileset_layers(request: web.Request) -> web.Response:
    tileset = state_of(request).lookup(state_of(request).tilesets, request, "Tileset")
    return list_json([layer.as_json() for layer in tileset.layers], request, default_limit=1000)


async def tileset_tile(request: web.Request) -> web.Response:
    tileset = state_of(request).lookup(state_of(request).tilesets, request, "Tileset")
    return await mvt_response(request, tileset.uuid, tileset.layers)


async def tileset_tilejson(request: web.Request) -> web.Response:
    tileset = state_of(request).lookup(state_of(request).tilesets, request, "Tileset")
    url = with_key(request, f"{api_root(request)}tilesets/{tileset.uuid}/tiles/{{z}}/{{x}}/{{y}}.pbf")
    extents = [layer.extent for layer in tileset.layers]
    bounds = [
        min(e[0] for e in extents),
        min(e[1] for e in extents),
        max(e[2] for e in extents),
        max(e[3] for e in extents),
    ]
    return web.json_response(
        tiles.tilejson(tileset.name, url, bounds, tileset.layers, tileset.min_zoom, tileset.max_zoom)
    )


# --------------------------------------------------------------------------------------------- rasters


def raster_of(request: web.Request) -> Raster:
    return state_of(request).lookup(state_of(request).rasters, request, "Raster")


async def list_rasters(request: web.Request) -> web.Response:
    return list_json([r.as_json() for r in state_of(request).rasters.values()], request, default_limit=100)


async def get_raster(request: web.Request) -> web.Response:
    return web.json_response(raster_of(request).as_json())


async def raster_info(request: web.Request) -> web.Response:
    raster = raster_of(request)
    from osgeo import gdal

    info = await run_sync(lambda: gdal.Info(str(raster.path), format="json"))
    return web.json_response(info)


async def raster_statistics(request: web.Request) -> web.Response:
    raster = raster_of(request)
    return web.json_response(await run_sync(files.raster_statistics, raster.path, request.query.get("indexes")))


async def raster_point(request: web.Request) -> web.Response:
    raster = raster_of(request)
    try:
        lat, lng = float(request.query["lat"]), float(request.query["lng"])
    except (KeyError, ValueError):
        raise ApiError(
            422, [{"loc": ["query", "lat"], "msg": "lat and lng are required numbers", "type": "value_error"}]
        )
    return web.json_response(await run_sync(files.raster_point, raster.path, lat, lng))


async def raster_download(request: web.Request) -> web.StreamResponse:
    raster = raster_of(request)
    return await common.serve_file(request, raster.path, f"{raster.name}.tif", "image/tiff")


async def raster_tile(request: web.Request) -> web.Response:
    raster = raster_of(request)
    z, x, y = tile_xyz(request)
    body = await run_sync(tiles.render_png, raster.path, z, x, y)
    return web.Response(body=body, content_type="image/png", headers={"Cache-Control": "max-age=3600"})


async def raster_tilejson(request: web.Request) -> web.Response:
    raster = raster_of(request)
    url = with_key(request, f"{api_root(request)}rasters/{raster.uuid}/tiles/{{z}}/{{x}}/{{y}}.png")
    return web.json_response(tiles.tilejson(raster.name, url, raster.info["extent"], None, 0, 12, "png"))


# ------------------------------------------------------------------------------------------------ files


def max_upload_bytes() -> int:
    return int(float(os.environ.get("GEOBOX_MAX_UPLOAD_MB", "1024")) * 1024 * 1024)


async def upload_file(request: web.Request) -> web.Response:
    """``POST files/`` multipart (field ``file``), streamed to disk; refuses bad types and oversize early."""
    st = state_of(request)
    limit = max_upload_bytes()
    if request.content_length is not None and request.content_length > limit + 64 * 1024:
        raise ApiError(413, f"File too large: the limit is {limit // (1024 * 1024)} MB")
    if not request.content_type.startswith("multipart/"):
        raise ApiError(
            422,
            [{"loc": ["body", "file"], "msg": "field required (multipart/form-data)", "type": "value_error.missing"}],
        )
    reader = await request.multipart()
    record = None
    while True:
        part = await reader.next()
        if part is None:
            break
        if part.name != "file":
            await part.release()
            continue
        filename = Path(part.filename or "upload.bin").name
        ext = Path(filename).suffix.lower()
        if ext not in store.UPLOAD_TYPES:
            raise ApiError(
                422,
                [
                    {
                        "loc": ["body", "file"],
                        "msg": f"file type {ext or '(none)'} is not allowed; allowed: {', '.join(sorted(store.UPLOAD_TYPES))}",
                        "type": "value_error",
                    }
                ],
            )
        uuid = str(_uuid.uuid4())
        folder = st.uploads / uuid
        folder.mkdir()
        path = folder / filename
        size = 0
        with path.open("wb") as handle:
            while True:
                chunk = await part.read_chunk(common.CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    handle.close()
                    shutil.rmtree(folder, ignore_errors=True)
                    raise ApiError(413, f"File too large: the limit is {limit // (1024 * 1024)} MB")
                handle.write(chunk)
        file_type, layers = await run_sync(files.scan_file, path, filename)
        record = FileRecord(
            id=st.new_id(), uuid=uuid, name=filename, path=path, size=size, file_type=file_type, layers=layers
        )
    if record is None:
        raise ApiError(422, [{"loc": ["body", "file"], "msg": "field required", "type": "value_error.missing"}])
    st.files[record.uuid] = record
    return web.json_response(record.as_json())


def file_of(request: web.Request) -> FileRecord:
    return state_of(request).lookup(state_of(request).files, request, "File")


async def list_files(request: web.Request) -> web.Response:
    return list_json([f.as_json() for f in state_of(request).files.values()], request)


async def file_info(request: web.Request) -> web.Response:
    return web.json_response(file_of(request).as_json())


async def file_download(request: web.Request) -> web.StreamResponse:
    record = file_of(request)
    return await common.serve_file(request, record.path, record.name)


async def delete_file(request: web.Request) -> web.Response:
    record = file_of(request)
    state_of(request).files.pop(record.uuid)
    shutil.rmtree(record.path.parent, ignore_errors=True)
    return web.json_response({"detail": "deleted"})


async def publish_file(request: web.Request) -> web.Response:
    """``POST files/{uuid}/publish/`` (form): a task importing the file into a new vector layer."""
    st = state_of(request)
    record = file_of(request)
    form = await form_of(request)
    if form.get("publish_as", "vector") != "vector":
        raise ApiError(
            422,
            [{"loc": ["body", "publish_as"], "msg": "only publish_as=vector is supported here", "type": "value_error"}],
        )
    name = form.get("layer_name")
    if not name:
        raise ApiError(422, [{"loc": ["body", "layer_name"], "msg": "field required", "type": "value_error.missing"}])
    srid = store.as_int(form.get("input_srid"), 3857, "input_srid")
    uuid = str(_uuid.uuid4())
    dest = st.store / f"{uuid}.gpkg"

    def work() -> dict:
        return files.import_layer(record, dest, name, form.get("input_layer"), form.get("input_dataset"), srid)

    def commit(info: dict) -> dict:
        layer = Layer(id=st.new_id(), uuid=uuid, name=name, path=dest, source_layer=name, **info)
        st.layers[uuid] = layer
        return {"layer_uuid": uuid, "layer_id": layer.id}

    task = start_task(st, f"Publish {record.name} as {name}", work, commit)
    return web.json_response({"task_id": task.uuid})


async def export_layer(request: web.Request) -> web.Response:
    """``POST vectorLayers/{uuid}/export/`` (form): a task writing the layer with ogr2ogr to a new file."""
    st = state_of(request)
    layer = st.layer(request)
    form = await form_of(request)
    fmt = form.get("out_format")
    if fmt not in store.EXPORT_FORMATS:
        raise ApiError(
            422,
            [
                {
                    "loc": ["body", "out_format"],
                    "msg": f"value is not a valid enumeration member; permitted: {', '.join(store.EXPORT_FORMATS)}",
                    "type": "type_error.enum",
                }
            ],
        )
    params = dict(form)
    for key in ("fields", "feature_ids"):
        if isinstance(params.get(key), str):
            params[key] = [v.strip() for v in params[key].strip("[]").replace("'", "").split(",") if v.strip()]
    if isinstance(params.get("bbox"), list):
        params["bbox"] = ",".join(params["bbox"])
    if params.get("out_srid"):
        store.as_int(params["out_srid"], 3857, "out_srid")
    # Validate the filters up front (a bad q is a 422, not a failed task).
    await run_sync(store.validate_filters, layer, {k: params.get(k) for k in ("q", "bbox", "bbox_srid", "feature_ids")})
    task_uuid = str(_uuid.uuid4())
    folder = st.exports / task_uuid / "out"

    def work() -> Path:
        return files.export_layer(layer, folder, params)

    def commit(path: Path) -> dict:
        record = FileRecord(
            id=st.new_id(),
            uuid=str(_uuid.uuid4()),
            name=path.name,
            path=path,
            size=path.stat().st_size,
            file_type=store.UPLOAD_TYPES.get(path.suffix.lower(), "Document"),
        )
        st.files[record.uuid] = record
        return {"file_uuid": record.uuid, "file_name": record.name}

    task = start_task(st, f"Export {layer.name} as {fmt}", work, commit, task_uuid)
    return web.json_response({"task_id": task.uuid})


# ------------------------------------------------------------------------------------------------ tasks


def task_of(request: web.Request) -> Task:
    return state_of(request).lookup(state_of(request).tasks, request, "Task")


async def list_tasks(request: web.Request) -> web.Response:
    items = sorted((t.as_json() for t in state_of(request).tasks.values()), key=lambda item: item["id"], reverse=True)
    state = request.query.get("state")
    if state:
        if state not in ("PENDING", "PROGRESS", "SUCCESS", "FAILURE", "ABORTED"):
            raise ApiError(
                422,
                [
                    {
                        "loc": ["query", "state"],
                        "msg": "value is not a valid enumeration member",
                        "type": "type_error.enum",
                    }
                ],
            )
        items = [item for item in items if item["state"] == state]
    return list_json(items, request)


async def get_task(request: web.Request) -> web.Response:
    return web.json_response(task_of(request).as_json())


async def task_status(request: web.Request) -> web.Response:
    task = task_of(request)
    return web.json_response({"current": task.current, "total": task.total, "state": task.state})


async def abort_task(request: web.Request) -> web.Response:
    task = task_of(request)
    if not task.final:
        task.abort_requested = True
        task.state = "ABORTED"
        task.result = {"detail": {"msg": "Task aborted by the user"}}
        task.finished_at = store.now()
    return web.json_response(task.as_json())


# ------------------------------------------------------------------------------------------------- app


def build_app(folder: Path, catalog_size: int = 0, big_layer: int = 0) -> web.Application:
    app = common.make_app("geobox", error_body)
    app.middlewares.append(error_middleware)
    app.middlewares.append(auth_middleware)
    app.middlewares.append(writes.middleware(state_of))  # read-only layers, write faults (geobox_writes.py)
    store.count_answer(0)  # a wrong GEOBOX_COUNT_SHAPE stops the start, not a later request
    app["state"] = State(folder, catalog_size, big_layer)
    router = app.router

    def add(method: str, path: str, handler: Callable) -> None:
        """Route ``path`` with and without its trailing slash (the SDK uses both)."""
        router.add_route(method, API + path, handler)
        alt = path[:-1] if path.endswith("/") else path + "/"
        router.add_route(method, API + alt, handler)

    add("POST", "/auth/token/", token)
    add("GET", "/users/me/", me)
    for prefix in ("/vectorLayers", "/vectorLayerViews"):
        add("GET", f"{prefix}/", list_layers)
        add("GET", f"{prefix}/get-layers/", layers_by_ids)
        add("GET", f"{prefix}/{{uuid}}/", get_layer)
        add("PUT", f"{prefix}/{{uuid}}/", update_layer)
        add("DELETE", f"{prefix}/{{uuid}}/", delete_layer)
        add("GET", f"{prefix}/{{uuid}}/fields/", layer_fields)
        add("GET", f"{prefix}/{{uuid}}/features/", features)
        add("POST", f"{prefix}/{{uuid}}/features/", create_feature)
        add("GET", f"{prefix}/{{uuid}}/features/{{fid}}/", get_feature)
        add("PUT", f"{prefix}/{{uuid}}/features/{{fid}}/", update_feature)
        add("DELETE", f"{prefix}/{{uuid}}/features/{{fid}}/", delete_feature)
        add("GET", f"{prefix}/{{uuid}}/tiles/{{z}}/{{x}}/{{y}}.pbf", layer_tile)
        add("GET", f"{prefix}/{{uuid}}/tilejson.json", layer_tilejson)
        add("POST", f"{prefix}/{{uuid}}/export/", export_layer)
    add("POST", "/vectorLayers/", create_layer)
    writes.routes(add, state_of, store)
    app.router.add_post("/__geobox__/write_faults", writes.add_write_fault)
    add("GET", "/tilesets/", list_tilesets)
    add("POST", "/tilesets/", create_tileset)
    add("GET", "/tilesets/{uuid}/", get_tileset)
    add("GET", "/tilesets/{uuid}/layers/", tileset_layers)
    add("GET", "/tilesets/{uuid}/tilejson.json", tileset_tilejson)
    add("GET", "/tilesets/{uuid}/tiles/{z}/{x}/{y}.pbf", tileset_tile)
    add("GET", "/rasters/", list_rasters)
    add("GET", "/rasters/{uuid}/", get_raster)
    add("GET", "/rasters/{uuid}/info/", raster_info)
    add("GET", "/rasters/{uuid}/statistics/", raster_statistics)
    add("GET", "/rasters/{uuid}/point", raster_point)
    add("GET", "/rasters/{uuid}/download/", raster_download)
    add("GET", "/rasters/{uuid}/content/", raster_download)
    add("GET", "/rasters/{uuid}/tiles/{z}/{x}/{y}.png", raster_tile)
    add("GET", "/rasters/{uuid}/render/{z}/{x}/{y}.png", raster_tile)
    add("GET", "/rasters/{uuid}/tilejson.json", raster_tilejson)
    add("GET", "/files/", list_files)
    add("POST", "/files/", upload_file)
    add("GET", "/files/{uuid}/", file_info)
    add("GET", "/files/{uuid}/info/", file_info)
    add("DELETE", "/files/{uuid}/", delete_file)
    add("GET", "/files/{uuid}/download/", file_download)
    add("POST", "/files/{uuid}/publish/", publish_file)
    add("GET", "/tasks/", list_tasks)
    add("GET", "/tasks/{uuid}/", get_task)
    add("GET", "/tasks/{uuid}/status/", task_status)
    add("POST", "/tasks/{uuid}/abort/", abort_task)
    return app


def main() -> None:
    args = common.arg_parser(__doc__.splitlines()[0]).parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    common.run(build_app(args.data_dir, args.catalog_size, args.big_layer), args)


if __name__ == "__main__":
    main()
