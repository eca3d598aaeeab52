"""The SQL an AmigoCloud feature push sends: one statement per kind of edit, every name and value quoted.

Table, column and key names come from the server and enter only through :func:`.postgres_sql.quote_identifier`;
values only through :func:`.postgres_sql.quote_literal`; geometries as ``ST_SetSRID(ST_GeomFromGeoJSON(...),
4326)``. The statements are PostgreSQL's (AmigoCloud runs PostGIS):

* ``DELETE FROM t WHERE pk IN (...) RETURNING pk``;
* ``UPDATE t SET c = v.column2, ... FROM (VALUES (...), ...) AS v WHERE t.pk = v.column1 RETURNING pk``: each
  value cast to its column's type (a ``VALUES`` list has no target column to take a type from, unlike an INSERT);
  the columns of a ``VALUES`` list are ``column1``, ``column2`` ... in PostgreSQL (and SQLite);
* ``INSERT INTO t (c, ...) VALUES (...), ... RETURNING pk``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Optional

from .postgres_sql import quote_identifier, quote_literal

#: AmigoCloud column types (a dataset's ``schema``) -> the PostgreSQL type a VALUES entry is cast to.
CASTS = {
    "string": "text",
    "integer": "bigint",
    "bigint": "bigint",
    "float": "double precision",
    "double": "double precision",
    "number": "double precision",
    "decimal": "numeric",
    "boolean": "boolean",
    "date": "date",
    "datetime": "timestamp",
}


@dataclass
class Target:
    """A dataset as its SQL sees it: table, primary key, geometry column, writable columns and their types."""

    table: str
    key: str
    geometry: Optional[str]
    sql_url: str
    columns: dict[str, str] = field(default_factory=dict)  # name -> AmigoCloud type (no key, no geometry)
    key_type: str = "string"


def literal(value: Any) -> str:
    """A JSON property value as an SQL literal (lists and objects as JSON text); ValueError when SQL cannot hold
    it (NaN, a NUL character)."""
    if isinstance(value, (list, dict)):
        value = json.dumps(value)
    return quote_literal(value)


def geometry_sql(feature: dict[str, Any]) -> str:
    """The feature's geometry as ``ST_SetSRID(ST_GeomFromGeoJSON('...'), 4326)``, or NULL."""
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        return "NULL"
    return f"ST_SetSRID(ST_GeomFromGeoJSON({quote_literal(json.dumps(geometry))}), 4326)"


def _cast(value_sql: str, kind: str) -> str:
    cast = CASTS.get(kind.lower())
    return f"{value_sql}::{cast}" if cast else value_sql


def delete_sql(target: Target, ids: list[str]) -> str:
    """Delete the features ``ids``; returns the keys deleted."""
    key = quote_identifier(target.key)
    listed = ", ".join(quote_literal(i) for i in ids)
    return f"DELETE FROM {quote_identifier(target.table)} WHERE {key} IN ({listed}) RETURNING {key}"


def update_row(target: Target, server_id: str, feature: dict[str, Any], names: list[str]) -> str:
    """One ``VALUES`` entry of an update: the key, each of ``names`` cast to its type, then the geometry (text)."""
    properties = feature.get("properties") or {}
    values = [_cast(quote_literal(server_id), target.key_type)]
    values += [_cast(literal(properties.get(name)), target.columns[name]) for name in names]
    if target.geometry:
        geometry = feature.get("geometry")
        text = json.dumps(geometry) if isinstance(geometry, dict) else None
        values.append(_cast(quote_literal(text), "string"))
    return "(" + ", ".join(values) + ")"


def update_sql(target: Target, rows: list[str], names: list[str]) -> str:
    """Update every feature of ``rows`` (from :func:`update_row` over ``names``) in one statement."""
    table, key = quote_identifier(target.table), quote_identifier(target.key)
    sets = [f"{quote_identifier(name)} = v.column{n + 2}" for n, name in enumerate(names)]
    if target.geometry:
        geometry = f"v.column{len(names) + 2}"
        sets.append(f"{quote_identifier(target.geometry)} = ST_SetSRID(ST_GeomFromGeoJSON({geometry}), 4326)")
    return (
        f"UPDATE {table} SET {', '.join(sets)} FROM (VALUES {', '.join(rows)}) AS v "
        f"WHERE {table}.{key} = v.column1 RETURNING {key}"
    )


def insert_row(target: Target, feature: dict[str, Any], names: list[str], server_id: Optional[str]) -> str:
    """One ``VALUES`` entry of an insert: the key when the client names it, ``names``, then the geometry."""
    properties = feature.get("properties") or {}
    values = [quote_literal(server_id)] if server_id is not None else []
    values += [literal(properties.get(name)) for name in names]
    if target.geometry:
        values.append(geometry_sql(feature))
    return "(" + ", ".join(values) + ")"


def insert_sql(target: Target, rows: list[str], names: list[str], with_key: bool) -> str:
    """Insert every row of ``rows`` (from :func:`insert_row`) in one statement; returns the new keys in order."""
    columns = ([target.key] if with_key else []) + names + ([target.geometry] if target.geometry else [])
    listed = ", ".join(quote_identifier(c) for c in columns)
    key = quote_identifier(target.key)
    return f"INSERT INTO {quote_identifier(target.table)} ({listed}) VALUES {', '.join(rows)} RETURNING {key}"


def select_sql(target: Target, ids: list[str], geojson_column: str) -> str:
    """The features ``ids`` with their geometry as GeoJSON (EPSG:4326) in ``geojson_column``."""
    key = quote_identifier(target.key)
    listed = ", ".join(quote_literal(i) for i in ids)
    geometry = (
        f", ST_AsGeoJSON({quote_identifier(target.geometry)}) AS {quote_identifier(geojson_column)}"
        if target.geometry
        else ""
    )
    return f"SELECT *{geometry} FROM {quote_identifier(target.table)} WHERE {key} IN ({listed}) ORDER BY {key}"
