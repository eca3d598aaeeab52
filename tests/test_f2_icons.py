"""Icons by geometry type and kind, the same in the Catalog and the Browser, for every platform's local server."""

from __future__ import annotations

import pytest
from f2_fixtures import (
    EXPECTED,
    LINE,
    POINT,
    POLYGON,
    TABLE,
    browser_items,
    catalog_rows,
    platform_connection_fixture,  # noqa: F401  # the platform_connection fixture
    same_icon,
)
from helpers import run_task
from qgis.core import Qgis, QgsLayerItem

from geodock.plugin.browser.items import browser_layer_type
from geodock.plugin.icons import NO_GEOMETRY, geometry_class, icon_name
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.amigocloud.models import dataset_from_json
from geodock.plugin.platforms.base import ListQuery

PLATFORMS = ["amigocloud", "geobox", "koordinates"]


@pytest.mark.parametrize(
    ("kind", "geometry", "layer_type", "children", "expected"),
    [
        ("dataset", "MULTILINESTRING", "", False, LINE),
        ("vector", "Polyline", "", False, LINE),
        ("vector", "multipolygon", "", False, POLYGON),
        ("view", "CurvePolygon", "", False, POLYGON),
        ("dataset", "POINT", "", False, POINT),
        ("dataset", NO_GEOMETRY, "", False, TABLE),
        ("table", None, "", False, TABLE),
        ("raster", None, "", False, "/mIconRaster.svg"),
        ("tileset", None, "", False, "/mIconVectorTileLayer.svg"),
        ("dataset", "POLYGON", "raster", False, "/mIconRaster.svg"),  # its raster-tile source
        ("vector", "Polygon", "vector-tile", False, "/mIconVectorTileLayer.svg"),
        ("project", None, "", True, "/mIconFolderProject.svg"),
        ("set", None, "", True, "/mIconFolder.svg"),
        ("process", None, "", False, "/processingAlgorithm.svg"),
        ("file", None, "", False, "/mIconFile.svg"),
        ("dataset", None, "", False, "/mIconVector.svg"),  # geometry not known
    ],
)
def test_one_mapping_from_kind_and_geometry_to_icon(kind, geometry, layer_type, children, expected):
    assert icon_name(kind, geometry, layer_type, children) == expected


def test_geometry_classes_in_every_platforms_spelling():
    assert [geometry_class(g) for g in ("LINESTRING", "MultiLineString", "Polyline", "CompoundCurve")] == ["line"] * 4
    assert [geometry_class(g) for g in ("MULTIPOLYGON", "Polygon", "MultiSurface")] == ["polygon"] * 3
    assert [geometry_class(g) for g in ("MultiPoint", "POINT")] == ["point"] * 2
    assert [geometry_class(g) for g in (NO_GEOMETRY, "None")] == ["table"] * 2
    assert geometry_class(None) == geometry_class("") == geometry_class("GEOMETRY") == ""


@pytest.mark.parametrize("platform_connection", PLATFORMS, indirect=True)
def test_catalog_icon_per_geometry_and_kind(platform_connection):
    rows = catalog_rows(platform_connection)
    expected = EXPECTED[platform_connection.kind]
    assert set(expected) <= set(rows)
    wrong = {title: icon for title, icon in expected.items() if not same_icon(rows[title], icon)}
    assert not wrong, f"rows without their icon: {wrong}"


@pytest.mark.parametrize("platform_connection", PLATFORMS, indirect=True)
def test_browser_icon_per_geometry_and_kind(platform_connection):
    items = browser_items(platform_connection)
    expected = EXPECTED[platform_connection.kind]
    assert set(expected) <= set(items)
    wrong = {name: icon for name, icon in expected.items() if not same_icon(items[name].icon(), icon)}
    assert not wrong, f"Browser items without their icon: {wrong}"
    lines = [name for name, icon in expected.items() if icon == LINE]
    tables = [name for name, icon in expected.items() if icon == TABLE]

    def layer_type(name):
        return browser_layer_type(items[name].resource, items[name].source)

    assert lines and all(layer_type(name) == Qgis.BrowserLayerType.Line for name in lines)
    assert all(layer_type(name) == Qgis.BrowserLayerType.TableLayer for name in tables)
    layers = [name for name, icon in expected.items() if icon in (LINE, POLYGON, POINT, TABLE)]
    assert all(isinstance(items[name], QgsLayerItem) for name in layers)  # draggable layer items


def test_amigocloud_lists_line_and_table_datasets_with_their_geometry(amigocloud_server, connections):
    (connection,) = connections.import_json({"connections": [amigocloud_server.connection()]})
    adapter = adapter_for(connection)
    projects = run_task(lambda fb: adapter.list_page("projects", ListQuery(), None, None, fb))
    world = next(p for p in projects.items if p.title == "World")
    page = run_task(lambda fb: adapter.list_page("datasets", ListQuery(page_size=50), None, world, fb))
    by_title = {d.title: d for d in page.items}
    assert by_title["disputed_borders"].geometry_type == "MULTILINESTRING"
    assert by_title["countries"].geometry_type == "MULTIPOLYGON"
    codes = by_title["country_codes"]
    assert codes.geometry_type == NO_GEOMETRY and codes.crs is None
    (source,) = adapter.layer_sources(codes)  # a table: its local copy, no raster tiles
    assert source.label == "Table (local copy)"
    assert browser_layer_type(codes, source) == Qgis.BrowserLayerType.TableLayer
    lines_default = adapter.layer_sources(by_title["disputed_borders"])[0]
    assert browser_layer_type(by_title["disputed_borders"], lines_default) == Qgis.BrowserLayerType.Line


def test_amigocloud_summary_items_say_nothing_of_geometry():
    summary = dataset_from_json({"id": 4, "name": "country_codes", "url": "https://a.example/api/v1/d/4"})
    assert summary.geometry_type is None  # not known: not a table, not a polygon
    assert icon_name(summary.kind, summary.geometry_type) == "/mIconVector.svg"
    table = dataset_from_json({"id": 4, "name": "country_codes", "geometry_column": None})
    assert table.geometry_type == NO_GEOMETRY and icon_name(table.kind, table.geometry_type) == TABLE
