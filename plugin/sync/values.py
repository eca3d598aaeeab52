"""Features in one comparable form, whichever side they come from: a row of the copy (OGR) or the server (GeoJSON).

Two versions of a feature are the same when their :func:`canonical` forms are equal: the geometry as ISO WKB
(promoted to multi, as the copy stores it) and each server field's value normalised (numbers by value, dates as
ISO text, lists as lists), so that the type GDAL guessed for a page does not make a feature look changed.
Coordinates need no rounding: the copy's came from the same GeoJSON text, parsed by the same reader.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Optional

from osgeo import ogr

Canonical = tuple[Optional[bytes], tuple[tuple[str, Any], ...]]

_DATE_TYPES = (ogr.OFTDate, ogr.OFTDateTime, ogr.OFTTime)


def normal(value: Any) -> Any:
    """``value`` in a type-blind form: numbers by value (``3`` == ``3.0``), booleans as 0/1, dates as ISO text."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if isinstance(value, (list, tuple)):
        return tuple(normal(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, str):
        return value.replace("/", "-") if _looks_like_date(value) else value
    return value


def _looks_like_date(text: str) -> bool:
    """``YYYY/MM/DD…`` (OGR's way of writing a date) or ``YYYY-MM-DD…``."""
    return len(text) >= 10 and text[4] in "-/" and text[7] in "-/" and text[:4].isdigit() and text[5:7].isdigit()


def _date_text(feature: ogr.Feature, index: int) -> str:
    year, month, day, hour, minute, second, _tz = feature.GetFieldAsDateTime(index)
    kind = feature.GetFieldDefnRef(index).GetType()
    date = f"{year:04d}-{month:02d}-{day:02d}"
    clock = f"{hour:02d}:{minute:02d}:{int(second):02d}"
    if kind == ogr.OFTDate:
        return date
    if kind == ogr.OFTTime:
        return clock
    return f"{date}T{clock}"


def ogr_value(feature: ogr.Feature, index: int) -> Any:
    """Field ``index`` of an OGR feature, normalised (None when null)."""
    if not feature.IsFieldSetAndNotNull(index):
        return None
    if feature.GetFieldDefnRef(index).GetType() in _DATE_TYPES:
        return _date_text(feature, index)
    return normal(feature.GetField(index))


def geometry_key(geometry: Optional[ogr.Geometry]) -> Optional[bytes]:
    """The geometry as ISO WKB, promoted to multi; None for no (or an empty) geometry."""
    if geometry is None or geometry.IsEmpty():
        return None
    return bytes(ogr.ForceTo(geometry.Clone(), ogr.GT_GetCollection(geometry.GetGeometryType())).ExportToIsoWkb())


def from_ogr(feature: ogr.Feature, fields: Sequence[str]) -> Canonical:
    """The comparable form of an OGR feature, over ``fields`` (names missing from the feature are skipped)."""
    values = []
    for name in fields:
        index = feature.GetFieldIndex(name)
        if index >= 0:
            values.append((name, ogr_value(feature, index)))
    return geometry_key(feature.GetGeometryRef()), tuple(values)


def from_geojson(feature: dict[str, Any], fields: Sequence[str]) -> Canonical:
    """The comparable form of a GeoJSON Feature dict, over ``fields``."""
    geometry = feature.get("geometry")
    geom = None
    if isinstance(geometry, dict):
        try:
            geom = ogr.CreateGeometryFromJson(json.dumps(geometry))
        except RuntimeError:
            geom = None
    found = feature.get("properties")
    properties: dict[str, Any] = found if isinstance(found, dict) else {}
    values = tuple((name, normal(properties.get(name))) for name in fields if name in properties)
    return geometry_key(geom), values


def same(local: Canonical, server: Canonical) -> bool:
    """Whether two comparable forms hold the same geometry and the same values of the fields both have."""
    if local[0] != server[0]:
        return False
    theirs = dict(server[1])
    return all(theirs[name] == value for name, value in local[1] if name in theirs)
