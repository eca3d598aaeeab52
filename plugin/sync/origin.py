"""What a fetched copy knows of where it came from, kept inside its GeoPackage (plain SQLite tables).

* ``geodock_origin``: one row per layer of the file: the connection's name, the platform kind, the resource's kind,
  id and title, the server's field names (the properties a push sends) and when it was fetched. Never a secret,
  never a URL: the connection (and its credentials, in the QGIS auth database) is looked up by name.
* ``geodock_base``: one row per feature of the copy: ``(layer, fid, server_id, version)``. ``version`` is the
  platform's update time or revision when it has one, else NULL (conflicts are then found by comparing values).
* ``geodock_values_<n>``: the copy's rows as fetched (the *base*), one snapshot table per layer, named in
  ``geodock_origin.base_table``. An edit made with any tool (QGIS, ogr2ogr, a script) is found by comparing the
  layer with it in SQL, byte for byte, and a server change by comparing the server's values with it.

The tables are not registered in ``gpkg_contents``: GDAL and QGIS do not list them as layers. Rows of the layer
itself are only written through OGR (the GeoPackage's R-tree triggers need GDAL's SQL functions); these tables
through :mod:`sqlite3`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

ORIGIN_TABLE = "geodock_origin"
BASE_TABLE = "geodock_base"


@dataclass
class Origin:
    """Where one layer of a copy came from."""

    connection: str  # the connection's name
    platform: str  # Connection.kind
    resource_kind: str
    resource_id: str
    title: str = ""
    fields: list[str] = field(default_factory=list)  # the server's field names (what a push sends)
    geometry_type: str = ""  # the resource's geometry type as the platform names it ("" when unknown)
    fetched_at: str = ""
    base_table: str = ""  # the snapshot table (set by :func:`record_base`)


def quote(name: str) -> str:
    """``name`` as an SQLite identifier."""
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def database(path: Path) -> Iterator[sqlite3.Connection]:
    """An SQLite connection to the GeoPackage ``path``, committed when the block ends without an error."""
    connection = sqlite3.connect(str(path), timeout=30)
    try:
        with connection:
            yield connection
    finally:
        connection.close()


def _create_tables(db: sqlite3.Connection) -> None:
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {ORIGIN_TABLE} (layer TEXT PRIMARY KEY, connection TEXT, platform TEXT, "
        "resource_kind TEXT, resource_id TEXT, title TEXT, fields TEXT, geometry_type TEXT, fetched_at TEXT, "
        "base_table TEXT)"
    )
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {BASE_TABLE} (layer TEXT, fid INTEGER, server_id TEXT, version TEXT, "
        "PRIMARY KEY (layer, fid))"
    )


def fid_column(db: sqlite3.Connection, layer: str) -> str:
    """The primary key (fid) column of table ``layer``."""
    for row in db.execute(f"PRAGMA table_info({quote(layer)})"):
        if row[5]:
            return str(row[1])
    return "fid"


def columns(db: sqlite3.Connection, table: str) -> list[str]:
    """The column names of ``table`` (empty when there is no such table)."""
    return [str(row[1]) for row in db.execute(f"PRAGMA table_info({quote(table)})")]


def record_ids(db: sqlite3.Connection, layer: str, rows: Iterable[tuple[int, Optional[str], Optional[str]]]) -> None:
    """Add or replace ``(fid, server_id, version)`` rows of ``layer`` in ``geodock_base``."""
    _create_tables(db)
    db.executemany(
        f"INSERT OR REPLACE INTO {BASE_TABLE} (layer, fid, server_id, version) VALUES (?, ?, ?, ?)",
        ((layer, fid, sid, version) for fid, sid, version in rows),
    )


def record_base(db: sqlite3.Connection, layer: str) -> str:
    """Take the snapshot of ``layer`` as it is now (the base of later edits); its table's name."""
    _create_tables(db)
    row = db.execute(f"SELECT base_table FROM {ORIGIN_TABLE} WHERE layer = ?", (layer,)).fetchone()
    table = row[0] if row and row[0] else ""
    if not table:
        used = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'geodock_values_%'")}
        table = next(f"geodock_values_{n}" for n in range(1, len(used) + 2) if f"geodock_values_{n}" not in used)
        db.execute(f"INSERT OR IGNORE INTO {ORIGIN_TABLE} (layer, base_table) VALUES (?, ?)", (layer, table))
        db.execute(f"UPDATE {ORIGIN_TABLE} SET base_table = ? WHERE layer = ?", (table, layer))
    db.execute(f"DROP TABLE IF EXISTS {quote(table)}")
    db.execute(f"CREATE TABLE {quote(table)} AS SELECT * FROM {quote(layer)}")
    fid = fid_column(db, layer)
    db.execute(f"CREATE UNIQUE INDEX {quote(table + '_fid')} ON {quote(table)} ({quote(fid)})")
    return table


def write_origin(db: sqlite3.Connection, layer: str, origin: Origin) -> None:
    """Store ``origin`` for ``layer`` (keeping its base table)."""
    _create_tables(db)
    fetched = origin.fetched_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
    db.execute(f"INSERT OR IGNORE INTO {ORIGIN_TABLE} (layer) VALUES (?)", (layer,))
    db.execute(
        f"UPDATE {ORIGIN_TABLE} SET connection = ?, platform = ?, resource_kind = ?, resource_id = ?, title = ?, "
        "fields = ?, geometry_type = ?, fetched_at = ? WHERE layer = ?",
        (
            origin.connection,
            origin.platform,
            origin.resource_kind,
            origin.resource_id,
            origin.title,
            json.dumps(origin.fields),
            origin.geometry_type,
            fetched,
            layer,
        ),
    )


def read_origin(path: Path, layer: str) -> Optional[Origin]:
    """The origin of ``layer`` in the GeoPackage ``path``; None when it was not fetched by Geodock."""
    if not Path(path).is_file():
        return None
    with database(path) as db:
        if not columns(db, ORIGIN_TABLE):
            return None
        row = db.execute(
            f"SELECT connection, platform, resource_kind, resource_id, title, fields, geometry_type, fetched_at, "
            f"base_table FROM {ORIGIN_TABLE} WHERE layer = ?",
            (layer,),
        ).fetchone()
    if row is None or not row[0] or not row[3]:
        return None
    try:
        names = json.loads(row[5] or "[]")
    except ValueError:
        names = []
    return Origin(
        str(row[0]),
        str(row[1]),
        str(row[2] or ""),
        str(row[3]),
        str(row[4] or ""),
        [str(n) for n in names] if isinstance(names, list) else [],
        str(row[6] or ""),
        str(row[7] or ""),
        str(row[8] or ""),
    )


def base_ids(db: sqlite3.Connection, layer: str) -> dict[int, tuple[Optional[str], Optional[str]]]:
    """``{fid: (server_id, version)}`` of ``layer``'s base."""
    if not columns(db, BASE_TABLE):
        return {}
    return {
        int(fid): (sid, version)
        for fid, sid, version in db.execute(
            f"SELECT fid, server_id, version FROM {BASE_TABLE} WHERE layer = ?", (layer,)
        )
    }


def forget(db: sqlite3.Connection, layer: str, base_table: str, fids: Iterable[int]) -> None:
    """Drop features ``fids`` from ``layer``'s base (they are gone on both sides)."""
    fid = fid_column(db, layer)
    for value in fids:
        db.execute(f"DELETE FROM {BASE_TABLE} WHERE layer = ? AND fid = ?", (layer, value))
        db.execute(f"DELETE FROM {quote(base_table)} WHERE {quote(fid)} = ?", (value,))


def rebase(db: sqlite3.Connection, layer: str, base_table: str, fids: Iterable[int]) -> None:
    """Copy the rows ``fids`` of ``layer`` as they are now into its base (they match the server again)."""
    key = quote(fid_column(db, layer))
    names = [c for c in columns(db, layer) if c in set(columns(db, base_table))]
    listed = ", ".join(quote(c) for c in names)
    for value in fids:
        db.execute(f"DELETE FROM {quote(base_table)} WHERE {key} = ?", (value,))
        db.execute(
            f"INSERT INTO {quote(base_table)} ({listed}) SELECT {listed} FROM {quote(layer)} WHERE {key} = ?",
            (value,),
        )
