"""Remote resources as QGIS layers: one place that turns a :class:`LayerSource` into a valid layer.

:func:`load` is the whole "add to map" work of one resource, in one task: it asks the platform once
(:func:`adapter_for`), chooses the source (reading the resource's details first for a dropped reference),
and builds the layer with :func:`load_resource`. Both block (fetches, provider capabilities requests) and
run on a worker thread: in a ``QgsTask`` or a Processing algorithm. The finished layer is handed to the GUI
thread (``moveToThread``), which adds it to the project. Fetched data goes to a cache GeoPackage under the
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

from .browser.uris import default_source
from .connections import Connection
from .errors import GeodockError
from .i18n import tr
from .layer_metadata import apply_metadata
from .platforms import adapter_for
from .platforms.base import LayerSource, PlatformAdapter, Resource
from .sync.model import parse_source
from .sync.record import record_copy

RESOURCE_PROPERTY = "geodock/resource"


class NoLayerSourceError(GeodockError):
    """The resource has no way to become a layer (a folder, a table without a loadable source...)."""


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
    adapter: PlatformAdapter,
    connection: Connection,
    resource: Resource,
    source: LayerSource,
    feedback: Optional[QgsFeedback],
) -> QgsMapLayer:
    if source.fetch and source.layer_type == "raster":
        path = adapter.fetch_raster(resource, str(cache_folder(connection)), feedback)
        return QgsRasterLayer(path, source.name, "gdal")
    if source.fetch:
        uri = adapter.fetch_features(resource, str(cache_path(connection, resource)), None, feedback)
        record_copy(*parse_source(uri), connection, resource)  # the copy knows its origin: sync and reload
        return QgsVectorLayer(uri, source.name, "ogr")
    adapter.prepare_sources(feedback)  # e.g. a login, so that the provider's first requests carry a token
    if source.layer_type == "vector":
        return QgsVectorLayer(source.uri, source.name, source.provider)
    if source.layer_type == "raster":
        return QgsRasterLayer(source.uri, source.name, source.provider)
    if source.layer_type == "vector-tile":
        return QgsVectorTileLayer(source.uri, source.name)
    raise GeodockError(
        tr("Unknown layer type {type!r} for {title}").format(type=source.layer_type, title=resource.title)
    )


def choose_source(
    adapter: PlatformAdapter, resource: Resource, source_label: Optional[str], feedback: Optional[QgsFeedback]
) -> tuple[Resource, LayerSource]:
    """The resource to load and its source (BLOCKING with ``source_label``).

    Without ``source_label`` this is the default source of ``resource`` as listed; with one (a dropped
    reference) the resource's details are read first and the source of that label is taken, else the default.
    """
    if source_label is not None:
        resource = adapter.get_details(resource, feedback)
    try:
        sources = adapter.layer_sources(resource)
    except NotImplementedError:
        sources = []
    source = next((s for s in sources if s.label == source_label), None) if source_label is not None else None
    source = source or default_source(sources)
    if source is None:
        raise NoLayerSourceError(tr("{title} cannot be added to the map").format(title=resource.title or resource.id))
    return resource, source


def load(
    connection: Connection,
    resource: Resource,
    source: Optional[LayerSource] = None,
    source_label: Optional[str] = None,
    feedback: Optional[QgsFeedback] = None,
) -> tuple[Resource, QgsMapLayer]:
    """Choose the source (unless ``source`` is given, see :func:`choose_source`) and build the layer
    (BLOCKING: worker threads only). Returns the resource as loaded (with its details when they were read)
    and the layer, which belongs to the GUI thread."""
    adapter = adapter_for(connection)
    if source is None:
        resource, source = choose_source(adapter, resource, source_label, feedback)
    return resource, load_resource(connection, resource, source, feedback, adapter)


def load_resource(
    connection: Connection,
    resource: Resource,
    source: LayerSource,
    feedback: Optional[QgsFeedback] = None,
    adapter: Optional[PlatformAdapter] = None,
) -> QgsMapLayer:
    """Build a valid layer of ``resource`` from ``source`` (BLOCKING: worker threads only).

    Fetch sources are first copied into the cache GeoPackage. The returned layer belongs to the GUI thread.
    """
    layer = _open(adapter or adapter_for(connection), connection, resource, source, feedback)
    if not layer.isValid():
        error = layer.error().summary() if layer.error() else ""
        details = f"{source.provider or 'ogr'} could not open {layer.source()}\n{error}"
        raise GeodockError(
            tr("QGIS could not open {title} as {source}").format(
                title=resource.title or resource.id, source=source.label
            ),
            details,
        )
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


def _origin_of(layer: QgsMapLayer) -> tuple[str, str, str]:
    """(connection name, resource kind, resource id) of a layer Geodock loaded; empty for any other layer."""
    try:
        doc = json.loads(str(layer.customProperty(RESOURCE_PROPERTY, "") or "{}"))
    except ValueError:
        return "", "", ""
    if not isinstance(doc, dict):
        return "", "", ""
    return str(doc.get("connection") or ""), str(doc.get("kind") or ""), str(doc.get("id") or "")


def name_apart(layer: QgsMapLayer, project: QgsProject) -> str:
    """Rename ``layer`` (a Geodock layer about to be added to ``project``) when a layer from elsewhere already
    has its name: ``countries`` becomes ``countries (Local Geobox)``, the connection it came from.

    The same resource of the same connection added again keeps its name (as QGIS does for a file added
    twice). GUI thread: call it just before ``project.addMapLayer(layer)``. Returns the name.
    """
    name = layer.name()
    own = _origin_of(layer)
    others = [other for other in project.mapLayers().values() if other is not layer]
    same_name = [other for other in others if other.name() == name]
    if not same_name or all(_origin_of(other) == own and own[0] for other in same_name):
        return name
    where = own[0]
    if not where:
        return name
    taken = {other.name() for other in others if _origin_of(other) != own}  # a twin of the same data may share it
    candidate, count = f"{name} ({where})", 2
    while candidate in taken:
        candidate, count = f"{name} ({where}, {count})", count + 1
    layer.setName(candidate)
    return candidate


def add_to_project(layer: QgsMapLayer, project: Optional[QgsProject] = None) -> None:
    """Add a loaded Geodock layer to ``project`` (the current one by default), its name told apart from a layer
    of the same name from elsewhere (:func:`name_apart`). GUI thread only."""
    target = project or QgsProject.instance()
    assert target is not None  # QGIS always has a current project
    name_apart(layer, target)
    target.addMapLayer(layer)
