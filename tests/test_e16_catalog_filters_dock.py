"""Catalog filters in the dock: the platform's form, the server's choices, values remembered across dock
re-creation, "only data in the map view" following the map, and a panel that fits a 300-px dock."""

from __future__ import annotations

import pytest
from helpers import wait_for_no_tasks, wait_until
from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle
from qgis.gui import QgsDateEdit
from qgis.PyQt.QtCore import QDate
from qgis.PyQt.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit

from geodock.ui.catalog_dock import CatalogDock


def make_dock(iface):
    iface.messageBar().clear_messages()
    return CatalogDock(iface)


@pytest.fixture
def docks(qgis_iface, connections):
    made = []

    def new():
        made.append(make_dock(qgis_iface))
        return made[-1]

    yield new
    for dock in made:
        dock.shutdown()
        dock.deleteLater()
    wait_for_no_tasks()


def settle(dock):
    wait_until(lambda: not dock.search_timer.isActive() and not dock.model.loading, 30, "the filtered listing")


def titles(dock):
    model = dock.model
    return sorted(
        model.resource(model.index(r, 0)).title for r in range(model.rowCount()) if model.resource(model.index(r, 0))
    )


def open_listing(dock, name, kind):
    dock.refresh_connections()
    dock.select_connection(name)
    dock.select_kind(kind)
    wait_for_no_tasks()  # the page and the server's choices
    settle(dock)


def widget(dock, key):
    return dock.filter_form.widgets[key]


def choose(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    assert index >= 0, (value, [combo.itemData(i) for i in range(combo.count())])
    combo.setCurrentIndex(index)


def test_koordinates_filters_choices_from_the_server_and_applied_there(koordinates, docks):
    dock = docks()
    name = koordinates.connection()["name"]
    open_listing(dock, name, "data")
    assert not dock.filter_button.isHidden() and dock.filter_button.text() == "Filters"
    category = widget(dock, "category")
    assert [category.itemText(i) for i in range(category.count())][:1] == ["Any"]
    assert {"Boundaries", "Elevation", "Reference"} <= {category.itemText(i) for i in range(category.count())}
    choose(category, "boundaries")
    settle(dock)
    assert titles(dock) == ["Disputed Borders", "States and Provinces", "World Countries"]
    assert dock.filter_button.text() == "Filters (1)"
    choose(widget(dock, "license"), "2")  # no boundary is non-commercial
    settle(dock)
    assert titles(dock) == [] and dock.filter_button.text() == "Filters (2)"
    dock.clear_filters()
    settle(dock)
    assert len(titles(dock)) == 5 and dock.filter_button.text() == "Filters"
    dates = widget(dock, "created_from")
    assert isinstance(dates, QgsDateEdit) and dates.isNull()
    dates.setDate(QDate(2020, 2, 1))
    settle(dock)
    assert titles(dock) == ["Country Codes", "World Relief"]
    dock.select_kind("tables")  # no kind and no map view for tables: those rows hide
    settle(dock)
    assert widget(dock, "kind").isHidden() and widget(dock, "in_view").isHidden()
    assert not widget(dock, "category").isHidden()


def test_values_are_remembered_per_connection_across_dock_re_creation(koordinates, geobox_server, connections, docks):
    connections.import_json({"connections": [geobox_server.connection()]})
    kx_name, gb_name = koordinates.connection()["name"], geobox_server.connection()["name"]
    first = docks()
    open_listing(first, kx_name, "layers")
    choose(widget(first, "kind"), "raster")
    widget(first, "tag").setText("relief")
    settle(first)
    assert titles(first) == ["World Relief"]
    open_listing(first, gb_name, "vectors")  # another connection: its own (empty) filters
    assert first.filter_form.values() == {} and "countries" in titles(first)
    widget(first, "shared").setChecked(True)
    settle(first)
    assert titles(first) == ["Borders shared by a partner"]
    first.shutdown()

    second = docks()
    open_listing(second, kx_name, "layers")
    assert second.filter_form.values() == {"kind": "raster", "tag": "relief"}
    assert titles(second) == ["World Relief"] and second.filter_button.text() == "Filters (2)"
    open_listing(second, gb_name, "vectors")
    assert second.filter_form.values() == {"shared": "true"} and titles(second) == ["Borders shared by a partner"]
    widget(second, "shared").setChecked(False)
    widget(second, "q").setText("name LIKE 'countr%'")
    settle(second)
    assert titles(second) == ["countries"]


def test_only_data_in_the_map_view_follows_the_map(koordinates, docks, qgis_iface):
    canvas = qgis_iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    canvas.resize(600, 400)
    canvas.setExtent(QgsRectangle(-2_000_000, -1_000_000, 2_000_000, 1_000_000))  # around 0,0 in web mercator
    dock = docks()
    open_listing(dock, koordinates.connection()["name"], "layers")
    in_view = widget(dock, "in_view")
    assert isinstance(in_view, QCheckBox) and in_view.text() == "Only data in the map view"
    in_view.setChecked(True)
    settle(dock)
    assert titles(dock) == ["Disputed Borders", "States and Provinces", "World Countries", "World Relief"]
    x0, y0, x1, y1 = dock.map_extent()
    assert x0 < 0 < x1 and y0 < 0 < y1 and x1 - x0 < 90 and y1 - y0 < 60  # degrees (EPSG:4326), not metres
    canvas.setExtent(QgsRectangle(-18_900_000, -15_000_000, -17_800_000, -12_000_000))  # South Pacific, far south
    assert dock.search_timer.isActive()  # the map moved: list again once it stops
    settle(dock)
    assert titles(dock) == ["States and Provinces", "World Countries", "World Relief"]
    in_view.setChecked(False)
    settle(dock)
    assert len(titles(dock)) == 5


def test_amigocloud_project_filter_in_the_dock(amigocloud_server, connections, docks):
    connections.import_json({"connections": [amigocloud_server.connection()]})
    dock = docks()
    open_listing(dock, amigocloud_server.connection()["name"], "projects")
    project = widget(dock, "project")
    assert project.itemText(0) == "All projects" and project.findText("Live") > 0
    assert {"World", "Live"} <= set(titles(dock))
    choose(project, "2")
    settle(dock)
    assert titles(dock) == ["vehicles"]


def test_a_failed_choice_list_lets_the_user_type_the_value(koordinates, connections, docks):
    koordinates.fault(path="/services/api/v1/groups/", status=404, times=5)  # 404 is not retried: one is used
    dock = docks()
    open_listing(dock, koordinates.connection()["name"], "data")
    group = widget(dock, "group")
    assert group.isEditable() and "did not list" in group.toolTip()
    group.setEditText("2")
    settle(dock)
    assert titles(dock) == ["Country Codes"]


def test_the_panel_fits_a_300_px_dock(koordinates, docks):
    dock = docks()
    open_listing(dock, koordinates.connection()["name"], "data")
    dock.filter_button.setChecked(True)
    dock.resize(300, 500)
    dock.show()
    wait_until(lambda: dock.filter_panel.isVisible(), 10, "the filter panel")
    body = dock.widget()
    assert body.minimumSizeHint().width() <= 300, body.minimumSizeHint()
    panel = dock.filter_panel
    assert panel.geometry().right() <= body.width()
    for child in panel.findChildren((QLabel, QCheckBox, QComboBox, QLineEdit, QgsDateEdit)):
        if not child.isVisibleTo(panel):
            continue
        geometry = child.geometry()
        right = child.mapTo(body, geometry.topLeft() - geometry.topLeft()).x() + child.width()
        assert right <= body.width(), child.objectName()  # nothing runs off the dock's right edge
        if isinstance(child, (QLabel, QCheckBox)):  # the whole text shows: nothing elided
            assert child.width() >= min(child.sizeHint().width(), child.minimumSizeHint().width()), child.text()
        if isinstance(child, QCheckBox):
            assert child.width() >= child.sizeHint().width(), child.text()
    dock.hide()
