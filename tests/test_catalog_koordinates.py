"""Koordinates catalog and layers against the local Koordinates server (HTTPS, self-signed CA)."""

from __future__ import annotations

import gc
import sys

import pytest
from helpers import run_task

from geodock.plugin.errors import AuthenticationError, ServerError, UnreadableResponseError
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.base import ListQuery


@pytest.fixture
def adapter(koordinates_server, connections):
    from geodock.plugin.auth import trust_certificate_authorities

    trust_certificate_authorities([str(koordinates_server.ca_file)])
    connections.import_json({"connections": [koordinates_server.connection()]})
    return adapter_for(connections.all()[0])


def test_kinds(adapter):
    kinds = {kind.id: kind for kind in adapter.browse_kinds()}
    assert list(kinds) == ["layers", "tables", "data"]
    assert "name" in kinds["layers"].sortable


def test_listed_items_hold_nothing_for_the_cycle_collector(adapter):
    """A catalog keeps thousands of listed items: each container they hold lengthens every full collection,
    a pause of the whole of QGIS (the browse bench's paging stall went from 54-59 ms to 14 ms without them)."""
    page = run_task(lambda fb: adapter.list_page("data", ListQuery(page_size=20), None, None, fb))
    assert len(page.items) == 5
    gc.collect()  # CPython untracks tuples of scalars at a collection
    for resource in page.items:
        assert resource.raw["url"] == resource.api_url and resource.raw["attribution"]  # what adapters read back
        assert not gc.is_tracked(resource.raw) and not gc.is_tracked(resource.fields)
        if sys.version_info >= (3, 10):
            assert not hasattr(resource, "__dict__")


def test_list_pages_search_and_sort(adapter):
    first = run_task(lambda fb: adapter.list_page("layers", ListQuery(page_size=2, sort="name"), None, None, fb))
    assert [r.title for r in first.items] == ["Country Codes", "Disputed Borders"]
    assert first.total == 5  # like the SDK, /layers/ lists tables too (kind "table")
    assert first.next is not None
    second = run_task(lambda fb: adapter.list_page("layers", ListQuery(page_size=2, sort="name"), first.next, None, fb))
    assert [r.title for r in second.items] == ["States and Provinces", "World Countries"]
    third = run_task(lambda fb: adapter.list_page("layers", ListQuery(page_size=2, sort="name"), second.next, None, fb))
    assert [r.title for r in third.items] == ["World Relief"] and third.next is None
    assert {r.kind for r in first.items + second.items + third.items} == {"vector", "raster", "table"}
    descending = run_task(
        lambda fb: adapter.list_page("layers", ListQuery(sort="name", descending=True), None, None, fb)
    )
    assert descending.items[0].title == "World Relief"
    found = run_task(lambda fb: adapter.list_page("data", ListQuery(search="countr"), None, None, fb))
    assert {(r.id, r.kind) for r in found.items} == {("1", "vector"), ("5", "table")}
    tables = run_task(lambda fb: adapter.list_page("tables", ListQuery(), None, None, fb))
    assert [(r.id, r.kind, r.geometry_type) for r in tables.items] == [("5", "table", None)]


def test_details(adapter):
    page = run_task(lambda fb: adapter.list_page("layers", ListQuery(search="World Countries"), None, None, fb))
    details = run_task(lambda fb: adapter.get_details(page.items[0], fb))
    assert details.id == "1" and details.kind == "vector"
    assert details.crs == "EPSG:4326"
    assert details.feature_count and details.feature_count > 100
    assert details.extent is not None and details.extent[0] < -170 and details.extent[2] > 170
    assert ("NAME", "string") in details.fields
    assert "Creative Commons" in details.license
    assert details.description.startswith("<p>World Countries")
    assert details.thumbnail_url.endswith(".png") and details.web_url and details.api_url.endswith("/layers/1/")


def test_wrong_key_is_an_authentication_error(koordinates_server, connections):
    from geodock.plugin.auth import trust_certificate_authorities

    trust_certificate_authorities([str(koordinates_server.ca_file)])
    entry = dict(koordinates_server.connection(), credentials={"token": "wrong-key"})
    connections.import_json({"connections": [entry]})
    adapter = adapter_for(connections.all()[0])
    with pytest.raises(AuthenticationError) as caught:
        run_task(lambda fb: adapter.list_page("layers", ListQuery(), None, None, fb))
    assert caught.value.message == "Authentication failed (401): Invalid API key."


def test_server_error_and_malformed_page(adapter, koordinates_server):
    koordinates_server.fault(status=500, path="/services/api/v1/layers/")
    with pytest.raises(ServerError) as caught:
        run_task(lambda fb: adapter.list_page("layers", ListQuery(), None, None, fb))
    assert caught.value.message.startswith("Server error (500)")
    koordinates_server.fault(malformed=True, path="/services/api/v1/layers/")
    with pytest.raises(UnreadableResponseError) as caught:
        run_task(lambda fb: adapter.list_page("layers", ListQuery(), None, None, fb))
    assert "could not be read" in caught.value.message


# Loading -------------------------------------------------------------------------------------------------


def rendered_pixels(layer, extent=None, crs=None) -> int:
    """How many pixels of a 256 px rendering of ``layer`` differ from the white background."""
    from qgis.core import QgsMapRendererSequentialJob, QgsMapSettings
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(crs or layer.crs())
    settings.setExtent(extent or layer.extent())
    settings.setOutputSize(QSize(256, 256))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    white = QColor(255, 255, 255).rgb()
    return sum(1 for y in range(0, 256, 4) for x in range(0, 256, 4) if image.pixel(x, y) != white)


def details_of(adapter, resource_id: str, kind: str = "layers"):
    from geodock.plugin.platforms.base import Resource

    return run_task(
        lambda fb: adapter.get_details(Resource(resource_id, "vector" if kind == "layers" else "table", ""), fb)
    )


def test_load_vector_layer_through_wfs(adapter, provider_auth):
    from geodock.plugin.layers import load_resource

    resource = details_of(adapter, "1")
    sources = adapter.layer_sources(resource)
    default = next(s for s in sources if s.default)
    assert (default.provider, default.layer_type) == ("WFS", "vector")
    assert "key" not in default.uri.lower() and "demo-koordinates-token" not in default.uri
    layer = run_task(lambda fb: load_resource(adapter.connection, resource, default, fb))
    assert layer.isValid() and layer.name() == "World Countries"
    assert layer.featureCount() == resource.feature_count
    extent = layer.extent()
    for got, expected in zip(
        (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()), resource.extent
    ):
        assert got == pytest.approx(expected, abs=1e-3)
    assert layer.metadata().title() == "World Countries"
    assert layer.metadata().licenses() == [resource.license]
    assert rendered_pixels(layer) > 50


def test_load_xyz_tiles_of_a_layer(adapter, provider_auth):
    from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle

    from geodock.plugin.layers import load_resource

    resource = details_of(adapter, "1")
    tiles = next(s for s in adapter.layer_sources(resource) if s.provider == "wms")
    assert "demo-koordinates-token" not in tiles.uri
    layer = run_task(lambda fb: load_resource(adapter.connection, resource, tiles, fb))
    assert layer.isValid()
    world = QgsRectangle(-15e6, -8e6, 15e6, 8e6)
    assert rendered_pixels(layer, world, QgsCoordinateReferenceSystem("EPSG:3857")) > 50


def test_raster_loads_with_its_extent(adapter, provider_auth):
    from geodock.plugin.layers import load_resource

    resource = details_of(adapter, "4")
    assert resource.kind == "raster"
    (source,) = adapter.layer_sources(resource)
    layer = run_task(lambda fb: load_resource(adapter.connection, resource, source, fb))
    assert layer.isValid()
    assert layer.metadata().extent().spatialExtents()[0].bounds.xMinimum() == pytest.approx(resource.extent[0])


def test_table_loads_attribute_only(adapter):
    from qgis.core import QgsWkbTypes

    from geodock.plugin.layers import cache_path, load_resource

    resource = details_of(adapter, "5", "tables")
    (source,) = adapter.layer_sources(resource)
    assert source.fetch and source.default
    layer = run_task(lambda fb: load_resource(adapter.connection, resource, source, fb), timeout=120)
    assert layer.isValid()
    assert layer.geometryType() == QgsWkbTypes.GeometryType.NullGeometry
    assert layer.featureCount() == resource.feature_count > 0
    assert str(cache_path(adapter.connection, resource)) in layer.source()


def test_fetch_vector_with_extent(adapter, tmp_path):
    from qgis.core import QgsVectorLayer

    resource = details_of(adapter, "1")
    source = run_task(lambda fb: adapter.fetch_features(resource, str(tmp_path / "nz.gpkg"), (166, -48, 179, -34), fb))
    layer = QgsVectorLayer(source, "nz", "ogr")
    assert layer.isValid()
    assert 0 < layer.featureCount() < resource.feature_count
    assert layer.crs().authid() == "EPSG:4326"
