"""A bounding-box editor that fits a 300 px dock: west, south, east and north each on a line of their own, the CRS
under them (wrapped), and "Set from" the map canvas or a layer.

``QgsExtentWidget`` does not fit there: its one-line style cuts the text to "…00000 [EPSG:4326]" and its
expanded style leaves each coordinate about 70 px ("000000"). This editor keeps the part of its API the form
uses (``outputExtent``, ``outputCrs``, ``isValid``, ``setOutputExtentFromUser``).
"""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsMapLayer,
    QgsProject,
    QgsRectangle,
    QgsUnitTypes,
)
from qgis.gui import QgsDoubleSpinBox
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QAbstractSpinBox, QFormLayout, QMenu, QToolButton, QVBoxLayout, QWidget

from ....plugin.i18n import tr
from ....plugin.platforms.ogcapi.process_values import qgis_crs
from ...plain_text import plain_label
from ...slot_guard import guarded

LIMIT = 1e15


class ExtentEditor(QWidget):
    """West, south, east, north in the CRS the input accepts; invalid until the user sets them."""

    extentChanged = pyqtSignal()

    def __init__(self, crs: QgsCoordinateReferenceSystem, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._crs = crs
        self._chosen = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        grid = QFormLayout()
        grid.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        degrees = crs.mapUnits() == QgsUnitTypes.DistanceUnit.DistanceDegrees
        self.boxes: dict[str, QgsDoubleSpinBox] = {}
        for side, title in (("west", tr("West")), ("south", tr("South")), ("east", tr("East")), ("north", tr("North"))):
            box = QgsDoubleSpinBox()
            box.setObjectName(side)
            box.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
            box.setShowClearButton(False)
            box.setDecimals(6 if degrees else 2)
            box.setRange(-LIMIT, LIMIT)
            box.valueChanged.connect(self._edited)
            grid.addRow(plain_label(title), box)
            self.boxes[side] = box
        layout.addLayout(grid)
        self.crs_label = plain_label(crs.userFriendlyIdentifier())
        self.crs_label.setWordWrap(True)
        layout.addWidget(self.crs_label)
        self.set_from = QToolButton(self)
        self.set_from.setText(tr("Set from"))
        self.set_from.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.set_from)
        menu.aboutToShow.connect(lambda: self._fill_menu(menu))
        self.set_from.setMenu(menu)
        layout.addWidget(self.set_from)

    @guarded
    def _edited(self) -> None:
        """A value was typed: the extent is the user's now."""
        self._chosen = True
        self.extentChanged.emit()

    @guarded
    def _fill_menu(self, menu: QMenu) -> None:
        """The map canvas extent (in the desktop) and each layer's extent."""
        menu.clear()
        canvas = _canvas()
        if canvas is not None:
            action = menu.addAction(tr("Map canvas extent"))
            action.triggered.connect(
                lambda: self.setOutputExtentFromUser(canvas.extent(), canvas.mapSettings().destinationCrs())
            )
        layers = menu.addMenu(tr("Layer extent"))
        for layer in QgsProject.instance().mapLayers().values():
            action = layers.addAction(layer.name())
            action.triggered.connect(lambda _checked=False, chosen=layer: self._from_layer(chosen))
        layers.setEnabled(not layers.isEmpty())

    @guarded
    def _from_layer(self, layer: QgsMapLayer) -> None:
        """The extent of ``layer``."""
        self.setOutputExtentFromUser(layer.extent(), layer.crs())

    # The part of QgsExtentWidget's API the form uses ---------------------------------------------------------

    def outputCrs(self) -> QgsCoordinateReferenceSystem:  # QgsExtentWidget's name
        """The CRS the values are in."""
        return self._crs

    def outputExtent(self) -> QgsRectangle:
        """The extent typed or set (null until then)."""
        if not self._chosen:
            return QgsRectangle()
        value = {side: box.value() for side, box in self.boxes.items()}
        return QgsRectangle(value["west"], value["south"], value["east"], value["north"])

    def isValid(self) -> bool:
        """Whether an extent was set, with west below east and south below north."""
        extent = self.outputExtent()
        return self._chosen and extent.xMinimum() < extent.xMaximum() and extent.yMinimum() < extent.yMaximum()

    @guarded
    def setOutputExtentFromUser(self, extent: QgsRectangle, crs: QgsCoordinateReferenceSystem) -> None:
        """Show ``extent`` (in ``crs``), reprojected to the output CRS."""
        if crs.isValid() and crs != self._crs:
            try:
                transform = QgsCoordinateTransform(crs, self._crs, QgsProject.instance().transformContext())
                extent = transform.transformBoundingBox(extent)
            except QgsCsException:
                return
        values = {
            "west": extent.xMinimum(),
            "south": extent.yMinimum(),
            "east": extent.xMaximum(),
            "north": extent.yMaximum(),
        }
        for side, box in self.boxes.items():
            box.blockSignals(True)
            box.setValue(values[side])
            box.blockSignals(False)
        self._chosen = True
        self.extentChanged.emit()

    def set_value(self, value: Any) -> bool:
        """An OGC bbox value (``{"bbox": [...], "crs": uri}``) from an opened request; False when it is not one."""
        box = value.get("bbox") if isinstance(value, dict) else None
        if not isinstance(box, list) or len(box) != 4 or not all(isinstance(v, (int, float)) for v in box):
            return False
        uri = str(value.get("crs") or "http://www.opengis.net/def/crs/OGC/1.3/CRS84")
        crs = qgis_crs(uri)
        if not crs.isValid():
            return False
        if crs.hasAxisInverted() and "CRS84" not in uri.upper():
            box = [box[1], box[0], box[3], box[2]]  # lat/lon in OGC URIs of EPSG:4326 and the like
        self.setOutputExtentFromUser(QgsRectangle(*box), crs)
        return True


def _canvas() -> Any:
    """The desktop's map canvas, or None (headless, tests)."""
    try:
        from qgis.utils import iface
    except ImportError:
        return None
    return iface.mapCanvas() if iface is not None else None
