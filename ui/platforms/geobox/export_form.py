"""Geobox's piece of the Export dialog: one vector layer, its format, output CRS, a bbox crop, a CQL filter, fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

from qgis.core import QgsRectangle
from qgis.gui import QgsProjectionSelectionWidget
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import QFormLayout, QGroupBox, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ....plugin.connections import Connection
from ....plugin.i18n import tr
from ....plugin.platforms.base import Resource
from ....plugin.platforms.capabilities import ExportCheck, ExportChoices
from ....plugin.platforms.geobox.exporter import GeoboxExporter, GeoboxExportRequest
from ...export_parts import BBOX_MODES, CropBox, default_crs, format_combo


class GeoboxExportForm(QWidget):
    """Format, output CRS, bbox crop, CQL filter and fields to keep of a Geobox export."""

    changed = pyqtSignal()
    needs_validation = False  # Geobox checks nothing before an export is made
    loads_choices = False  # its formats are known in advance
    multiple_items = False  # one layer

    def __init__(  # noqa: QGS105 - iface is passed in on purpose (testable)
        self, connection: Connection, iface: Any, parent: Optional[QWidget] = None, resources: Sequence[Resource] = ()
    ) -> None:
        super().__init__(parent)
        self.items_title = tr("Layer")
        self.item_placeholder = tr("Layer uuid or dataset id")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        output = QGroupBox(tr("Output"), self)
        form = QFormLayout(output)
        self.crs_widget = QgsProjectionSelectionWidget(output)
        self.crs_widget.setCrs(default_crs(resources))
        self.crs_widget.crsChanged.connect(self.changed)
        form.addRow(tr("CRS"), self.crs_widget)
        self.format_combo = format_combo(output, GeoboxExporter(connection).choices().formats["vector"])
        self.format_combo.currentIndexChanged.connect(self.changed)
        self.format_combos = {"vector": self.format_combo}
        form.addRow(tr("Format"), self.format_combo)
        layout.addWidget(output)
        self.crop_box = CropBox(iface, BBOX_MODES, self)
        self.crop_box.changed.connect(self.changed)
        self.crop_mode, self.crop_layer = self.crop_box.crop_mode, self.crop_box.crop_layer
        layout.addWidget(self.crop_box)
        self.filter_box = QGroupBox(tr("Filter"), self)
        filters = QFormLayout(self.filter_box)
        self.cql_edit = QLineEdit(self.filter_box)
        self.cql_edit.setPlaceholderText("population > 1000000 AND name LIKE 'A%'")
        self.cql_edit.textChanged.connect(self.changed)
        filters.addRow(tr("CQL filter"), self.cql_edit)
        self.fields_list = QListWidget(self.filter_box)
        for resource in list(resources)[:1]:
            for name, _type in resource.fields:
                item = QListWidgetItem(name, self.fields_list)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
        self.fields_list.itemChanged.connect(self.changed)
        filters.addRow(tr("Fields to keep"), self.fields_list)
        layout.addWidget(self.filter_box)

    def apply_choices(self, choices: ExportChoices) -> None:
        """Nothing to apply: the formats are filled when the form is built."""

    def choices_failed(self) -> None:
        """Nothing: no choice is loaded from the server."""

    def is_ready(self) -> bool:
        """Whether a format is chosen."""
        return bool(self.format_combo.currentData())

    def crop_geometry(self) -> Any:
        """The crop as a geometry in EPSG:4326 (None: no crop)."""
        return self.crop_box.geometry()

    def _fields(self) -> list[str]:
        count = self.fields_list.count()
        items = [self.fields_list.item(i) for i in range(count)]
        fields = [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]
        return [] if len(fields) == count else fields  # all of them: no list

    def request(self, name: str, items: list[tuple[str, str]], folder: str, add: bool) -> GeoboxExportRequest:
        """The export of the first of ``items`` (``(reference, label)``) as chosen here."""
        authid = self.crs_widget.crs().authid()
        srid = int(authid.split(":")[1]) if authid.upper().startswith("EPSG:") else None
        geometry = self.crop_geometry()
        bbox = None
        if geometry is not None:
            box: QgsRectangle = geometry.boundingBox()
            bbox = (box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum())
        return GeoboxExportRequest(
            name,
            [ref for ref, _label in items[:1]],
            folder,
            add,
            format=self.format_combo.currentData(),
            srid=srid,
            bbox=bbox,
            cql=self.cql_edit.text(),
            fields=self._fields(),
        )

    def check_notes(self, check: ExportCheck) -> list[str]:
        """Nothing more to say (Geobox does not validate)."""
        return []
