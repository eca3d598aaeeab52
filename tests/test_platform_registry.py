"""A platform added from outside the plugin: ``tests/toy_platform`` and one registry row, nothing else.

Registered, the toy platform shows in the connection editor, is accepted by the connection store, lists its
things in the Catalog dock (and adds one to the map), browses in the Browser panel and brings its Processing
algorithm; and no file of ``plugin/`` or ``ui/`` names it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import wait_until
from qgis.core import QgsApplication, QgsLayerItem, QgsProject
from qgis.PyQt.QtWidgets import QDialogButtonBox
from test_browser_provider import populated
from toy_platform import KIND, TITLE, URL_EXAMPLE, row
from toy_platform.adapter import CATALOG

from geodock.plugin.connections import Connection, ConnectionConfigError
from geodock.plugin.platforms import registry

ROOT = Path(__file__).resolve().parent.parent
NAME = "Toy box"
TITLES = [title for _id, title in CATALOG]


@pytest.fixture
def toy(connections):
    """The toy platform registered for the test; its connections removed and its row gone afterwards."""
    registry.register(row())
    try:
        yield registry.platform(KIND)
    finally:
        for connection in connections.all():
            if connection.kind == KIND:
                connections.remove(connection)
        registry.unregister(KIND)


@pytest.fixture
def toy_connection(toy, connections) -> Connection:
    """A stored connection to the toy platform."""
    connection = Connection(NAME, KIND, URL_EXAMPLE)
    connections.save(connection)
    return connection


def test_the_connection_editor_offers_the_toy_kind_and_saves_it(toy, connections):
    from geodock.ui.connection_editor import ConnectionEditor

    editor = ConnectionEditor(connections)
    try:
        combo = editor.kind_combo
        offered = {combo.itemData(index): combo.itemText(index) for index in range(combo.count())}
        assert offered.get(KIND) == TITLE
        combo.setCurrentIndex(combo.findData(KIND))
        assert URL_EXAMPLE in editor.url_edit.placeholderText()
        editor.name_edit.setText(NAME)
        editor.url_edit.setText(URL_EXAMPLE)
        editor.button_box.button(QDialogButtonBox.StandardButton.Save).click()
        assert editor.result() == ConnectionEditor.DialogCode.Accepted
    finally:
        editor.deleteLater()
    saved = connections.get(NAME)
    assert saved is not None and saved.kind == KIND and saved.url == URL_EXAMPLE


def test_the_store_accepts_a_toy_connection_only_while_the_row_is_registered(connections):
    with pytest.raises(ConnectionConfigError, match="Unknown connection kind"):
        connections.save(Connection(NAME, KIND, URL_EXAMPLE))
    registry.register(row())
    try:
        (imported,) = connections.import_json({"connections": [{"name": NAME, "kind": KIND, "url": URL_EXAMPLE}]})
        assert imported.kind == KIND
        assert [c.kind for c in connections.all()] == [KIND]
    finally:
        for connection in connections.all():
            connections.remove(connection)
        registry.unregister(KIND)


def test_the_catalog_dock_lists_the_things_and_adds_one_to_the_map(toy_connection, qgis_iface):
    from geodock.ui.catalog_dock import CatalogDock

    QgsProject.instance().removeAllMapLayers()
    dock = CatalogDock(qgis_iface)
    try:
        dock.refresh_connections()
        dock.select_connection(NAME)
        dock.select_kind("things")
        dock.reload()
        wait_until(lambda: not dock.model.loading, 30, "the toy catalog")
        model = dock.model
        listed = [model.resource(model.index(r, 0)) for r in range(model.rowCount())]
        assert sorted(r.title for r in listed if r is not None) == sorted(TITLES)
        assert model.total == len(TITLES)
        row_of_red = next(r for r, resource in enumerate(listed) if resource and resource.title == "Red thing")
        dock._double_clicked(model.index(row_of_red, 0))
        wait_until(lambda: len(QgsProject.instance().mapLayers()) == 1, 30, "the thing on the map")
        (layer,) = QgsProject.instance().mapLayers().values()
        assert layer.isValid() and layer.name() == "Red thing" and layer.providerType() == "memory"
    finally:
        dock.shutdown()
        dock.deleteLater()
        QgsProject.instance().removeAllMapLayers()


def test_the_browser_lists_the_connection_its_kind_and_the_things(toy_connection):
    from geodock.plugin.browser.provider import create_provider

    root = create_provider().createDataItem("", None)
    (connection,) = [item for item in populated(root) if item.name() == NAME]
    kinds = populated(connection)
    assert [k.name() for k in kinds] == ["Things"]
    things = [item for item in populated(kinds[0]) if isinstance(item, QgsLayerItem)]
    assert sorted(item.name() for item in things) == sorted(TITLES)


def test_the_toy_algorithm_runs_after_the_provider_refresh(toy_connection, geodock_provider):
    import processing

    algorithms = QgsApplication.processingRegistry()
    geodock_provider.refreshAlgorithms()
    assert algorithms.algorithmById("geodock:toything") is not None
    result = processing.run("geodock:toything", {"CONNECTION": NAME})
    assert result["COUNT"] == len(TITLES)
    assert sorted(result["TITLES"].split(", ")) == sorted(TITLES)
    registry.unregister(KIND)  # the algorithm comes from the row: without it, a refresh drops it
    try:
        geodock_provider.refreshAlgorithms()
        assert algorithms.algorithmById("geodock:toything") is None
    finally:
        registry.register(row())


def test_no_file_of_the_plugin_names_the_toy_platform():
    found = subprocess.run(["grep", "-ril", "toy", "plugin", "ui"], cwd=ROOT, capture_output=True, text=True)
    assert found.returncode == 1 and found.stdout == "", found.stdout
