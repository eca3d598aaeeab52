"""The SpatiaLite database behind the local AmigoCloud server: real ``dataset_{id}`` tables and the SQL API.

At start-up :func:`build` loads the GeoPackages of ``data.py`` into one SpatiaLite file with ``ogr2ogr``
(``-f SQLite -dsco SPATIALITE=YES``), one table ``dataset_{id}`` per dataset, geometry column
``wkb_geometry`` (EPSG:4326) and a text ``amigo_id`` (32 hex digits, as AmigoCloud's rows have). A pristine
copy is made once per data folder and copied to a working file at every start, so writes never leak from
one server run to the next.

:class:`Database` runs the SQL API: client queries are written for PostGIS, so :func:`rewrite` maps the
few PostGIS names clients send (``ST_AsGeoJSON`` ...) to SpatiaLite's, and result columns are named the
way PostgreSQL names them (``count(*)`` -> ``count``, ``ST_AsGeoJSON(g)`` -> ``st_asgeojson``). Geometry
values come back as hex WKB, as PostGIS's do.
"""

from __future__ import annotations

import hashlib
import math
import re
import shutil
import sqlite3
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

GEOMETRY_COLUMN = "wkb_geometry"

# PostGIS name -> SpatiaLite name (only where SpatiaLite lacks the PostGIS spelling).
FUNCTION_MAP = {
    "st_asgeojson": "AsGeoJSON",
    "st_astext": "AsText",
    "st_asewkt": "AsEWKT",
    "st_asbinary": "AsBinary",
    "st_setsrid": "SetSRID",
    "st_makepoint": "MakePoint",
    "st_makeenvelope": "BuildMbr",
    "st_geomfromgeojson": "GeomFromGeoJSON",
}
_FUNCTION_RE = re.compile(r"\b(" + "|".join(FUNCTION_MAP) + r")\s*\(", re.IGNORECASE)
_CAST_RE = re.compile(
    r"::\s*(geometry|geography|text|integer|int|bigint|float8?|double precision|numeric|varchar|date|timestamp|"
    r"timestamptz|boolean|bool)\b",
    re.IGNORECASE,
)
_ILIKE_RE = re.compile(r"\bILIKE\b", re.IGNORECASE)
_REVERSE = {value.lower(): key for key, value in FUNCTION_MAP.items()}
_CALL_NAME_RE = re.compile(r"^\s*\"?(\w+)\"?\s*\(", re.DOTALL)


class SQLError(Exception):
    """A query the engine refused: ``message`` and, when known, the 1-based ``position`` in the query."""

    def __init__(self, message: str, position: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


_EXTENT_RE = re.compile(r"\bST_Extent\s*\(", re.IGNORECASE)


def _rewrite_extent(query: str) -> str:
    """``ST_Extent(x)`` -> ``pg_box(...)``: PostGIS's ``BOX(xmin ymin,xmax ymax)`` text from SpatiaLite MBRs."""
    while True:
        match = _EXTENT_RE.search(query)
        if not match:
            return query
        depth, end = 1, match.end()
        while end < len(query) and depth:
            depth += {"(": 1, ")": -1}.get(query[end], 0)
            end += 1
        if depth:
            return query  # unbalanced: let the engine report it
        inner = query[match.end() : end - 1]
        mbr = f"Min(MbrMinX({inner})), Min(MbrMinY({inner})), Max(MbrMaxX({inner})), Max(MbrMaxY({inner}))"
        box = f"pg_box({mbr}) AS st_extent"
        # Keep an explicit alias if the client gave one.
        if re.match(r"\s+AS\s", query[end:], re.IGNORECASE):
            box = box[: -len(" AS st_extent")]
        query = query[: match.start()] + box + query[end:]


def _pg_box(*values: Optional[float]) -> Optional[str]:
    if any(value is None for value in values):
        return None
    xmin, ymin, xmax, ymax = values
    return f"BOX({xmin} {ymin},{xmax} {ymax})"


def rewrite(query: str) -> str:
    """PostGIS SQL -> SpatiaLite SQL: function names, ``ST_Extent``, ``::casts`` dropped, ``ILIKE`` -> ``LIKE``."""
    query = _rewrite_extent(query)
    query = _FUNCTION_RE.sub(lambda match: FUNCTION_MAP[match.group(1).lower()] + "(", query)
    query = _CAST_RE.sub("", query)
    return _ILIKE_RE.sub("LIKE", query).strip().rstrip(";").strip()


def column_name(name: str) -> str:
    """The column name PostgreSQL would give an unaliased expression (``count(*)`` -> ``count``)."""
    match = _CALL_NAME_RE.match(name)
    if match and name.rstrip().endswith(")"):
        function = match.group(1).lower()
        return _REVERSE.get(function, function)
    return name


WRITE_WORDS = ("insert", "update", "delete", "create", "drop", "alter", "replace", "truncate")


def is_write(query: str) -> bool:
    """Whether ``query`` is a write (it starts with INSERT, UPDATE, DELETE, CREATE ...)."""
    words = query.lstrip().lower().split(None, 1)
    return bool(words) and words[0] in WRITE_WORDS


@dataclass
class Table:
    """A dataset table as :func:`build` made it."""

    dataset_id: int
    name: str  # dataset name
    source: Optional[Path]  # GeoPackage (None: made in SQL)
    layer: Optional[str]
    spatial: bool = True


def _run(*command: str) -> None:
    result = subprocess.run(list(command), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {result.stderr.strip()}")


def connect(path: Path) -> sqlite3.Connection:
    """A connection to ``path`` with SpatiaLite loaded."""
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
    conn.enable_load_extension(True)
    conn.load_extension("mod_spatialite")
    conn.enable_load_extension(False)
    # PostgreSQL functions clients call (GDAL's AmigoCloud driver asks for current_schema()).
    conn.create_function("current_schema", 0, lambda: "public", deterministic=True)
    conn.create_function("find_srid", 3, lambda schema, table, column: 4326)  # every table is EPSG:4326
    conn.create_function("pg_box", 4, _pg_box, deterministic=True)
    conn.create_function("version", 0, lambda: "PostgreSQL 12 (local AmigoCloud: SQLite + SpatiaLite)")
    return conn


VEHICLES = [  # name, centre lon, centre lat, radius (degrees), angular speed (rad/s)
    ("bus-1", -122.42, 37.77, 0.02, 0.20),
    ("bus-2", -122.27, 37.80, 0.03, -0.15),
    ("truck-1", -121.89, 37.34, 0.05, 0.10),
    ("van-1", -122.08, 37.39, 0.01, 0.30),
    ("bike-1", -122.45, 37.75, 0.005, 0.50),
]


def vehicle_position(index: int, at: float) -> tuple[float, float]:
    """(lon, lat) of vehicle ``index`` at time ``at``: each one drives round a circle."""
    _, lon, lat, radius, speed = VEHICLES[index]
    angle = speed * at + index
    return round(lon + radius * math.cos(angle), 6), round(lat + radius * math.sin(angle), 6)


def build(tables: list[Table], moving_id: int, folder: Path) -> Path:
    """Make (or reuse) the pristine SpatiaLite file, copy it to ``amigocloud.sqlite`` and return that."""
    key = "-".join(f"{t.dataset_id}{t.layer or ''}" for t in tables)
    pristine = folder / f"amigocloud-pristine-{hashlib.sha1(key.encode()).hexdigest()[:10]}.sqlite"
    if not pristine.exists():
        tmp = pristine.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        for table in tables:
            if table.source is None:
                continue
            args = [
                "ogr2ogr",
                "-f",
                "SQLite",
                str(tmp),
                str(table.source),
                table.layer or "",
                "-nln",
                f"dataset_{table.dataset_id}",
            ]
            args += ["-lco", "FID=ogc_fid"]
            if table.spatial:
                args += ["-lco", f"GEOMETRY_NAME={GEOMETRY_COLUMN}", "-lco", "SPATIAL_INDEX=YES"]
            else:
                args += ["-nlt", "NONE"]
            args += ["-update"] if tmp.exists() else ["-dsco", "SPATIALITE=YES"]
            _run(*args)
        conn = connect(tmp)
        try:
            conn.execute(
                f"CREATE TABLE dataset_{moving_id} (ogc_fid INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, "
                "speed REAL, heading REAL, updated_at TEXT)"
            )
            conn.execute(f"SELECT AddGeometryColumn('dataset_{moving_id}', '{GEOMETRY_COLUMN}', 4326, 'POINT', 'XY')")
            for index, (name, *_rest) in enumerate(VEHICLES):
                lon, lat = vehicle_position(index, 0.0)
                conn.execute(
                    f"INSERT INTO dataset_{moving_id} (name, speed, heading, updated_at, {GEOMETRY_COLUMN}) "
                    "VALUES (?, 30.0, 0.0, datetime('now'), MakePoint(?, ?, 4326))",
                    (name, lon, lat),
                )
            for table in [*tables, Table(moving_id, "vehicles", None, None)]:
                name = f"dataset_{table.dataset_id}"
                conn.execute(f"ALTER TABLE {name} ADD COLUMN amigo_id TEXT")
                conn.execute(f"UPDATE {name} SET amigo_id = lower(hex(randomblob(16)))")
                conn.execute(f"CREATE UNIQUE INDEX {name}_amigo_id ON {name}(amigo_id)")
                conn.execute(
                    f"CREATE TRIGGER {name}_amigo_id_default AFTER INSERT ON {name} WHEN NEW.amigo_id IS NULL "
                    f"BEGIN UPDATE {name} SET amigo_id = lower(hex(randomblob(16))) WHERE rowid = NEW.rowid; END"
                )
        finally:
            conn.close()
        tmp.rename(pristine)
    work = folder / "amigocloud.sqlite"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    shutil.copyfile(pristine, work)
    return work


class Database:
    """The working SpatiaLite file, shared by the SQL API, the realtime mover, tiles and exports.

    One connection guarded by a lock: SQLite serialises writers anyway, and the calls are short.
    Call the methods from worker threads (``asyncio.to_thread``), never on the event loop.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.conn = connect(path)
        self.conn.execute("PRAGMA journal_mode=WAL")

    def close(self) -> None:
        self.conn.close()

    # -- metadata ----------------------------------------------------------------------------------------
    def table_columns(self, dataset_id: int) -> list[tuple[str, str]]:
        """(name, declared type) of ``dataset_{id}``'s columns."""
        with self.lock:
            rows = self.conn.execute(f"PRAGMA table_info(dataset_{int(dataset_id)})").fetchall()
        return [(row[1], (row[2] or "").upper()) for row in rows]

    def stats(self, dataset_id: int, spatial: bool) -> dict[str, Any]:
        """Feature count, geometry type and extent of ``dataset_{id}`` (empty dict if no such table)."""
        table = f"dataset_{int(dataset_id)}"
        with self.lock:
            try:
                count = self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            except sqlite3.Error:
                return {}
            result: dict[str, Any] = {"feature_count": count, "geometry_type": None, "extent": None}
            if spatial:
                row = self.conn.execute(
                    f"SELECT Min(MbrMinX({GEOMETRY_COLUMN})), Min(MbrMinY({GEOMETRY_COLUMN})), "
                    f"Max(MbrMaxX({GEOMETRY_COLUMN})), Max(MbrMaxY({GEOMETRY_COLUMN})) FROM {table}"
                ).fetchone()
                if row and row[0] is not None:
                    result["extent"] = [round(value, 6) for value in row]
                kind = self.conn.execute(
                    "SELECT geometry_type FROM geometry_columns WHERE f_table_name = ?", (table,)
                ).fetchone()
                if kind:
                    names = {
                        1: "POINT",
                        2: "LINESTRING",
                        3: "POLYGON",
                        4: "MULTIPOINT",
                        5: "MULTILINESTRING",
                        6: "MULTIPOLYGON",
                    }
                    result["geometry_type"] = names.get(int(kind[0]) % 1000, "GEOMETRY")
        return result

    # -- the SQL API -------------------------------------------------------------------------------------
    def _error(self, exc: sqlite3.Error, query: str) -> SQLError:
        message = str(exc)
        position = None
        near = re.search(r'near "([^"]+)"', message)
        if near:
            found = query.find(near.group(1))
            if found >= 0:
                position = found + 1
        return SQLError(message, position)

    def _value(self, value: Any) -> Any:
        """A JSON value for ``value``; SpatiaLite geometry blobs become hex WKB (as PostGIS gives)."""
        if isinstance(value, (bytes, memoryview)):
            try:
                row = self.conn.execute("SELECT lower(hex(AsBinary(?)))", (bytes(value),)).fetchone()
            except sqlite3.Error:
                row = None
            return row[0] if row and row[0] else bytes(value).hex()
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return None
        return value

    def select(self, query: str, offset: int, limit: int) -> dict[str, Any]:
        """Run a read query; returns ``{columns, data, count}`` for rows ``offset .. offset+limit``."""
        sql = rewrite(query)
        with self.lock:
            try:
                total = self.conn.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]
                cursor = self.conn.execute(f"SELECT * FROM ({sql}) LIMIT ? OFFSET ?", (limit, offset))
                rows = cursor.fetchall()
                # Names of the inner query's own columns (the wrapper keeps them).
                names = [column_name(item[0]) for item in cursor.description]
                data = [{name: self._value(value) for name, value in zip(names, row)} for row in rows]
            except sqlite3.Error as exc:
                raise self._error(exc, sql) from None
        declared = self._declared_types(sql)
        columns = []
        for index, name in enumerate(names):
            sample = next((row[index] for row in rows if row[index] is not None), None)
            columns.append({"name": name, "type": _type_name(name, sample, declared.get(name))})
        return {"columns": columns, "data": data, "count": total}

    def _declared_types(self, sql: str) -> dict[str, str]:
        """Declared column types of the ``dataset_N`` tables a query reads (for columns of an empty result)."""
        types: dict[str, str] = {}
        for table in set(re.findall(r'\bFROM\s+"?(dataset_\d+)"?', sql, re.IGNORECASE)):
            with self.lock:
                rows = self.conn.execute(f"PRAGMA table_info({table})").fetchall()
            for row in rows:
                types.setdefault(row[1], (row[2] or "").upper())
        return types

    def execute(self, query: str) -> dict[str, Any]:
        """Run a write (UPDATE/INSERT/DELETE/...); returns ``{count: rows affected}``, and with ``RETURNING`` the
        rows it returned as ``data`` (as PostgreSQL does). One statement is one transaction: taken whole or not."""
        sql = rewrite(query)
        with self.lock:
            try:
                self.conn.execute("BEGIN")
                cursor = self.conn.execute(sql)
                rows = cursor.fetchall() if cursor.description else []
                names = [column_name(item[0]) for item in cursor.description or []]
                count = len(rows) if cursor.description else max(cursor.rowcount, 0)
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise self._error(exc, sql) from None
            data = [{name: self._value(value) for name, value in zip(names, row)} for row in rows]
        columns = [{"name": name, "type": _type_name(name, None)} for name in names]
        return {"columns": columns, "data": data, "count": count}

    # -- realtime ----------------------------------------------------------------------------------------
    def move_vehicles(self, moving_id: int, at: Optional[float] = None) -> list[dict[str, Any]]:
        """Drive the vehicles to their positions at ``at`` (now), write them, return the realtime rows."""
        at = time.time() if at is None else at
        rows = []
        with self.lock:
            ids = self.conn.execute(f"SELECT amigo_id, name FROM dataset_{moving_id} ORDER BY ogc_fid").fetchall()
            names = [vehicle[0] for vehicle in VEHICLES]
            self.conn.execute("BEGIN")
            for amigo_id, name in ids:
                index = names.index(name) if name in names else len(rows) % len(VEHICLES)
                lon, lat = vehicle_position(index, at)
                self.conn.execute(
                    f"UPDATE dataset_{moving_id} SET {GEOMETRY_COLUMN} = MakePoint(?, ?, 4326), "
                    "updated_at = datetime('now') WHERE amigo_id = ?",
                    (lon, lat, amigo_id),
                )
                rows.append({"object_id": amigo_id, "latitude": lat, "longitude": lon})
            self.conn.execute("COMMIT")
        return rows

    def vehicle_rows(self, moving_id: int) -> list[dict[str, Any]]:
        """The vehicles' current positions as realtime rows (no move)."""
        with self.lock:
            rows = self.conn.execute(
                f"SELECT amigo_id, Y({GEOMETRY_COLUMN}), X({GEOMETRY_COLUMN}) FROM dataset_{moving_id} ORDER BY ogc_fid"
            ).fetchall()
        return [{"object_id": row[0], "latitude": row[1], "longitude": row[2]} for row in rows]


_DECLARED = {
    "INTEGER": "integer", "INT": "integer", "BIGINT": "bigint", "REAL": "float", "FLOAT": "float", "DOUBLE": "float",
    "NUMERIC": "float", "TEXT": "string", "VARCHAR": "string", "DATE": "date", "DATETIME": "datetime",
    "TIMESTAMP": "datetime", "BOOLEAN": "boolean",
}  # fmt: skip
_GEOMETRY_TYPES = ("POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRY")


def _type_name(name: str, sample: Any, declared: Optional[str] = None) -> str:
    """AmigoCloud's column type (``string``, ``integer``, ``float``, ``date``, ``geometry`` ...)."""
    if name == GEOMETRY_COLUMN or (declared or "") in _GEOMETRY_TYPES:
        return "geometry"
    if declared:
        return _DECLARED.get(declared.split("(")[0].strip(), "string")
    if isinstance(sample, bool):
        return "boolean"
    if isinstance(sample, int):
        return "integer"
    if isinstance(sample, float):
        return "float"
    return "string"
