"""Issue 16, layout and toolbar: every dock and dialog of task f1 is usable at 300 × 500 px (no horizontal
scrolling, no cut text), the docks have short distinct titles with the Geodock icon (on their tabs too), and the
toolbar holds Connections, Catalog, Jobs, Processes, Export and Upload, each with its own icon."""

from __future__ import annotations

import time

import pytest
from f1_fixtures import layout_problems, settle, show_at
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QApplication, QDialog, QMenu, QWidget

import geodock
from geodock.plugin.job_model import Job, JobState


def _job(title: str, state: JobState, message: str) -> Job:
    return Job(
        platform="koordinates",
        connection="Local Koordinates",
        remote_id=title,
        title=title,
        kind="export",
        state=state,
        progress=100.0,
        message=message,
        finished=time.time(),
    )


LONG_MESSAGE = (
    "The server could not produce the file: timeout after 600 s while writing "
    "/exports/very/long/path/without/spaces/that/must/wrap/anywhere/roads_and_rivers_of_the_whole_country.gpkg"
)


def test_jobs_dock_at_300_px_shows_name_state_and_progress_and_the_rest_in_details(qgis_iface, jobs):
    from geodock.ui.jobs_dock import JobsDock
    from geodock.ui.jobs_table import MESSAGE, NAME, PROGRESS_COLUMN, STATE

    failed = _job("Export of roads and rivers of the whole country", JobState.FAILED, LONG_MESSAGE)
    jobs.submit(failed)
    jobs.submit(_job("Done", JobState.SUCCEEDED, "3 files"))
    dock = show_at(JobsDock(qgis_iface, None, jobs=jobs))
    try:
        assert dock.windowTitle() == "Jobs"
        assert layout_problems(dock) == []
        shown = [c for c in range(dock.model.columnCount()) if not dock.table.isColumnHidden(c)]
        assert set(shown) == {NAME, STATE, PROGRESS_COLUMN}  # the rest would scroll sideways
        assert dock.table.columnWidth(NAME) >= 100
        row = dock.model.ids.index(failed.id)
        dock.table.selectRow(row)
        settle()
        text = dock.details.toPlainText()
        assert failed.title in text and LONG_MESSAGE in text and "Started: " in text and "Finished: " in text
        lines = dock.details.viewport().height() // dock.details.fontMetrics().lineSpacing()
        assert lines >= 5  # room to read it (a longer text scrolls down, never sideways)
        assert not dock.details.horizontalScrollBar().isVisible()
        dock.resize(1200, 500)
        settle()
        shown = [c for c in range(dock.model.columnCount()) if not dock.table.isColumnHidden(c)]
        assert MESSAGE in shown and len(shown) == dock.model.columnCount()  # a wide dock shows every column
        assert layout_problems(dock) == []
    finally:
        dock.shutdown()
        dock.close()
        dock.deleteLater()


def test_connections_dialog_at_300_px_wraps_its_buttons_and_shows_the_whole_import_message(
    connections, qgis_iface, tmp_path
):
    import json
    from pathlib import Path

    from qgis.PyQt.QtWidgets import QTextBrowser

    from geodock.ui.connections_dialog import KIND, NAME, URL, ConnectionsDialog

    entries = [
        {
            "name": f"Regional council open data portal {n}",
            "kind": "ogcapi-processes",
            "url": f"https://example{n}.org/",
        }
        for n in range(5)
    ]
    path = Path(tmp_path) / "a-file-with-a-rather-long-name.json"
    path.write_text(json.dumps({"connections": entries}))
    dialog = show_at(ConnectionsDialog(connections, qgis_iface.messageBar()))
    try:
        assert dialog.width() == 300
        assert dialog.import_from(path)
        settle()
        assert layout_problems(dialog) == []
        assert not dialog.tree.isColumnHidden(NAME) and dialog.tree.isColumnHidden(URL)
        name_tip = dialog.tree.topLevelItem(0).toolTip(NAME)
        assert "https://example" in name_tip  # what the hidden columns hold
        item = dialog.message_bar.currentItem()
        assert "Imported 5 connection(s) from a-file-with-a-rather-long-name.json" in item.text()
        (browser,) = item.findChildren(QTextBrowser)
        assert browser.document().size().height() <= browser.viewport().height() + 1  # not cut in half
        assert dialog.buttons.columns < 6 and dialog.import_button.isVisible()
        dialog.resize(1300, 500)
        settle()
        assert dialog.buttons.columns == 6 and not dialog.tree.isColumnHidden(KIND)
        assert not dialog.tree.isColumnHidden(URL)
        assert layout_problems(dialog) == []
    finally:
        dialog.close()
        dialog.deleteLater()


@pytest.mark.parametrize("size", [(300, 500), None])
def test_upload_dialog_keeps_its_crs_label_whole_when_the_status_line_appears(connections, qgis_iface, size):
    from qgis.core import QgsProject, QgsVectorLayer

    from geodock.ui.platforms.geobox.upload_dialog import UploadDialog

    layer = QgsVectorLayer("Point?crs=EPSG:2193&field=name:string(20)", "towns with a rather long name", "memory")
    QgsProject.instance().addMapLayer(layer)
    dialog = UploadDialog(qgis_iface, layer)
    try:
        dialog.show()
        settle()
        if size is not None:
            dialog.resize(*size)
        settle()
        assert "EPSG:2193" in dialog.crs_label.text()
        assert layout_problems(dialog) == []
        dialog.status.setText("Upload failed: the server said the layer name is already in use (409 Conflict)")
        settle()
        assert layout_problems(dialog) == []  # the CRS label is not squeezed by the status line
        if size is not None:
            assert dialog.width() == size[0]
    finally:
        dialog.close()
        dialog.deleteLater()
        QgsProject.instance().removeMapLayer(layer.id())


def test_create_empty_layer_dialog_fits_300_px(connections, qgis_iface):
    from geodock.ui.platforms.geobox.upload_dialog import CreateEmptyLayerDialog

    dialog = show_at(CreateEmptyLayerDialog(qgis_iface))
    try:
        dialog.status.setText("Choose a Geobox connection and a name")
        dialog.add_field("a_field_with_a_long_name", "DateTime")
        settle()
        assert dialog.width() == 300
        assert layout_problems(dialog) == []
    finally:
        dialog.close()
        dialog.deleteLater()


def test_amigocloud_preview_leaves_the_details_readable_at_300_by_500(qgis_app):
    from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice
    from qgis.PyQt.QtGui import QColor, QImage

    from geodock.plugin.platforms.base import Resource
    from geodock.ui.resource_details import ResourceDetails

    image = QImage(600, 400, QImage.Format.Format_RGB32)  # a world map preview, wider than tall
    image.fill(QColor("#f4a040"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    details = ResourceDetails()
    try:
        show_at(details, (300, 250))  # the Catalog dock's lower half at 300 × 500
        details.show_resource(None, Resource(kind="dataset", id="1", title="countries", description="x " * 300))
        details._thumbnail_done(details.generation, bytes(data))
        settle()
        assert details.thumbnail.isVisible()
        assert details.thumbnail.height() <= details.height() // 3  # a third at most, scaled, not cropped
        assert details.thumbnail.pixmap().width() == details.thumbnail.height() * 3 // 2
        lines = details.browser.viewport().height() // details.browser.fontMetrics().lineSpacing()
        assert lines >= 6  # (it left about four)
        assert layout_problems(details) == []
        details.resize(300, 900)
        settle()
        assert details.thumbnail.height() == 160  # room enough: the preview at its full size (240 × 160)
    finally:
        details.shutdown()
        details.deleteLater()


def test_sql_console_fits_300_px_and_heads_dataset_names_as_such(connections, qgis_iface):
    from qgis.PyQt.QtCore import Qt

    from geodock.plugin.platforms.amigocloud.sql import SqlColumn, TableInfo
    from geodock.ui.platforms.amigocloud.sql_console import SqlConsole
    from geodock.ui.platforms.amigocloud.sql_layout import fill_tables

    console = show_at(SqlConsole(qgis_iface))
    try:
        header = console.tables.headerItem()
        assert [header.text(0), header.text(1)] == ["Table / column", "Dataset / type"]
        columns = [SqlColumn("a_rather_long_column_name", "double precision")]
        fill_tables(console.tables, [TableInfo("7", "Countries of the world", "dataset_1234567", columns)])
        console.editor.setText("SELECT " + ", ".join(f"column_number_{n}" for n in range(30)) + " FROM dataset_1")
        settle()
        assert console.width() == 300
        assert console.main_splitter.orientation() == Qt.Orientation.Vertical  # tables above the editor
        assert layout_problems(console) == []
        console.resize(1100, 600)
        settle()
        assert console.main_splitter.orientation() == Qt.Orientation.Horizontal
        assert layout_problems(console) == []
    finally:
        console.close()
        console.deleteLater()


class ToyUploadDialog(QDialog):
    """A second platform's upload dialog, so that the Upload button has to ask which."""

    def __init__(self, iface: object, parent: QWidget | None = None) -> None:  # noqa: QGS105 - as the shipped dialogs
        super().__init__(parent)
        self.iface = iface


@pytest.fixture
def plugin(qgis_iface, connections):
    loaded = geodock.classFactory(qgis_iface)
    loaded.initGui()
    try:
        yield loaded
    finally:
        loaded.unload()
        QApplication.processEvents()


def test_docks_have_short_distinct_titles_and_the_geodock_icon_on_their_tabs(plugin, qgis_iface):
    for key in ("catalog", "jobs", "processes"):
        plugin.toggle_dock(key, True)
    settle()
    docks = plugin.docks
    assert [docks[key].windowTitle() for key in ("catalog", "jobs", "processes")] == ["Catalog", "Jobs", "Processes"]
    window = qgis_iface.mainWindow()
    for dock in docks.values():  # what QGIS's iface.addDockWidget does (pytest-qgis's does nothing)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.tabifyDockWidget(docks["catalog"], docks["jobs"])
    window.tabifyDockWidget(docks["jobs"], docks["processes"])
    window.show()
    settle()
    try:
        _assert_tab_icons(window, docks)
    finally:
        window.hide()


def _assert_tab_icons(window, docks) -> None:
    from geodock.ui.dock_tabs import tab_of

    geodock_icon = docks["catalog"].windowIcon().pixmap(16, 16).toImage()
    assert not geodock_icon.isNull()
    for dock in docks.values():
        assert dock.windowIcon().pixmap(16, 16).toImage() == geodock_icon
        tab = tab_of(window, dock)
        assert tab is not None, f"{dock.windowTitle()} is not tabbed with the others"
        bar, index = tab
        assert bar.tabText(index) == dock.windowTitle()
        assert bar.tabIcon(index).pixmap(16, 16).toImage() == geodock_icon
    docks["jobs"].hide()  # Qt makes the tabs again: the icons come back
    docks["jobs"].show()
    settle()
    bar, index = tab_of(window, docks["jobs"])
    assert not bar.tabIcon(index).isNull()


def test_toolbar_reads_connections_catalog_jobs_processes_export_upload_each_with_its_icon(plugin):
    actions = plugin.toolbar.actions()
    assert [a.objectName() for a in actions] == [
        "GeodockConnectionsAction",
        "GeodockCatalogAction",
        "GeodockJobsAction",
        "GeodockProcessesAction",
        "GeodockExportAction",
        "GeodockUploadAction",
    ]
    assert [a.text() for a in actions] == ["Connections…", "Catalog", "Jobs", "Processes", "Export…", "Upload…"]
    images = [a.icon().pixmap(24, 24).toImage() for a in actions]
    assert all(not image.isNull() for image in images)
    assert len({bytes(image.constBits().asarray(image.sizeInBytes())) for image in images}) == len(images)


def test_upload_opens_the_only_uploading_platform_or_asks_which(plugin, qgis_iface, connections):
    from geodock.plugin.connections import Connection
    from geodock.plugin.platforms import registry
    from geodock.plugin.platforms.registry import Capability, Platform, UiParts
    from geodock.ui.platforms.geobox.upload_dialog import UploadDialog

    upload = next(a for a in plugin.toolbar.actions() if a.objectName() == "GeodockUploadAction")
    upload.trigger()  # no connection yet: every platform that takes uploads is offered
    settle()
    menu = plugin.upload_menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    assert [a.text() for a in menu.actions()] == ["Upload to Geobox…", "Upload to AmigoCloud…"]
    menu.close()
    connections.save(Connection(name="F1 Geobox", kind="geobox", url="http://127.0.0.1:9/v1/"))
    upload.trigger()  # the only platform with a connection: its dialog at once
    settle()
    (dialog,) = [w for w in qgis_iface.mainWindow().findChildren(UploadDialog) if w.isVisible()]
    dialog.close()
    registry.register(
        Platform(
            kind="f1-toy-upload",
            title="Toy uploads",
            url_example="https://toy.example/",
            adapter="toy_platform.adapter:ToyAdapter",
            capabilities={Capability.UPLOAD: "toy_platform.adapter:ToyAdapter"},
            ui=UiParts(upload_dialog=f"{__name__}:ToyUploadDialog"),
        )
    )
    try:
        connections.save(Connection(name="F1 toy", kind="f1-toy-upload", url="https://toy.example/"))
        upload.trigger()
        settle()
        menu = plugin.upload_menu
        assert isinstance(menu, QMenu) and menu.isVisible()
        assert [a.text() for a in menu.actions()] == ["Upload to Geobox…", "Upload to Toy uploads…"]
        menu.actions()[1].trigger()
        menu.close()
        settle()
        (toy,) = [w for w in qgis_iface.mainWindow().findChildren(ToyUploadDialog) if w.isVisible()]
        assert toy.iface is qgis_iface
    finally:
        connections.remove(connections.require("F1 toy"))
        registry.unregister("f1-toy-upload")
