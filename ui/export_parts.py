"""Pieces the platforms' Export forms share: the crop box, a format combo and the default output CRS."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsMapLayerProxyModel,
    QgsProject,
    QgsVectorLayer,
)
from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QWidget

from ..plugin.errors import GeodockError
from ..plugin.i18n import tr
from ..plugin.platforms.base import Resource
from .slot_guard import guarded

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")
CROP_NONE, CROP_CANVAS, CROP_LAYER_EXTENT, CROP_LAYER_GEOMETRY, CROP_SERVER = range(5)
BBOX_MODES = (CROP_NONE, CROP_CANVAS, CROP_LAYER_EXTENT)  # what a platform that crops to a box offers
ALL_MODES = (CROP_NONE, CROP_CANVAS, CROP_LAYER_EXTENT, CROP_LAYER_GEOMETRY, CROP_SERVER)


def default_crs(resources: Iterable[Resource]) -> QgsCoordinateReferenceSystem:
    """The first valid CRS of ``resources``, else the project's, else EPSG:4326."""
    for resource in resources:
        if resource.crs:
            crs = QgsCoordinateReferenceSystem(resource.crs)
            if crs.isValid():
                return crs
    return QgsProject.instance().crs() if QgsProject.instance().crs().isValid() else WGS84


def format_combo(parent: QWidget, formats: Sequence[tuple[str, str]], name: str = "format_vector") -> QComboBox:
    """A combo of ``(value, display name)`` formats."""
    combo = QComboBox(parent)
    combo.setObjectName(name)
    for value, label in formats:
        combo.addItem(label, value)
    return combo


class CropBox(QGroupBox):
    """Crop to nothing, the map extent, a project layer's extent or geometry, or one of the server's crop features."""

    changed = pyqtSignal()

    def __init__(self, iface: Any, modes: Sequence[int] = BBOX_MODES, parent: Optional[QWidget] = None) -> None:  # noqa: QGS105 - iface is passed in on purpose (testable)
        super().__init__(tr("Crop"), parent)
        self.iface = iface
        form = QFormLayout(self)
        self.crop_mode = QComboBox(self)
        labels = {
            CROP_NONE: tr("None: everything"),
            CROP_CANVAS: tr("Current map extent"),
            CROP_LAYER_EXTENT: tr("Extent of a project layer"),
            CROP_LAYER_GEOMETRY: tr("Geometry of a project layer"),
            CROP_SERVER: tr("A crop feature of the server"),
        }
        for mode in modes:
            self.crop_mode.addItem(labels[mode], mode)
        self.crop_mode.currentIndexChanged.connect(self._mode_changed)
        form.addRow(tr("Crop to"), self.crop_mode)
        self.crop_layer = QgsMapLayerComboBox(self)
        self.crop_layer.setFilters(QgsMapLayerProxyModel.Filter.HasGeometry)
        self.crop_layer.layerChanged.connect(self.changed)
        self.selected_only = QCheckBox(tr("Selected features only"), self)
        self.selected_only.toggled.connect(self.changed)
        form.addRow(tr("Layer"), self.crop_layer)
        form.addRow("", self.selected_only)
        self.server_crop = QComboBox(self)
        self.server_crop.currentIndexChanged.connect(self.changed)
        if CROP_SERVER in modes:
            form.addRow(tr("Crop feature"), self.server_crop)
        else:
            self.server_crop.hide()
        self._mode_changed()

    @guarded
    def _mode_changed(self, *_args: Any) -> None:
        mode = self.crop_mode.currentData()
        uses_layer = mode in (CROP_LAYER_EXTENT, CROP_LAYER_GEOMETRY)
        self.crop_layer.setEnabled(uses_layer)
        self.selected_only.setEnabled(uses_layer)
        self.server_crop.setEnabled(mode == CROP_SERVER)
        self.changed.emit()

    def set_server_features(self, features: Sequence[tuple[str, str]]) -> None:
        """The server's crop features, as ``(label, url)``."""
        self.server_crop.blockSignals(True)
        self.server_crop.clear()
        for label, url in features:
            self.server_crop.addItem(label, url)
        self.server_crop.blockSignals(False)

    def server_feature(self) -> Optional[str]:
        """The chosen server crop feature's URL when that mode is chosen (None otherwise); GeodockError when none is."""
        if self.crop_mode.currentData() != CROP_SERVER:
            return None
        url = self.server_crop.currentData()
        if not url:
            raise GeodockError(tr("Choose one of the server's crop features"))
        return str(url)

    def geometry(self) -> Optional[QgsGeometry]:
        """The crop as a geometry in EPSG:4326 (None: no crop, or a server crop feature)."""
        mode = self.crop_mode.currentData()
        if mode == CROP_CANVAS and self.iface is not None:
            canvas = self.iface.mapCanvas()
            geometry = QgsGeometry.fromRect(canvas.extent())
            source = canvas.mapSettings().destinationCrs()
        elif mode in (CROP_LAYER_EXTENT, CROP_LAYER_GEOMETRY):
            geometry, source = self._layer_geometry(mode)
        else:
            return None
        if geometry.isEmpty() or geometry.area() <= 0:  # (a null extent makes a polygon of no area, not an empty one)
            raise GeodockError(tr("The crop area is empty: it covers no area"))
        if source != WGS84:
            geometry.transform(QgsCoordinateTransform(source, WGS84, QgsProject.instance()))
        return geometry

    def _layer_geometry(self, mode: int) -> tuple[QgsGeometry, QgsCoordinateReferenceSystem]:
        layer = self.crop_layer.currentLayer()
        if layer is None:
            raise GeodockError(tr("Choose a project layer to crop to"))
        if isinstance(layer, QgsVectorLayer) and layer.featureCount() == 0:
            raise GeodockError(tr("{layer} has no features to crop to").format(layer=layer.name()))
        selected = self.selected_only.isChecked() and isinstance(layer, QgsVectorLayer)
        if selected and layer.selectedFeatureCount() == 0:
            raise GeodockError(tr("{layer} has no selected feature").format(layer=layer.name()))
        if mode == CROP_LAYER_EXTENT:
            return QgsGeometry.fromRect(layer.boundingBoxOfSelected() if selected else layer.extent()), layer.crs()
        features = layer.selectedFeatures() if selected else layer.getFeatures()
        geometry = QgsGeometry.unaryUnion([f.geometry() for f in features if f.hasGeometry()])
        if geometry.type() != 2:  # not polygons: their extent
            geometry = QgsGeometry.fromRect(geometry.boundingBox())
        return geometry, layer.crs()
