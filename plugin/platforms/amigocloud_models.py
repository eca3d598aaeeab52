"""AmigoCloud JSON (projects, datasets) as :class:`.base.Resource` s."""

from __future__ import annotations

from typing import Any

from .base import Resource
from .resource_json import epsg, list_bbox, text


def project_from_json(doc: dict[str, Any]) -> Resource:
    """A project: a parent whose children are its datasets."""
    return Resource(
        id=text(doc.get("id")),
        kind="project",
        title=text(doc.get("name")),
        description=text(doc.get("description")),
        created=text(doc.get("created")),
        updated=text(doc.get("modified") or doc.get("created")),
        thumbnail_url=text(doc.get("preview_image")),
        api_url=text(doc.get("url")),
        has_children=True,
        raw=doc,
    )


def dataset_from_json(doc: dict[str, Any]) -> Resource:
    """A dataset (list summaries lack the geometry type, count and extent that details have)."""
    geometry_type = text(doc.get("geometry_type")) or None
    spatial = bool(geometry_type) or doc.get("srid") is not None
    return Resource(
        id=text(doc.get("id")),
        kind="dataset",
        title=text(doc.get("name")),
        description=text(doc.get("description")),
        geometry_type=geometry_type,
        crs=epsg(doc.get("srid")) if spatial else None,
        extent=list_bbox(doc.get("extent")),
        feature_count=doc.get("feature_count"),
        created=text(doc.get("created")),
        updated=text(doc.get("modified") or doc.get("created")),
        thumbnail_url=text(doc.get("preview_image")),
        api_url=text(doc.get("url")),
        raw=doc,
    )
