"""Koordinates' piece of the Export dialog: CRS, one format per data kind (from the server), the crop, the report.

Koordinates checks an export before it is made: the dialog validates, and this form adds the licences and the
size estimate to the report.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Optional

from qgis.gui import QgsProjectionSelectionWidget
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, pyqtSignal
from qgis.PyQt.QtWidgets import QComboBox, QFormLayout, QGroupBox, QVBoxLayout, QWidget

from ....plugin.connections import Connection
from ....plugin.errors import GeodockError
from ....plugin.i18n import tr
from ....plugin.platforms.base import Resource
from ....plugin.platforms.capabilities import ExportCheck, ExportChoices
from ....plugin.platforms.koordinates.exporter import KoordinatesExporter, KoordinatesExportRequest
from ...export_parts import (
    ALL_MODES,
    CROP_CANVAS,
    CROP_LAYER_EXTENT,
    CROP_LAYER_GEOMETRY,
    CROP_NONE,
    CROP_SERVER,
    CropBox,
    default_crs,
)

__all__ = [
    "CROP_CANVAS",
    "CROP_LAYER_EXTENT",
    "CROP_LAYER_GEOMETRY",
    "CROP_NONE",
    "CROP_SERVER",
    "KoordinatesExportForm",
    "human_size",
]

DATA_KINDS = (
    ("vector", QT_TRANSLATE_NOOP("@default", "Vector layers")),
    ("table", QT_TRANSLATE_NOOP("@default", "Tables")),
    ("raster", QT_TRANSLATE_NOOP("@default", "Rasters")),
    ("grid", QT_TRANSLATE_NOOP("@default", "Grids")),
    ("rat", QT_TRANSLATE_NOOP("@default", "Raster attribute tables")),
)
PREFERRED = {
    "vector": "application/x-ogc-gpkg",
    "table": "text/csv",
    "raster": "image/tiff;subtype=geotiff",
    "grid": "image/tiff;subtype=geotiff",
    "rat": "application/x-erdas-hfa",  # keeps the attribute table with the raster
}


def human_size(size: Optional[float]) -> str:
    """A byte count in words (``unknown`` for None)."""
    if size is None:
        return tr("unknown")
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


class KoordinatesExportForm(QWidget):
    """Output CRS, a format per data kind and the crop of a Koordinates export."""

    changed = pyqtSignal()
    needs_validation = True  # Submit only after the server said the export is valid
    loads_choices = True  # formats and crop features come from the server (the dialog loads them in a task)
    multiple_items = True

    def __init__(  # noqa: QGS105 - iface is passed in on purpose (testable)
        self, connection: Connection, iface: Any, parent: Optional[QWidget] = None, resources: Sequence[Resource] = ()
    ) -> None:
        super().__init__(parent)
        self.exporter = KoordinatesExporter(connection)
        self.formats: dict[str, Sequence[tuple[str, str]]] = {}
        self.items_title = tr("Items")
        self.item_placeholder = tr("Add by id (5, tables/5) or API URL")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        output = QGroupBox(tr("Output"), self)
        form = QFormLayout(output)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow: a long label above its combo
        self.crs_widget = QgsProjectionSelectionWidget(output)
        self.crs_widget.setCrs(default_crs(resources))
        self.crs_widget.crsChanged.connect(self.changed)
        form.addRow(tr("CRS"), self.crs_widget)
        self.formats_form = form
        self.format_combos: dict[str, QComboBox] = {}
        for kind, label in DATA_KINDS:
            self._add_format_row(kind, tr(label))
        layout.addWidget(output)
        self.crop_box = CropBox(iface, ALL_MODES, self)
        self.crop_box.changed.connect(self.changed)
        self.crop_mode, self.crop_layer = self.crop_box.crop_mode, self.crop_box.crop_layer
        self.selected_only, self.server_crop = self.crop_box.selected_only, self.crop_box.server_crop
        layout.addWidget(self.crop_box)

    def _add_format_row(self, kind: str, label: str) -> QComboBox:
        combo = QComboBox(self.formats_form.parentWidget())
        combo.setObjectName(f"format_{kind}")
        combo.addItem(tr("Loading formats…"), "")
        combo.currentIndexChanged.connect(self.changed)
        self.format_combos[kind] = combo
        self.formats_form.addRow(tr("Format: {kind}").format(kind=label), combo)
        return combo

    def apply_choices(self, choices: ExportChoices) -> None:
        """Fill a format combo for every kind of data the server offers formats for (the usual format preselected;
        a kind Geodock does not know by name gets a row too, a kind with no format none) and the crop features."""
        self.formats = {kind: list(found) for kind, found in choices.formats.items() if found}
        for kind in self.formats:
            if kind not in self.format_combos:
                self._add_format_row(kind, kind)
        for kind, combo in self.format_combos.items():
            for widget in (combo, self.formats_form.labelForField(combo)):
                widget.setVisible(kind in self.formats)  # (QFormLayout.setRowVisible is Qt 6.4+)
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(tr("(not exported)"), "")
            for value, name in self.formats.get(kind, []):
                combo.addItem(name, value)
            index = combo.findData(PREFERRED.get(kind, ""))
            combo.setCurrentIndex(index if index >= 0 else min(1, combo.count() - 1))
            combo.blockSignals(False)
        self.crop_box.set_server_features(choices.extra.get("crop_features", []))
        self.changed.emit()

    def choices_failed(self) -> None:
        """Say in the combos that the formats could not be loaded (no choice changes: nothing to invalidate)."""
        for combo in self.format_combos.values():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(tr("(formats could not be loaded)"), "")
            combo.blockSignals(False)

    def is_ready(self) -> bool:
        """Whether the export can be validated (the formats are known)."""
        return bool(self.formats)

    def crop_geometry(self) -> Any:
        """The crop as a geometry in EPSG:4326 (None: no crop, or a server crop feature)."""
        return self.crop_box.geometry()

    def request(self, name: str, items: list[tuple[str, str]], folder: str, add: bool) -> KoordinatesExportRequest:
        """The export of ``items`` (``(reference, label)``) as chosen here; GeodockError when a choice is missing."""
        extent: Any = self.crop_box.server_feature()
        if extent is None:
            geometry = self.crop_geometry()
            if geometry is not None:
                geometry.convertToMultiType()
                extent = json.loads(geometry.asJson(7))
        formats = {kind: combo.currentData() for kind, combo in self.format_combos.items() if combo.currentData()}
        crs = self.crs_widget.crs().authid()
        if not crs:
            raise GeodockError(tr("Choose a CRS with an authority id (EPSG:…)"))
        urls = [self.exporter.item_url(ref) for ref, _label in items]
        titles = {url: label for url, (_ref, label) in zip(urls, items)}
        return KoordinatesExportRequest(name, urls, folder, add, crs=crs, formats=formats, extent=extent, titles=titles)

    def check_notes(self, check: ExportCheck) -> list[str]:
        """The licences and the zipped size estimate of a validation, one line each."""
        validation = check.details
        notes = []
        if validation.licenses:
            notes.append(tr("Licences: {names}").format(names=", ".join(validation.licenses)))
        notes.append(tr("Estimated zipped size: {size}").format(size=human_size(validation.size_estimate_zipped)))
        return notes
