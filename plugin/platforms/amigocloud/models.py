"""AmigoCloud JSON (projects, datasets) as :class:`.base.Resource` s."""

from __future__ import annotations

from typing import Any

from ..base import Resource
from ..resource_json import epsg, field_text, item_id, list_bbox, optional_int


def project_from_json(doc: dict[str, Any]) -> Resource:
    """A project: a parent whose children are its datasets (:class:`.resource_json.MalformedItemError`
    when it has no id or a field of the wrong type)."""
    return Resource(
        id=item_id(doc),
        kind="project",
        title=field_text(doc, "name"),
        description=field_text(doc, "description"),
        created=field_text(doc, "created"),
        updated=field_text(doc, "modified", "created"),
        thumbnail_url=field_text(doc, "preview_image"),
        api_url=field_text(doc, "url"),
        has_children=True,
        raw=doc,
    )


def dataset_from_json(doc: dict[str, Any]) -> Resource:
    """A dataset (list summaries lack the geometry type, count and extent that details have)."""
    geometry_type = field_text(doc, "geometry_type") or None
    spatial = bool(geometry_type) or doc.get("srid") is not None
    return Resource(
        id=item_id(doc),
        kind="dataset",
        title=field_text(doc, "name"),
        description=field_text(doc, "description"),
        geometry_type=geometry_type,
        crs=epsg(doc.get("srid")) if spatial else None,
        extent=list_bbox(doc.get("extent")),
        feature_count=optional_int(doc, "feature_count"),
        created=field_text(doc, "created"),
        updated=field_text(doc, "modified", "created"),
        thumbnail_url=field_text(doc, "preview_image"),
        api_url=field_text(doc, "url"),
        raw=doc,
    )
