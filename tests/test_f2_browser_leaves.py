"""Browser leaves (layers, tables, files, "Fetch more…") show no expand arrow; containers still do."""

from __future__ import annotations

import pytest
from f2_fixtures import (
    browser_items,
    live_children,
    platform_connection_fixture,  # noqa: F401  # the platform_connection fixture
    same_icon,
)
from qgis.core import Qgis, QgsLayerItem

import geodock.plugin.browser.items as items
from geodock.plugin.browser.provider import create_provider


@pytest.mark.parametrize("platform_connection", ["amigocloud", "geobox", "koordinates"], indirect=True)
def test_leaves_have_no_children_and_containers_have(platform_connection):
    found = browser_items(platform_connection)
    leaves = [
        item
        for name, item in found.items()
        if name != "__root__" and isinstance(item, (QgsLayerItem, items.ResourceItem, items.FetchMoreItem))
    ]
    assert any(isinstance(item, QgsLayerItem) for item in leaves)
    arrows = [item.name() for item in leaves if item.hasChildren()]
    assert not arrows, f"leaves with an expand arrow: {arrows}"
    assert all(item.state() == Qgis.BrowserItemState.Populated for item in leaves)
    assert all(not item.capabilities2() & Qgis.BrowserItemCapability.Fertile for item in leaves)
    containers = [item for item in found.values() if isinstance(item, items.ContainerItem)]
    assert all(item.hasChildren() for item in containers)


def test_fetch_more_is_a_leaf(geobox_server, connections, monkeypatch):
    monkeypatch.setattr(items, "PAGE_SIZE", 1)
    (connection,) = connections.import_json({"connections": [geobox_server.connection()]})
    root = create_provider().createDataItem("", None)
    (item,) = [c for c in live_children(root) if c.name() == connection.name]
    kinds = {kind.kind: kind for kind in live_children(item)}
    vectors = live_children(kinds["vectors"])
    more = [child for child in vectors if isinstance(child, items.FetchMoreItem)]
    assert len(more) == 1 and not more[0].hasChildren()
    assert kinds["vectors"].hasChildren()


def test_processes_are_leaves_with_the_processing_icon(wraptile_server, connections):
    (connection,) = connections.import_json({"connections": [wraptile_server.connection()]})
    found = browser_items(connection)
    processes = [item for item in found.values() if isinstance(item, items.ResourceItem)]
    assert processes and not any(item.hasChildren() for item in processes)
    assert all(same_icon(item.icon(), "/processingAlgorithm.svg") for item in processes)
