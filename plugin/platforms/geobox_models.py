"""Geobox JSON (vector layers, views, rasters, tilesets, files) as :class:`.base.Resource` s."""

from __future__ import annotations

from typing import Any

from .base import Resource
from .resource_json import epsg, list_bbox, text

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
    """A Geobox item of Resource kind ``kind`` (``vector``, ``view``, ``raster``, ``tileset``, ``file``)."""
    spatial = kind in ("vector", "view", "raster")
    return Resource(
        id=text(doc.get("uuid")),
        kind=kind,
        title=text(doc.get("display_name") or doc.get("name")),
        description=text(doc.get("description")),
        geometry_type=text(doc.get("layer_type")) or None,
        crs=epsg(doc.get("srid")) if spatial else None,
        extent=list_bbox(doc.get("extent") or doc.get("bbox")) if spatial else None,
        feature_count=doc.get("feature_count") if kind in ("vector", "view") else None,
        created=text(doc.get("created_at")),
        updated=text(doc.get("last_modified_at") or doc.get("created_at")),
        api_url=api_url,
        raw=doc,
    )
