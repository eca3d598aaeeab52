"""Small readers shared by the adapters' ``from_json`` code: extents, dates, text, ids (no network).

Servers are not trusted to send the types their documentation promises. The typed readers here
(:func:`item_id`, :func:`field_text`, :func:`optional_int`, :func:`epsg`) raise :class:`MalformedItemError`
for a value of the wrong type, and :func:`readable_items` turns a page's raw items into models, skipping and
counting the items that cannot be read, so that one bad item never fails the page it came on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Callable, Optional, TypeVar

from .. import log
from ..errors import UnreadableResponseError
from ..i18n import tr
from ..redact import redact_url

Extent = tuple[float, float, float, float]
T = TypeVar("T")
_SCALARS = (str, int, float, bool)


class MalformedItemError(UnreadableResponseError):
    """One item of a server's answer has a field of the wrong type, or no id: that item cannot be read."""


def _coordinates(value: Any) -> Iterable[tuple[float, float]]:
    """Every (x, y) pair in a nested GeoJSON coordinates array."""
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


def field_text(doc: dict[str, Any], *keys: str) -> str:
    """The first non-empty of ``doc[key]`` for ``keys`` as text ('' when none); a list or object is an error."""
    for key in keys:
        value = doc.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, _SCALARS):
            raise MalformedItemError(
                tr("field {key!r} is a {type}, not text").format(key=key, type=type(value).__name__)
            )
        return str(value)
    return ""


def item_id(doc: dict[str, Any], key: str = "id") -> str:
    """The item's id (a non-empty string or an integer) as text."""
    value = doc.get(key)
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise MalformedItemError(tr("the item has no usable {key!r}").format(key=key))
    return str(value)


def optional_int(doc: dict[str, Any], key: str) -> Optional[int]:
    """``doc[key]`` as an integer (None when missing); ``"many"`` is an error."""
    value = doc.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise MalformedItemError(
        tr("field {key!r} is not a whole number ({value!r})").format(key=key, value=str(value)[:40])
    )


def epsg(srid: Any) -> Optional[str]:
    """``EPSG:<srid>`` for a number, an ``AUTH:CODE`` string as is (None when missing)."""
    if srid in (None, "", 0):
        return None
    if isinstance(srid, str) and ":" in srid:
        return srid
    if isinstance(srid, int) and not isinstance(srid, bool):
        return f"EPSG:{srid}"
    if isinstance(srid, str) and srid.strip().isdigit():
        return f"EPSG:{int(srid)}"
    raise MalformedItemError(tr("field 'srid' is not a CRS code ({value!r})").format(value=str(srid)[:40]))


def readable_items(
    raw_items: list[Any], convert: Callable[[dict[str, Any]], T], url: str, what: str
) -> tuple[list[T], int]:
    """``convert`` of every object in ``raw_items``, and how many items were skipped as unreadable.

    An item that is not a JSON object, or that ``convert`` cannot read (wrong types, no id), is skipped;
    the skipped items of one page are logged once, with the page's (redacted) URL.
    """
    items: list[T] = []
    reasons: list[str] = []
    for position, raw in enumerate(raw_items, 1):
        try:
            if not isinstance(raw, dict):
                raise MalformedItemError(tr("the item is a {type}, not an object").format(type=type(raw).__name__))
            items.append(convert(raw))
        except (UnreadableResponseError, ValueError, TypeError, AttributeError) as err:  # server data, not bugs
            reasons.append(f"item {position}: {err}")
    if reasons:
        log.warning(
            f"{what}: skipped {len(reasons)} of {len(raw_items)} items that could not be read from"
            f" {redact_url(url)} ({'; '.join(reasons[:5])}{'; …' if len(reasons) > 5 else ''})"
        )
    return items, len(reasons)
