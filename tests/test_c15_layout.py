"""The process form at 300 px (issue 16): no horizontal scrolling, no label cut or elided, editors not squeezed."""

from __future__ import annotations

from typing import Iterator

import pytest
from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QScrollArea, QWidget

from geodock.plugin.platforms.ogcapi.process_description import ProcessDescription
from geodock.ui.platforms.ogcapi.extent_editor import ExtentEditor
from geodock.ui.platforms.ogcapi.process_form import ProcessForm

GEOJSON_OR_GML = {
    "oneOf": [
        {"type": "string", "contentMediaType": "application/gml+xml; version=3.2"},
        {"type": "object", "format": "geojson-feature-collection"},
    ]
}
LONG = "A rather long input title that a server gave, which cannot fit on one line of a narrow dock"
EVERY_KIND = {
    "id": "every_kind",
    "inputs": {
        "count": {"title": "Segments", "schema": {"type": "integer", "minimum": 1, "maximum": 99, "default": 8}},
        "distance": {"title": "Buffer distance", "schema": {"type": "number", "minimum": 0, "maximum": 1000}},
        "dissolve": {"title": LONG, "schema": {"type": "boolean"}, "minOccurs": 0},
        "method": {"title": "Method", "schema": {"type": "string", "enum": ["nearest", "bilinear", "cubicspline"]}},
        "name": {"title": "Name", "schema": {"type": "string"}},
        "day": {"title": "Day", "schema": {"type": "string", "format": "date"}},
        "when": {"title": "Observed at", "schema": {"type": "string", "format": "date-time"}},
        "weights": {"title": "Weights", "schema": {"type": "array", "items": {"type": "number"}}},
        "bands": {"title": "Bands", "schema": {"type": "array", "items": {"enum": ["red", "green", "blue"]}}},
        "layers": {"title": "Layers", "schema": {"format": "geojson-feature-collection"}, "maxOccurs": 5},
        "features": {"title": "Features", "schema": {"format": "geojson-feature-collection"}},
        "mask": {"title": "Mask", "schema": GEOJSON_OR_GML, "minOccurs": 0},
        "bbox": {"title": "Bounding box", "schema": {"type": "object", "format": "ogc-bbox"}},
        "image": {"title": "Image", "schema": {"type": "string", "contentMediaType": "image/tiff"}},
        "options": {"title": "Options", "schema": {"type": "object"}, "minOccurs": 0},
    },
}


@pytest.fixture
def narrow_form(qgis_app) -> Iterator[tuple[QScrollArea, ProcessForm]]:
    from qgis.core import QgsProject, QgsVectorLayer

    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "ne_110m_admin_0_countries_with_a_long_name", "memory")
    QgsProject.instance().addMapLayer(layer)
    area = QScrollArea()
    area.setWidgetResizable(True)  # as the Processes dock holds the form
    form = ProcessForm(ProcessDescription.from_json(EVERY_KIND))
    area.setWidget(form)
    area.resize(300, 500)
    area.show()
    form.rows["bbox"].editor.setOutputExtentFromUser(
        __import__("qgis.core").core.QgsRectangle(-180, -90, 180, 90),
        __import__("qgis.core").core.QgsCoordinateReferenceSystem("EPSG:4326"),
    )
    for row in form.rows.values():  # every optional editor on, the link editors shown
        if row.include is not None:
            row.include.setChecked(True)
    for _ in range(3):
        QApplication.processEvents()
    yield area, form
    area.close()
    area.deleteLater()
    QgsProject.instance().removeMapLayer(layer.id())


def visible(form: QWidget, kind: type) -> list:
    return [w for w in form.findChildren(kind) if w.isVisibleTo(form)]


def test_the_form_fits_300_px_without_horizontal_scrolling(narrow_form):
    area, form = narrow_form
    assert not area.horizontalScrollBar().isVisible()
    assert form.width() <= area.viewport().width()
    assert form.minimumSizeHint().width() <= area.viewport().width()
    for widget in visible(form, QWidget):  # nothing reaches out of the form
        right = widget.mapTo(form, widget.rect().topRight()).x()
        assert right <= form.width(), f"{widget.metaObject().className()} {widget.objectName()} reaches {right}"


def test_no_label_or_button_text_is_cut(narrow_form):
    _area, form = narrow_form
    labels = visible(form, QLabel)
    assert any(label.text().startswith(LONG) for label in labels)
    for label in labels:
        if label.wordWrap():
            assert label.heightForWidth(label.width()) <= label.height(), label.text()
        else:
            assert label.sizeHint().width() <= label.width(), label.text()
    for button in visible(form, QAbstractButton):  # check boxes and radio buttons
        if button.text():
            assert button.sizeHint().width() <= button.width(), button.text()


def test_editors_are_not_squeezed_and_values_are_readable(narrow_form):
    area, form = narrow_form
    width = area.viewport().width()
    combo = form.rows["features"].layer_combo
    assert isinstance(combo, QgsMapLayerComboBox) and combo.width() >= width * 0.7  # not ~20 px
    selected = form.rows["features"].selected_only
    assert selected.y() > combo.y()  # "Selected features only" on a line of its own
    extent = form.rows["bbox"].editor
    assert isinstance(extent, ExtentEditor) and extent.isValid()
    for edit in visible(extent, QLineEdit):  # every coordinate shown whole, not "…00000 [EPSG:4326]"
        text_width = edit.fontMetrics().horizontalAdvance(edit.text())
        assert text_width <= edit.contentsRect().width() - 4, (edit.text(), edit.width())
