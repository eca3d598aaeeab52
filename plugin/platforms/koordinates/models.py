"""Koordinates JSON (layers, tables, catalog items) as :class:`.base.Resource` s."""

from __future__ import annotations

from typing import Any

from ...i18n import tr
from ..base import Resource
from ..resource_json import MalformedItemError, field_text, geojson_bbox, item_id, optional_int, text

# The catalog's item type from its API URL (``.../layers/3/``, ``.../tables/5/``, ``.../sets/7/``...).
_URL_TYPES = {"layers": "vector", "tables": "table", "sets": "set", "documents": "document"}


def item_kind(doc: dict[str, Any]) -> str:
    """``vector``, ``raster``, ``table``, ``set`` or ``document``."""
    kind = doc.get("kind")
    if isinstance(kind, str) and kind:
        return kind
    parts = [p for p in text(doc.get("url")).split("/") if p]
    return _URL_TYPES.get(parts[-2], "vector") if len(parts) >= 2 else "vector"


def resource_from_json(doc: dict[str, Any]) -> Resource:
    """A list or detail item; list items lack ``description_html``, ``fields`` and ``extent``.

    :class:`.resource_json.MalformedItemError` when the item has no id or a field of the wrong type.
    """
    data: dict[str, Any] = doc["data"] if isinstance(doc.get("data"), dict) else {}
    license_doc: dict[str, Any] = doc["license"] if isinstance(doc.get("license"), dict) else {}
    raw_fields = data.get("fields") or []
    if not isinstance(raw_fields, list):
        raise MalformedItemError(tr("field 'data.fields' is not a list"))
    fields = [
        (field_text(f, "name"), field_text(f, "type"))
        for f in raw_fields
        if isinstance(f, dict) and f.get("type") != "geometry"
    ]
    return Resource(
        id=item_id(doc),
        kind=item_kind(doc),
        title=field_text(doc, "title", "name"),
        description=field_text(doc, "description_html", "description"),
        geometry_type=field_text(data, "geometry_type") or None,
        crs=field_text(data, "crs") or None,
        extent=geojson_bbox(data.get("extent")),
        feature_count=optional_int(data, "feature_count"),
        fields=fields,
        license=field_text(license_doc, "title"),
        created=field_text(doc, "created_at"),
        updated=field_text(doc, "updated_at", "published_at"),
        thumbnail_url=field_text(doc, "thumbnail_url"),
        web_url=field_text(doc, "url_html"),
        api_url=field_text(doc, "url"),
        raw=doc,
    )
