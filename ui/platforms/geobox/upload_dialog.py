"""Dialogs writing to Geobox: "Upload to Geobox…" (a layer published as a remote vector layer, with progress,
cancel, and optionally the local layer replaced by the remote one) and "Create empty remote layer"."""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import Qgis, QgsFeedback, QgsMapLayer, QgsMapLayerProxyModel, QgsProject, QgsVectorLayer
from qgis.gui import QgisInterface, QgsGui, QgsMapLayerComboBox
from qgis.PyQt import sip
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ....plugin import log
from ....plugin.connections import Connection, store
from ....plugin.errors import CancelledError, GeodockError
from ....plugin.gui_hooks import push_message
from ....plugin.platforms import adapter_for
from ....plugin.platforms.base import Resource
from ....plugin.platforms.geobox.upload import FieldSpec, fields_of, geometry_layer_type
from ....plugin.platforms.registry import Capability, capability, connections_with
from ....plugin.tasks import FunctionTask, run_in_background
from ...layer_loading import add_to_map
from ...narrow import GrowForText, narrow_combo, narrow_form
from ...plain_text import plain_label
from ...slot_guard import guarded

GEOMETRY_TYPES = ("Point", "MultiPoint", "Polyline", "Polygon")
FIELD_TYPES = ("String", "Integer", "Integer64", "Float", "Date", "DateTime", "Time")


def geobox_uploads() -> list[Connection]:
    """The Geobox connections (other platforms take uploads in dialogs of their own)."""
    return [connection for connection in connections_with(Capability.UPLOAD) if connection.kind == "geobox"]


def fill_connections(combo: QComboBox, selected: Optional[Connection]) -> None:
    """Fill ``combo`` with the Geobox connections, ``selected`` current."""
    for connection in geobox_uploads():
        combo.addItem(connection.name, connection.name)
    if selected is not None and combo.findData(selected.name) >= 0:
        combo.setCurrentIndex(combo.findData(selected.name))


class UploadDialog(QDialog):
    """Upload a vector layer to a Geobox connection and publish it (the active layer unless ``layer``)."""

    def __init__(  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
        self,
        iface: Optional[QgisInterface],
        layer: Optional[QgsVectorLayer] = None,
        connection: Optional[Connection] = None,
        parent: Optional[QWidget] = None,
    ) -> None:
        super().__init__(parent)
        self.iface = iface
        self.setObjectName("GeodockUploadDialog")
        self.setWindowTitle(self.tr("Upload to Geobox"))
        self.task: Optional[FunctionTask] = None
        self.remote_uuid: Optional[str] = None
        self.connection_combo = narrow_combo(QComboBox())
        fill_connections(self.connection_combo, connection)
        self.layer_combo = narrow_combo(QgsMapLayerComboBox())
        self.layer_combo.setFilters(QgsMapLayerProxyModel.Filter.VectorLayer)
        self.layer_combo.setAllowEmptyLayer(False)
        if layer is None and iface is not None:
            active = iface.activeLayer()
            layer = active if isinstance(active, QgsVectorLayer) else None
        if layer is not None:
            self.layer_combo.setLayer(layer)
        self.name_edit = QLineEdit()
        self.crs_label = plain_label()
        self.crs_label.setWordWrap(True)
        self.replace_check = QCheckBox(self.tr("Replace the local layer"))
        self.replace_check.setToolTip(self.tr("Once published, the remote layer takes the local layer's place"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.status = plain_label()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.upload_button = QPushButton(self.tr("Upload"))
        self.upload_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))  # beside the progress bar: it cancels the upload
        self.cancel_button.setToolTip(self.tr("Cancel the upload"))
        self.cancel_button.setEnabled(False)
        self.buttons.addButton(self.upload_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.upload_button.clicked.connect(self.start_upload)
        self.cancel_button.clicked.connect(self.cancel_upload)
        form = narrow_form()
        form.addRow(self.tr("Geobox connection"), self.connection_combo)
        form.addRow(self.tr("Layer"), self.layer_combo)
        form.addRow(self.tr("Remote name"), self.name_edit)
        form.addRow(self.crs_label)  # the whole width: wrapped beside a label it was a tall narrow column
        form.addRow(self.replace_check)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(progress_row)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.layer_combo.layerChanged.connect(self._layer_changed)
        self._layer_changed(self.layer_combo.currentLayer())
        if not geobox_uploads():
            self.status.setText(self.tr("Add a Geobox connection first (Geodock ▸ Connections…)"))
            self.upload_button.setEnabled(False)
        GrowForText(self)  # a status line never squeezes the CRS text
        QgsGui.enableAutoGeometryRestore(self)

    def connection(self) -> Optional[Connection]:
        """The chosen connection."""
        name = self.connection_combo.currentData()
        return store().get(name) if name else None

    @guarded
    def _layer_changed(self, layer: Optional[QgsMapLayer]) -> None:
        if not isinstance(layer, QgsVectorLayer):
            self.crs_label.setText("")
            return
        self.name_edit.setText(layer.name())
        crs = layer.crs()
        described = f"{crs.authid()} – {crs.description()}" if crs.isValid() else self.tr("unknown")
        self.crs_label.setText(
            self.tr("CRS {crs}: sent as it is; Geobox stores layers in EPSG:4326.").format(crs=described)
        )

    @guarded
    def start_upload(self) -> None:
        """Start the upload task (progress and cancel stay in this dialog and in the task manager)."""
        connection = self.connection()
        layer = self.layer_combo.currentLayer()
        name = self.name_edit.text().strip()
        if connection is None or not isinstance(layer, QgsVectorLayer):
            self.status.setText(self.tr("Choose a Geobox connection and a vector layer"))
            return
        if not name:
            self.status.setText(self.tr("The remote layer needs a name"))
            return
        replace = self.replace_check.isChecked()
        layer_id = layer.id()

        def work(feedback: QgsFeedback) -> tuple[str, Optional[Resource]]:
            uuid = capability(connection, Capability.UPLOAD).upload_layer(layer, name, feedback)
            resource = None
            if replace:
                resource = adapter_for(connection).resource_by_id(uuid, feedback)
            return uuid, resource

        self.progress.setValue(0)
        self.status.setText(self.tr("Uploading {layer}…").format(layer=layer.name()))
        self.upload_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.task = run_in_background(
            self.tr("Uploading {layer} to Geobox").format(layer=layer.name()),
            work,
            lambda outcome: self._done(connection, layer_id, outcome),
            self._failed,
        )
        self.task.progressChanged.connect(self._progress)

    @guarded
    def _progress(self, value: float) -> None:
        if not sip.isdeleted(self):
            self.progress.setValue(int(value))

    @guarded
    def cancel_upload(self) -> None:
        """Cancel the running upload."""
        if self.task is not None and not sip.isdeleted(self.task):
            self.task.cancel()

    @guarded
    def _done(self, connection: Connection, layer_id: str, outcome: tuple[str, Optional[Resource]]) -> None:
        uuid, resource = outcome
        self.remote_uuid = uuid
        self.task = None
        text = self.tr("Published on {connection} as {uuid}").format(connection=connection.name, uuid=uuid)
        if self.iface is not None:
            push_message(self.iface.messageBar(), text, Qgis.MessageLevel.Success)
        if sip.isdeleted(self):
            return
        self.progress.setValue(100)
        self.status.setText(text)
        self.upload_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if resource is not None:
            replace_local_layer(self.iface, connection, resource, layer_id)

    def _failed(self, error: GeodockError) -> None:
        self.task = None
        cancelled = isinstance(error, CancelledError)
        message = self.tr("Upload cancelled") if cancelled else log.exception(error, "Upload to Geobox")
        if self.iface is not None and not cancelled:
            push_message(self.iface.messageBar(), message, Qgis.MessageLevel.Warning)
        if sip.isdeleted(self):
            return
        self.status.setText(message)
        self.upload_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    @guarded
    def reject(self) -> None:
        """Close; a running upload goes on in the task manager."""
        # Closing leaves a running upload to the task manager (it shows there, with its own cancel).
        super().reject()


def replace_local_layer(iface: Any, connection: Connection, resource: Resource, layer_id: str) -> None:  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
    """Add the remote layer (through the Catalog's loading) and remove the local one once it is in."""

    def swap(new_layer: QgsMapLayer) -> None:
        project = QgsProject.instance()
        old = project.mapLayer(layer_id)
        if old is None:
            return
        root = project.layerTreeRoot()
        old_node = root.findLayer(layer_id)
        new_node = root.findLayer(new_layer.id())
        if old_node is not None and new_node is not None:
            parent = old_node.parent()
            index = parent.children().index(old_node)
            clone = new_node.clone()
            parent.insertChildNode(index, clone)
            new_node.parent().removeChildNode(new_node)
        project.removeMapLayer(layer_id)

    add_to_map(iface.messageBar() if iface is not None else None, connection, resource, on_added=swap)


class CreateEmptyLayerDialog(QDialog):
    """Name, geometry type and fields (typed in, or taken from a QGIS layer) of a new empty remote layer."""

    def __init__(  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
        self, iface: Optional[QgisInterface], connection: Optional[Connection] = None, parent: Optional[QWidget] = None
    ) -> None:
        super().__init__(parent)
        self.iface = iface
        self.setObjectName("GeodockCreateRemoteLayerDialog")
        self.setWindowTitle(self.tr("Create empty remote layer"))
        self.created_uuid: Optional[str] = None
        self.connection_combo = narrow_combo(QComboBox())
        fill_connections(self.connection_combo, connection)
        self.name_edit = QLineEdit()
        self.geometry_combo = QComboBox()
        self.geometry_combo.addItems(GEOMETRY_TYPES)
        self.template_combo = narrow_combo(QgsMapLayerComboBox())
        self.template_combo.setFilters(QgsMapLayerProxyModel.Filter.VectorLayer)
        self.template_combo.setAllowEmptyLayer(True)
        self.template_combo.setLayer(None)
        copy_button = QPushButton(self.tr("Take"))
        copy_button.setToolTip(self.tr("Take the fields and geometry type of this layer"))
        copy_button.clicked.connect(self.copy_from_layer)
        template_row = QHBoxLayout()
        template_row.addWidget(self.template_combo, 1)
        template_row.addWidget(copy_button)
        self.fields_table = QTableWidget(0, 2)
        self.fields_table.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Type")])
        self.fields_table.horizontalHeader().setStretchLastSection(True)
        add_button = QPushButton(self.tr("Add field"))
        add_button.clicked.connect(lambda: self.add_field("", "String"))
        remove_button = QPushButton(self.tr("Remove field"))
        remove_button.clicked.connect(self._remove_field)
        field_buttons = QHBoxLayout()
        field_buttons.addWidget(add_button)
        field_buttons.addWidget(remove_button)
        field_buttons.addStretch(1)
        self.status = plain_label()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create"))
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        form = narrow_form()
        form.addRow(self.tr("Geobox connection"), self.connection_combo)
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Geometry type"), self.geometry_combo)
        form.addRow(self.tr("Fields from layer"), template_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.fields_table, 1)
        layout.addLayout(field_buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        GrowForText(self)
        QgsGui.enableAutoGeometryRestore(self)

    @guarded
    def add_field(self, name: str, datatype: str) -> None:
        """Add a row for a field ``name`` of type ``datatype``."""
        row = self.fields_table.rowCount()
        self.fields_table.insertRow(row)
        self.fields_table.setItem(row, 0, QTableWidgetItem(name))
        combo = QComboBox()
        combo.addItems(FIELD_TYPES)
        combo.setCurrentText(datatype if datatype in FIELD_TYPES else "String")
        self.fields_table.setCellWidget(row, 1, combo)

    @guarded
    def _remove_field(self) -> None:
        row = self.fields_table.currentRow()
        if row >= 0:
            self.fields_table.removeRow(row)

    @guarded
    def copy_from_layer(self) -> None:
        """Take the fields and geometry type (and the name, when empty) of the chosen QGIS layer."""
        layer = self.template_combo.currentLayer()
        if not isinstance(layer, QgsVectorLayer):
            return
        self.fields_table.setRowCount(0)
        for spec in fields_of(layer):
            self.add_field(spec.name, spec.datatype)
        self.geometry_combo.setCurrentText(geometry_layer_type(layer))
        if not self.name_edit.text().strip():
            self.name_edit.setText(layer.name())

    def fields(self) -> list[FieldSpec]:
        """The fields of the table (rows without a name left out)."""
        specs = []
        for row in range(self.fields_table.rowCount()):
            item = self.fields_table.item(row, 0)
            name = item.text().strip() if item else ""
            if name:
                combo = self.fields_table.cellWidget(row, 1)
                specs.append(FieldSpec(name, combo.currentText() if combo else "String"))
        return specs

    @guarded
    def create(self) -> None:
        """Create the empty remote layer in a task; the dialog closes when it is there."""
        name = self.name_edit.text().strip()
        name_of = self.connection_combo.currentData()
        connection = store().get(name_of) if name_of else None
        if connection is None or not name:
            self.status.setText(self.tr("Choose a Geobox connection and a name"))
            return
        geometry, fields = self.geometry_combo.currentText(), self.fields()
        self.buttons.setEnabled(False)
        self.status.setText(self.tr("Creating {name}…").format(name=name))
        run_in_background(
            self.tr("Creating remote layer {name}").format(name=name),
            lambda feedback: capability(connection, Capability.UPLOAD).create_empty_layer(
                name, geometry, fields, feedback
            ),
            self._created,
            self._failed,
        )

    def _created(self, uuid: str) -> None:
        self.created_uuid = uuid
        if self.iface is not None:
            text = self.tr("Remote layer created ({uuid})").format(uuid=uuid)
            push_message(self.iface.messageBar(), text, Qgis.MessageLevel.Success)
        if not sip.isdeleted(self):
            self.buttons.setEnabled(True)
            self.accept()

    def _failed(self, error: GeodockError) -> None:
        if not sip.isdeleted(self):
            self.buttons.setEnabled(True)
            self.status.setText(log.exception(error, "Create remote layer"))
