"""Shared helpers of the f2 tests (icons, Browser leaves, layer origins, messages) against the local servers."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import wait_until
from qgis.core import QgsDataItem
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QCoreApplication, QEvent

from geodock.plugin.browser.provider import create_provider
from geodock.plugin.connections import Connection
from geodock.plugin.icons import theme_icon
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.base import ListQuery
from geodock.ui.catalog_model import CatalogModel

# What each listed resource of the local servers is, by (platform, title): the QGIS icon it must have.
POLYGON, LINE, POINT, TABLE = (
    "/mIconPolygonLayer.svg",
    "/mIconLineLayer.svg",
    "/mIconPointLayer.svg",
    "/mIconTableLayer.svg",
)
RASTER, TILES, PROJECT = "/mIconRaster.svg", "/mIconVectorTileLayer.svg", "/mIconFolderProject.svg"
EXPECTED = {
    "amigocloud": {
        "World": PROJECT,
        "Live": PROJECT,
        "countries": POLYGON,
        "states_provinces": POLYGON,
        "disputed_borders": LINE,
        "country_codes": TABLE,
        "vehicles": POINT,
    },
    "geobox": {
        "countries": POLYGON,
        "disputed_borders": LINE,
        "countries_a": POLYGON,
        "relief": RASTER,
        "world": TILES,
    },
    "koordinates": {
        "World Countries": POLYGON,
        "Disputed Borders": LINE,
        "Country Codes": TABLE,
        "World Relief": RASTER,
    },
}


@pytest.fixture(name="platform_connection")
def platform_connection_fixture(request: Any, connections: Any) -> Connection:
    """The connection of the platform named by the test's parameter (``amigocloud``, ``geobox``, ``koordinates``)."""
    platform = request.param
    if platform == "koordinates":
        return request.getfixturevalue("kx")
    server = request.getfixturevalue(f"{platform}_server")
    (connection,) = connections.import_json({"connections": [server.connection()]})
    return connection


def same_icon(icon: Any, name: str) -> bool:
    """Whether ``icon`` is QGIS's theme icon ``name`` (the one Geodock's icon helper hands out)."""
    return not icon.isNull() and icon.cacheKey() == theme_icon(name).cacheKey()


def catalog_rows(connection: Connection) -> dict[str, Any]:
    """Every resource the Catalog lists for ``connection`` (each kind, containers expanded): title -> its icon."""
    adapter = adapter_for(connection)
    rows: dict[str, Any] = {}
    for kind in adapter.browse_kinds():
        model = CatalogModel()
        model.set_source(connection, adapter, kind.id, ListQuery(page_size=100))
        wait_until(lambda m=model: not m.loading, 30, f"the {kind.id} page")
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            rows.setdefault(model.resource(index).title, model.itemFromIndex(index).icon())
            if model.canFetchMore(index):
                model.fetchMore(index)
                wait_until(lambda m=model: not m.loading, 30, "a container's page")
                for child in range(model.rowCount(index)):
                    inner = model.index(child, 0, index)
                    rows.setdefault(model.resource(inner).title, model.itemFromIndex(inner).icon())
    return rows


def live_children(item: QgsDataItem) -> list[QgsDataItem]:
    """``item``'s children, created in the foreground (``createChildren`` blocks and touches no widget)."""
    if item.state() != QgsDataItem.Populated:
        item.populate(True)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return [child for child in getattr(item, "_python_children", []) if not sip.isdeleted(child)]


def browser_items(connection: Connection) -> dict[str, QgsDataItem]:
    """Every Browser item under ``connection``'s kinds (containers expanded): name -> item. The root is kept
    alive on the returned dict's ``root`` attribute."""
    root = create_provider().createDataItem("", None)
    (item,) = [c for c in live_children(root) if c.name() == connection.name]
    found: dict[str, QgsDataItem] = {}
    for kind in live_children(item):
        for child in live_children(kind):
            found.setdefault(child.name(), child)
            if isinstance(child, QgsDataItem) and child.hasChildren() and type(child).__name__ == "ContainerItem":
                for inner in live_children(child):
                    found.setdefault(inner.name(), inner)
    found["__root__"] = root
    return found
