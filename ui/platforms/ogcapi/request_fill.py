"""An opened execution request put into a process's form: each input's value into its editor.

A row or editor that knows how to take a value (``set_value(value) -> bool``, when the form offers it) is asked
first; otherwise the value goes in by the editor's kind. What no editor can hold (inline GeoJSON for a layer
input, a file's content) is named back, so the user can choose it; the form's own check then runs on the rest.
"""

from __future__ import annotations

import json
from typing import Any

from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle
from qgis.gui import QgsDoubleSpinBox, QgsExtentWidget, QgsSpinBox
from qgis.PyQt.QtCore import QDateTime, Qt
from qgis.PyQt.QtWidgets import QCheckBox, QComboBox, QDateTimeEdit, QLineEdit, QPlainTextEdit, QWidget

from ....plugin.platforms.ogcapi.process_values import qgis_crs

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def fill_form(form: Any, inputs: dict[str, Any]) -> list[str]:
    """Put ``inputs`` into ``form`` (a ProcessForm): optional inputs present are included, those absent left
    out (server defaults). Returns the titles of the inputs the form could not take."""
    left: list[str] = []
    for name, row in form.rows.items():
        present = name in inputs
        if row.include is not None:
            row.include.setChecked(present)
        if present and not _put(row, inputs[name]):
            left.append(row.spec.title or name)
    return left


def _put(row: Any, value: Any) -> bool:
    """Put ``value`` into ``row``'s editor; False when it cannot hold it."""
    setter = getattr(row, "set_value", None) or getattr(row.editor, "set_value", None)
    if callable(setter):
        return bool(setter(value))
    if hasattr(row, "by_link") and hasattr(row, "url_edit"):  # a file input: only a link can be put back
        href = value.get("href") if isinstance(value, dict) else None
        if isinstance(href, str):
            row.by_link.setChecked(True)
            row.url_edit.setText(href)
            return True
        return False
    if hasattr(row, "layer_combo"):  # a layer input: inline GeoJSON has no layer to choose
        return False
    return _put_in_editor(row.editor, value)


def _put_in_editor(editor: QWidget, value: Any) -> bool:
    """Put ``value`` into a plain editor widget by its kind."""
    if isinstance(editor, (QgsSpinBox, QgsDoubleSpinBox)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        editor.setValue(int(value) if isinstance(editor, QgsSpinBox) else float(value))
        return True
    if isinstance(editor, QCheckBox):
        if not isinstance(value, bool):
            return False
        editor.setChecked(value)
        return True
    if isinstance(editor, QComboBox):
        index = editor.findData(value)
        index = index if index >= 0 else editor.findText(str(value))
        editor.setCurrentIndex(index)
        return index >= 0
    if isinstance(editor, QgsExtentWidget):
        return _put_extent(editor, value)
    if isinstance(editor, QDateTimeEdit):
        when = QDateTime.fromString(str(value), Qt.DateFormat.ISODate)
        editor.setDateTime(when)
        return when.isValid()
    if isinstance(editor, QPlainTextEdit):
        editor.setPlainText(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        return True
    if isinstance(editor, QLineEdit):
        editor.setText(_line_text(value))
        return True
    return False


def _line_text(value: Any) -> str:
    """A value as a one-line field shows it (lists of plain values comma-separated, the rest as JSON)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, (int, float, str)) and "," not in str(v) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


def _put_extent(editor: QgsExtentWidget, value: Any) -> bool:
    """An OGC bbox value (``{"bbox": [...], "crs": uri}``) into an extent widget."""
    box = value.get("bbox") if isinstance(value, dict) else None
    if not isinstance(box, list) or len(box) != 4 or not all(isinstance(v, (int, float)) for v in box):
        return False
    uri = str(value.get("crs") or CRS84)
    crs: QgsCoordinateReferenceSystem = qgis_crs(uri)
    if not crs.isValid():
        return False
    if crs.hasAxisInverted() and "CRS84" not in uri.upper():
        box = [box[1], box[0], box[3], box[2]]  # lat/lon in OGC URIs of EPSG:4326 and the like
    editor.setOutputExtentFromUser(QgsRectangle(*box), crs)
    return True
