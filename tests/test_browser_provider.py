"""The Geodock Browser provider against the real local Koordinates server: children, paging, drag and drop."""

from __future__ import annotations

from helpers import spin, wait_until
from qgis.core import QgsDataItem, QgsErrorItem, QgsLayerItem, QgsMimeDataUtils, QgsProject, QgsVectorLayer
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QCoreApplication, QEvent

import geodock.plugin.browser.items as items
from geodock.plugin.browser.drop_handler import GeodockDropHandler
from geodock.plugin.browser.provider import create_provider
from geodock.plugin.browser.uris import PROVIDER_KEY, decode_custom_uri


def kids(item: QgsDataItem) -> list[QgsDataItem]:
    """``item``'s live children, from the Python side.

    Not ``item.children()``: in QGIS 3.22 its binding wraps the children as new Python-owned objects, which
    deletes them when the list goes away.
    """
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # duplicates a refresh dropped
    alive = [child for child in getattr(item, "_python_children", []) if not sip.isdeleted(child)]
    if item.state() == QgsDataItem.Populated:
        assert len(alive) == item.rowCount()
    return alive


def populated(item: QgsDataItem) -> list[QgsDataItem]:
    """``item``'s children, created in the foreground (createChildren is blocking and widget-free)."""
    if item.state() != QgsDataItem.Populated:
        item.populate(True)
    return kids(item)


def kind_item(koordinates, kind="layers"):
    provider = create_provider()
    assert provider.name() == "Geodock"
    root = provider.createDataItem("", None)
    assert root.name() == "Geodock"
    [connection] = [c for c in populated(root) if c.name() == koordinates.connection()["name"]]
    kinds = {k.name(): k for k in populated(connection)}
    assert set(kinds) >= {"Layers", "Tables", "Data catalog"}
    item = next(k for k in kinds.values() if k.kind == kind)
    return root, item


def test_root_connection_kinds_resources(koordinates):
    _root, layers = kind_item(koordinates)
    children = populated(layers)
    resources = [c for c in children if isinstance(c, QgsLayerItem)]
    assert {"World Countries", "World Relief"} <= {c.name() for c in resources}
    assert all(c.path().startswith(layers.path() + "/") for c in children)


def test_fetch_more_item_loads_the_next_page(koordinates, monkeypatch):
    monkeypatch.setattr(items, "PAGE_SIZE", 2)
    _root, layers = kind_item(koordinates)
    children = populated(layers)
    more = [c for c in children if isinstance(c, items.FetchMoreItem)]
    assert len(more) == 1 and len(children) == 3
    total = layers.total
    assert total and total > 2
    while True:
        more = [c for c in kids(layers) if isinstance(c, items.FetchMoreItem)]
        if not more:
            break
        before = len([c for c in kids(layers) if isinstance(c, QgsLayerItem)])
        assert more[0].handleDoubleClick()
        wait_until(
            lambda b=before: (
                layers.state() == QgsDataItem.Populated
                and len([c for c in kids(layers) if isinstance(c, QgsLayerItem)]) > b
            ),
            30,
            "the next page",
        )
        spin(0.1)
    loaded = [c for c in kids(layers) if isinstance(c, QgsLayerItem)]
    assert len(loaded) == total == len({c.path() for c in loaded})


def test_error_item_on_server_failure(koordinates):
    koordinates.fault(status=500, path="/services/api/v1/layers/", times=3)
    _root, layers = kind_item(koordinates)
    children = populated(layers)
    assert len(children) == 1 and isinstance(children[0], QgsErrorItem)
    assert "Server error (500)" in children[0].name()


def test_layer_item_mime_uri_drops_as_a_valid_layer(koordinates, qgis_iface):
    _root, layers = kind_item(koordinates)
    [countries] = [c for c in populated(layers) if c.name() == "World Countries"]
    uri = countries.mimeUri()
    assert uri.providerKey == "WFS" and uri.layerType == "vector"
    assert koordinates.credentials["token"] not in uri.uri
    mime = QgsMimeDataUtils.encodeUriList(countries.mimeUris())
    [dropped] = QgsMimeDataUtils.decodeUriList(mime)
    layer = QgsVectorLayer(dropped.uri, dropped.name, dropped.providerKey)
    assert layer.isValid(), layer.error().summary()
    assert layer.featureCount() > 100
    actions = [a.text() for a in countries.actions(None)]
    assert {"Add to map", "Export…", "Copy id", "Copy URL", "Open on the web", "Refresh"} <= set(actions)
    assert any(a.startswith("Add to map as ") for a in actions)
    export = next(a for a in countries.actions(None) if a.text() == "Export…")
    export.trigger()
    from geodock.ui.export_dialog import ExportDialog

    [dialog] = [w for w in qgis_iface.mainWindow().findChildren(ExportDialog) if w.isVisible()]
    assert [r.title for r in dialog.resources] == ["World Countries"]
    wait_until(lambda: dialog.form.formats, 30, "the export formats")
    dialog.close()


def test_without_the_gui_items_offer_no_gui_actions(koordinates):
    """Headless (qgis_process, scripts) plugin/ has no GUI hooks: no "Add to map" or "Export…", and a
    double-click is left to QGIS."""
    from geodock.plugin import gui_hooks

    _root, layers = kind_item(koordinates)
    [countries] = [c for c in populated(layers) if c.name() == "World Countries"]
    gui_hooks.clear()
    actions = {a.text() for a in countries.actions(None)}
    assert "Copy id" in actions
    assert not any(a.startswith("Add to map") or a == "Export…" for a in actions)
    assert countries.handleDoubleClick() is False


def test_custom_uri_drop_loads_through_geodock(koordinates, qgis_iface):
    _root, tables = kind_item(koordinates, "tables")
    [codes] = [c for c in populated(tables) if c.name() == "Country Codes"]
    [dropped] = QgsMimeDataUtils.decodeUriList(QgsMimeDataUtils.encodeUriList(codes.mimeUris()))
    assert dropped.layerType == "custom" and dropped.providerKey == PROVIDER_KEY
    assert koordinates.credentials["token"] not in dropped.uri
    reference = decode_custom_uri(dropped.uri)
    assert reference.resource.id == "5"
    QgsProject.instance().removeAllMapLayers()
    handler = GeodockDropHandler(qgis_iface.messageBar())
    assert handler.customUriProviderKey() == "geodock"
    handler.handleCustomUriDrop(dropped)
    wait_until(lambda: len(QgsProject.instance().mapLayers()) == 1, 120, "the dropped table in the project")
    layer = next(iter(QgsProject.instance().mapLayers().values()))
    assert layer.isValid() and layer.featureCount() > 0
    QgsProject.instance().removeAllMapLayers()


def test_amigocloud_project_item_lists_its_datasets(connections, amigocloud_server):
    connections.import_json({"connections": [amigocloud_server.connection()]})
    root = create_provider().createDataItem("", None)
    [connection] = [c for c in populated(root) if c.name() == amigocloud_server.connection()["name"]]
    [projects] = populated(connection)
    [world] = [c for c in populated(projects) if c.name() == "World"]
    assert isinstance(world, items.ContainerItem)
    datasets = [c for c in populated(world) if isinstance(c, QgsLayerItem)]
    assert len(datasets) >= 4
    assert all(amigocloud_server.credentials["token"] not in d.mimeUri().uri for d in datasets)
