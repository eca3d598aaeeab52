"""Geobox catalog and layers against the local Geobox server (login with username/password)."""

from __future__ import annotations

import pytest
from helpers import run_task
from test_catalog_koordinates import rendered_pixels

from geodock.plugin.errors import AuthenticationError, ServerError, UnreadableResponseError
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.base import ListQuery


@pytest.fixture
def adapter(geobox_server, connections):
    connections.import_json({"connections": [geobox_server.connection()]})
    return adapter_for(connections.all()[0])


@pytest.fixture(scope="module")
def bare_count_server(tmp_path_factory):
    """A Geobox server answering ``return_count=true`` with a bare integer (the contract allows both shapes)."""
    from servers import launch

    server = launch.start("geobox", tmp_path_factory.mktemp("geobox-bare-count"), env={"GEOBOX_COUNT_SHAPE": "integer"})
    yield server
    server.stop()


@pytest.mark.parametrize(("server_fixture", "shape"), [("geobox_server", dict), ("bare_count_server", int)])
def test_counts_are_read_in_both_shapes(request, connections, tmp_path, server_fixture, shape):
    """``{"count": N}`` and a bare ``N`` are read alike: the connection check, a list's total, and the total that
    drives a feature fetch's progress."""
    server = request.getfixturevalue(server_fixture)
    connections.import_json({"connections": [server.connection()]})
    adapter = adapter_for(connections.all()[0])

    def get(params):
        return lambda fb: adapter.client.get_json(
            adapter.url("vectorLayers/"), params=params, auth=adapter.authenticated(fb), feedback=fb
        )

    assert type(run_task(get({"return_count": "true"}))) is shape  # the server really answers in this shape
    listed = run_task(get({"f": "json", "limit": 1000}))
    assert len(listed) >= 3
    assert run_task(lambda fb: adapter.check(fb)) == f"Geobox answered: {len(listed)} vector layers visible"
    page = run_task(lambda fb: adapter.list_page("vectors", ListQuery(page_size=2), None, None, fb))
    assert page.total == len(listed) and page.next == 2
    found = run_task(lambda fb: adapter.list_page("vectors", ListQuery(search="countries"), None, None, fb))
    assert found.total == 1
    countries = run_task(lambda fb: adapter.get_details(found.items[0], fb))
    progress: list[float] = []

    def fetch(fb):
        fb.progressChanged.connect(progress.append)
        return adapter.fetch_features(countries, str(tmp_path / "countries.gpkg"), (-180.0, -90.0, 180.0, 90.0), fb)

    run_task(fetch)
    assert 99.0 in progress  # every feature counted against the total the server gave (then 100 when done)


def test_kinds_pages_search_and_details(adapter):
    assert [k.id for k in adapter.browse_kinds()] == ["vectors", "views", "rasters", "tilesets", "files"]
    first = run_task(lambda fb: adapter.list_page("vectors", ListQuery(page_size=2, sort="name"), None, None, fb))
    assert first.total is not None and first.total >= 3
    assert len(first.items) == 2 and first.next == 2
    rest = run_task(lambda fb: adapter.list_page("vectors", ListQuery(page_size=2, sort="name"), first.next, None, fb))
    names = [r.raw["name"] for r in first.items + rest.items]
    assert names[:3] == sorted(names[:3]) and "countries" in names
    found = run_task(lambda fb: adapter.list_page("vectors", ListQuery(search="countr"), None, None, fb))
    assert [r.raw["name"] for r in found.items] == ["countries"] and found.total == 1
    details = run_task(lambda fb: adapter.get_details(found.items[0], fb))
    assert details.kind == "vector" and details.crs == "EPSG:4326"
    assert details.feature_count > 100 and details.extent[0] < -170
    assert ("NAME", "String") in details.fields
    views = run_task(lambda fb: adapter.list_page("views", ListQuery(), None, None, fb))
    assert {r.raw["name"] for r in views.items} >= {"countries_a", "countries_large"}
    rasters = run_task(lambda fb: adapter.list_page("rasters", ListQuery(), None, None, fb))
    assert [r.kind for r in rasters.items] == ["raster"]
    tilesets = run_task(lambda fb: adapter.list_page("tilesets", ListQuery(), None, None, fb))
    assert {r.title for r in tilesets.items} == {"world", "provinces"}


def _countries(adapter):
    found = run_task(lambda fb: adapter.list_page("vectors", ListQuery(search="countries"), None, None, fb))
    return run_task(lambda fb: adapter.get_details(found.items[0], fb))


def test_load_features_and_vector_tiles(adapter, provider_auth):
    from geodock.plugin.layers import load_resource

    resource = _countries(adapter)
    default, tiles = adapter.layer_sources(resource)
    assert default.fetch and default.default and tiles.provider == "vectortile"
    layer = run_task(lambda fb: load_resource(adapter.connection, resource, default, fb))
    assert layer.isValid() and layer.featureCount() == resource.feature_count
    assert layer.crs().authid() == "EPSG:4326"
    extent = layer.extent()
    assert (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()) == pytest.approx(
        resource.extent, abs=1e-3
    )
    assert "NAME" in layer.fields().names()
    assert rendered_pixels(layer) > 50
    vt = run_task(lambda fb: load_resource(adapter.connection, resource, tiles, fb))
    assert vt.isValid() and "Bearer" not in vt.source() and "apikey" not in vt.source()
    from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle

    assert rendered_pixels(vt, QgsRectangle(-15e6, -8e6, 15e6, 8e6), QgsCoordinateReferenceSystem("EPSG:3857")) > 50


def test_raster_tiles_and_download(adapter, provider_auth):
    from geodock.plugin.layers import load_resource

    rasters = run_task(lambda fb: adapter.list_page("rasters", ListQuery(), None, None, fb))
    resource = run_task(lambda fb: adapter.get_details(rasters.items[0], fb))
    tiles, tiff = adapter.layer_sources(resource)
    layer = run_task(lambda fb: load_resource(adapter.connection, resource, tiff, fb))
    assert layer.isValid()
    extent = layer.extent()
    assert (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()) == pytest.approx(
        resource.extent, abs=1e-6
    )
    xyz = run_task(lambda fb: load_resource(adapter.connection, resource, tiles, fb))
    from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle

    assert xyz.isValid()
    assert rendered_pixels(xyz, QgsRectangle(-15e6, -8e6, 15e6, 8e6), QgsCoordinateReferenceSystem("EPSG:3857")) > 50


def test_errors(geobox_server, connections):
    entry = dict(geobox_server.connection(), credentials={"username": "demo", "password": "wrong"})
    connections.import_json({"connections": [entry]})
    bad = adapter_for(connections.all()[0])
    with pytest.raises(AuthenticationError) as caught:
        run_task(lambda fb: bad.list_page("vectors", ListQuery(), None, None, fb))
    assert "Incorrect username or password" in caught.value.message
    connections.import_json({"connections": [geobox_server.connection()]})
    good = adapter_for(connections.all()[0])
    run_task(lambda fb: good.authenticated(fb))
    geobox_server.fault(status=500, path="/v1/vectorLayers")
    with pytest.raises(ServerError) as caught:
        run_task(lambda fb: good.list_page("vectors", ListQuery(), None, None, fb))
    assert caught.value.message.startswith("Server error (500)")
    geobox_server.fault(malformed=True, path="/v1/vectorLayers")
    with pytest.raises(UnreadableResponseError):
        run_task(lambda fb: good.list_page("vectors", ListQuery(), None, None, fb))
