"""A remote resource's description as QGIS layer metadata and attribution (no network).

QGIS shows layer metadata as HTML without escaping it (Layer Properties ▸ Information), so every text taken
from the server goes in as inert plain text (:func:`plugin.html_sanitize.html_to_text`), and only http(s)
links are kept.
"""

from __future__ import annotations

from qgis.core import (
    QgsAbstractMetadataBase,
    QgsBox3d,
    QgsCoordinateReferenceSystem,
    QgsLayerMetadata,
    QgsMapLayer,
)

from .connections import Connection, kind_title
from .html_sanitize import html_to_text, safe_link
from .i18n import tr
from .platforms.base import Resource


def metadata_for(connection: Connection, resource: Resource) -> QgsLayerMetadata:
    """Title, abstract, licence, extent, CRS and links of ``resource`` (never a credential)."""
    metadata = QgsLayerMetadata()
    metadata.setIdentifier(f"{connection.kind}:{resource.kind}:{resource.id}")
    metadata.setTitle(html_to_text(resource.title))
    metadata.setAbstract(html_to_text(resource.description))
    metadata.setType("dataset")
    if resource.license:
        metadata.setLicenses([html_to_text(resource.license)])
    if resource.crs:
        crs = QgsCoordinateReferenceSystem(resource.crs)
        metadata.setCrs(crs)
        if resource.extent is not None:
            spatial = QgsLayerMetadata.SpatialExtent()
            spatial.extentCrs = crs
            xmin, ymin, xmax, ymax = resource.extent
            spatial.bounds = QgsBox3d(xmin, ymin, 0.0, xmax, ymax, 0.0)
            extent = QgsLayerMetadata.Extent()
            extent.setSpatialExtents([spatial])
            metadata.setExtent(extent)
    links = []
    for name, url, kind in (
        (tr("Web page"), resource.web_url, "WWW:LINK"),
        ("API", resource.api_url, "WWW:LINK"),
        (tr("Thumbnail"), resource.thumbnail_url, "image/png"),
    ):
        link_url = safe_link(url)
        if link_url:
            link = QgsAbstractMetadataBase.Link(name, kind, link_url)
            links.append(link)
    metadata.setLinks(links)
    names = [kind_title(connection.kind), html_to_text(connection.name)]
    metadata.setKeywords({"geodock": names})
    return metadata


def apply_metadata(layer: QgsMapLayer, connection: Connection, resource: Resource) -> None:
    """Set ``layer``'s metadata, attribution and a short abstract from ``resource``."""
    layer.setMetadata(metadata_for(connection, resource))
    attribution = html_to_text(str(resource.raw.get("attribution") or ""))
    layer.setAttribution(attribution or kind_title(connection.kind))
    web_url = safe_link(resource.web_url)
    if web_url:
        layer.setAttributionUrl(web_url)
    layer.setTitle(html_to_text(resource.title))
