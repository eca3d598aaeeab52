"""Small readers shared by the adapters' ``from_json`` code: extents, dates, text (no network, no Qt)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Optional

Extent = tuple[float, float, float, float]


def _coordinates(value: Any) -> Iterable[tuple[float, float]]:
    if isinstance(value, (list, tuple)):
        if len(value) >= 2 and all(isinstance(v, (int, float)) for v in value[:2]):
            yield float(value[0]), float(value[1])
        else:
            for part in value:
                yield from _coordinates(part)


def geojson_bbox(geometry: Any) -> Optional[Extent]:
    """The bounding box of a GeoJSON geometry (Koordinates gives extents as MultiPolygons)."""
    if not isinstance(geometry, dict):
        return None
    points = list(_coordinates(geometry.get("coordinates")))
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def list_bbox(value: Any) -> Optional[Extent]:
    """``[xmin, ymin, xmax, ymax]`` as a tuple (None unless four numbers)."""
    if isinstance(value, (list, tuple)) and len(value) == 4:
        try:
            return (float(value[0]), float(value[1]), float(value[2]), float(value[3]))
        except (TypeError, ValueError):
            return None
    return None


def box_extent(text: Any) -> Optional[Extent]:
    """PostGIS ``BOX(xmin ymin,xmax ymax)`` as a tuple."""
    if not isinstance(text, str) or "(" not in text:
        return None
    inner = text[text.find("(") + 1 : text.rfind(")")]
    try:
        numbers = [float(v) for v in inner.replace(",", " ").split()]
    except ValueError:
        return None
    return (numbers[0], numbers[1], numbers[2], numbers[3]) if len(numbers) == 4 else None


def text(value: Any) -> str:
    """``value`` as a string ('' for None)."""
    return "" if value is None else str(value)


def epsg(srid: Any) -> Optional[str]:
    """``EPSG:<srid>`` for a number (None when missing)."""
    if srid in (None, "", 0):
        return None
    if isinstance(srid, str) and ":" in srid:
        return srid
    return f"EPSG:{int(srid)}"
