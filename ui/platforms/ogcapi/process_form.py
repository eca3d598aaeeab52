"""The execution form of a process, generated from its description (one row per input).

Numbers get spin boxes with the schema's limits, booleans check boxes, enums combo boxes, dates and date-times
date editors (sent as ISO 8601, date-times in UTC), bounding boxes an :class:`.ExtentEditor` (a line per side:
it fits a narrow dock), GeoJSON inputs a ``QgsMapLayerComboBox`` + "selected features only" (or a link, when the
input also takes other media types), several GeoJSON inputs a checked list of layers, files a ``QgsFileWidget``
or a URL (by value / by link), arrays of plain values a list (:mod:`.form_editors`), other arrays and objects a
text field (JSON). Labels sit above their editors and wrap, so the form fits a 300 px dock.
Optional inputs have an "include" check box, off by default, so server defaults stay server-side. Invalid
values are flagged on the row (red text under it) before anything is sent.

:meth:`ProcessForm.collect` runs on the GUI thread and makes no network call: layer inputs are returned as
:class:`LayerInput` (a feature source made on the GUI thread) and encoded later on a worker thread with
:func:`encode_layer_inputs`.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from qgis.core import (
    QgsProject,
)
from qgis.gui import QgsDoubleSpinBox, QgsSpinBox
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QResizeEvent
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ....plugin.i18n import tr
from ....plugin.platforms.ogcapi.process_description import InputKind, ProcessDescription, ProcessInput
from ....plugin.platforms.ogcapi.process_parameters import array_item
from ....plugin.platforms.ogcapi.process_values import (
    encode_bbox,
    qgis_crs,
    validate_value,
)
from ...plain_text import plain_label, plain_tooltip
from .extent_editor import ExtentEditor
from .form_editors import LayerChecklist, ListEditor, date_editor, date_value, narrow_combo
from .layer_inputs import LayerInput, encode_layer_inputs, has_layers  # noqa: F401  # re-exported
from .source_editors import SourceEditors

INT_LIMIT = 2**31 - 1
LIST_ITEMS = (InputKind.NUMBER, InputKind.INTEGER, InputKind.STRING, InputKind.DATE, InputKind.DATETIME, InputKind.ENUM)


class InputRow(SourceEditors, QWidget):
    """The editor of one input, with its error label."""

    def __init__(self, spec: ProcessInput, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.spec = spec
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        line = QHBoxLayout()
        layout.addLayout(line)
        self.include: Optional[QCheckBox] = None
        if spec.optional:
            self.include = QCheckBox()
            self.include.setToolTip(tr("Send this input (otherwise the server's default applies)"))
            line.addWidget(self.include, 0, Qt.AlignmentFlag.AlignTop)
        self.editor = self._build_editor(spec)
        line.addWidget(self.editor, 1)
        if isinstance(self.editor, (ListEditor, ExtentEditor)):
            self.set_value = self.editor.set_value  # an opened request's value goes back into the editor
        self.error = plain_label()  # messages name the input by its (server-given) title
        self.error.setStyleSheet("color: #c0392b")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        tip = f"{spec.description}\n{spec.type_label()}".strip()
        self.editor.setToolTip(plain_tooltip(tip))
        if self.include is not None:
            self.include.toggled.connect(self.editor.setEnabled)
            self.editor.setEnabled(False)

    # Editors --------------------------------------------------------------------------------------------

    def _build_editor(self, spec: ProcessInput) -> QWidget:
        """The editor widget for the kind of ``spec`` (a text field for strings, arrays and the rest)."""
        if spec.kind in (InputKind.DATE, InputKind.DATETIME):
            return date_editor(spec)
        item_kind = spec.item.kind if spec.kind == InputKind.ARRAY and spec.item is not None else ""
        if item_kind in (InputKind.FEATURES, InputKind.GEOMETRY):
            self.layer_list = LayerChecklist()
            return self.layer_list
        if item_kind in LIST_ITEMS:
            return ListEditor(spec)
        build = {
            InputKind.INTEGER: self._integer_editor,
            InputKind.NUMBER: self._number_editor,
            InputKind.BOOLEAN: self._boolean_editor,
            InputKind.ENUM: self._enum_editor,
            InputKind.BBOX: self._extent_editor,
            InputKind.FEATURES: self._layer_editor,
            InputKind.GEOMETRY: self._layer_editor,
            InputKind.FILE: self._file_editor,
        }.get(spec.kind)
        if build is not None:
            return build(spec)
        if spec.kind == InputKind.JSON or spec.ui.get("widget") == "textarea" or spec.ui.get("multiline"):
            return self._text_area_editor(spec)
        return self._line_editor(spec)

    @staticmethod
    def _integer_editor(spec: ProcessInput) -> QWidget:
        """A spin box within the schema's (exclusive or not) limits."""
        box = QgsSpinBox()
        box.setRange(
            int(spec.minimum + (1 if spec.exclusive_minimum else 0)) if spec.minimum is not None else -INT_LIMIT,
            int(spec.maximum - (1 if spec.exclusive_maximum else 0)) if spec.maximum is not None else INT_LIMIT,
        )
        if spec.has_default and isinstance(spec.default, (int, float)):
            box.setValue(int(spec.default))
            box.setClearValue(int(spec.default))
        return box

    @staticmethod
    def _number_editor(spec: ProcessInput) -> QWidget:
        """A double spin box with the schema's limits, decimals and step."""
        box = QgsDoubleSpinBox()
        box.setDecimals(int(spec.ui.get("decimals", 6)))
        box.setRange(
            spec.minimum if spec.minimum is not None else -1e15,
            spec.maximum if spec.maximum is not None else 1e15,
        )
        if "step" in spec.ui:
            box.setSingleStep(float(spec.ui["step"]))
        if spec.has_default and isinstance(spec.default, (int, float)):
            box.setValue(float(spec.default))
            box.setClearValue(float(spec.default))
        return box

    @staticmethod
    def _boolean_editor(spec: ProcessInput) -> QWidget:
        """A check box, checked when the default is true (the title is the label above: a long one wraps there,
        where a check box's text could not)."""
        box = QCheckBox(tr("Yes"))
        box.setAccessibleName(spec.title)
        box.setChecked(bool(spec.default))
        return box

    @staticmethod
    def _enum_editor(spec: ProcessInput) -> QWidget:
        """A combo box of the enumerated values, on the default (as narrow as the dock: long values elide)."""
        combo = narrow_combo()
        for value in spec.enum:
            combo.addItem(str(value), value)
        if spec.has_default and spec.default in spec.enum:
            combo.setCurrentIndex(spec.enum.index(spec.default))
        return combo

    @staticmethod
    def _extent_editor(spec: ProcessInput) -> QWidget:
        """An extent editor in the first CRS the input accepts (one that fits a narrow dock)."""
        return ExtentEditor(qgis_crs(spec.bbox_crs_options()[0]))

    @staticmethod
    def _text_area_editor(spec: ProcessInput) -> QWidget:
        """A multi-line text field (JSON objects, text areas)."""
        edit = QPlainTextEdit()
        edit.setMaximumHeight(80)
        if spec.has_default:
            edit.setPlainText(json.dumps(spec.default) if not isinstance(spec.default, str) else spec.default)
        placeholder = str(spec.ui.get("placeholder", "") or "")
        edit.setPlaceholderText(placeholder or (tr("JSON object") if spec.kind == InputKind.JSON else ""))
        return edit

    @staticmethod
    def _line_editor(spec: ProcessInput) -> QWidget:
        """A one-line text field (strings; arrays as comma-separated values or a JSON list)."""
        edit = QLineEdit()
        if spec.has_default and spec.default is not None:
            default = spec.default
            edit.setText(", ".join(str(v) for v in default) if isinstance(default, list) else str(default))
        placeholder = str(spec.ui.get("placeholder", "") or "")
        if spec.kind == InputKind.ARRAY:
            edit.setPlaceholderText(placeholder or tr("values separated by commas, or a JSON list"))
        else:
            edit.setPlaceholderText(placeholder)
        if spec.ui.get("password") or spec.ui.get("widget") == "password":
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    # Values ---------------------------------------------------------------------------------------------

    @property
    def included(self) -> bool:
        """Whether the input is sent (always, for a required input)."""
        return self.include is None or self.include.isChecked()

    def value(self) -> Any:
        """The request value (a :class:`LayerInput` for layers); raises ValueError with a message."""
        kind, editor = self.spec.kind, self.editor
        if kind in (InputKind.INTEGER, InputKind.NUMBER):
            return editor.value()
        if kind == InputKind.BOOLEAN:
            return editor.isChecked()
        if kind == InputKind.ENUM:
            return editor.currentData()
        if kind in (InputKind.DATE, InputKind.DATETIME):
            return date_value(editor, self.spec)
        if isinstance(editor, LayerChecklist):
            return self._layers_value()
        if isinstance(editor, ListEditor):
            return self._items_value()
        if kind == InputKind.BBOX:
            return self._extent_value()
        if kind in (InputKind.FEATURES, InputKind.GEOMETRY):
            if getattr(self, "by_link", None) is not None and self.by_link.isChecked():
                return self._link_value()
            return self._layer_value()
        if kind == InputKind.FILE:
            return self._file_value()
        return self._text_value()

    def _extent_value(self) -> Any:
        """The chosen extent as an OGC bbox value."""
        editor, spec = self.editor, self.spec
        if not editor.isValid() or editor.outputExtent().isNull():
            raise ValueError(tr("{input}: choose an extent").format(input=spec.title))
        return encode_bbox(spec, editor.outputExtent(), editor.outputCrs(), QgsProject.instance().transformContext())

    def _text_value(self) -> Any:
        """A text field's value: a JSON object, a list, or the text itself."""
        spec, editor = self.spec, self.editor
        text = editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text()
        if spec.kind == InputKind.JSON:
            try:
                return json.loads(text) if text.strip() else None
            except ValueError as err:
                raise ValueError(tr("{input} is not valid JSON: {error}").format(input=spec.title, error=err)) from None
        if spec.kind == InputKind.ARRAY:
            return self._list_value(text)
        if text == "" and spec.nullable:
            return None
        if text == "" and spec.required:  # as QGIS Processing: a mandatory text is not empty
            raise ValueError(tr("{input} is required").format(input=spec.title))
        return text

    def _list_value(self, text: str) -> list[Any]:
        """A JSON list, or comma-separated values."""
        spec = self.spec
        if text.strip().startswith("["):
            try:
                return list(json.loads(text))
            except ValueError as err:
                message = tr("{input} is not a valid list: {error}").format(input=spec.title, error=err)
                raise ValueError(message) from None
        return [array_item(spec.item, part.strip()) for part in text.split(",") if part.strip()]

    def show_error(self, message: str) -> None:
        """Show ``message`` under the editor (hide the label when empty)."""
        self.error.setText(message)
        self.error.setVisible(bool(message))


class ProcessForm(QWidget):
    """The inputs of one process as a form."""

    def __init__(self, description: ProcessDescription, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.description = description
        self.rows: dict[str, InputRow] = {}
        self.labels: list[QLabel] = []
        layout = QFormLayout(self)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # labels above editors: fits 300 px
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        hidden = [i for i in description.inputs if i.ui.get("hidden")]
        ordered = sorted(
            (i for i in description.inputs if i not in hidden), key=lambda i: float(i.ui.get("order", 0) or 0)
        )
        for spec in ordered:
            row = InputRow(spec, self)
            row.setObjectName(f"input_{spec.name}")
            label = plain_label(spec.title + ("" if spec.optional else " *"))
            label.setWordWrap(True)
            self.labels.append(label)
            label.setToolTip(plain_tooltip(spec.description))
            layout.addRow(label, row)
            self.rows[spec.name] = row

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt's name
        """Labels no wider than the form: QFormLayout gives a wrapped label its unwrapped width otherwise."""
        margins = self.layout().contentsMargins()
        width = max(40, event.size().width() - margins.left() - margins.right())
        for label in self.labels:
            label.setMaximumWidth(width)
        super().resizeEvent(event)

    def collect(self) -> tuple[dict[str, Any], list[str]]:
        """The inputs to send and the problems found (flagged on their rows). GUI thread, no network."""
        values: dict[str, Any] = {}
        problems: list[str] = []
        for name, row in self.rows.items():
            row.show_error("")
            if not row.included:
                continue
            try:
                value = row.value()
            except ValueError as err:
                row.show_error(str(err))
                problems.append(str(err))
                continue
            if not has_layers(value):
                problem = validate_value(row.spec, value)
                if problem:
                    row.show_error(problem)
                    problems.append(problem)
                    continue
            values[name] = value
        for spec in self.description.inputs:
            if spec.required and spec.name not in values and spec.name not in self.rows:
                problems.append(tr("{input} is required").format(input=spec.title))
        return values, problems
