"""Dataset uploads of the local AmigoCloud server (see ``amigocloud.py``): ``datasets/upload`` and
``datasets/chunked_upload`` + ``chunked_upload/complete``, as the official SDK's ``upload_datafile`` speaks them.

* ``POST {project}/datasets/upload``: multipart ``datafile`` (under 8,000,000 bytes) -> an import job.
* ``POST {project}/datasets/chunked_upload``: multipart ``datafile`` (one chunk), ``Content-Range: bytes a-b/total``
  and, after the first chunk, the form field ``upload_id``. Answers ``{upload_id, offset, expires}``. Checked as
  a strict chunked-upload server checks them: an unknown ``upload_id`` is 404; a chunk that does not start where
  the upload stands is ``400 {"detail": "Offsets do not match", "offset": N}`` (N: the bytes the server holds, so
  a client can continue from there); a chunk whose length is not ``b - a + 1``, a total that changes, a range past
  the total: 400.
* ``POST {project}/datasets/chunked_upload/complete``: ``{upload_id, md5[, filename]}`` (JSON or form): 400 when
  bytes are missing or the md5 of the whole file differs (the upload is then discarded), else an import job.

An import job (``/me/jobs/{id}``, kind ``upload``) loads the file with ``ogr2ogr`` into a new ``dataset_{id}`` table
of the project; it is ``STARTED`` until that is done, then ``SUCCESS`` with ``extra.dataset`` / ``extra.dataset_url``
(or ``FAILURE`` with ``extra.error``, and no dataset). Nothing appears in the project before the job succeeds.

Test-only controls (no token), under ``/__amigocloud_uploads__``:

* ``POST .../faults`` ``{"drop_at": 0.6}``: the next chunked upload's connection is cut once it has received 60 % of
  the file (the chunk being read then is not stored; ``"drop_times": n``: the next n requests crossing it); ``{"drop_answer_at": 0.6}``: the chunk that reaches 60 % is
  stored, then the connection is cut before the answer; ``{"hold_import": "name"}``: the next import job waits
  until ``POST /__release__/name`` (``GET /__holds__`` counts it); ``{"wrong_upload_id": true}``: the next answer to a
  chunk after the first names another upload id; ``{"bad_offset": true}``: the next chunk answer reports an offset it was not sent.
* ``GET .../log``: every chunk request so far ``[{upload_id, start, end, total, outcome}]`` (``stored``,
  ``dropped``, ``rejected``), and ``received``: the ``datafile`` bytes read in all.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import common
from aiohttp import BodyPartReader, web
from amigocloud_catalog import DatasetMeta, Job, api_root, dataset_url, find_project, state_of
from amigocloud_db import GEOMETRY_COLUMN

SIMPLE_LIMIT = 8_000_000
READ = 64 * 1024
_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
CONTROL = "/__amigocloud_uploads__"


@dataclass
class Upload:
    id: str
    project_id: int
    path: Path
    total: int
    offset: int = 0
    filename: str = "datafile"
    complete: bool = False


@dataclass
class Control:
    drop_at: Optional[float] = None
    drop_answer_at: Optional[float] = None
    drop_times: int = 1  # how many chunk requests ``drop_at`` cuts (a chunk sent again crosses it again)
    hold_import: str = ""
    wrong_upload_id: bool = False
    bad_offset: bool = False
    log: list[dict[str, Any]] = field(default_factory=list)
    received: int = 0
    uploads: dict[str, Upload] = field(default_factory=dict)


def control_of(request: web.Request) -> Control:
    return request.app["amigocloud_uploads"]


def _fail(status: int, detail: str, **extra: Any) -> web.Response:
    return web.json_response({"detail": detail, **extra}, status=status)


def _folder(request: web.Request) -> Path:
    folder = state_of(request).data_dir / "uploads"
    folder.mkdir(exist_ok=True)
    return folder


# -- import jobs --------------------------------------------------------------------------------------------
_GEOMETRY_TYPES = {
    0: "GEOMETRY",
    1: "POINT",
    2: "LINESTRING",
    3: "POLYGON",
    4: "MULTIPOINT",
    5: "MULTILINESTRING",
    6: "MULTIPOLYGON",
    7: "GEOMETRYCOLLECTION",
}
_DIMENSIONS = {0: "XY", 1: "XYZ", 2: "XYM", 3: "XYZM"}


def _load_into_db(state: Any, source: Path, dataset_id: int) -> None:
    """Load the file's first layer into ``dataset_{id}`` (EPSG:4326) with an ``amigo_id``, or raise.

    ``ogr2ogr`` writes a SpatiaLite file of its own, and the server's connection copies that table in: GDAL
    opening the shared database for update while the server uses it corrupted its schema (duplicate triggers)."""
    table = f"dataset_{dataset_id}"
    incoming = source.with_name(f"{table}.sqlite")
    incoming.unlink(missing_ok=True)
    command = ["ogr2ogr", "-f", "SQLite", "-dsco", "SPATIALITE=YES", str(incoming), str(source), "-nln", table]
    command += ["-t_srs", "EPSG:4326", "-lco", "FID=ogc_fid", "-lco", f"GEOMETRY_NAME={GEOMETRY_COLUMN}"]
    result = subprocess.run(command, capture_output=True, text=True)
    try:
        if result.returncode != 0:
            raise ValueError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "Unreadable file")
        with state.db.lock:
            conn = state.db.conn
            conn.execute("ATTACH DATABASE ? AS incoming", (str(incoming),))
            try:
                (create,) = conn.execute(
                    "SELECT sql FROM incoming.sqlite_master WHERE type = 'table' AND name = ?", (table,)
                ).fetchone()
                geometry = conn.execute(
                    "SELECT geometry_type FROM incoming.geometry_columns WHERE f_table_name = ?", (table,)
                ).fetchone()
                conn.execute(create)
                conn.execute(f"INSERT INTO main.{table} SELECT * FROM incoming.{table}")
            finally:
                conn.execute("DETACH DATABASE incoming")
            if geometry is not None:
                kind, dims = _GEOMETRY_TYPES[geometry[0] % 1000], _DIMENSIONS[geometry[0] // 1000]
                conn.execute("SELECT RecoverGeometryColumn(?, ?, 4326, ?, ?)", (table, GEOMETRY_COLUMN, kind, dims))
            conn.execute(f"ALTER TABLE {table} ADD COLUMN amigo_id TEXT")
            conn.execute(f"UPDATE {table} SET amigo_id = lower(hex(randomblob(16)))")
    finally:
        incoming.unlink(missing_ok=True)


def _free_dataset_id(state: Any) -> int:
    """A dataset id no dataset, table or running import has (imports run side by side; other tests may have
    left tables of their own in the database), reserved at once."""
    reserved: set[int] = state.__dict__.setdefault("reserved_upload_ids", set())
    with state.db.lock:
        tables = {row[0] for row in state.db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    dataset_id = max([*state.datasets, *reserved, 100]) + 1
    while f"dataset_{dataset_id}" in tables:
        dataset_id += 1
    reserved.add(dataset_id)
    return dataset_id


async def _import(request: web.Request, job: Job, project_id: int, source: Path, name: str, hold: str) -> None:
    state = state_of(request)
    if hold:
        await common.hold(request, hold)
    try:
        dataset_id = _free_dataset_id(state)
        await asyncio.to_thread(_load_into_db, state, source, dataset_id)
    except Exception as exc:  # a failed import is a FAILURE with its reason, never a "success" without a dataset
        job.error = f"Could not import {name}: {exc}"
        return
    finally:
        source.unlink(missing_ok=True)
    meta = DatasetMeta(dataset_id, project_id, name)
    state._add(meta)
    job.extra.update(dataset=dataset_id, dataset_url=dataset_url(request, meta))


def _start_import(request: web.Request, project_id: int, source: Path, filename: str) -> web.Response:
    control = control_of(request)
    hold, control.hold_import = control.hold_import, ""
    name = Path(filename).stem or "upload"
    job = Job(uuid.uuid4().hex, "upload", time.time(), extra={"filename": filename})
    job.task = asyncio.get_running_loop().create_task(_import(request, job, project_id, source, name, hold))
    state_of(request).jobs[job.id] = job
    url = f"{api_root(request)}/me/jobs/{job.id}"
    return web.json_response({"job": job.id, "status": "PENDING", "url": url})


def upload_status(job: Job) -> str:
    """An import job's status: STARTED until its file is loaded (or refused)."""
    if job.task is not None and not job.task.done():
        return "STARTED"
    return "FAILURE" if job.error else "SUCCESS"


# -- requests -----------------------------------------------------------------------------------------------
async def _form(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return {}
        return body if isinstance(body, dict) else {}
    return dict(await request.post())


async def simple_upload(request: web.Request) -> web.Response:
    """``datasets/upload``: the whole file in one multipart request."""
    project = find_project(request)
    reader = await request.multipart()
    target = _folder(request) / uuid.uuid4().hex
    filename, size = "", 0
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name != "datafile":
            continue
        filename = part.filename or "datafile"
        with target.open("wb") as out:
            while chunk := await part.read_chunk(READ):
                size += len(chunk)
                if size >= SIMPLE_LIMIT:
                    target.unlink(missing_ok=True)
                    return _fail(400, "File too large for a simple upload: use chunked_upload.")
                out.write(chunk)
    if not filename:
        return _fail(400, "No datafile was submitted.")
    return _start_import(request, project.id, target, filename)


def _drop_point(control: Control, total: int) -> tuple[Optional[int], bool]:
    """(byte of the file at which to cut, whether the chunk is stored first), for a queued drop fault."""
    if control.drop_at is not None:
        return int(total * control.drop_at), False
    if control.drop_answer_at is not None:
        return int(total * control.drop_answer_at), True
    return None, False


async def _read_chunk(part: BodyPartReader, upload: Upload, start: int, cut: Optional[int], request: web.Request):
    """The chunk's bytes, or None when the connection was cut at byte ``cut`` of the file."""
    control, data = control_of(request), bytearray()
    while piece := await part.read_chunk(READ):
        control.received += len(piece)
        data += piece
        if cut is not None and start + len(data) >= cut:
            return None
    return bytes(data)


async def chunked_upload(request: web.Request) -> web.Response:
    """One chunk of a chunked upload."""
    project = find_project(request)
    control = control_of(request)
    entry: dict[str, Any] = {"upload_id": "", "start": None, "end": None, "total": None, "outcome": "rejected"}
    control.log.append(entry)
    match = _RANGE.match(request.headers.get("Content-Range", "").strip())
    if not match:
        return _fail(400, "A Content-Range header (bytes a-b/total) is required.")
    start, end, total = (int(value) for value in match.groups())
    entry.update(start=start, end=end, total=total)
    if end < start or end >= total:
        return _fail(400, "Content-Range is not a range of the file.")
    reader = await request.multipart()
    fields: dict[str, str] = {}
    chunk: Optional[bytes] = None
    upload: Optional[Upload] = None
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name != "datafile":
            fields[str(part.name)] = (await part.read()).decode()
            continue
        upload_id = fields.get("upload_id", "")
        entry["upload_id"] = upload_id
        if upload_id:
            upload = control.uploads.get(upload_id)
            if upload is None or upload.project_id != project.id:
                return _fail(404, "Not found.")
            if upload.complete:
                return _fail(400, 'Upload has already been marked as "complete"')
            if upload.total != total:
                return _fail(400, "The total size changed during the upload.")
        else:
            upload = Upload(uuid.uuid4().hex, project.id, _folder(request) / uuid.uuid4().hex, total)
            upload.filename = part.filename or "datafile"
            entry["upload_id"] = upload.id
        if start != upload.offset:
            return _fail(400, "Offsets do not match", offset=upload.offset)
        cut, store_first = _drop_point(control, total)
        if cut is not None and not (start < cut <= end + 1):
            cut = None  # the fault waits for the chunk that crosses it
        chunk = await _read_chunk(part, upload, start, None if store_first else cut, request)
        if chunk is None:
            control.drop_times -= 1
            if control.drop_times <= 0:
                control.drop_at, control.drop_times = None, 1
            entry["outcome"] = "dropped"
            common.cut_connection(request)
            return web.Response(status=400)
        if len(chunk) != end - start + 1:
            return _fail(400, "File size doesn't match headers")
        control.uploads[upload.id] = upload
        with upload.path.open("ab") as out:
            out.write(chunk)
        upload.offset += len(chunk)
        entry["outcome"] = "stored"
        if store_first and cut is not None:
            control.drop_answer_at = None
            common.cut_connection(request)
            return web.Response(status=500)
    if upload is None:
        return _fail(400, "No chunk file was submitted")
    answer = {"upload_id": upload.id, "offset": upload.offset, "expires": "2099-01-01T00:00:00Z"}
    if control.wrong_upload_id and fields.get("upload_id"):  # an upload under way answered for another
        control.wrong_upload_id, answer["upload_id"] = False, uuid.uuid4().hex
    if control.bad_offset:
        control.bad_offset, answer["offset"] = False, upload.offset + 12345
    return web.json_response(answer)


async def chunked_complete(request: web.Request) -> web.Response:
    """``chunked_upload/complete``: check the size and md5, then import."""
    project = find_project(request)
    control = control_of(request)
    body = await _form(request)
    upload_id, md5 = str(body.get("upload_id") or ""), str(body.get("md5") or "")
    if not upload_id or not md5:
        return _fail(400, "Both 'upload_id' and 'md5' are required")
    upload = control.uploads.get(upload_id)
    if upload is None or upload.project_id != project.id:
        return _fail(404, "Not found.")
    if upload.complete:
        return _fail(400, 'Upload has already been marked as "complete"')
    if upload.offset != upload.total:
        return _fail(400, f"Upload is incomplete: {upload.offset} of {upload.total} bytes received.")
    digest = await asyncio.to_thread(_md5_of, upload.path)
    if digest != md5.lower():
        control.uploads.pop(upload_id, None)
        upload.path.unlink(missing_ok=True)
        return _fail(400, "md5 checksum does not match")
    upload.complete = True
    filename = str(body.get("filename") or upload.filename)
    return _start_import(request, project.id, upload.path, filename)


def _md5_of(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as source:
        while block := source.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


# -- test controls ------------------------------------------------------------------------------------------
async def set_faults(request: web.Request) -> web.Response:
    control = control_of(request)
    body = await request.json()
    for key in ("drop_at", "drop_times", "drop_answer_at", "hold_import", "wrong_upload_id", "bad_offset"):
        if key in body:
            setattr(control, key, body[key])
    return web.json_response({"ok": True})


async def upload_log(request: web.Request) -> web.Response:
    control = control_of(request)
    return web.json_response({"chunks": control.log, "received": control.received})


async def clear_log(request: web.Request) -> web.Response:
    control = control_of(request)
    control.log.clear()
    control.received = 0
    control.drop_at = control.drop_answer_at = None
    control.drop_times = 1
    control.hold_import, control.wrong_upload_id, control.bad_offset = "", False, False
    return web.json_response({"ok": True})


def add_upload_routes(route: Callable[[str, str, common.Handler], None], prefix: str) -> None:
    """The upload routes below one project prefix (``route`` adds them with and without a trailing slash)."""
    route("POST", prefix + "/datasets/upload", simple_upload)
    route("POST", prefix + "/datasets/chunked_upload", chunked_upload)
    route("POST", prefix + "/datasets/chunked_upload/complete", chunked_complete)


def add_upload_controls(app: web.Application) -> None:
    """The test-only controls and the uploads' state."""
    app["amigocloud_uploads"] = Control()
    app.router.add_post(CONTROL + "/faults", set_faults)
    app.router.add_get(CONTROL + "/log", upload_log)
    app.router.add_delete(CONTROL + "/log", clear_log)
