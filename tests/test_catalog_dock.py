"""The Catalog dock against the real local servers: paging, search, stale replies, errors, details, loading."""

from __future__ import annotations

import json

import pytest
from helpers import spin, wait_for_no_tasks, wait_until
from qgis.core import Qgis, QgsProject
from qgis.PyQt.QtWidgets import QLabel, QPushButton

from geodock.plugin.html_sanitize import sanitize_html
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.base import ListQuery
from geodock.ui.catalog_dock import CatalogDock
from geodock.ui.catalog_model import CatalogModel, ErrorRole
from geodock.ui.resource_details import details_html


@pytest.fixture
def dock(qgis_iface, connections):
    qgis_iface.messageBar().clear_messages()
    widget = CatalogDock(qgis_iface)  # default page size: the local server's items fit on one page
    yield widget
    widget.shutdown()
    widget.deleteLater()


def resources(dock):
    model = dock.model
    return [
        model.resource(model.index(row, 0)) for row in range(model.rowCount()) if model.resource(model.index(row, 0))
    ]


def error_rows(dock):
    model = dock.model
    return [
        model.data(model.index(row, 0), ErrorRole)
        for row in range(model.rowCount())
        if model.data(model.index(row, 0), ErrorRole)
    ]


def settle(dock, timeout=30):
    wait_until(lambda: not dock.model.loading, timeout, "the catalog page")


def show_kind(dock, connection_name, kind):
    dock.refresh_connections()
    dock.select_connection(connection_name)
    dock.select_kind(kind)
    dock.reload()
    settle(dock)


def test_lists_first_page_then_fetch_more_until_the_total(koordinates, connections):
    connection = connections.get(koordinates.connection()["name"])
    model = CatalogModel()
    model.set_source(connection, adapter_for(connection), "layers", ListQuery(page_size=2))
    wait_until(lambda: not model.loading, 30, "page one")
    total = model.total
    assert total is not None and total > 2
    assert model.rowCount() == 2 and model.canFetchMore()
    pages = 1
    while model.canFetchMore():
        model.fetchMore()
        wait_until(lambda: not model.loading, 30, "the next page")
        pages += 1
        assert model.rowCount() == min(total, 2 * pages)
    assert model.rowCount() == total
    assert len({model.resource(model.index(row, 0)).id for row in range(total)}) == total


def test_dock_shows_the_whole_catalog_with_its_total(koordinates, dock):
    show_kind(dock, koordinates.connection()["name"], "layers")
    assert dock.model.total and len(resources(dock)) == dock.model.total
    assert f"{dock.model.total} of {dock.model.total}" in dock.status.text()


def test_search_narrows_results_on_the_server(koordinates, dock):
    show_kind(dock, koordinates.connection()["name"], "layers")
    dock.search.setText("world")
    wait_until(lambda: dock.model.query.search == "world", 5, "the debounced search")
    settle(dock)
    titles = [r.title for r in resources(dock)]
    assert titles and all("world" in t.lower() for t in titles)
    assert dock.model.total == len(titles)
    dock.search.setText("")
    dock.reload()
    settle(dock)
    assert len(titles) < dock.model.total


def test_switching_connection_drops_stale_results(koordinates, geobox_server, connections, dock):
    before = dock.connection_combo.count()
    connections.import_json({"connections": [geobox_server.connection()]})
    assert dock.connection_combo.count() == before + 1  # the combo follows the connection store
    show_kind(dock, koordinates.connection()["name"], "layers")
    koordinates.fault(hold="slow-layers", path="/services/api/v1/layers/")
    dock.reload()  # this slow reply must never show
    assert dock.model.loading
    wait_until(lambda: koordinates.held("slow-layers") == 1, 30, "the request to reach the server")
    dock.select_connection(geobox_server.connection()["name"])  # the user switches before it arrives
    koordinates.release("slow-layers")
    wait_for_no_tasks()  # the slow reply has come and its task has handed its result over
    settle(dock)
    assert dock.model.connection.kind == "geobox"
    assert all(r.api_url.find(koordinates.root) < 0 for r in resources(dock))
    assert not any(r.raw.get("url", "").startswith(koordinates.root) for r in resources(dock))


def test_stale_search_reply_is_dropped(koordinates, dock):
    show_kind(dock, koordinates.connection()["name"], "layers")
    koordinates.fault(hold="slow-search", path="/services/api/v1/layers/")
    dock.search.setText("zzz-no-match-slow")
    dock.reload()  # held by the server until after the second search has shown
    wait_until(lambda: koordinates.held("slow-search") == 1, 30, "the request to reach the server")
    dock.search.setText("world")
    dock.reload()
    settle(dock)
    koordinates.release("slow-search")
    wait_for_no_tasks()  # the slow reply has come and its task has handed its result over
    titles = [r.title for r in resources(dock)]
    assert titles and all("world" in t.lower() for t in titles)


@pytest.mark.parametrize(
    "fault, expected",
    [
        ({"status": 401}, "Authentication failed (401)"),
        ({"status": 500}, "Server error (500)"),
        ({"malformed": True}, "could not be read"),
    ],
)
def test_failed_page_shows_error_row_message_and_retry(koordinates, dock, qgis_iface, fault, expected):
    show_kind(dock, koordinates.connection()["name"], "layers")
    koordinates.fault(path="/services/api/v1/layers/", times=5, **fault)
    dock.reload()
    settle(dock)
    errors = error_rows(dock)
    assert len(errors) == 1 and resources(dock) == [] and dock.model.rowCount() == 1
    assert expected in errors[0]
    critical = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    assert any(errors[0] in message for message in critical)
    assert all("\n" not in message and "Traceback" not in message for message in critical)
    assert not dock.model.canFetchMore()  # an error row does not loop requests
    assert dock.status.text() == "Nothing listed"
    koordinates.clear_faults()
    retry = dock.view.indexWidget(dock.model.index(0, 0)).findChild(QPushButton, "GeodockRetryButton")
    retry.click()
    settle(dock)
    assert error_rows(dock) == [] and len(resources(dock)) == dock.model.total > 0
    assert dock.status.text() == f"{dock.model.total:,} of {dock.model.total:,}"


def test_a_later_page_that_fails_keeps_the_rows_shown_and_says_so(koordinates, dock):
    show_kind(dock, koordinates.connection()["name"], "layers")
    dock.page_size = 2
    koordinates.fault(path="/services/api/v1/layers/", delay=0.2)  # page one: slow, then fine
    koordinates.fault(path="/services/api/v1/layers/", times=5, status=500)  # every later page fails
    dock.reload()
    settle(dock)
    if dock.model.canFetchMore():  # (the view may already have asked for page two)
        dock.model.fetchMore()
        settle(dock)
    assert len(resources(dock)) == 2 and len(error_rows(dock)) == 1
    assert dock.status.text() == "2 shown, then an error"
    assert not dock.model.canFetchMore()


def test_error_row_shows_the_whole_message_wrapped_in_a_narrow_dock(koordinates, dock):
    show_kind(dock, koordinates.connection()["name"], "layers")
    dock.resize(260, 400)
    dock.show()
    normal_height = dock.view.sizeHintForRow(0)
    detail = "The layer index is being rebuilt after maintenance; listing resumes in a few minutes"
    body = json.dumps({"error": detail})
    koordinates.fault(path="/services/api/v1/layers/", times=5, status=503, body=body, content_type="application/json")
    dock.reload()
    settle(dock)
    assert len(error_rows(dock)) == 1
    index = dock.model.index(0, 0)
    label = dock.view.indexWidget(index).findChild(QLabel)
    assert detail in label.text() and label.wordWrap()
    spin(0.2)
    assert not dock.view.uniformRowHeights()
    row_height = dock.view.visualRect(index).height()
    assert row_height >= 2 * normal_height  # wrapped over lines, not cut at the Retry button
    assert row_height >= label.heightForWidth(label.width())  # every line of it
    dock.resize(700, 400)
    spin(0.2)
    assert dock.view.visualRect(dock.model.index(0, 0)).height() < row_height  # wider: fewer lines
    koordinates.clear_faults()
    dock.view.indexWidget(dock.model.index(0, 0)).findChild(QPushButton, "GeodockRetryButton").click()
    settle(dock)
    assert error_rows(dock) == [] and dock.view.uniformRowHeights()  # thousands of rows stay fast


def test_details_pane_shows_sanitised_description(koordinates, dock):
    show_kind(dock, koordinates.connection()["name"], "layers")
    row = next(i for i, r in enumerate(resources(dock)) if r.title == "World Countries")
    dock.view.setCurrentIndex(dock.model.index(row, 0))
    wait_until(lambda: dock.details.complete, 20, "the details")
    assert "Natural Earth" in dock.details.browser.toPlainText()
    full = dock.details.resource
    assert "<script" in full.description and "<img" in full.description  # the server sends both
    shown = details_html(full)
    assert "<script" not in shown and "<img" not in shown and "onerror" not in shown and "onclick" not in shown
    assert 'href="https://www.naturalearthdata.com/"' in shown
    assert "alert(" not in dock.details.browser.toHtml()
    assert dock.details.browser.requested == []  # the text browser loaded nothing
    wait_until(lambda: dock.details.thumbnail.isVisibleTo(dock.details), 20, "the thumbnail")


def test_sanitizer_drops_active_and_remote_content():
    dirty = (
        '<p style="background:url(http://x/y.png)" onclick="x()">Hi <b>there</b></p>'
        '<link rel="stylesheet" href="http://x/s.css"><style>p{background:url(http://x)}</style>'
        '<iframe src="http://x"></iframe><img src="http://x/i.png"><a href="javascript:alert(1)">bad</a>'
        '<a href="https://ok.example/">good</a><script>evil()</script><svg><image href="http://x"/></svg>'
    )
    clean = sanitize_html(dirty)
    assert clean == '<p>Hi <b>there</b></p><a>bad</a><a href="https://ok.example/">good</a>'


def test_double_click_adds_the_layer(koordinates, dock, qgis_iface):
    QgsProject.instance().removeAllMapLayers()
    show_kind(dock, koordinates.connection()["name"], "layers")
    row = next(i for i, r in enumerate(resources(dock)) if r.title == "World Countries")
    dock._double_clicked(dock.model.index(row, 0))
    wait_until(lambda: len(QgsProject.instance().mapLayers()) == 1, 60, "the layer in the project")
    layer = next(iter(QgsProject.instance().mapLayers().values()))
    assert layer.isValid() and "World Countries" in layer.name()
    assert qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Success)
    QgsProject.instance().removeAllMapLayers()


def test_export_opens_the_dialog_for_the_selected_items(koordinates, dock, qgis_iface):
    from qgis.PyQt.QtCore import QItemSelectionModel

    show_kind(dock, koordinates.connection()["name"], "layers")
    rows = [i for i, r in enumerate(resources(dock)) if r.title in ("World Countries", "Disputed Borders")]
    selection = dock.view.selectionModel()
    for row in rows:
        selection.select(dock.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select)
    dialog = dock.export_selected()
    try:
        assert dialog is not None and dialog.connection.kind == "koordinates"
        assert sorted(r.title for r in dialog.resources) == ["Disputed Borders", "World Countries"]
        wait_until(lambda: dialog.form.formats, 30, "the export formats")
    finally:
        dialog.close()
    selection.clearSelection()
    dock.view.setCurrentIndex(dock.model.index(-1, -1))
    assert dock.export_selected() is None


def test_drag_from_the_dock_carries_the_browser_uri(koordinates, dock):
    show_kind(dock, koordinates.connection()["name"], "layers")
    from qgis.core import QgsMimeDataUtils

    row = next(i for i, r in enumerate(resources(dock)) if r.title == "World Countries")
    mime = dock.model.mimeData([dock.model.index(row, 0)])
    uris = QgsMimeDataUtils.decodeUriList(mime)
    assert len(uris) == 1
    assert uris[0].providerKey in ("WFS", "wms") and uris[0].uri
    assert koordinates.credentials["token"] not in uris[0].uri


def test_amigocloud_projects_expand_into_datasets(connections, amigocloud_server, dock):
    connections.import_json({"connections": [amigocloud_server.connection()]})
    show_kind(dock, amigocloud_server.connection()["name"], "projects")
    projects = {r.title: row for row, r in enumerate(resources(dock))}
    assert {"World", "Live"} <= set(projects)
    assert dock.view.rootIsDecorated()
    world = dock.model.index(projects["World"], 0)
    assert dock.model.hasChildren(world) and dock.model.canFetchMore(world)
    dock.view.expand(world)  # the view asks the model for the project's first page
    wait_until(lambda: not dock.model.loading and dock.model.rowCount(world) >= 4, 30, "the datasets")
    names = {dock.model.resource(dock.model.index(row, 0, world)).title for row in range(dock.model.rowCount(world))}
    assert {"countries", "country_codes"} <= {n.lower().replace(" ", "_") for n in names}, names
    assert not dock.model.canFetchMore(world)


def test_geobox_kinds_and_ogc_processes_list(connections, geobox_server, pygeoapi_server, dock):
    connections.import_json({"connections": [geobox_server.connection(), pygeoapi_server.connection()]})
    dock.refresh_connections()
    dock.select_connection(geobox_server.connection()["name"])
    assert [dock.kind_combo.itemData(i) for i in range(dock.kind_combo.count())] == [
        "vectors",
        "views",
        "rasters",
        "tilesets",
        "files",
    ]
    dock.select_kind("vectors")
    dock.reload()
    settle(dock)
    assert resources(dock) and error_rows(dock) == []
    dock.select_connection(pygeoapi_server.connection()["name"])
    dock.select_kind("processes")
    dock.reload()
    settle(dock)
    assert resources(dock) and error_rows(dock) == []
