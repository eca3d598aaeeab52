"""A remote resource's description as QGIS layer metadata and attribution (no network)."""

from __future__ import annotations

from qgis.core import (
    QgsAbstractMetadataBase,
    QgsBox3d,
    QgsCoordinateReferenceSystem,
    QgsLayerMetadata,
    QgsMapLayer,
)

from .connections import KIND_TITLES, Connection
from .platforms.base import Resource


def metadata_for(connection: Connection, resource: Resource) -> QgsLayerMetadata:
    """Title, abstract, licence, extent, CRS and links of ``resource`` (never a credential)."""
    metadata = QgsLayerMetadata()
    metadata.setIdentifier(f"{connection.kind}:{resource.kind}:{resource.id}")
    metadata.setTitle(resource.title)
    metadata.setAbstract(resource.description)
    metadata.setType("dataset")
    if resource.license:
        metadata.setLicenses([resource.license])
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
        ("Web page", resource.web_url, "WWW:LINK"),
        ("API", resource.api_url, "WWW:LINK"),
        ("Thumbnail", resource.thumbnail_url, "image/png"),
    ):
        if url:
            link = QgsAbstractMetadataBase.Link(name, kind, url)
            links.append(link)
    metadata.setLinks(links)
    metadata.setKeywords({"geodock": [KIND_TITLES.get(connection.kind, connection.kind), connection.name]})
    return metadata


def apply_metadata(layer: QgsMapLayer, connection: Connection, resource: Resource) -> None:
    """Set ``layer``'s metadata, attribution and a short abstract from ``resource``."""
    layer.setMetadata(metadata_for(connection, resource))
    attribution = str(resource.raw.get("attribution") or "") or KIND_TITLES.get(connection.kind, connection.kind)
    layer.setAttribution(attribution)
    if resource.web_url:
        layer.setAttributionUrl(resource.web_url)
    layer.setTitle(resource.title)
