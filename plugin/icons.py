"""One answer, for the Catalog dock and the Browser panel, to "which QGIS icon shows this resource?".

The icon follows what the resource is: its geometry type for vector data (points, lines, polygons), a table
for data without geometry, and its kind otherwise (rasters, tilesets, files, processes, projects). Only
QGIS's own theme icons are used, so Geodock's items look like the Browser's other layers. No widgets here:
a :class:`QIcon` is a value, safe to make on any thread QGIS builds Browser items on.
"""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsApplication
from qgis.PyQt.QtGui import QIcon

from .platforms.base import Resource

NO_GEOMETRY = "NoGeometry"  # QGIS's own name (QgsWkbTypes.NoGeometry) for a resource known to have none
"""``Resource.geometry_type`` of data known to have no geometry (``None`` there means "not known")."""

POINT, LINE, POLYGON, TABLE = "point", "line", "polygon", "table"

ICONS = {
    POINT: "/mIconPointLayer.svg",
    LINE: "/mIconLineLayer.svg",
    POLYGON: "/mIconPolygonLayer.svg",
    TABLE: "/mIconTableLayer.svg",
    "raster": "/mIconRaster.svg",
    "tileset": "/mIconVectorTileLayer.svg",
    "file": "/mIconFile.svg",
    "document": "/mIconFile.svg",
    "process": "/processingAlgorithm.svg",
    "project": "/mIconFolderProject.svg",
    "folder": "/mIconFolder.svg",
    "vector": "/mIconVector.svg",
}
# Source layer types (``LayerSource.layer_type``) that decide the icon whatever the geometry.
_LAYER_TYPE_ICONS = {"raster": "raster", "vector-tile": "tileset", "vectortile": "tileset"}
_NO_GEOMETRY_WORDS = ("nogeometry", "none", "no geometry", "table", "attribute")
_icons: dict[str, QIcon] = {}


def geometry_class(geometry_type: Optional[str]) -> str:
    """``point``, ``line``, ``polygon``, ``table`` (no geometry) or '' (not known) for a platform's geometry
    type name, in any platform's spelling (``MultiLineString``, ``LINESTRING``, ``multipolygon``, ``Point``...)."""
    name = (geometry_type or "").strip().lower().replace("_", "")
    if not name:
        return ""
    if name in _NO_GEOMETRY_WORDS:
        return TABLE
    for word, kind in (("point", POINT), ("polygon", POLYGON), ("surface", POLYGON), ("line", LINE), ("curve", LINE)):
        if word in name:
            return kind
    return ""


def icon_name(kind: str, geometry_type: Optional[str] = None, layer_type: str = "", has_children: bool = False) -> str:
    """The QGIS theme icon name for a resource of ``kind`` with ``geometry_type``.

    ``layer_type`` is the type of the source it loads from (a raster or vector-tile source wins);
    ``has_children``: a container (a project, a set), shown as a folder.
    """
    kind = kind.lower()
    singular = next((k for k in (kind, kind[:-1], kind[:-2]) if k in ICONS), kind)  # "tables", "processes"
    if has_children:
        return ICONS["project"] if singular == "project" else ICONS["folder"]
    if layer_type.lower() in _LAYER_TYPE_ICONS:
        return ICONS[_LAYER_TYPE_ICONS[layer_type.lower()]]
    geometry = geometry_class(geometry_type)
    if singular == "table" and geometry in ("", TABLE):
        return ICONS[TABLE]
    if geometry:
        return ICONS[geometry]
    return ICONS.get(singular, ICONS["vector"])


def theme_icon(name: str) -> QIcon:
    """QGIS's theme icon ``name`` (made once, then shared)."""
    if name not in _icons:
        _icons[name] = QgsApplication.getThemeIcon(name)
    return _icons[name]


def resource_icon_name(resource: Resource, layer_type: str = "") -> str:
    """The theme icon name for ``resource`` (see :func:`icon_name`)."""
    return icon_name(resource.kind, resource.geometry_type, layer_type, resource.has_children)


def resource_icon(resource: Resource, layer_type: str = "") -> QIcon:
    """The QGIS theme icon for ``resource`` (see :func:`icon_name`)."""
    return theme_icon(resource_icon_name(resource, layer_type))
