"""Koordinates JSON (layers, tables, catalog items) as :class:`.base.Resource` s."""

from __future__ import annotations

from typing import Any

from .base import Resource
from .resource_json import geojson_bbox, text

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
    """A list or detail item; list items lack ``description_html``, ``fields`` and ``extent``."""
    data = doc.get("data") if isinstance(doc.get("data"), dict) else {}
    license_doc = doc.get("license") if isinstance(doc.get("license"), dict) else {}
    fields = [
        (text(f.get("name")), text(f.get("type")))
        for f in data.get("fields") or []
        if isinstance(f, dict) and f.get("type") != "geometry"
    ]
    return Resource(
        id=text(doc.get("id")),
        kind=item_kind(doc),
        title=text(doc.get("title") or doc.get("name")),
        description=text(doc.get("description_html") or doc.get("description")),
        geometry_type=data.get("geometry_type") or None,
        crs=data.get("crs") or None,
        extent=geojson_bbox(data.get("extent")),
        feature_count=data.get("feature_count"),
        fields=fields,
        license=text(license_doc.get("title")),
        created=text(doc.get("created_at")),
        updated=text(doc.get("updated_at") or doc.get("published_at")),
        thumbnail_url=text(doc.get("thumbnail_url")),
        web_url=text(doc.get("url_html")),
        api_url=text(doc.get("url")),
        raw=doc,
    )
