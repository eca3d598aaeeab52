"""The AmigoCloud upload dialog: offered by the toolbar's Upload, fits 300 px without a horizontal scroll, lists
the connection's projects, uploads the chosen layer and offers Resume after a connection that kept breaking."""

from __future__ import annotations

import uuid as _uuid

import pytest
from helpers import wait_until
from qgis.core import QgsProject
from qgis.PyQt.QtWidgets import QApplication
from test_s2_amigocloud_upload import CONTROL, UNTIL_LIFTED, faults, points_layer

from geodock.plugin.platforms import registry


@pytest.fixture
def server(amigocloud_server):
    amigocloud_server._send_json("DELETE", CONTROL + "/log")
    yield amigocloud_server
    amigocloud_server._send_json("DELETE", CONTROL + "/log")


@pytest.fixture
def dialog(server, connections):
    from geodock.ui.platforms.amigocloud.upload_dialog import AmigoCloudUploadDialog

    connections.import_json({"connections": [server.connection()]})
    token = server.credentials["token"]
    doc = server._send_json(
        "POST", f"/api/v1/me/projects?token={token}", {"name": f"s2 dialog {_uuid.uuid4().hex[:6]}"}
    )
    layer = points_layer(600, "dialog_sites")
    QgsProject.instance().addMapLayer(layer)
    shown = AmigoCloudUploadDialog(None, layer, connections.all()[0])
    shown.test_project = str(doc["id"])  # the project of the test's own its uploads go to
    yield shown
    wait_until(lambda: shown.task is None, 60, "the dialog's upload to end")
    shown.close()
    shown.deleteLater()
    QgsProject.instance().removeAllMapLayers()


def wait_projects(dialog) -> None:
    wait_until(lambda: dialog.project_combo.findData(dialog.test_project) >= 0, 30, "the projects")
    dialog.project_combo.setCurrentIndex(dialog.project_combo.findData(dialog.test_project))


def test_upload_chooser_offers_amigocloud(connections, server):
    from geodock.ui.upload_chooser import upload_rows

    connections.import_json({"connections": [server.connection()]})
    rows = upload_rows()
    assert "amigocloud" in [row.kind for row in rows]
    row = registry.platform("amigocloud")
    assert registry.load(row.ui.upload_dialog).__name__ == "AmigoCloudUploadDialog"
    assert [ref for _, _, ref in row.ui.layer_actions] == [row.ui.upload_dialog]


def test_dialog_fits_300_px(dialog):
    wait_projects(dialog)
    dialog.show()  # (a remembered size is restored on show: the test's own comes after)
    QApplication.processEvents()
    dialog.resize(300, dialog.sizeHint().height())
    QApplication.processEvents()
    assert dialog.minimumSizeHint().width() <= 300
    assert dialog.width() <= 300
    for widget in (dialog.project_combo, dialog.layer_combo, dialog.name_edit, dialog.upload_button):
        right = widget.mapTo(dialog, widget.rect().topRight()).x()
        assert right <= dialog.width(), widget


def test_dialog_uploads_the_layer(dialog, server):
    wait_projects(dialog)
    name = f"s2_dialog_{_uuid.uuid4().hex[:8]}"
    dialog.name_edit.setText(name)
    dialog.start_upload()
    wait_until(lambda: dialog.task is None and dialog.upload_button.isEnabled(), 60, "the upload to end")
    assert dialog.dataset is not None, dialog.status.text()
    assert dialog.dataset.dataset_id in dialog.status.text() and dialog.progress.value() == 100


def test_dialog_offers_resume_after_a_broken_upload(dialog, server, monkeypatch):
    from geodock.plugin.platforms.amigocloud import upload as upload_module

    wait_projects(dialog)
    monkeypatch.setattr(upload_module, "SIMPLE_LIMIT", 1)  # chunked whatever the size (one 4 MiB chunk here)
    faults(server, drop_at=0.6, drop_times=UNTIL_LIFTED)  # lifted before Resume
    dialog.show()
    assert not dialog.resume_button.isVisible()
    dialog.name_edit.setText(f"s2_dialog_resume_{_uuid.uuid4().hex[:8]}")
    dialog.start_upload()
    wait_until(lambda: dialog.task is None and dialog.resume_button.isVisibleTo(dialog), 60, "Resume")
    assert "broke off" in dialog.status.text()
    faults(server, drop_at=None, drop_times=1)
    dialog.resume()
    wait_until(lambda: dialog.dataset is not None, 60, "the resumed upload")
    assert not dialog.resume_button.isVisibleTo(dialog)
