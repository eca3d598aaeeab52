"""Pieces of the Export dialog and its platform forms: the items box, the crop box, a format combo, the default CRS."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any, Callable, Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsMapLayerProxyModel,
    QgsProject,
    QgsTask,
    QgsVectorLayer,
)
from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..plugin import log
from ..plugin.errors import CancelledError, GeodockError, NotFoundError
from ..plugin.i18n import tr
from ..plugin.platforms.base import Resource
from ..plugin.tasks import FunctionTask, run_in_background
from .plain_text import plain_tooltip
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


TITLE_ROLE = Qt.ItemDataRole.UserRole + 1  # an item's title, without the kind shown beside it


class ItemsBox(QGroupBox):
    """The items to export, each shown by its title and standing for its reference (id or API URL); add by id,
    remove. An id typed in is shown as typed until the platform (``describe(ref, feedback)``, run in a task) says
    what it names; an id that names nothing is marked and said so."""

    changed = pyqtSignal()  # an item was added or removed: what would be exported changed
    relabelled = pyqtSignal()  # an item's title came back (or "not found"): only what the user sees changed
    message = pyqtSignal(str)  # for the dialog's status line

    def __init__(
        self,
        form: Any,
        describe: Optional[Callable[..., Resource]],
        resources: Sequence[Resource] = (),
        parent: Optional[QWidget] = None,
    ) -> None:
        super().__init__(form.items_title, parent)
        self.describe = describe
        self.multiple = bool(form.multiple_items)
        self._tasks: list[FunctionTask] = []
        layout = QVBoxLayout(self)
        self.items_list = QListWidget(self)
        for resource in resources:
            self._add(resource.title or resource.id, resource.api_url or resource.id, resource.kind)
        layout.addWidget(self.items_list)
        row = QHBoxLayout()
        self.item_edit = QLineEdit(self)
        self.item_edit.setPlaceholderText(form.item_placeholder)
        self.item_edit.setToolTip(form.item_placeholder)  # (cut short in a narrow dialog)
        self.add_item_button = QPushButton(tr("Add"), self)
        self.add_item_button.clicked.connect(self.add_typed)
        self.item_edit.returnPressed.connect(self.add_typed)
        self.remove_item_button = QPushButton(tr("Remove"), self)
        self.remove_item_button.clicked.connect(self.remove_selected)
        row.addWidget(self.item_edit, 1)
        row.addWidget(self.add_item_button)
        row.addWidget(self.remove_item_button)
        layout.addLayout(row)

    def _add(self, title: str, ref: str, kind: str = "") -> QListWidgetItem:
        item = QListWidgetItem(self.items_list)
        item.setData(Qt.ItemDataRole.UserRole, ref)
        self._show(item, title, kind)
        return item

    @staticmethod
    def _show(item: QListWidgetItem, title: str, kind: str = "", note: str = "") -> None:
        item.setText(title + (f"  ({kind})" if kind else ""))
        item.setData(TITLE_ROLE, title)
        ref = str(item.data(Qt.ItemDataRole.UserRole))
        item.setToolTip(plain_tooltip(f"{ref}\n{note}" if note else ref))

    def titles(self) -> list[str]:
        """The items' titles, in order (a typed id until its title is known)."""
        return [str(self.items_list.item(i).data(TITLE_ROLE)) for i in range(self.items_list.count())]

    def items(self) -> list[tuple[str, str]]:
        """The items, as ``(reference, label)``."""
        rows = [self.items_list.item(i) for i in range(self.items_list.count())]
        return [(row.data(Qt.ItemDataRole.UserRole), row.text()) for row in rows]

    @guarded
    def add_typed(self, *_args: Any) -> None:
        """Add the id typed in (in place of the one item when the platform exports one) and look up its title."""
        ref = self.item_edit.text().strip()
        if not ref:
            return
        if not self.multiple:
            self.items_list.clear()
        item = self._add(ref, ref)
        self.item_edit.clear()
        self.changed.emit()
        if self.describe is not None:
            self._look_up(item, ref)

    def _look_up(self, item: QListWidgetItem, ref: str) -> None:
        done = partial(self._described, item, ref)
        failed = partial(self._not_described, item, ref)
        work = partial(self.describe, ref)
        self._tasks.append(run_in_background(tr("Looking up {ref}").format(ref=ref), work, done, failed))

    def _current(self, item: QListWidgetItem) -> bool:
        return not sip.isdeleted(self) and self.items_list.row(item) >= 0  # (not removed meanwhile)

    def _described(self, item: QListWidgetItem, ref: str, resource: Resource) -> None:
        if self._current(item):
            self._show(item, resource.title or ref, resource.kind)
            self.relabelled.emit()

    def _not_described(self, item: QListWidgetItem, ref: str, err: GeodockError) -> None:
        if not self._current(item) or isinstance(err, CancelledError):
            return
        if isinstance(err, NotFoundError):
            text = tr("Nothing has the id {ref} here: check it (it stays listed, and cannot be exported)")
            self._show(item, tr("{ref} (not found)").format(ref=ref), note=text.format(ref=ref))
            item.setData(TITLE_ROLE, ref)
            self.message.emit(text.format(ref=ref))
        else:
            self.message.emit(log.exception(err, tr("Looking up {ref}").format(ref=ref)))
        self.relabelled.emit()

    @guarded
    def remove_selected(self, *_args: Any) -> None:
        """Remove the selected items."""
        for item in self.items_list.selectedItems():
            self.items_list.takeItem(self.items_list.row(item))
        self.changed.emit()

    def let_go(self) -> None:
        """Stop the look-ups still running, and let none call back into this box (the dialog is closing)."""
        for task in self._tasks:
            if not sip.isdeleted(task):
                task.on_done = task.on_error = None
                if task.status() not in (QgsTask.TaskStatus.Complete, QgsTask.TaskStatus.Terminated):
                    task.cancel()
        self._tasks.clear()
