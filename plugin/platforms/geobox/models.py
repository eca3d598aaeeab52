"""Geobox JSON (vector layers, views, rasters, tilesets, files) as :class:`.base.Resource` s."""

from __future__ import annotations

from typing import Any

from ..base import Resource
from ..resource_json import epsg, field_text, item_id, list_bbox, optional_int

# browse kind -> (API collection, Resource.kind)
COLLECTIONS = {
    "vectors": ("vectorLayers/", "vector"),
    "views": ("vectorLayerViews/", "view"),
    "rasters": ("rasters/", "raster"),
    "tilesets": ("tilesets/", "tileset"),
    "files": ("files/", "file"),
}
COLLECTION_OF_KIND = {kind: path for path, kind in COLLECTIONS.values()}


def resource_from_json(doc: dict[str, Any], kind: str, api_url: str) -> Resource:
    """A Geobox item of Resource kind ``kind`` (``vector``, ``view``, ``raster``, ``tileset``, ``file``).

    :class:`.resource_json.MalformedItemError` when the item has no uuid or a field of the wrong type.
    """
    spatial = kind in ("vector", "view", "raster")
    return Resource(
        id=item_id(doc, "uuid"),
        kind=kind,
        title=field_text(doc, "display_name", "name"),
        description=field_text(doc, "description"),
        geometry_type=field_text(doc, "layer_type") or None,
        crs=epsg(doc.get("srid")) if spatial else None,
        extent=list_bbox(doc.get("extent") or doc.get("bbox")) if spatial else None,
        feature_count=optional_int(doc, "feature_count") if kind in ("vector", "view") else None,
        created=field_text(doc, "created_at"),
        updated=field_text(doc, "last_modified_at", "created_at"),
        api_url=api_url,
        raw=doc,
    )
