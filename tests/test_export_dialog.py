"""The Export dialog against the local servers: formats, validation reasons, Submit gating, submit → project."""

from __future__ import annotations

import pytest
from helpers import wait_until
from qgis.core import QgsCoordinateReferenceSystem, QgsProject


@pytest.fixture
def jobs(qgis_app, qgis_iface):
    from geodock.plugin import settings
    from geodock.plugin.jobs import manager

    settings.remove(settings.JOBS)
    QgsProject.instance().clear()
    jm = manager()
    jm.start(qgis_iface, resume_delay=3600)
    yield jm
    for job in jm.jobs():
        jm.remove(job.id)
    jm.stop()
    settings.remove(settings.JOBS)
    QgsProject.instance().clear()


def _resource(kx, item_id: int, title: str):
    from geodock.plugin.platforms.base import Resource

    return Resource(str(item_id), "vector", title, crs="EPSG:4326", api_url=kx.base_url + f"layers/{item_id}/")


def test_koordinates_validate_then_submit(kx, jobs, qgis_iface, tmp_path):
    from geodock.plugin.job_model import JobState
    from geodock.ui.export_dialog import CROP_SERVER, ExportDialog

    dialog = ExportDialog(qgis_iface, kx, [_resource(kx, 1, "World Countries")])
    dialog.show()
    wait_until(lambda: dialog.format_combos["vector"].count() > 2, 30, "formats from OPTIONS")
    vector = dialog.format_combos["vector"]
    assert vector.findText("GeoPackage / SQLite") >= 0 and vector.currentData() == "application/x-ogc-gpkg"
    assert not dialog.submit_button.isEnabled()  # not validated yet

    # An unknown item and a crop with no data in it: every reason in words, Submit stays disabled.
    dialog.item_edit.setText("999")
    dialog.add_item_button.click()
    dialog.crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    dialog.crop_mode.setCurrentIndex(dialog.crop_mode.findData(CROP_SERVER))
    index = next(i for i in range(dialog.server_crop.count()) if "Scandinavia" in dialog.server_crop.itemText(i))
    dialog.server_crop.setCurrentIndex(index)
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
    wait_until(lambda: job.result.get("geodock_download") == "done", 60, "downloaded")
    assert job.state == JobState.SUCCEEDED
    group = QgsProject.instance().layerTreeRoot().findGroup("Scandinavia")
    (layer,) = [node.layer() for node in group.findLayers()]
    assert layer.crs().authid() == "EPSG:3857"
    assert 3 <= layer.featureCount() <= 10  # Norway, Sweden, Denmark, Finland (and what touches them)


def test_geobox_and_amigocloud_offer_only_what_they_support(geobox_server, amigocloud_server, connections, qgis_iface):
    from geodock.ui.export_dialog import ExportDialog

    gb, ac = connections.import_json({"connections": [geobox_server.connection(), amigocloud_server.connection()]})
    geobox = ExportDialog(qgis_iface, gb, [])
    formats = {geobox.format_combos["vector"].itemData(i) for i in range(geobox.format_combos["vector"].count())}
    assert formats == {"Shapefile", "GPKG", "GeoJSON", "CSV", "KML", "DXF"}
    assert not geobox.geobox_box.isHidden() and geobox.validate_button.isHidden()
    assert geobox.crop_mode.count() == 3  # none, map extent, layer extent: a bbox
    amigo = ExportDialog(qgis_iface, ac, [])
    assert amigo.crop_box.isHidden() and amigo.geobox_box.isHidden() and amigo.crs_widget.isHidden()
    assert not amigo.submit_button.isEnabled()  # nothing chosen yet
    amigo.item_edit.setText("1")
    amigo.add_item_button.click()
    assert amigo.submit_button.isEnabled()


def test_an_empty_crop_layer_and_an_unwritable_folder_are_refused_in_words(kx, jobs, qgis_iface, tmp_path):
    from qgis.core import QgsVectorLayer

    from geodock.plugin.errors import GeodockError
    from geodock.ui.export_dialog import CROP_LAYER_EXTENT, CROP_LAYER_GEOMETRY, ExportDialog

    empty = QgsVectorLayer("Polygon?crs=EPSG:2193", "emptypoly", "memory")
    QgsProject.instance().addMapLayer(empty)
    dialog = ExportDialog(qgis_iface, kx, [_resource(kx, 1, "World Countries")])
    for mode in (CROP_LAYER_EXTENT, CROP_LAYER_GEOMETRY):
        dialog.crop_mode.setCurrentIndex(dialog.crop_mode.findData(mode))
        dialog.crop_layer.setLayer(empty)
        with pytest.raises(GeodockError, match="emptypoly has no features"):
            dialog.crop_geometry()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for folder in (str(blocker / "sub"), "/proc/geodock-nope"):
        dialog.folder_widget.setFilePath(folder)
        dialog.submit()
        assert "Cannot use the folder" in dialog.status_label.text() or "Cannot write" in dialog.status_label.text()
        assert dialog.submitted is None
    wait_until(lambda: dialog.formats, 30, "the export formats")  # (closing does not stop their loading)
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
    assert dialog.format_combos["vector"].itemText(0) == "(formats could not be loaded)"
    assert not dialog.submit_button.isEnabled()
    dialog.close()
