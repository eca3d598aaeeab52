"""The execute options under a process's form: which outputs to return, the response (raw or document), the
transmission mode, and asynchronous or synchronous execution where the process's ``jobControlOptions`` allow.

Everything starts on the server's defaults (all outputs, no ``response``, no ``transmissionMode``, a job), so a
request sent without touching the options is the one Geodock always sent.
"""

from __future__ import annotations

from typing import Optional

from qgis.gui import QgsCollapsibleGroupBox
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QComboBox, QFormLayout, QListWidget, QListWidgetItem, QWidget

from ....plugin.i18n import tr
from ....plugin.platforms.ogcapi.execute_options import ExecuteOptions, allowed_modes
from ....plugin.platforms.ogcapi.process_description import ProcessDescription
from ...plain_text import plain_label, plain_tooltip


def _combo(items: list[tuple[str, str]], parent: QWidget) -> QComboBox:
    """A combo box of (text, value) items."""
    combo = QComboBox(parent)
    for text, value in items:
        combo.addItem(text, value)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)  # a narrow dock: the combo shrinks, its popup shows the whole text
    return combo


class ExecuteOptionsBox(QgsCollapsibleGroupBox):
    """Outputs, response, transmission mode and execution mode of the next execute request (collapsed)."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(tr("Execute options"), parent)
        self.setObjectName("executeOptions")
        self.setCollapsed(True)
        self.description: Optional[ProcessDescription] = None
        layout = QFormLayout(self)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.outputs = QListWidget(self)
        self.outputs.setObjectName("outputs")
        self.outputs.setToolTip(tr("The outputs the server returns (all when every one is checked)"))
        self.outputs.setMaximumHeight(90)
        self.response = _combo(
            [(tr("Server default"), ""), (tr("Document (outputs by name)"), "document"), (tr("Raw (the data)"), "raw")],
            self,
        )
        self.response.setToolTip(tr("How the server answers with the results"))
        self.transmission = _combo(
            [(tr("Server default"), ""), (tr("Values (inline)"), "value"), (tr("References (links)"), "reference")],
            self,
        )
        self.transmission.setToolTip(tr("Whether the chosen outputs come inline or as links to download"))
        self.mode = _combo([(tr("Asynchronous (a job)"), "async"), (tr("Synchronous (wait)"), "sync")], self)
        self.mode.setToolTip(tr("What the process allows (its job control options)"))
        for text, widget in (
            (tr("Outputs"), self.outputs),
            (tr("Response"), self.response),
            (tr("Transmission"), self.transmission),
            (tr("Execution"), self.mode),
        ):
            layout.addRow(plain_label(text, self), widget)

    def set_description(self, description: Optional[ProcessDescription]) -> None:
        """Show the options of ``description`` (its outputs, its execution modes), all on the defaults."""
        self.description = description
        self.outputs.clear()
        for output in description.outputs if description is not None else []:
            item = QListWidgetItem(output.title or output.name)
            item.setData(Qt.ItemDataRole.UserRole, output.name)
            item.setToolTip(plain_tooltip(f"{output.name}: {output.description}".strip(": ")))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.outputs.addItem(item)
        self.response.setCurrentIndex(0)
        self.transmission.setCurrentIndex(0)
        modes = allowed_modes(description)
        asynchronous, synchronous = "async" in modes, "sync" in modes
        model = self.mode.model()
        model.item(0).setEnabled(asynchronous)
        model.item(1).setEnabled(synchronous)
        self.mode.setCurrentIndex(0 if asynchronous else 1)
        self.mode.setEnabled(asynchronous and synchronous)

    def checked_outputs(self) -> list[str]:
        """The names of the checked outputs."""
        items = [self.outputs.item(row) for row in range(self.outputs.count())]
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked]

    def choices(self) -> ExecuteOptions:
        """The options as chosen (no ``outputs`` while every output is checked: the server's default)."""
        checked = self.checked_outputs()
        return ExecuteOptions(
            outputs=[] if len(checked) == self.outputs.count() else checked,
            response=str(self.response.currentData() or ""),
            transmission=str(self.transmission.currentData() or ""),
            mode=str(self.mode.currentData() or "async"),
        )

    def problems(self) -> list[str]:
        """What keeps these options from being sent (no output checked)."""
        if self.outputs.count() and not self.checked_outputs():
            return [tr("Check at least one output to return")]
        return []

    def set_choices(self, choices: ExecuteOptions) -> None:
        """Show ``choices`` (from an opened request; modes the process does not allow stay off)."""
        wanted = choices.outputs
        for row in range(self.outputs.count()):
            item = self.outputs.item(row)
            on = not wanted or item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.response.setCurrentIndex(max(0, self.response.findData(choices.response)))
        self.transmission.setCurrentIndex(max(0, self.transmission.findData(choices.transmission)))
        index = self.mode.findData(choices.mode)
        if index >= 0 and self.mode.model().item(index).isEnabled():
            self.mode.setCurrentIndex(index)
        if choices.outputs or choices.response or choices.transmission or choices.mode == "sync":
            self.setCollapsed(False)  # what the request changed is in view
