"""Remote resources as QGIS layers: one place that turns a :class:`LayerSource` into a valid layer.

:func:`load_resource` blocks (fetches, provider capabilities requests) and runs on a worker thread: in a
``QgsTask`` or a Processing algorithm. It hands the finished layer to the GUI thread
(``moveToThread``), where :func:`add_to_project` adds it. Fetched data goes to a cache GeoPackage under the
QGIS profile, with a stable name per connection and resource, so a saved project opens it again offline.
Layer sources never carry a secret (see :mod:`plugin.provider_auth`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Optional

from qgis.core import (
    QgsApplication,
    QgsFeedback,
    QgsMapLayer,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
    QgsVectorTileLayer,
)
from qgis.PyQt.QtCore import QCoreApplication

from .connections import Connection
from .errors import GeodockError
from .layer_metadata import apply_metadata
from .platforms import adapter_for
from .platforms.base import LayerSource, Resource

RESOURCE_PROPERTY = "geodock/resource"


def cache_folder(connection: Connection) -> Path:
    """The profile's cache folder for ``connection``'s fetched data."""
    folder = Path(QgsApplication.qgisSettingsDirPath()) / "geodock" / "cache" / connection.id
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cache_path(connection: Connection, resource: Resource) -> Path:
    """The stable GeoPackage path of ``resource``'s local copy."""
    safe_id = re.sub(r"[^A-Za-z0-9_-]+", "_", resource.id)
    return cache_folder(connection) / f"{connection.kind}-{resource.kind}-{safe_id}.gpkg"


def _open(
    connection: Connection, resource: Resource, source: LayerSource, feedback: Optional[QgsFeedback]
) -> QgsMapLayer:
    adapter = adapter_for(connection)
    if source.fetch and source.layer_type == "raster":
        path = adapter.fetch_raster(resource, str(cache_folder(connection)), feedback)
        return QgsRasterLayer(path, source.name, "gdal")
    if source.fetch:
        uri = adapter.fetch_features(resource, str(cache_path(connection, resource)), None, feedback)
        return QgsVectorLayer(uri, source.name, "ogr")
    adapter.prepare_sources(feedback)  # e.g. a Geobox login, so that the provider's first requests carry a token
    if source.layer_type == "vector":
        return QgsVectorLayer(source.uri, source.name, source.provider)
    if source.layer_type == "raster":
        return QgsRasterLayer(source.uri, source.name, source.provider)
    if source.layer_type == "vector-tile":
        return QgsVectorTileLayer(source.uri, source.name)
    raise GeodockError(f"Unknown layer type {source.layer_type!r} for {resource.title}")


def load_resource(
    connection: Connection, resource: Resource, source: LayerSource, feedback: Optional[QgsFeedback] = None
) -> QgsMapLayer:
    """Build a valid layer of ``resource`` from ``source`` (BLOCKING: worker threads only).

    Fetch sources are first copied into the cache GeoPackage. The returned layer belongs to the GUI thread.
    """
    layer = _open(connection, resource, source, feedback)
    if not layer.isValid():
        error = layer.error().summary() if layer.error() else ""
        details = f"{source.provider or 'ogr'} could not open {layer.source()}\n{error}"
        raise GeodockError(f"QGIS could not open {resource.title or resource.id} as {source.label}", details)
    layer.setName(source.name or resource.title)
    apply_metadata(layer, connection, resource)
    layer.setCustomProperty(
        RESOURCE_PROPERTY,
        json.dumps({"connection": connection.name, "kind": resource.kind, "id": resource.id, "source": source.label}),
    )
    app = QCoreApplication.instance()
    if app is not None and layer.thread() is not app.thread():
        layer.moveToThread(app.thread())
    return layer


def add_to_project(layer: QgsMapLayer, resource: Resource, project: Optional[QgsProject] = None) -> None:
    """Add ``layer`` to the project (GUI thread)."""
    (project or QgsProject.instance()).addMapLayer(layer)
