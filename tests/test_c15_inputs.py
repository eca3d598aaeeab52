"""The process form's date, date-time, list, several-layer and layer-or-link inputs, on the real draft server:
what the form shows, what it sends, and what comes back."""

from __future__ import annotations

import json

import pytest
from c15_fixtures import draft_server_fixture  # noqa: F401  # the ogc_draft_server fixture
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProject, QgsVectorLayer
from qgis.gui import QgsDateEdit, QgsDateTimeEdit
from qgis.PyQt.QtCore import QDate, QDateTime, Qt, QTime

from geodock.plugin.platforms.ogcapi.adapter import OgcProcessesAdapter
from geodock.plugin.platforms.ogcapi.jobs import run_to_end
from geodock.ui.platforms.ogcapi.extent_editor import ExtentEditor
from geodock.ui.platforms.ogcapi.form_editors import LayerChecklist, ListEditor
from geodock.ui.platforms.ogcapi.process_form import LayerInput, ProcessForm, encode_layer_inputs
from geodock.ui.platforms.ogcapi.request_fill import fill_form


@pytest.fixture
def adapter(connections, ogc_draft_server):
    (connection,) = connections.import_json({"connections": [ogc_draft_server.connection()]})
    return OgcProcessesAdapter(connection)


@pytest.fixture
def two_layers(qgis_app):
    layers = []
    for name, count in (("c15 one", 2), ("c15 two", 3)):
        layer = QgsVectorLayer("Point?crs=EPSG:3857&field=name:string", name, "memory")
        for index in range(count):
            feature = QgsFeature(layer.fields())
            feature.setAttributes([f"{name} {index}"])
            feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(100000 * index, 50000)))
            layer.dataProvider().addFeatures([feature])
        layers.append(layer)
    QgsProject.instance().addMapLayers(layers)
    yield layers
    QgsProject.instance().removeMapLayers([layer.id() for layer in layers])


def test_dates_lists_layers_and_a_link_go_to_the_server_as_it_expects(adapter, two_layers, tmp_path):
    form = ProcessForm(adapter.describe("observe"))
    rows = form.rows
    when, day = rows["when"].editor, rows["day"].editor
    assert isinstance(when, QgsDateTimeEdit) and when.timeSpec() == Qt.TimeSpec.UTC and "UTC" in when.displayFormat()
    assert isinstance(day, QgsDateEdit) and day.date() == QDate(2024, 1, 1)  # the default, sent only when included
    assert isinstance(rows["weights"].editor, ListEditor) and isinstance(rows["tags"].editor, ListEditor)
    assert isinstance(rows["layers"].editor, LayerChecklist)
    mask = rows["mask"]
    assert mask.by_layer.isChecked() and not mask.by_link.isChecked()  # inline GeoJSON by default
    assert mask.media_combo.itemData(0) == "application/geo+json"

    when.setDateTime(QDateTime(QDate(2024, 5, 1), QTime(12, 30, 15), Qt.TimeSpec.UTC))
    rows["weights"].editor.add_value("1", edit=False)
    rows["weights"].editor.add_value("x", edit=False)
    values, problems = form.collect()
    assert problems and "value 2 must be a number" in rows["weights"].error.text()
    assert "check at least one layer" in rows["layers"].error.text()

    rows["weights"].editor.list.item(1).setText("2.5")
    rows["tags"].include.setChecked(True)
    assert rows["tags"].set_value(["red", "green"])  # what an opened request puts back
    rows["layers"].editor.set_checked(two_layers)
    mask.include.setChecked(True)
    mask.by_link.setChecked(True)
    mask.url_edit.setText(adapter.connection.url.rstrip("/") + "/data/points.geojson")
    values, problems = form.collect()
    assert problems == []
    assert values["when"] == "2024-05-01T12:30:15Z" and "day" not in values
    assert values["weights"] == [1.0, 2.5] and values["tags"] == ["red", "green"]
    assert all(isinstance(v, LayerInput) for v in values["layers"]) and len(values["layers"]) == 2
    assert values["mask"] == {"href": mask.url_edit.text(), "type": "application/geo+json"}

    encoded = encode_layer_inputs(values)  # on a worker thread in the dock
    assert [len(c["features"]) for c in encoded["layers"]] == [2, 3]
    assert encoded["layers"][0]["features"][0]["geometry"]["coordinates"][1] == pytest.approx(0.449, abs=1e-3)
    _info, written = run_to_end(adapter, "observe", {"inputs": encoded}, tmp_path, None, lambda _info: None)
    outputs = json.loads(written.results_file.read_text())["outputs"]
    assert outputs["summary"]["when"] == "2024-05-01T12:30:15Z" and outputs["summary"]["weight_sum"] == 3.5
    assert outputs["summary"]["feature_count"] == 5 and outputs["summary"]["mask_features"] == 2
    assert outputs["summary"]["tags"] == ["red", "green"]


def test_an_opened_request_fills_lists_choices_and_the_extent(adapter):
    form = ProcessForm(adapter.describe("echo_old"))
    area = form.rows["area"].editor
    assert isinstance(area, ExtentEditor) and not area.isValid()
    form.rows["area"].include.setChecked(True)
    values, problems = form.collect()
    assert "choose an extent" in form.rows["area"].error.text()
    left = fill_form(form, {"value": 4, "mode": "exact", "area": {"bbox": [5, 45, 15, 55]}})
    assert left == []
    values, problems = form.collect()
    assert problems == []
    assert values["area"]["bbox"] == [5, 45, 15, 55] and values["mode"] == "exact" and values["value"] == 4
    assert "factor" not in values  # optional, not in the request: the server's default applies
