"""The Export dialog against the local servers: formats, validation reasons, Submit gating, submit → project."""

from __future__ import annotations

import pytest
from helpers import wait_until
from qgis.core import QgsCoordinateReferenceSystem, QgsProject


def _resource(kx, item_id: int, title: str):
    from geodock.plugin.platforms.base import Resource

    return Resource(str(item_id), "vector", title, crs="EPSG:4326", api_url=kx.base_url + f"layers/{item_id}/")


def test_koordinates_validate_then_submit(kx, jobs, qgis_iface, tmp_path):
    from geodock.plugin.job_model import JobState
    from geodock.ui.export_dialog import ExportDialog
    from geodock.ui.platforms.koordinates.export_form import CROP_SERVER

    dialog = ExportDialog(qgis_iface, kx, [_resource(kx, 1, "World Countries")])
    dialog.show()
    wait_until(lambda: dialog.form.format_combos["vector"].count() > 2, 30, "formats from OPTIONS")
    vector = dialog.form.format_combos["vector"]
    assert vector.findText("GeoPackage / SQLite") >= 0 and vector.currentData() == "application/x-ogc-gpkg"
    assert not dialog.submit_button.isEnabled()  # not validated yet

    # An unknown item and a crop with no data in it: every reason in words, Submit stays disabled.
    dialog.item_edit.setText("999")
    dialog.add_item_button.click()
    dialog.form.crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    dialog.form.crop_mode.setCurrentIndex(dialog.form.crop_mode.findData(CROP_SERVER))
    crops = dialog.form.server_crop
    index = next(i for i in range(crops.count()) if "Scandinavia" in crops.itemText(i))
    crops.setCurrentIndex(index)
    dialog.validate_button.click()
    wait_until(lambda: dialog.validation is not None, 30, "validation")
    text = dialog.report.toPlainText()
    assert "cannot be made" in text and "does not exist" in text, text
    assert "Creative Commons" in text and "Estimated zipped size" in text
    assert not dialog.submit_button.isEnabled()

    # Remove the unknown item: valid, Submit enabled; any change invalidates again.
    dialog.items_list.setCurrentRow(1)
    dialog.remove_item_button.click()
    assert dialog.validation is None and not dialog.submit_button.isEnabled()
    dialog.validate_button.click()
    wait_until(lambda: dialog.validation is not None, 30, "validation")
    assert dialog.validation.is_valid and "is valid" in dialog.report.toPlainText()
    assert dialog.submit_button.isEnabled()

    dialog.name_edit.setText("Scandinavia")
    dialog.validate_button.click()
    wait_until(lambda: dialog.validation is not None, 30, "validation")
    dialog.folder_widget.setFilePath(str(tmp_path))
    dialog.submit_button.click()
    wait_until(lambda: dialog.submitted is not None, 30, "submitted")
    job = jobs.get(dialog.submitted.id)
    assert job is not None and job.folder.startswith(str(tmp_path))
    wait_until(lambda: job.download == "done", 60, "downloaded")
    assert job.state == JobState.SUCCEEDED
    group = QgsProject.instance().layerTreeRoot().findGroup("Scandinavia")
    (layer,) = [node.layer() for node in group.findLayers()]
    assert layer.crs().authid() == "EPSG:3857"
    assert 3 <= layer.featureCount() <= 10  # Norway, Sweden, Denmark, Finland (and what touches them)


def test_a_title_coming_back_after_the_verdict_keeps_it(kx, koordinates_server, qgis_iface):
    """The look-up of a typed id only names the item: when it answers after the validation, the verdict stays."""
    from geodock.ui.export_dialog import ExportDialog

    koordinates_server.fault(hold="lookup", path="/services/api/v1/layers/999", times=5)
    try:
        dialog = ExportDialog(qgis_iface, kx, [_resource(kx, 1, "World Countries")])
        dialog.show()
        wait_until(lambda: dialog.form.format_combos["vector"].count() > 2, 30, "formats from OPTIONS")
        dialog.item_edit.setText("999")
        dialog.add_item_button.click()
        wait_until(lambda: koordinates_server.held("lookup") > 0, 30, "the look-up held by the server")
        dialog.validate_button.click()
        wait_until(lambda: dialog.validation is not None, 30, "validation")
        assert not dialog.validation.is_valid
        koordinates_server.release("lookup")
        wait_until(lambda: "not found" in dialog.items_list.item(1).text(), 30, "the look-up's answer")
        assert dialog.validation is not None and "does not exist" in dialog.report.toPlainText()
        assert dialog.validate_button.isEnabled()
    finally:
        koordinates_server.release("lookup")


def test_a_change_while_validating_drops_the_verdict(kx, koordinates_server, qgis_iface):
    """A verdict that comes back after the request was changed is not shown as the changed request's."""
    from geodock.ui.export_dialog import ExportDialog

    koordinates_server.fault(hold="verdict", path="/services/api/v1/exports/validate/")
    try:
        dialog = ExportDialog(qgis_iface, kx, [_resource(kx, 1, "World Countries")])
        dialog.show()
        wait_until(lambda: dialog.form.format_combos["vector"].count() > 2, 30, "formats from OPTIONS")
        dialog.validate_button.click()
        wait_until(lambda: koordinates_server.held("verdict") > 0, 30, "the validation held by the server")
        dialog.form.crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
        koordinates_server.release("verdict")
        wait_until(lambda: "validate again" in dialog.status_label.text(), 30, "the stale verdict")
        assert dialog.validation is None and dialog.validated_request is None
        assert not dialog.submit_button.isEnabled() and dialog.validate_button.isEnabled()
        dialog.validate_button.click()
        wait_until(lambda: dialog.validation is not None, 30, "validation")
        assert dialog.validation.is_valid and dialog.validated_request.crs == "EPSG:3857"
        assert dialog.submit_button.isEnabled()
    finally:
        koordinates_server.release("verdict")


def test_geobox_and_amigocloud_offer_only_what_they_support(geobox_server, amigocloud_server, connections, qgis_iface):
    from qgis.gui import QgsProjectionSelectionWidget
    from qgis.PyQt.QtWidgets import QGroupBox

    from geodock.ui.export_dialog import ExportDialog

    gb, ac = connections.import_json({"connections": [geobox_server.connection(), amigocloud_server.connection()]})
    geobox = ExportDialog(qgis_iface, gb, [])
    combo = geobox.form.format_combos["vector"]
    formats = {combo.itemData(i) for i in range(combo.count())}
    assert formats == {"Shapefile", "GPKG", "GeoJSON", "CSV", "KML", "DXF"}
    assert not geobox.form.filter_box.isHidden() and geobox.validate_button.isHidden()
    assert geobox.form.crop_mode.count() == 3  # none, map extent, layer extent: a bbox
    amigo = ExportDialog(qgis_iface, ac, [])
    boxes = {box.title() for box in amigo.findChildren(QGroupBox)}  # no crop, no filter, no CRS
    assert not {"Crop", "Filter"} & boxes and not amigo.findChildren(QgsProjectionSelectionWidget), boxes
    assert not amigo.submit_button.isEnabled()  # nothing chosen yet
    amigo.item_edit.setText("1")
    amigo.add_item_button.click()
    assert amigo.submit_button.isEnabled()
    amigo.close()  # (its "1" is being looked up: closing stops that)


def test_an_empty_crop_layer_and_an_unwritable_folder_are_refused_in_words(kx, jobs, qgis_iface, tmp_path):
    from qgis.core import QgsVectorLayer

    from geodock.plugin.errors import GeodockError
    from geodock.ui.export_dialog import ExportDialog
    from geodock.ui.platforms.koordinates.export_form import CROP_LAYER_EXTENT, CROP_LAYER_GEOMETRY

    empty = QgsVectorLayer("Polygon?crs=EPSG:2193", "emptypoly", "memory")
    QgsProject.instance().addMapLayer(empty)
    dialog = ExportDialog(qgis_iface, kx, [_resource(kx, 1, "World Countries")])
    for mode in (CROP_LAYER_EXTENT, CROP_LAYER_GEOMETRY):
        dialog.form.crop_mode.setCurrentIndex(dialog.form.crop_mode.findData(mode))
        dialog.form.crop_layer.setLayer(empty)
        with pytest.raises(GeodockError, match="emptypoly has no features"):
            dialog.form.crop_geometry()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for folder in (str(blocker / "sub"), "/proc/geodock-nope"):
        dialog.folder_widget.setFilePath(folder)
        dialog.submit()
        assert "Cannot use the folder" in dialog.status_label.text() or "Cannot write" in dialog.status_label.text()
        assert dialog.submitted is None
    wait_until(lambda: dialog.form.formats, 30, "the export formats")
    dialog.close()


def test_formats_that_cannot_be_loaded_say_so(kx, jobs, qgis_iface, connections, koordinates_server, refused_port):
    from geodock.ui.export_dialog import ExportDialog

    dead_url = f"http://127.0.0.1:{refused_port}/api/v1/"
    (dead,) = connections.import_json(
        {"connections": [dict(koordinates_server.connection(), name="Dead K", url=dead_url)]}
    )
    dialog = ExportDialog(qgis_iface, dead, [_resource(kx, 1, "World Countries")])
    assert dialog.status_label.text() == "Loading the export formats of Dead K…"
    wait_until(lambda: "Could not connect" in dialog.status_label.text(), 30, "the failure in the dialog")
    assert dialog.form.format_combos["vector"].itemText(0) == "(formats could not be loaded)"
    assert not dialog.submit_button.isEnabled()
    dialog.close()


def test_closing_the_dialog_stops_loading_its_formats(hostile, connections, qgis_iface):
    """The formats (OPTIONS) are still on their way when the user closes the dialog: their task is cancelled, not
    left running until the server answers."""
    from qgis.core import QgsApplication

    from geodock.ui.export_dialog import ExportDialog

    api = "/services/api/v1/"
    hostile.script({"method": "OPTIONS", "path": api + "exports/", "hold": "formats", "json": {}})
    entry = {"name": "Slow kx", "kind": "koordinates", "url": hostile.root + api, "credentials": {"token": "t"}}
    (connection,) = connections.import_json({"connections": [entry]})

    def loading() -> list:
        tasks = QgsApplication.taskManager().activeTasks()
        return [t for t in tasks if t.description() == "Loading the export formats of Slow kx"]

    try:
        dialog = ExportDialog(qgis_iface, connection, [])
        dialog.show()
        wait_until(lambda: [r for r in hostile.received() if r["method"] == "OPTIONS"], 30, "the OPTIONS request")
        assert loading(), "the formats are being loaded"
        dialog.close()
        wait_until(lambda: not loading(), 10, "the formats task to stop once the dialog is closed")
        assert dialog.form.formats == {}
    finally:
        hostile.release("formats")


def test_geobox_and_amigocloud_submit_through_their_exporters(
    geobox_server, amigocloud_server, connections, jobs, qgis_iface, tmp_path
):
    from helpers import run_task

    from geodock.plugin.platforms.geobox.jobs import GeoboxTasks
    from geodock.ui.export_dialog import ExportDialog

    gb, ac = connections.import_json({"connections": [geobox_server.connection(), amigocloud_server.connection()]})
    api = GeoboxTasks(gb)
    docs = run_task(
        lambda fb: api.client.get_json(
            api.adapter.url("vectorLayers/"), params={"f": "json", "limit": 50}, auth=api._auth(fb), feedback=fb
        )
    )
    uuid = next(d["uuid"] for d in docs if d["name"] == "countries")
    submitted = []
    for connection, ref, fmt, name in ((gb, uuid, "GeoJSON", "Geobox France"), (ac, "1", "GPKG", "Amigo all")):
        dialog = ExportDialog(qgis_iface, connection, [])
        dialog.item_edit.setText(ref)
        dialog.add_item_button.click()
        combo = dialog.form.format_combos["vector"]
        combo.setCurrentIndex(combo.findData(fmt))
        if connection is gb:
            dialog.form.cql_edit.setText("ISO_A3 = 'FRA'")
        dialog.name_edit.setText(name)
        dialog.folder_widget.setFilePath(str(tmp_path))
        dialog.submit_button.click()
        wait_until(lambda d=dialog: d.submitted is not None, 30, f"{name} submitted")
        submitted.append(jobs.get(dialog.submitted.id))
    for job in submitted:
        wait_until(lambda j=job: j.download == "done", 60, f"{job.title} downloaded")
    counts = {}
    for job in submitted:
        group = QgsProject.instance().layerTreeRoot().findGroup(job.title)
        counts[job.title] = sum(node.layer().featureCount() for node in group.findLayers())
    assert counts["Geobox France"] == 1 and counts["Amigo all"] >= 170, counts
