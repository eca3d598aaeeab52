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


def origin(connection: Connection) -> str:
    """Where a layer came from, as the user named it: ``Local Geobox (Geobox)``; the connection's name and
    its platform, never its URL (which could name a user or a server path the user keeps to themselves)."""
    name, platform = html_to_text(connection.name), kind_title(connection.kind)
    return name if name.casefold() == platform.casefold() else f"{name} ({platform})"


def origin_note(connection: Connection) -> str:
    """One line for a layer's abstract and history: ``From the Geodock connection Local Geobox (Geobox)``."""
    return tr("From the Geodock connection {origin}").format(origin=origin(connection))


def resource_tooltip(connection: Connection, resource: Resource, source_label: str = "") -> str:
    """The tooltip of a listed resource (plain text): its title, what it is, and where it comes from."""
    what = " · ".join(part for part in (resource.kind, resource.id, source_label) if part)
    return f"{resource.title or resource.id}\n{what}\n{origin_note(connection)}"


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
    metadata.setHistory([origin_note(connection)])
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
    layer.setAbstract(origin_note(connection))  # the Layers panel's tooltip shows it under the title
