"""A copy's edits since its base, whatever tool made them, and the base's values as a comparable form.

:func:`local_changes` compares the layer with its snapshot (``geodock_values_<n>``, see :mod:`.origin`) in SQL:
a row whose bytes differ is changed, a row not in ``geodock_base`` (or without a server id) is added, a base row
missing from the layer is deleted. :func:`feature_json` turns a row into the GeoJSON a writer sends.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Optional

from osgeo import ogr, osr

from .origin import BASE_TABLE, Origin, columns, fid_column, quote
from .values import Canonical, geometry_key, normal, ogr_value

_SINGLE = {"point": ogr.wkbPoint, "linestring": ogr.wkbLineString, "polyline": ogr.wkbLineString}
_SINGLE["polygon"] = ogr.wkbPolygon


@dataclass
class LocalChanges:
    """The copy's edits since its base: fids added, changed and deleted (with their server ids)."""

    added: list[int] = field(default_factory=list)
    changed: dict[int, str] = field(default_factory=dict)  # fid -> server id
    deleted: dict[int, str] = field(default_factory=dict)  # fid -> server id

    def __len__(self) -> int:
        return len(self.added) + len(self.changed) + len(self.deleted)

    def touched(self) -> set[int]:
        """Every fid with a local edit."""
        return set(self.added) | set(self.changed) | set(self.deleted)


def geometry_column(db: sqlite3.Connection, layer: str) -> Optional[str]:
    """The layer's geometry column (``gpkg_geometry_columns``), None for a table."""
    row = db.execute(
        "SELECT column_name FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)", (layer,)
    ).fetchone()
    return str(row[0]) if row else None


def local_changes(db: sqlite3.Connection, layer: str, origin: Origin) -> LocalChanges:
    """What changed in ``layer`` since its base (see the module docstring)."""
    fid = quote(fid_column(db, layer))
    base = quote(origin.base_table)
    shared = [c for c in columns(db, layer) if c in set(columns(db, origin.base_table))]
    same = " AND ".join(f"l.{quote(c)} IS b.{quote(c)}" for c in shared) or "1"
    ids = {
        int(f): str(s)
        for f, s in db.execute(
            f"SELECT fid, server_id FROM {BASE_TABLE} WHERE layer = ? AND server_id IS NOT NULL", (layer,)
        )
    }
    changes = LocalChanges()
    present = set()
    for (value,) in db.execute(f"SELECT {fid} FROM {quote(layer)}"):
        present.add(int(value))
    changes.added = sorted(value for value in present if value not in ids)
    differing = db.execute(
        f"SELECT l.{fid} FROM {quote(layer)} AS l LEFT JOIN {base} AS b ON b.{fid} = l.{fid} "
        f"WHERE b.{fid} IS NULL OR NOT ({same})"
    )
    changes.changed = {int(v): ids[int(v)] for (v,) in differing if int(v) in ids}
    changes.deleted = {f: s for f, s in ids.items() if f not in present}
    return changes


def _wkb_of_blob(blob: Optional[bytes]) -> Optional[ogr.Geometry]:
    """The geometry of a GeoPackage geometry blob (header, optional envelope, then WKB)."""
    if not blob or len(blob) < 8 or blob[:2] != b"GP":
        return None
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 0x07, 0)
    if flags & 0x10:  # empty geometry
        return None
    try:
        return ogr.CreateGeometryFromWkb(bytes(blob[8 + envelope :]))
    except RuntimeError:
        return None


def base_values(db: sqlite3.Connection, layer: str, origin: Origin, fids: Iterable[int]) -> dict[int, Canonical]:
    """The comparable form (:mod:`.values`) of base rows ``fids``, over the origin's fields."""
    fid = fid_column(db, layer)
    geom = geometry_column(db, layer)
    names = [n for n in origin.fields if n in set(columns(db, origin.base_table))]
    selected = ", ".join([quote(fid), quote(geom) if geom else "NULL"] + [quote(n) for n in names])
    result: dict[int, Canonical] = {}
    query = f"SELECT {selected} FROM {quote(origin.base_table)} WHERE {quote(fid)} = ?"
    for value in fids:
        row = db.execute(query, (value,)).fetchone()
        if row is not None:
            values = tuple((name, normal(item)) for name, item in zip(names, row[2:]))
            result[int(value)] = (geometry_key(_wkb_of_blob(row[1])), values)
    return result


def _json_value(feature: ogr.Feature, index: int) -> Any:
    value = ogr_value(feature, index)
    return list(value) if isinstance(value, tuple) else value


def feature_json(feature: ogr.Feature, origin: Origin, to_wgs84: Optional[Any]) -> dict[str, Any]:
    """A row of the copy as the GeoJSON Feature a writer sends: EPSG:4326, the origin's fields only, and the
    geometry made single when the server's layer is single-part and the row has one part."""
    properties = {}
    for name in origin.fields:
        index = feature.GetFieldIndex(name)
        if index >= 0:
            properties[name] = _json_value(feature, index)
    geometry = feature.GetGeometryRef()
    geojson = None
    if geometry is not None and not geometry.IsEmpty():
        geometry = geometry.Clone()
        if to_wgs84 is not None:
            geometry.Transform(to_wgs84)
        single = _SINGLE.get(origin.geometry_type.lower())
        flat = ogr.GT_Flatten(geometry.GetGeometryType())
        if single is not None and flat != single and geometry.GetGeometryCount() == 1:
            geometry = ogr.ForceTo(geometry, single)
        geojson = json.loads(geometry.ExportToJson())
    return {"type": "Feature", "geometry": geojson, "properties": properties}


def wgs84_transform(layer: ogr.Layer) -> Optional[osr.CoordinateTransformation]:
    """From ``layer``'s CRS to EPSG:4326 (lon/lat order); None when it is EPSG:4326 already (or unknown)."""
    source = layer.GetSpatialRef()
    if source is None:
        return None
    target = osr.SpatialReference()
    target.ImportFromEPSG(4326)
    target.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    source = source.Clone()
    source.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    if source.IsSame(target):
        return None
    return osr.CoordinateTransformation(source, target)
