"""Layers say where they came from: the connection in the Layers panel's tooltip and the metadata, and a
name told apart from another platform's layer of the same name."""

from __future__ import annotations

import pytest
from helpers import run_task
from qgis.core import QgsLayerTreeModel, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import Qt

from geodock.plugin import layers
from geodock.plugin.layer_metadata import origin, resource_tooltip
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.base import ListQuery, Resource


def _countries(connection, kind, parent_title=None):
    adapter = adapter_for(connection)
    parent = None
    if parent_title is not None:
        top = run_task(lambda fb: adapter.list_page(kind, ListQuery(), None, None, fb))
        parent = next(p for p in top.items if p.title == parent_title)
        kind = adapter.child_kind(parent)
    page = run_task(lambda fb: adapter.list_page(kind, ListQuery(page_size=50), None, parent, fb))
    resource = next(r for r in page.items if r.title == "countries")
    return run_task(lambda fb: layers.load(connection, resource, None, None, fb))[1]


@pytest.fixture
def two_platforms(amigocloud_server, geobox_server, connections, provider_auth):
    imported = connections.import_json({"connections": [amigocloud_server.connection(), geobox_server.connection()]})
    return {c.kind: c for c in imported}


def test_same_name_from_another_platform_gets_the_connection_as_suffix(two_platforms):
    project = QgsProject()
    amigo = _countries(two_platforms["amigocloud"], "projects", "World")
    layers.add_to_project(amigo, project)
    assert amigo.name() == "countries"
    geobox = _countries(two_platforms["geobox"], "vectors")
    layers.add_to_project(geobox, project)
    assert geobox.name() == "countries (Local Geobox)"
    again = _countries(two_platforms["amigocloud"], "projects", "World")
    layers.add_to_project(again, project)
    assert again.name() == "countries"  # the same data of the same connection: as QGIS does for a file
    third = _countries(two_platforms["geobox"], "vectors")
    third_name = layers.name_apart(third, project)
    assert third_name == "countries (Local Geobox)"  # the same as its twin from the same connection...
    other = QgsVectorLayer("Point?crs=EPSG:4326", "countries (Local Geobox)", "memory")
    project.addMapLayer(other)  # ...unless a layer from elsewhere has that name too
    third.setName("countries")
    assert layers.name_apart(third, project) == "countries (Local Geobox, 2)"
    project.clear()


def test_a_layer_of_its_own_keeps_its_name_and_others_are_left_alone(two_platforms):
    project = QgsProject()
    mine = QgsVectorLayer("Point?crs=EPSG:4326", "countries", "memory")
    project.addMapLayer(mine)
    geobox = _countries(two_platforms["geobox"], "vectors")
    assert layers.name_apart(geobox, project) == "countries (Local Geobox)"
    assert mine.name() == "countries"  # the user's layer is never renamed
    unrelated = QgsVectorLayer("Point?crs=EPSG:4326", "rivers", "memory")
    assert layers.name_apart(unrelated, project) == "rivers"
    project.clear()


def test_tooltip_and_metadata_name_the_connection_never_its_url(two_platforms):
    connection = two_platforms["amigocloud"]
    project = QgsProject()
    layer = _countries(connection, "projects", "World")
    layers.add_to_project(layer, project)
    assert origin(connection) == "Local AmigoCloud (AmigoCloud)"
    note = "From the Geodock connection Local AmigoCloud (AmigoCloud)"
    assert layer.abstract() == note
    assert note in layer.metadata().history()
    assert set(layer.metadata().keywords()["geodock"]) == {"AmigoCloud", "Local AmigoCloud"}
    model = QgsLayerTreeModel(project.layerTreeRoot())
    tooltip = model.data(model.node2index(project.layerTreeRoot().findLayer(layer.id())), Qt.ItemDataRole.ToolTipRole)
    assert note in tooltip
    for text in (layer.abstract(), *layer.metadata().history(), tooltip):
        assert "token" not in text.lower() and "127.0.0.1" not in text
    project.clear()


def test_catalog_and_browser_tooltips_say_where_a_resource_is_from(two_platforms):
    connection = two_platforms["geobox"]
    resource = Resource(id="u1", kind="vector", title="countries")
    tip = resource_tooltip(connection, resource, "Features (local copy)")
    assert tip.splitlines() == [
        "countries",
        "vector · u1 · Features (local copy)",
        "From the Geodock connection Local Geobox (Geobox)",
    ]
    assert connection.url not in tip
