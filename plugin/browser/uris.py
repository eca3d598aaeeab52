"""Drag-and-drop URIs of remote resources, shared by the Browser panel and the Catalog dock.

A resource with a native QGIS endpoint travels as a ``QgsMimeDataUtils.Uri`` with that provider key and URI,
so QGIS loads a drop by itself. A ``fetch`` source (no native endpoint) travels as a custom URI with provider
key ``geodock``: its ``uri`` is a small JSON reference (connection id, resource id and kind, source label),
never a secret, which :mod:`.drop_handler` turns back into a Geodock load.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

from qgis.core import QgsMimeDataUtils

from ..connections import Connection, store
from ..i18n import tr
from ..platforms.base import LayerSource, Resource

PROVIDER_KEY = "geodock"
_MIME_LAYER_TYPES = {"vector": "vector", "raster": "raster", "vector-tile": "vectortile", "vectortile": "vectortile"}

# Resources dragged in this session, by custom URI: a drop needs no second details request.
_recent: dict[str, tuple[Resource, LayerSource]] = {}
_RECENT_MAX = 500


def default_source(sources: list[LayerSource]) -> Optional[LayerSource]:
    """The source double-click and "Add to map" use: the one marked default, else the first."""
    for source in sources:
        if source.default:
            return source
    return sources[0] if sources else None


def mime_uri(connection: Connection, resource: Resource, source: LayerSource) -> QgsMimeDataUtils.Uri:
    """The drag-and-drop URI of ``source``: native when it has a provider, else a ``geodock`` custom URI."""
    uri = QgsMimeDataUtils.Uri()
    uri.name = source.name or resource.title
    if source.fetch or not source.provider:
        uri.layerType = "custom"
        uri.providerKey = PROVIDER_KEY
        uri.uri = json.dumps(
            {
                "connection": connection.id,
                "id": resource.id,
                "kind": resource.kind,
                "title": resource.title,
                "api_url": resource.api_url,
                "source": source.label,
            },
            sort_keys=True,
        )
        if len(_recent) >= _RECENT_MAX:
            _recent.pop(next(iter(_recent)))
        _recent[uri.uri] = (resource, source)
    else:
        uri.layerType = _MIME_LAYER_TYPES.get(source.layer_type, source.layer_type)
        uri.providerKey = source.provider
        uri.uri = source.uri
    return uri


@dataclass
class CustomReference:
    """What a ``geodock`` custom URI names."""

    connection: Connection
    resource: Resource
    source_label: str
    source: Optional[LayerSource] = None  # known when the drag started in this session


def decode_custom_uri(text: str) -> CustomReference:
    """The connection, resource and source a ``geodock`` custom URI names; ``ValueError`` when it cannot."""
    try:
        data = json.loads(text)
    except ValueError:
        raise ValueError(tr("Not a Geodock layer reference")) from None
    if not isinstance(data, dict) or "connection" not in data or "id" not in data:
        raise ValueError(tr("Not a Geodock layer reference"))
    connection = next((c for c in store().all() if c.id == data["connection"]), None)
    if connection is None:
        raise ValueError(tr("The Geodock connection of this layer no longer exists"))
    recent = _recent.get(text)
    if recent is not None:
        return CustomReference(connection, recent[0], recent[1].label, recent[1])
    resource = Resource(
        id=str(data["id"]),
        kind=str(data.get("kind", "")),
        title=str(data.get("title", "")),
        api_url=str(data.get("api_url", "")),
    )
    return CustomReference(connection, resource, str(data.get("source", "")))
