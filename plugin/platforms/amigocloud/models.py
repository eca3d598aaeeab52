"""AmigoCloud JSON (projects, datasets) as :class:`.base.Resource` s."""

from __future__ import annotations

from typing import Any, Optional

from ...icons import NO_GEOMETRY
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


def dataset_geometry_type(doc: dict[str, Any]) -> Optional[str]:
    """The dataset's ``geometry_type``; :data:`plugin.icons.NO_GEOMETRY` when the document says it has no
    ``geometry_column``; None when it does not say (a ``?summary`` list item)."""
    geometry_type = field_text(doc, "geometry_type")
    if geometry_type:
        return geometry_type
    if "geometry_column" in doc and not doc["geometry_column"]:
        return NO_GEOMETRY
    return None


def dataset_from_json(doc: dict[str, Any]) -> Resource:
    """A dataset, its geometry type included (``?summary`` list items lack it, and the count and extent)."""
    geometry_type = dataset_geometry_type(doc)
    spatial = geometry_type not in (None, NO_GEOMETRY) or doc.get("srid") is not None
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
