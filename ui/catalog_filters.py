"""The Catalog's filter form: one widget per field of a platform's :class:`FilterSpec`, narrow enough for a
300-px dock (labels beside short fields, long ones on their own row; flags as check boxes).

A platform may bring its own form (``UiParts.catalog_filters``, in ``ui/platforms/<kind>/catalog_filters.py``):
a subclass of :class:`FilterForm` built as ``Form(spec, parent)``. The form only edits values; the Catalog dock
remembers them, loads the server's choices and lists with them (:mod:`.catalog_filters_bar`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Optional

from qgis.gui import QgsDateEdit, QgsFilterLineEdit
from qgis.PyQt.QtCore import QDate, Qt, pyqtSignal
from qgis.PyQt.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QWidget

from ..plugin.i18n import tr
from ..plugin.platforms.catalog_filters import FilterField, FilterSpec, FilterType
from .plain_text import plain_label, plain_tooltip
from .slot_guard import guarded

ISO = "yyyy-MM-dd"


class FilterForm(QWidget):
    """Edits the values of a :class:`FilterSpec`'s fields; ``changed`` fires on every edit."""

    changed = pyqtSignal()

    def __init__(self, spec: FilterSpec, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("GeodockCatalogFilterForm")
        self.spec = spec
        self.widgets: dict[str, QWidget] = {}
        self.rows: dict[str, list[QWidget]] = {}  # field key -> the widgets of its row (label included)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._updating = False
        self.add_rows(list(spec.fields))

    # Building ---------------------------------------------------------------------------------------------

    def add_rows(self, fields: list[FilterField]) -> None:
        """Add a row per field (a platform's form may group some, then call this for the rest)."""
        for spec_field in fields:
            widget = self.make_widget(spec_field)
            if spec_field.type in (FilterType.FLAG, FilterType.MAP_VIEW):
                self.form.addRow(widget)
                self.rows[spec_field.key] = [widget]
            else:
                label = self.label(spec_field.label)
                self.form.addRow(label, widget)
                self.rows[spec_field.key] = [label, widget]

    def label(self, text: str) -> QLabel:
        """A row label that wraps rather than being cut."""
        label = plain_label(text, self)
        label.setWordWrap(True)
        return label

    def make_widget(self, spec_field: FilterField) -> QWidget:
        """The editor of one field, connected to ``changed`` and kept in ``widgets``."""
        widget: QWidget
        if spec_field.type is FilterType.CHOICE:
            widget = QComboBox(self)
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            widget.setMinimumContentsLength(8)
            widget.addItem(self.any_text(spec_field), "")
            for value, text in spec_field.choices:
                widget.addItem(text, value)
            widget.currentIndexChanged.connect(self._emit)
            widget.editTextChanged.connect(self._emit)
        elif spec_field.type is FilterType.TEXT:
            widget = QgsFilterLineEdit(self)
            widget.setPlaceholderText(spec_field.hint)
            widget.textChanged.connect(self._emit)
        elif spec_field.type in (FilterType.FLAG, FilterType.MAP_VIEW):
            widget = QCheckBox(spec_field.label, self)
            widget.toggled.connect(self._emit)
        else:
            widget = self.date_edit(spec_field)
        widget.setObjectName(f"GeodockFilter_{spec_field.key}")
        if spec_field.hint:
            widget.setToolTip(plain_tooltip(spec_field.hint))
        self.widgets[spec_field.key] = widget
        return widget

    def date_edit(self, spec_field: FilterField) -> QgsDateEdit:
        """A date that may be empty ("any date")."""
        edit = QgsDateEdit(self)
        edit.setAllowNull(True)
        edit.setDisplayFormat(ISO)
        edit.setNullRepresentation(tr("from") if spec_field.type is FilterType.DATE_FROM else tr("to"))
        edit.clear()
        edit.setMinimumWidth(0)
        edit.dateValueChanged.connect(self._emit)
        return edit

    def any_text(self, spec_field: FilterField) -> str:
        """What the "not set" choice of a choice field says."""
        return tr("Any")

    # Values -----------------------------------------------------------------------------------------------

    @guarded
    def _emit(self, *_args: object) -> None:
        if not self._updating:
            self.changed.emit()

    def values(self) -> dict[str, str]:
        """The set values by field key (ISO dates, ``"true"`` for flags)."""
        values = {key: self._value(key, widget) for key, widget in self.widgets.items()}
        return {key: value for key, value in values.items() if value}

    def _value(self, key: str, widget: QWidget) -> str:
        if isinstance(widget, QComboBox):
            data = widget.currentData()
            if widget.isEditable() and widget.currentText() != widget.itemText(widget.currentIndex()):
                return widget.currentText().strip()
            return str(data or "")
        if isinstance(widget, QgsFilterLineEdit):
            return widget.text().strip()
        if isinstance(widget, QCheckBox):
            return "true" if widget.isChecked() else ""
        if isinstance(widget, QgsDateEdit):
            return "" if widget.isNull() else widget.date().toString(ISO)
        return ""

    def set_values(self, values: Mapping[str, str]) -> None:
        """Show ``values`` (fields not in it are cleared); emits nothing."""
        self._updating = True
        try:
            for key, widget in self.widgets.items():
                self._set(widget, values.get(key, ""))
        finally:
            self._updating = False

    def _set(self, widget: QWidget, value: str) -> None:
        if isinstance(widget, QComboBox):
            index = widget.findData(value) if value else 0
            if index < 0:  # remembered, not (yet) listed: kept and shown as it is
                widget.addItem(value, value)
                index = widget.count() - 1
            widget.setCurrentIndex(index)
        elif isinstance(widget, QgsFilterLineEdit):
            widget.setText(value)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(value == "true")
        elif isinstance(widget, QgsDateEdit):
            date = QDate.fromString(value, ISO)
            if value and date.isValid():
                widget.setDate(date)
            else:
                widget.clear()

    def set_choices(self, key: str, choices: Sequence[tuple[str, str]]) -> None:
        """The server's (value, label) choices of ``key``, keeping the current value."""
        widget = self.widgets.get(key)
        if not isinstance(widget, QComboBox):
            return
        current = self._value(key, widget)
        spec_field = self.spec.field(key)
        self._updating = True
        try:
            widget.clear()
            widget.addItem(self.any_text(spec_field) if spec_field else tr("Any"), "")
            for value, text in (*(spec_field.choices if spec_field else ()), *choices):
                widget.addItem(text, value)
                widget.setItemData(widget.count() - 1, plain_tooltip(text), Qt.ItemDataRole.ToolTipRole)
            widget.setEditable(False)
            self._set(widget, current)
        finally:
            self._updating = False

    def choices_failed(self, key: str, message: str) -> None:
        """The server did not list ``key``'s choices: the field takes a typed value instead."""
        widget = self.widgets.get(key)
        if isinstance(widget, QComboBox) and not widget.isEditable():
            self._updating = True
            try:
                widget.setEditable(True)
                widget.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                if widget.lineEdit() is not None:
                    widget.lineEdit().setPlaceholderText(tr("Type a value"))
            finally:
                self._updating = False
            widget.setToolTip(
                plain_tooltip(tr("The server did not list the choices: {message}").format(message=message))
            )

    # Listing ----------------------------------------------------------------------------------------------

    def show_listing(self, listing: str) -> None:
        """Show only the fields that filter ``listing``."""
        for key, widgets in self.rows.items():
            spec_field = self.spec.field(key)
            visible = spec_field is None or spec_field.applies_to(listing)
            for widget in widgets:
                widget.setVisible(visible)


def date_pair(form: FilterForm, label: str, start: FilterField, end: FilterField) -> None:
    """One row "label [from] – [to]" for two date fields (a platform's form groups its date ranges so)."""
    row = QWidget(form)
    line = QHBoxLayout(row)
    line.setContentsMargins(0, 0, 0, 0)
    line.setSpacing(2)
    first, second = form.make_widget(start), form.make_widget(end)
    line.addWidget(first, 1)
    line.addWidget(plain_label("–", row))
    line.addWidget(second, 1)
    caption = form.label(label)
    form.form.addRow(caption, row)
    form.rows[start.key] = [caption, row]
    form.rows[end.key] = [caption, row]
