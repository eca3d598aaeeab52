"""AmigoCloud catalog and layers against the local AmigoCloud server (``?token=``)."""

from __future__ import annotations

import pytest
from helpers import run_task
from test_catalog_koordinates import rendered_pixels

from geodock.plugin.errors import AuthenticationError, ServerError, UnreadableResponseError
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.base import ListQuery


@pytest.fixture
def adapter(amigocloud_server, connections):
    connections.import_json({"connections": [amigocloud_server.connection()]})
    return adapter_for(connections.all()[0])


def _world(adapter):
    projects = run_task(lambda fb: adapter.list_page("projects", ListQuery(), None, None, fb))
    return next(p for p in projects.items if p.title == "World")


def test_projects_datasets_pages_and_details(adapter):
    (kind,) = adapter.browse_kinds()
    assert kind.id == "projects" and not kind.searchable
    first = run_task(lambda fb: adapter.list_page("projects", ListQuery(page_size=1), None, None, fb))
    assert first.total >= 2 and first.next and first.items[0].has_children
    world = _world(adapter)
    page = run_task(lambda fb: adapter.list_page("datasets", ListQuery(page_size=2), None, world, fb))
    assert page.total >= 4 and len(page.items) == 2 and page.next
    second = run_task(lambda fb: adapter.list_page("datasets", ListQuery(page_size=2), page.next, world, fb))
    names = [d.title for d in page.items + second.items]
    assert names[:4] == ["countries", "states_provinces", "disputed_borders", "country_codes"]
    details = run_task(lambda fb: adapter.get_details(page.items[0], fb))
    assert details.crs == "EPSG:4326" and details.feature_count > 100 and details.extent[0] < -170
    assert details.geometry_type == "MULTIPOLYGON"
    assert any(name.lower() == "name" for name, _ in details.fields)


def test_load_dataset_and_tiles(adapter, provider_auth):
    from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle, QgsWkbTypes

    from geodock.plugin.layers import load_resource

    world = _world(adapter)
    page = run_task(lambda fb: adapter.list_page("datasets", ListQuery(page_size=10), None, world, fb))
    resource = run_task(lambda fb: adapter.get_details(page.items[0], fb))
    default, tiles = adapter.layer_sources(resource)
    layer = run_task(lambda fb: load_resource(adapter.connection, resource, default, fb))
    assert layer.isValid() and layer.featureCount() == resource.feature_count
    assert layer.crs().authid() == "EPSG:4326"
    extent = layer.extent()
    assert (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()) == pytest.approx(
        resource.extent, abs=1e-4
    )
    assert rendered_pixels(layer) > 50
    assert "token" not in tiles.uri
    xyz = run_task(lambda fb: load_resource(adapter.connection, resource, tiles, fb))
    assert xyz.isValid()
    assert rendered_pixels(xyz, QgsRectangle(-15e6, -8e6, 15e6, 8e6), QgsCoordinateReferenceSystem("EPSG:3857")) > 50
    table = run_task(lambda fb: adapter.get_details(next(d for d in page.items if d.title == "country_codes"), fb))
    (source,) = adapter.layer_sources(table)
    codes = run_task(lambda fb: load_resource(adapter.connection, table, source, fb))
    assert codes.isValid() and codes.geometryType() == QgsWkbTypes.GeometryType.NullGeometry
    assert codes.featureCount() == table.feature_count > 0


def test_errors(amigocloud_server, connections):
    entry = dict(amigocloud_server.connection(), credentials={"token": "R:wrong"})
    connections.import_json({"connections": [entry]})
    bad = adapter_for(connections.all()[0])
    with pytest.raises(AuthenticationError) as caught:
        run_task(lambda fb: bad.list_page("projects", ListQuery(), None, None, fb))
    assert caught.value.message == "Authentication failed (401): Invalid token."
    connections.import_json({"connections": [amigocloud_server.connection()]})
    good = adapter_for(connections.all()[0])
    amigocloud_server.fault(status=500, path="/api/v1/me/projects")
    with pytest.raises(ServerError):
        run_task(lambda fb: good.list_page("projects", ListQuery(), None, None, fb))
    amigocloud_server.fault(malformed=True, path="/api/v1/me/projects")
    with pytest.raises(UnreadableResponseError):
        run_task(lambda fb: good.list_page("projects", ListQuery(), None, None, fb))
