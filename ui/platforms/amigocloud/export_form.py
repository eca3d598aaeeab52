"""AmigoCloud's piece of the Export dialog: one dataset and its format."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QFormLayout, QGroupBox, QVBoxLayout, QWidget

from ....plugin.connections import Connection
from ....plugin.i18n import tr
from ....plugin.platforms.amigocloud.exporter import AmigoCloudExporter, AmigoCloudExportRequest
from ....plugin.platforms.base import Resource
from ....plugin.platforms.capabilities import ExportCheck, ExportChoices
from ...export_parts import format_combo


class AmigoCloudExportForm(QWidget):
    """The format of an AmigoCloud dataset export."""

    changed = pyqtSignal()
    needs_validation = False  # AmigoCloud checks nothing before an export is made
    loads_choices = False  # its formats are known in advance
    multiple_items = False  # one dataset

    def __init__(  # noqa: QGS105 - iface is passed in on purpose (testable)
        self, connection: Connection, iface: Any, parent: Optional[QWidget] = None, resources: Sequence[Resource] = ()
    ) -> None:
        super().__init__(parent)
        self.resources = list(resources)
        self.items_title = tr("Layer")
        self.item_placeholder = tr("Layer uuid or dataset id")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        output = QGroupBox(tr("Output"), self)
        form = QFormLayout(output)
        self.format_combo = format_combo(output, AmigoCloudExporter(connection).choices().formats["vector"])
        self.format_combo.currentIndexChanged.connect(self.changed)
        self.format_combos = {"vector": self.format_combo}
        form.addRow(tr("Format"), self.format_combo)
        layout.addWidget(output)

    def apply_choices(self, choices: ExportChoices) -> None:
        """Nothing to apply: the formats are filled when the form is built."""

    def choices_failed(self) -> None:
        """Nothing: no choice is loaded from the server."""

    def is_ready(self) -> bool:
        """Whether a format is chosen."""
        return bool(self.format_combo.currentData())

    def request(self, name: str, items: list[tuple[str, str]], folder: str, add: bool) -> AmigoCloudExportRequest:
        """The export of the first of ``items`` (``(reference, label)``): the dataset the dialog was opened for
        when it is that one (its details are known), else its id."""
        refs = [ref for ref, _label in items[:1]]
        datasets: list[Any] = [next((r for r in self.resources if r.id == ref), ref) for ref in refs]
        return AmigoCloudExportRequest(name, datasets, folder, add, format=self.format_combo.currentData())

    def check_notes(self, check: ExportCheck) -> list[str]:
        """Nothing more to say (AmigoCloud does not validate)."""
        return []
