"""Dropping layers on Geobox against the local server: a Layers-panel layer and a GeoPackage file from the Browser
dropped on the Geobox connection in the Browser panel, and on the Catalog dock's list, are uploaded and listed."""

from __future__ import annotations

import json
import uuid as _uuid
from pathlib import Path

import pytest
from helpers import memory_layer, wait_until, write_gpkg
from qgis.core import Qgis, QgsDataItem, QgsMimeDataUtils, QgsProject, QgsVectorLayer
from qgis.gui import QgsDataItemGuiContext
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QMimeData, QPoint, Qt, QUrl
from qgis.PyQt.QtGui import QDragEnterEvent, QDropEvent
from qgis.PyQt.QtWidgets import QApplication
from test_browser_provider import kids, populated
from test_geobox_upload import remote_features

from geodock.plugin.browser.items import ConnectionItem, KindItem, upload_target
from geodock.plugin.browser.provider import create_provider
from geodock.plugin.connections import Connection
from geodock.ui.browser_drop import NAME, UploadDropGuiProvider, dropped_layers


def unique(prefix: str) -> str:
    return f"{prefix}_{_uuid.uuid4().hex[:8]}"


@pytest.fixture
def geobox(connections, geobox_server) -> Connection:
    connections.import_json({"connections": [geobox_server.connection()]})
    return connections.get(geobox_server.connection()["name"])


@pytest.fixture
def project_layer():
    layer = memory_layer(unique("panel_towns"))
    QgsProject.instance().addMapLayer(layer)
    yield layer
    QgsProject.instance().removeMapLayer(layer.id())


@pytest.fixture
def gpkg_file(tmp_path: Path) -> tuple[Path, str]:
    name = unique("file_towns")
    return write_gpkg(tmp_path, name), name


def layer_mime(layer: QgsVectorLayer) -> QMimeData:
    """What the Layers panel (``QgsLayerTreeModel::mimeData``) puts in a drag of ``layer``: its tree node as URIs
    (QGIS 3.22 does not expose ``layersToUriList`` to Python)."""
    node = QgsProject.instance().layerTreeRoot().findLayer(layer.id())
    assert node is not None
    mime = QMimeData()
    mime.setData("application/x-vnd.qgis.qgis.uri", QgsMimeDataUtils.layerTreeNodesToUriList([node]))
    [uri] = QgsMimeDataUtils.decodeUriList(mime)
    assert uri.layerId == layer.id()
    return mime


def file_mime(path: Path, name: str) -> QMimeData:
    """What the Browser puts in a drag of a GeoPackage table (an ``ogr`` URI to the file)."""
    uri = QgsMimeDataUtils.Uri()
    uri.layerType = "vector"
    uri.providerKey = "ogr"
    uri.name = name
    uri.uri = f"{path}|layername={name}"
    return QgsMimeDataUtils.encodeUriList([uri])


def geobox_items(connection: Connection) -> tuple[QgsDataItem, ConnectionItem]:
    root = create_provider().createDataItem("", None)
    [item] = [c for c in populated(root) if c.name() == connection.name]
    assert isinstance(item, ConnectionItem)
    return root, item


def listed_uuid(connection: Connection, name: str) -> str:
    """The uuid of the server's vector layer ``name`` (fails when it is not listed)."""
    from helpers import run_task

    from geodock.plugin.platforms.geobox.adapter import GeoboxAdapter

    def work(feedback) -> list[dict]:
        adapter = GeoboxAdapter(connection)
        return adapter.client.get_json(
            adapter.url("vectorLayers/"), params={"limit": 1000}, auth=adapter.authenticated(feedback)
        )

    matching = [item["uuid"] for item in run_task(work) if item["name"] == name]
    assert len(matching) == 1, f"{name} listed {len(matching)} times"
    return matching[0]


def wait_tasks(tasks, timeout: float = 90) -> None:
    """Wait until the task manager deleted ``tasks`` (it does so after their ``finished()`` ran)."""
    wait_until(lambda: all(sip.isdeleted(t) for t in tasks), timeout, "the upload tasks")
    QApplication.processEvents()


def context_for(qgis_iface) -> QgsDataItemGuiContext:
    context = QgsDataItemGuiContext()
    context.setMessageBar(qgis_iface.messageBar())
    return context


def test_only_geobox_connection_and_its_vectors_accept_drops(geobox, connections, koordinates_server, qgis_iface):
    connections.import_json({"connections": [koordinates_server.connection()]})
    root = create_provider().createDataItem("", None)
    by_name = {c.name(): c for c in populated(root)}
    provider = UploadDropGuiProvider()
    context = context_for(qgis_iface)
    geobox_item = by_name[geobox.name]
    assert provider.acceptDrop(geobox_item, context)
    kinds = {k.kind: k for k in populated(geobox_item) if isinstance(k, KindItem)}
    assert provider.acceptDrop(kinds["vectors"], context)
    assert not provider.acceptDrop(kinds["rasters"], context)
    assert not provider.acceptDrop(by_name[koordinates_server.connection()["name"]], context)
    assert not provider.acceptDrop(root, context)
    assert upload_target(None) is None


def test_layers_panel_layer_dropped_on_the_browser_connection(geobox, project_layer, qgis_iface):
    qgis_iface.messageBar().clear_messages()
    _root, item = geobox_items(geobox)
    vectors = next(k for k in populated(item) if isinstance(k, KindItem) and k.kind == "vectors")
    before = len(populated(vectors))
    provider = UploadDropGuiProvider()
    assert provider.handleDrop(item, context_for(qgis_iface), layer_mime(project_layer), Qt.DropAction.CopyAction)
    assert len(provider.started) == 1
    wait_tasks(provider.started)
    uuid = listed_uuid(geobox, project_layer.name())
    assert len(remote_features(geobox, uuid)) == project_layer.featureCount() == 3
    assert qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Success)
    # the connection's "Vector layers" listed again: the new layer shows in the Browser
    wait_until(
        lambda: vectors.state() == QgsDataItem.Populated and project_layer.name() in {c.name() for c in kids(vectors)},
        30,
        "the new layer in the Browser",
    )
    assert len(kids(vectors)) == before + 1


def test_geopackage_file_dropped_on_the_vectors_item(geobox, gpkg_file, qgis_iface):
    path, name = gpkg_file
    _root, item = geobox_items(geobox)
    vectors = next(k for k in populated(item) if isinstance(k, KindItem) and k.kind == "vectors")
    provider = UploadDropGuiProvider()
    mime = file_mime(path, name)
    [dropped] = dropped_layers(mime)[0]
    assert dropped.layer.providerType() == "ogr" and QgsProject.instance().mapLayer(dropped.layer.id()) is None
    assert provider.handleDrop(vectors, context_for(qgis_iface), mime, Qt.DropAction.CopyAction)
    wait_tasks(provider.started)
    uuid = listed_uuid(geobox, name)
    features = remote_features(geobox, uuid)
    assert len(features) == 3
    assert {f["properties"]["name"] for f in features} == {"Alpha", "Beta", "Gamma"}


def test_non_vector_and_refused_drops_say_why_in_one_line(geobox, geobox_server, project_layer, qgis_iface):
    qgis_iface.messageBar().clear_messages()
    _root, item = geobox_items(geobox)
    provider = UploadDropGuiProvider()
    raster = QgsMimeDataUtils.Uri()
    raster.layerType, raster.providerKey, raster.name, raster.uri = "raster", "gdal", "relief", "/nowhere/relief.tif"
    assert provider.handleDrop(
        item, context_for(qgis_iface), QgsMimeDataUtils.encodeUriList([raster]), Qt.DropAction.CopyAction
    )
    assert provider.started == []
    [warning] = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Warning)
    assert "relief" in warning and "\n" not in warning.strip()
    # a layer the server refuses: its reason shows, in one line
    refusal = json.dumps({"detail": "Storage quota exceeded for this user"})
    geobox_server.fault(path="/v1/files", status=403, body=refusal, content_type="application/json")
    provider.handleDrop(item, context_for(qgis_iface), layer_mime(project_layer), Qt.DropAction.CopyAction)
    wait_tasks(provider.started)
    [critical] = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    assert "Storage quota exceeded for this user" in critical and "Traceback" not in critical
    assert "\n" not in critical.strip()


@pytest.fixture
def dock(qgis_iface, connections):
    from geodock.ui.catalog_dock import CatalogDock

    qgis_iface.messageBar().clear_messages()
    widget = CatalogDock(qgis_iface)
    yield widget
    widget.shutdown()
    widget.deleteLater()


def show_vectors(dock, connection: Connection) -> None:
    dock.refresh_connections()
    dock.select_connection(connection.name)
    dock.select_kind("vectors")
    dock.reload()
    wait_until(lambda: not dock.model.loading, 30, "the catalog page")


def listed_names(dock) -> set[str]:
    model = dock.model
    return {resource.title for row in range(model.rowCount()) if (resource := model.resource(model.index(row, 0)))} | {
        resource.id for row in range(model.rowCount()) if (resource := model.resource(model.index(row, 0)))
    }


def send_drop(dock, mime: QMimeData) -> QDropEvent:
    """A drag entering the list then dropping, as Qt delivers them (a drop comes only after an accepted enter)."""
    point, action = QPoint(5, 5), Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(dock.view.viewport(), QDragEnterEvent(point, action, mime, buttons, modifiers))
    event = QDropEvent(point, action, mime, buttons, modifiers)
    QApplication.sendEvent(dock.view.viewport(), event)
    return event


def test_catalog_dock_drop_uploads_and_lists_again(geobox, project_layer, gpkg_file, dock):
    show_vectors(dock, geobox)
    assert project_layer.name() not in listed_names(dock)
    assert dock.view.viewport().acceptDrops()
    event = send_drop(dock, layer_mime(project_layer))
    assert event.isAccepted()
    assert len(dock.uploads) == 1
    path, name = gpkg_file
    dock.upload_dropped(file_mime(path, name))
    assert len(dock.uploads) == 2
    wait_tasks(dock.uploads)
    assert len(remote_features(geobox, listed_uuid(geobox, project_layer.name()))) == 3
    assert len(remote_features(geobox, listed_uuid(geobox, name))) == 3
    wait_until(
        lambda: not dock.model.loading and {project_layer.name(), name} <= listed_names(dock),
        30,
        "the new layers in the catalog",
    )


def test_catalog_dock_refuses_drops_for_other_platforms(geobox, connections, koordinates_server, project_layer, dock):
    from geodock.plugin.auth import trust_certificate_authorities

    trust_certificate_authorities([str(koordinates_server.ca_file)])
    connections.import_json({"connections": [koordinates_server.connection()]})
    dock.refresh_connections()
    dock.select_connection(koordinates_server.connection()["name"])
    assert not dock.accepts_drop(layer_mime(project_layer))
    event = send_drop(dock, layer_mime(project_layer))
    assert not event.isAccepted()
    assert dock.uploads == []
    # a drag that started in the list itself is not an upload
    dock.select_connection(geobox.name)
    assert dock.accepts_drop(layer_mime(project_layer))
    assert not dock.accepts_drop(layer_mime(project_layer), dock.view)
    local_file = QMimeData()
    local_file.setUrls([QUrl("https://example.com/a.gpkg")])
    assert not dock.accepts_drop(local_file)


def test_plugin_registers_the_gui_provider_once(qgis_iface):
    from qgis.gui import QgsGui

    import geodock

    def registered() -> int:
        return len([p for p in QgsGui.dataItemGuiProviderRegistry().providers() if p.name() == NAME])

    for _ in range(2):  # load, unload, load again: exactly one each time, none after unload
        plugin = geodock.classFactory(qgis_iface)
        plugin.initGui()
        try:
            assert registered() == 1
        finally:
            plugin.unload()
            QApplication.processEvents()
        assert registered() == 0
