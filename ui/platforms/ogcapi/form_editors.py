"""Editors of the process form for the inputs a single field cannot hold: dates and date-times, lists of values,
several layers. Each fits a 300 px dock (nothing wider than its values needs).

* :func:`date_editor` — a ``QgsDateEdit`` (``format: date``) or a ``QgsDateTimeEdit`` in UTC
  (``format: date-time``); :func:`date_value` gives the ISO 8601 text the server expects.
* :class:`ListEditor` — an array of numbers, strings or dates: one row per value, add and remove buttons;
  an array of enumerated values is a list of check boxes instead.
* :class:`LayerChecklist` — several vector layers of the project (``maxOccurs > 1`` GeoJSON inputs), checked
  in a list that follows the project's layers.
"""

from __future__ import annotations

from typing import Any, Optional, Union

from qgis.core import QgsMapLayer, QgsMapLayerModel, QgsMapLayerProxyModel
from qgis.gui import QgsDateEdit, QgsDateTimeEdit
from qgis.PyQt.QtCore import QDate, QDateTime, Qt
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ....plugin.i18n import tr
from ....plugin.platforms.ogcapi.process_description import InputKind, ProcessInput
from ....plugin.platforms.ogcapi.process_values import encode_date, encode_datetime
from ...narrow import narrow_combo as narrow
from ...slot_guard import guarded

DateEditor = Union[QgsDateEdit, QgsDateTimeEdit]
LIST_HEIGHT = 110  # about four rows, then the list scrolls


def narrow_combo() -> QComboBox:
    """A combo box that fits a narrow dock (its longest item elides)."""
    return narrow(length=8)  # (ui.narrow: the one recipe, a little shorter in the process form)


def date_editor(spec: ProcessInput) -> DateEditor:
    """A date editor (``format: date``) or a date-time editor in UTC, on the default or today / now."""
    default = spec.default if spec.has_default and isinstance(spec.default, str) else ""
    if spec.kind == InputKind.DATE:
        day = QDate.fromString(default[:10], Qt.DateFormat.ISODate)
        date_edit = QgsDateEdit()
        date_edit.setAllowNull(False)
        date_edit.setDisplayFormat("yyyy-MM-dd")
        date_edit.setDate(day if day.isValid() else QDate.currentDate())
        return date_edit
    moment = QDateTime.fromString(default, Qt.DateFormat.ISODate)
    edit = QgsDateTimeEdit()
    edit.setAllowNull(False)
    edit.setTimeSpec(Qt.TimeSpec.UTC)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss 'UTC'")  # what is sent is UTC: say so where it is chosen
    edit.setDateTime((moment if moment.isValid() else QDateTime.currentDateTimeUtc()).toUTC())
    return edit


def date_value(editor: DateEditor, spec: ProcessInput) -> str:
    """The editor's value as ISO 8601 (``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM:SSZ``)."""
    if isinstance(editor, QgsDateEdit):
        return encode_date(editor.date())
    return encode_datetime(editor.dateTime())


class ListEditor(QWidget):
    """A list of values: typed one per row (numbers, strings, dates), or checked among enumerated values."""

    def __init__(self, spec: ProcessInput, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.choices = list(spec.item.enum) if spec.item is not None and spec.item.kind == InputKind.ENUM else []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget(self)
        self.list.setObjectName("values")
        self.list.setMinimumWidth(60)
        self.list.setMaximumHeight(LIST_HEIGHT)
        layout.addWidget(self.list)
        self.add_button: Optional[QToolButton] = None
        self.remove_button: Optional[QToolButton] = None
        if self.choices:
            for value in self.choices:
                item = QListWidgetItem(str(value), self.list)
                item.setData(Qt.ItemDataRole.UserRole, value)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
        else:
            self._add_buttons(layout)
        if spec.has_default and isinstance(spec.default, list):
            self.set_value(spec.default)

    def _add_buttons(self, layout: QVBoxLayout) -> None:
        """Add and remove buttons under the list (typed values)."""
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.add_button = QToolButton(self)
        self.add_button.setText("+")
        self.add_button.setToolTip(tr("Add a value"))
        self.remove_button = QToolButton(self)
        self.remove_button.setText("−")
        self.remove_button.setToolTip(tr("Remove the selected value"))
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(lambda: self.add_value(""))
        self.remove_button.clicked.connect(self._remove_current)

    @guarded
    def add_value(self, text: str, edit: bool = True) -> QListWidgetItem:
        """Append a row holding ``text`` (and start editing it)."""
        item = QListWidgetItem(text, self.list)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.setCurrentItem(item)
        if edit and self.isVisible():
            self.list.editItem(item)
        return item

    @guarded
    def _remove_current(self) -> None:
        """Remove the selected row."""
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)

    def texts(self) -> list[str]:
        """The typed values (empty rows left out) or the checked choices, in order."""
        items = [self.list.item(i) for i in range(self.list.count())]
        if self.choices:
            return [str(i.text()) for i in items if i.checkState() == Qt.CheckState.Checked]
        return [i.text().strip() for i in items if i.text().strip()]

    def values(self) -> list[Any]:
        """The checked choices as their enumerated values, or the typed rows as text."""
        if not self.choices:
            return self.texts()
        items = [self.list.item(i) for i in range(self.list.count())]
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked]

    def set_value(self, value: Any) -> bool:
        """Show ``value`` (a list); False when it is not a list of plain values (or not among the choices)."""
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
            return False
        if self.choices:
            for i in range(self.list.count()):
                item = self.list.item(i)
                checked = item.data(Qt.ItemDataRole.UserRole) in value
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            return all(v in self.choices for v in value)
        self.list.clear()
        for entry in value:
            self.add_value(str(entry), edit=False)
        return True


class LayerChecklist(QListView):
    """The project's vector layers with check boxes: the layers checked are the input's values."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.model_ = QgsMapLayerProxyModel(self)
        self.model_.setFilters(QgsMapLayerProxyModel.Filter.VectorLayer)
        self.layer_model().setItemsCheckable(True)
        self.setModel(self.model_)
        self.setMinimumWidth(60)
        self.setMaximumHeight(LIST_HEIGHT)
        self.setObjectName("layers")

    def layer_model(self) -> QgsMapLayerModel:
        """The model of the project's layers under the vector filter."""
        return self.model_.sourceLayerModel()

    def checked_layers(self) -> list[QgsMapLayer]:
        """The checked layers, in the project's order."""
        return list(self.layer_model().layersChecked(Qt.CheckState.Checked))

    def set_checked(self, layers: list[QgsMapLayer]) -> None:
        """Check ``layers`` (and uncheck the others)."""
        self.layer_model().setLayersChecked(layers)
