"""A local AmigoCloud server: the REST API, the SQL API over real SpatiaLite tables, export jobs, raster
tiles and realtime events over Socket.IO -- enough of the platform for the official ``amigocloud`` SDK and
for Geodock's client (contract: ``/work/shared/api/amigocloud.md``).

Run as ``python amigocloud.py --host 127.0.0.1 --port P --data-dir D [--catalog-size N] [--big-layer N]``;
the API root is ``http://host:P/api/v1/``.

Credentials (``?token=`` on every API call, never a header):

* ``R:demo-amigocloud-token``          user token of user 1 (``demo@geodock.local``);
* ``C:demo-amigocloud-project-token``  project token of project 1 (``project_url = users/1/projects/1``):
  only URLs below that project (and ``/projects/1``) answer; anything else ``403``.

Errors are DRF's: ``401 {"detail": "Invalid token."}`` (wrong token), ``401 {"detail": "Authentication
credentials were not provided."}`` (none), ``403``/``404`` ``{"detail": ...}``. SQL errors are ``400
{"error": ["<engine message>"], "detail": "<engine message>", "position": N}`` (``error`` as GDAL's
AmigoCloud driver expects it; ``position`` 1-based when the engine names the offending token).

Catalog (ids are stable):

* project 1 "World" (owner 1): datasets 1 ``countries``, 2 ``states_provinces``, 3 ``disputed_borders``
  (EPSG:4326), 4 ``country_codes`` (no geometry) and, with ``--big-layer N``, 6 ``points`` (N points);
* project 2 "Live": dataset 5 ``vehicles``, five points that move every second (realtime events);
* project 3 "Catalog" (only with ``--catalog-size N``): N generated datasets 1001.. (no table behind them).

Owner ``0`` in ``/users/0/projects/...`` means the caller (GDAL's AmigoCloud driver uses it); routes answer
with and without a trailing slash. The SQL API runs on SQLite + SpatiaLite (``amigocloud_db.py``): the
PostGIS functions clients send are mapped (``ST_AsGeoJSON``, ``ST_AsText``, ``ST_SetSRID``, ``ST_MakePoint``,
``ST_MakeEnvelope``, ``ST_Extent`` -> ``BOX(...)``, ``Find_SRID``, ``current_schema()``), geometry values are
hex WKB, column types are AmigoCloud's (``string``, ``integer``, ``float``, ``date``, ``geometry`` ...);
GET runs reads only (default ``limit`` 10,000), POST ``{"query"}`` also writes (``count`` = rows affected).
Export links (``/exports/{job}/{file}``) need no token. Faults (``/__faults__``) also match the Socket.IO
polling requests unless given a ``path``.

Datasets carry a ``permission_level`` (a ``viewer`` dataset refuses SQL writes with 403), and SQL writes can be
made to fail half-way: ``amigocloud_writes.py`` (``/__amigocloud__/permission``, ``/__amigocloud__/write_faults``).
A write with ``RETURNING`` answers the rows it returned in ``data``.

Test-only endpoints (no token): ``POST /__realtime__`` ``{"rate": events_per_second, "seconds": s
[, "dataset_id": d]}`` bursts ``realtime`` events; ``POST /__realtime__/drop`` disconnects every socket;
``GET /__realtime__/sockets`` -> ``{"sockets": n}`` counts the sockets open now (and changes nothing).
Environment: ``AMIGOCLOUD_JOB_SECONDS`` (export job duration, default 2), ``AMIGOCLOUD_REALTIME_INTERVAL``
(seconds between moves, default 1).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import time
import uuid
from typing import Any, Optional
from urllib.parse import urlencode

import common
from aiohttp import web
from amigocloud_catalog import (
    API,
    DEFAULT_SQL_LIMIT,
    MAX_SQL_LIMIT,
    PROJECT_TOKEN,
    USER,
    USER_TOKEN,
    DatasetMeta,
    Job,
    Project,
    State,
    _now,
    api_root,
    dataset_url,
    error_body,
    fail,
    find_dataset,
    find_project,
    project_url,
    state_of,
)
from amigocloud_db import GEOMETRY_COLUMN, SQLError, is_write
from amigocloud_render import EXPORT_FORMATS, export_command, render_tile
from amigocloud_upload import add_upload_controls, add_upload_routes, upload_status
from amigocloud_writes import add_controls as add_write_controls
from amigocloud_writes import refuse_write


# -- auth ---------------------------------------------------------------------------------------------------
def _project_scope_ok(path: str) -> bool:
    rest = path[len(API) :]
    for prefix in (f"/users/{USER['id']}/projects/1", "/projects/1"):
        if rest == prefix or rest.startswith(prefix + "/"):
            return True
    return False


@web.middleware
async def auth_middleware(request: web.Request, handler: common.Handler) -> web.StreamResponse:
    """``?token=`` on every ``/api/v1`` call; JSON 404 bodies for unknown API routes."""
    if request.path.startswith(API):
        token = request.query.get("token")
        if not token:
            return error_body(401, "Authentication credentials were not provided.")
        if token == PROJECT_TOKEN:
            if not _project_scope_ok(request.path):
                return error_body(403, "You do not have permission to perform this action.")
            request["token_kind"] = "project"
        elif token == USER_TOKEN:
            request["token_kind"] = "user"
        else:
            return error_body(401, "Invalid token.")
    try:
        return await handler(request)
    except web.HTTPNotFound as exc:
        if request.path.startswith(API) and exc.content_type != "application/json":
            return error_body(404, "Not found.")
        raise
    except web.HTTPMethodNotAllowed:
        return error_body(405, f'Method "{request.method}" not allowed.')


# -- paging -------------------------------------------------------------------------------------------------
def _int(request: web.Request, name: str, default: int, maximum: int) -> int:
    try:
        value = int(request.query.get(name, default))
    except ValueError:
        raise fail(400, f"Invalid {name}.") from None
    return max(0, min(value, maximum))


def page_links(request: web.Request, offset: int, limit: int, total: int) -> tuple[Optional[str], Optional[str]]:
    """DRF-style ``next``/``previous`` URLs: the request's URL with ``limit``/``offset`` replaced."""
    base = common.base_url(request) + request.path

    def link(new_offset: int) -> str:
        query = {key: value for key, value in request.query.items() if key not in ("limit", "offset")}
        query.update(limit=str(limit), offset=str(new_offset))
        return base + "?" + urlencode(query)

    following = link(offset + limit) if limit and offset + limit < total else None
    previous = link(max(0, offset - limit)) if offset > 0 else None
    return following, previous


def paged(request: web.Request, total: int, items: Any, default_limit: int = 20) -> web.Response:
    """``{count, next, previous, results}`` over ``items(offset, limit)``."""
    limit = _int(request, "limit", default_limit, 1000) or default_limit
    offset = _int(request, "offset", 0, 10**9)
    following, previous = page_links(request, offset, limit, total)
    return web.json_response({"count": total, "next": following, "previous": previous, "results": items(offset, limit)})


# -- users and projects -------------------------------------------------------------------------------------
async def me(request: web.Request) -> web.Response:
    root = api_root(request)
    return web.json_response(
        {
            **USER,
            "url": f"{root}/users/{USER['id']}",
            "visible_projects": f"{root}/me/projects",
            "projects": f"{root}/users/{USER['id']}/projects",
            "start_websocket_session": f"{root}/me/start_websocket_session",
            "jobs": f"{root}/me/jobs",
            "is_active": True,
            "date_joined": "2025-03-01T09:00:00Z",
        }
    )


def project_json(request: web.Request, project: Project) -> dict[str, Any]:
    url = project_url(request, project.id)
    return {
        "id": project.id,
        "name": project.name,
        "description": project.description,
        "url": url,
        "owner": f"{api_root(request)}/users/{USER['id']}",
        "owner_id": USER["id"],
        "datasets": f"{url}/datasets",
        "sql": f"{url}/sql",
        "hash": f"p{project.id:08x}",
        "preview_image": None,
        "created": project.created,
        "modified": project.created,
        "dataset_count": len(state_of(request).project_dataset_ids(project)),
    }


async def my_projects(request: web.Request) -> web.Response:
    projects = sorted(state_of(request).projects.values(), key=lambda p: p.id)
    return paged(request, len(projects), lambda o, n: [project_json(request, p) for p in projects[o : o + n]])


async def create_project(request: web.Request) -> web.Response:
    """``POST /me/projects`` ``{name, description}``; announces ``project:creation_succeeded`` to the user."""
    if request.get("token_kind") != "user":
        raise fail(403, "You do not have permission to perform this action.")
    try:
        body = await request.json()
    except json.JSONDecodeError:
        body = dict(await request.post())
    name = str(body.get("name") or "").strip()
    if not name:
        return web.json_response({"name": ["This field is required."]}, status=400)
    state = state_of(request)
    project = Project(max(state.projects) + 1, name, str(body.get("description") or ""), created=_now())
    state.projects[project.id] = project
    payload = project_json(request, project)

    async def announce() -> None:
        await asyncio.sleep(0.2)
        event = {"project_id": project.id, "project_name": project.name, "project_url": payload["url"]}
        await state.realtime.user_event(USER["id"], "project:creation_succeeded", event)

    asyncio.get_running_loop().create_task(announce())
    return web.json_response(payload, status=201)


async def project_detail(request: web.Request) -> web.Response:
    return web.json_response(project_json(request, find_project(request)))


# -- datasets -----------------------------------------------------------------------------------------------
def dataset_summary(request: web.Request, meta: DatasetMeta) -> dict[str, Any]:
    url = dataset_url(request, meta)
    return {
        "id": meta.id,
        "name": meta.name,
        "description": meta.description,
        "url": url,
        "visible": True,
        "type": "vector",
        "hash": f"d{meta.id:08x}",
        "preview_image": f"{url}/tiles/0/0/0.png" if meta.spatial and meta.has_table else None,
        "project": project_url(request, meta.project_id),
        "realtime": meta.realtime,
    }


async def dataset_json(request: web.Request, meta: DatasetMeta) -> dict[str, Any]:
    url = dataset_url(request, meta)
    state = state_of(request)
    stats = await asyncio.to_thread(state.db.stats, meta.id, meta.spatial) if meta.has_table else {}
    extent = stats.get("extent")
    bbox = None
    if extent:
        x0, y0, x1, y1 = extent
        bbox = f"SRID=4326;POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"
    return {
        **dataset_summary(request, meta),
        "table_name": f"dataset_{meta.id}",
        "geometry_column": GEOMETRY_COLUMN if meta.spatial else None,
        "geometry_type": stats.get("geometry_type"),
        "srid": 4326 if meta.spatial else None,
        "feature_count": stats.get("feature_count", 0),
        "extent": extent,
        "boundingbox": bbox,
        "tiles": f"{url}/tiles",
        "export": f"{url}/export",
        "submit_change": f"{url}/submit_change",
        "schema": f"{url}/schema",
        "start_websocket_session": f"{url}/start_websocket_session",
        "sql": f"{project_url(request, meta.project_id)}/sql",
        "primary_key": "amigo_id",
        "permission_level": meta.permission_level,
        "created": "2026-01-05T10:00:00Z",
    }


async def datasets(request: web.Request) -> web.Response:
    state = state_of(request)
    project = find_project(request)
    ids = state.project_dataset_ids(project)
    wanted = request.query.get("type")
    if wanted and wanted != "vector":
        ids = []

    def items(offset: int, limit: int) -> list[dict[str, Any]]:
        return [dataset_summary(request, state.dataset(i)) for i in ids[offset : offset + limit]]

    if "summary" in request.query:
        return paged(request, len(ids), items)
    # Without ``?summary`` each item is the whole dataset (geometry type and column, count, extent...).
    offset, limit = _int(request, "offset", 0, 10**9), _int(request, "limit", 20, 1000) or 20
    full = [await dataset_json(request, state.dataset(i)) for i in ids[offset : offset + limit]]
    return paged(request, len(ids), lambda o, n: full)


async def dataset_detail(request: web.Request) -> web.Response:
    return web.json_response(await dataset_json(request, find_dataset(request)))


_TYPES = {
    "INTEGER": "integer",
    "BIGINT": "integer",
    "REAL": "float",
    "FLOAT": "float",
    "DOUBLE": "float",
    "TEXT": "string",
    "VARCHAR": "string",
    "DATE": "date",
    "DATETIME": "datetime",
    "BOOLEAN": "boolean",
}


async def dataset_schema(request: web.Request) -> web.Response:
    meta = find_dataset(request)
    columns = await asyncio.to_thread(state_of(request).db.table_columns, meta.id) if meta.has_table else []
    schema = []
    for name, declared in columns:
        if name == "ogc_fid":
            continue
        kind = "geometry" if name == GEOMETRY_COLUMN else _TYPES.get(declared.split("(")[0], "string")
        schema.append(
            {
                "name": name,
                "type": kind,
                "db_type": declared.lower() or "text",
                "nullable": name != "amigo_id",
                "visible": name != "amigo_id",
            }
        )
    return web.json_response(
        {
            "schema": schema,
            "table_name": f"dataset_{meta.id}",
            "geometry_column": GEOMETRY_COLUMN if meta.spatial else None,
        }
    )


async def dataset_relationships(request: web.Request) -> web.Response:
    find_dataset(request)
    return web.json_response({"count": 0, "next": None, "previous": None, "results": []})


# -- websocket sessions -------------------------------------------------------------------------------------
def _user_only(request: web.Request) -> None:
    if request.get("token_kind") != "user":
        raise fail(403, "Project tokens cannot use websockets.")


async def user_websocket_session(request: web.Request) -> web.Response:
    _user_only(request)
    return web.json_response({"websocket_session": state_of(request).realtime.new_session(USER["id"])})


async def dataset_websocket_session(request: web.Request) -> web.Response:
    _user_only(request)
    meta = find_dataset(request)
    return web.json_response({"websocket_session": state_of(request).realtime.new_session(USER["id"], meta.id)})


# -- SQL ----------------------------------------------------------------------------------------------------
def sql_error(exc: SQLError) -> web.Response:
    body: dict[str, Any] = {"error": [exc.message], "detail": exc.message}
    if exc.position is not None:
        body["position"] = exc.position
    return web.json_response(body, status=400)


async def _run_sql(request: web.Request, query: str, write_allowed: bool) -> web.Response:
    state = state_of(request)
    if not query.strip():
        return web.json_response(
            {"error": ["The query is empty."], "detail": "The query is empty.", "query": ["This field is required."]},
            status=400,
        )
    offset = _int(request, "offset", 0, 10**9)
    limit = _int(request, "limit", DEFAULT_SQL_LIMIT, MAX_SQL_LIMIT) or DEFAULT_SQL_LIMIT
    try:
        if is_write(query) and not write_allowed:
            message = "Only SELECT queries are allowed with GET; POST writes."
            return web.json_response({"error": [message], "detail": message}, status=400)
        if is_write(query):
            refused = refuse_write(request, query, lambda d: getattr(state.dataset(d), "permission_level", None))
            if refused is not None:
                return refused
            result = await asyncio.to_thread(state.db.execute, query)
            return web.json_response({"query": query, **result, "next": None, "previous": None})
        result = await asyncio.to_thread(state.db.select, query, offset, limit)
    except SQLError as exc:
        return sql_error(exc)
    following, previous = page_links(request, offset, limit, result["count"])
    return web.json_response({"query": query, **result, "next": following, "previous": previous})


async def sql_get(request: web.Request) -> web.Response:
    find_project(request)
    return await _run_sql(request, request.query.get("query", ""), write_allowed=False)


async def sql_post(request: web.Request) -> web.Response:
    find_project(request)
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = dict(await request.post())
    query = str((body or {}).get("query") or request.query.get("query", ""))
    return await _run_sql(request, query, write_allowed=True)


# -- jobs: export and submit_change -------------------------------------------------------------------------
def job_status(state: State, job: Job) -> str:
    if job.kind == "upload":  # an import: ready when its file is loaded (amigocloud_upload.py)
        return upload_status(job)
    elapsed = time.time() - job.created
    if elapsed < state.job_seconds * 0.25:
        return "PENDING"
    if elapsed < state.job_seconds or (job.task is not None and not job.task.done()):
        return "STARTED"
    return "FAILURE" if job.error else "SUCCESS"


async def _export(state: State, job: Job, meta: DatasetMeta, fmt: str, forced_failure: bool) -> None:
    """Write the export file with ogr2ogr (zip a shapefile); records an error instead of raising."""
    folder = state.exports / job.id
    folder.mkdir(parents=True)
    if forced_failure:
        job.error = "Export failed (requested by the client)."
        return
    out = folder / f"{meta.name}{EXPORT_FORMATS[fmt][1]}"
    command = export_command(state.db_path, meta.id, fmt, out)
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        job.error = err.decode(errors="replace").strip() or f"ogr2ogr exited with {process.returncode}"
        return
    if out.suffix == ".zip":
        shp = out.with_suffix("")
        await asyncio.to_thread(shutil.make_archive, str(shp), "zip", str(shp))
        shutil.rmtree(shp, ignore_errors=True)
    job.file = out


async def dataset_export(request: web.Request) -> web.Response:
    """``POST {dataset.export}`` ``{"format": ...}`` -> ``{job}``; ``"fail": true`` makes the job end FAILURE."""
    meta = find_dataset(request)
    try:
        body = await request.json()
    except json.JSONDecodeError:
        body = dict(await request.post())
    fmt = str(body.get("format") or "").lower()
    if fmt not in EXPORT_FORMATS:
        return web.json_response(
            {"format": [f'"{body.get("format")}" is not a valid choice.'], "detail": "Unsupported format."}, status=400
        )
    state = state_of(request)
    job = Job(uuid.uuid4().hex, "export", time.time(), extra={"format": body.get("format"), "dataset": meta.id})
    job.task = asyncio.get_running_loop().create_task(_export(state, job, meta, fmt, bool(body.get("fail"))))
    state.jobs[job.id] = job
    return web.json_response({"job": job.id, "status": "PENDING", "url": f"{api_root(request)}/me/jobs/{job.id}"})


async def submit_change(request: web.Request) -> web.Response:
    """Accept a change (``{"change": "<JSON>"}``), check its JSON and answer a job; the change is not applied."""
    find_dataset(request)
    try:
        body = await request.json()
    except json.JSONDecodeError:
        body = dict(await request.post())
    try:
        change = json.loads(body.get("change") or "")
        assert isinstance(change, dict) and change.get("type") in ("DDL", "DML")
    except (ValueError, AssertionError, TypeError):
        return web.json_response({"change": ["A JSON object with type DDL or DML is required."]}, status=400)
    state = state_of(request)
    job = Job(uuid.uuid4().hex, "submit_change", time.time(), extra={"change": change})
    state.jobs[job.id] = job
    return web.json_response({"job": job.id, "status": "PENDING", "url": f"{api_root(request)}/me/jobs/{job.id}"})


async def job_detail(request: web.Request) -> web.Response:
    state = state_of(request)
    job = state.jobs.get(request.match_info["job"])
    if job is None:
        raise fail(404, "Not found.")
    status = job_status(state, job)
    extra = dict(job.extra)
    if status == "SUCCESS" and job.file is not None:
        extra["link"] = f"{common.base_url(request)}/exports/{job.id}/{job.file.name}"
        extra["filename"] = job.file.name
    if status == "FAILURE":
        extra["error"] = job.error
    return web.json_response(
        {
            "job": job.id,
            "id": job.id,
            "type": job.kind,
            "status": status,
            "extra": extra,
            "url": f"{api_root(request)}/me/jobs/{job.id}",
        }
    )


async def export_download(request: web.Request) -> web.StreamResponse:
    """An export file (no token: the link is a capability, like a signed URL)."""
    state = state_of(request)
    job = state.jobs.get(request.match_info["job"])
    if job is None or job.file is None or job.file.name != request.match_info["name"] or not job.file.exists():
        raise fail(404, "Not found.")
    types = {
        ".geojson": "application/geo+json",
        ".kml": "application/vnd.google-earth.kml+xml",
        ".zip": "application/zip",
        ".csv": "text/csv",
    }
    return await common.serve_file(
        request, job.file, content_type=types.get(job.file.suffix, "application/octet-stream")
    )


# -- tiles --------------------------------------------------------------------------------------------------
async def tile(request: web.Request) -> web.Response:
    meta = find_dataset(request)
    z, x, y = (int(request.match_info[key]) for key in ("z", "x", "y"))
    if z > 24 or not (0 <= x < 2**z and 0 <= y < 2**z):
        raise fail(404, "Not found.")
    if not meta.spatial or not meta.has_table:
        raise fail(404, "This dataset has no geometry.")
    png = await asyncio.to_thread(render_tile, state_of(request).db_path, meta.id, z, x, y)
    return web.Response(body=png, content_type="image/png", headers={"Cache-Control": "max-age=60"})


# -- test-only endpoints ------------------------------------------------------------------------------------
async def realtime_burst(request: web.Request) -> web.Response:
    body = await request.json()
    rate, seconds = float(body.get("rate", 10)), float(body.get("seconds", 1))
    total = await state_of(request).realtime.burst(rate, seconds, body.get("dataset_id"))
    return web.json_response({"events": total, "rate": rate, "seconds": seconds})


async def realtime_drop(request: web.Request) -> web.Response:
    return web.json_response({"dropped": await state_of(request).realtime.drop()})


async def realtime_sockets(request: web.Request) -> web.Response:
    return web.json_response({"sockets": len(state_of(request).realtime.sio.eio.sockets)})


# -- the application ----------------------------------------------------------------------------------------
def make(args: Any) -> web.Application:
    """The application for ``args`` (the common command line)."""
    state = State(args)
    app = common.make_app("amigocloud", error_body)
    app.middlewares.append(auth_middleware)
    app["state"] = state

    def route(method: str, path: str, handler: common.Handler) -> None:
        """``path`` with and without a trailing slash (the SDK adds one to a project URL)."""
        path = path.rstrip("/")
        app.router.add_route(method, path, handler)
        app.router.add_route(method, path + "/", handler)

    route("GET", f"{API}/me", me)
    route("GET", f"{API}/me/projects", my_projects)
    route("POST", f"{API}/me/projects", create_project)
    route("GET", f"{API}/me/start_websocket_session", user_websocket_session)
    route("GET", f"{API}/me/jobs/{{job}}", job_detail)
    for prefix in (f"{API}/users/{{owner}}/projects/{{pid}}", f"{API}/projects/{{pid}}"):
        route("GET", prefix, project_detail)
        route("GET", prefix + "/sql", sql_get)
        route("POST", prefix + "/sql", sql_post)
        route("GET", prefix + "/datasets", datasets)
        d = prefix + "/datasets/{did}"
        route("GET", d, dataset_detail)
        route("GET", d + "/schema", dataset_schema)
        route("GET", d + "/relationships", dataset_relationships)
        route("GET", d + "/start_websocket_session", dataset_websocket_session)
        route("POST", d + "/export", dataset_export)
        route("POST", d + "/submit_change", submit_change)
        add_upload_routes(route, prefix)
        app.router.add_get(d + r"/tiles/{z:\d+}/{x:\d+}/{y:\d+}.png", tile)
    r = app.router
    r.add_get("/exports/{job}/{name}", export_download)
    r.add_post("/__realtime__", realtime_burst)
    r.add_post("/__realtime__/drop", realtime_drop)
    r.add_get("/__realtime__/sockets", realtime_sockets)
    add_upload_controls(app)
    add_write_controls(app, lambda request: state_of(request).datasets)
    state.realtime.attach(app)

    async def close_db(app: web.Application) -> None:
        state.db.close()

    app.on_cleanup.append(close_db)
    return app


def main() -> None:
    args = common.arg_parser("Local AmigoCloud server (REST, SQL, export jobs, tiles, realtime Socket.IO)").parse_args()
    common.run(make(args), args)


if __name__ == "__main__":
    main()
