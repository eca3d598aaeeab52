""" "Upload to AmigoCloud…": a vector layer to a new dataset of a project, with progress, cancel, and resume of a
chunked upload whose connection broke. The import is followed in the Jobs dock until the dataset is ready."""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import Qgis, QgsFeedback, QgsMapLayer, QgsMapLayerProxyModel, QgsVectorLayer
from qgis.gui import QgisInterface, QgsGui, QgsMapLayerComboBox
from qgis.PyQt import sip
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ....plugin import log
from ....plugin.connections import Connection, store
from ....plugin.errors import CancelledError, GeodockError
from ....plugin.gui_hooks import push_message
from ....plugin.platforms.amigocloud.adapter import AmigoCloudAdapter
from ....plugin.platforms.amigocloud.chunked_upload import ChunkedUpload, UploadInterruptedError
from ....plugin.platforms.amigocloud.project_root import project_url
from ....plugin.platforms.amigocloud.upload import UploadedDataset, resume_upload, upload_layer
from ....plugin.platforms.registry import Capability, connections_with
from ....plugin.tasks import FunctionTask, run_in_background
from ...narrow import GrowForText, narrow_combo, narrow_form
from ...plain_text import plain_label
from ...slot_guard import guarded

KIND = "amigocloud"


class AmigoCloudUploadDialog(QDialog):
    """Upload a vector layer (the active one unless ``layer``) to a new dataset of an AmigoCloud project."""

    def __init__(  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
        self,
        iface: Optional[QgisInterface],
        layer: Optional[QgsVectorLayer] = None,
        connection: Optional[Connection] = None,
        parent: Optional[QWidget] = None,
    ) -> None:
        super().__init__(parent)
        self.iface = iface
        self.setObjectName("GeodockAmigoCloudUploadDialog")
        self.setWindowTitle(self.tr("Upload to AmigoCloud"))
        self.task: Optional[FunctionTask] = None
        self.projects_task: Optional[FunctionTask] = None
        self.interrupted: Optional[tuple[Connection, ChunkedUpload, str]] = None  # what Resume continues
        self.dataset: Optional[UploadedDataset] = None
        self.connection_combo = narrow_combo(QComboBox())
        for candidate in connections_with(Capability.UPLOAD):
            if candidate.kind == KIND:
                self.connection_combo.addItem(candidate.name, candidate.name)
        if connection is not None and self.connection_combo.findData(connection.name) >= 0:
            self.connection_combo.setCurrentIndex(self.connection_combo.findData(connection.name))
        self.project_combo = narrow_combo(QComboBox())
        self.layer_combo = narrow_combo(QgsMapLayerComboBox())
        self.layer_combo.setFilters(QgsMapLayerProxyModel.Filter.VectorLayer)
        self.layer_combo.setAllowEmptyLayer(False)
        if layer is None and iface is not None:
            active = iface.activeLayer()
            layer = active if isinstance(active, QgsVectorLayer) else None
        if layer is not None:
            self.layer_combo.setLayer(layer)
        self.name_edit = QLineEdit()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Cancel the upload"))
        self.cancel_button.setEnabled(False)
        self.status = plain_label()
        self.status.setWordWrap(True)
        self.upload_button = QPushButton(self.tr("Upload"))
        self.upload_button.setDefault(True)
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.setToolTip(self.tr("Send the rest of the interrupted upload"))
        self.resume_button.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.upload_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.upload_button.clicked.connect(self.start_upload)
        self.resume_button.clicked.connect(self.resume)
        self.cancel_button.clicked.connect(self.cancel_upload)
        form = narrow_form()
        form.addRow(self.tr("Connection"), self.connection_combo)
        form.addRow(self.tr("Project"), self.project_combo)
        form.addRow(self.tr("Layer"), self.layer_combo)
        form.addRow(self.tr("Dataset name"), self.name_edit)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        progress_row.addWidget(self.resume_button)  # beside Cancel, only while an upload can be resumed
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(progress_row)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.layer_combo.layerChanged.connect(self._layer_changed)
        self.connection_combo.currentIndexChanged.connect(self._load_projects)
        self._layer_changed(self.layer_combo.currentLayer())
        if self.connection_combo.count() == 0:
            self.status.setText(self.tr("Add an AmigoCloud connection first (Geodock ▸ Connections…)"))
            self.upload_button.setEnabled(False)
        else:
            self._load_projects()
        GrowForText(self)
        QgsGui.enableAutoGeometryRestore(self)

    def connection(self) -> Optional[Connection]:
        """The chosen connection."""
        name = self.connection_combo.currentData()
        return store().get(name) if name else None

    @guarded
    def _layer_changed(self, layer: Optional[QgsMapLayer]) -> None:
        if isinstance(layer, QgsVectorLayer):
            self.name_edit.setText(layer.name())

    @guarded
    def _load_projects(self, _index: int = 0) -> None:
        """List the chosen connection's projects (its own project for a project token) in a task."""
        connection = self.connection()
        self.project_combo.clear()
        if connection is None:
            return
        own = project_url(connection.url)
        if own is not None:
            self.project_combo.addItem(self.tr("This connection's project"), "")
            return
        self.project_combo.addItem(self.tr("Loading projects…"), None)
        self.projects_task = run_in_background(
            self.tr("Listing AmigoCloud projects"),
            lambda feedback: AmigoCloudAdapter(connection).filter_choices("project", feedback),
            lambda choices: self._projects(connection.name, choices),
            self._projects_failed,
        )

    def _projects(self, name: str, choices: list[tuple[str, str]]) -> None:
        if sip.isdeleted(self) or self.connection_combo.currentData() != name:
            return
        self.project_combo.clear()
        for value, label in choices:
            self.project_combo.addItem(label, value)
        if not choices:
            self.status.setText(self.tr("This connection sees no project: create one on AmigoCloud first"))

    def _projects_failed(self, error: GeodockError) -> None:
        if not sip.isdeleted(self):
            self.project_combo.clear()
            self.status.setText(log.exception(error, "AmigoCloud projects"))

    def _begin(self, title: str, work: Any) -> None:
        self.progress.setValue(0)
        self.upload_button.setEnabled(False)
        self.resume_button.setVisible(False)
        self.cancel_button.setEnabled(True)
        self.task = run_in_background(title, work, self._done, self._failed)
        self.task.progressChanged.connect(self._progress)

    @guarded
    def start_upload(self) -> None:
        """Start the upload task (progress and cancel here and in the task manager)."""
        connection, layer = self.connection(), self.layer_combo.currentLayer()
        name, project = self.name_edit.text().strip(), self.project_combo.currentData()
        if connection is None or not isinstance(layer, QgsVectorLayer) or project is None:
            self.status.setText(self.tr("Choose a connection, a project and a vector layer"))
            return
        if not name:
            self.status.setText(self.tr("The new dataset needs a name"))
            return
        self.interrupted = None
        self.status.setText(self.tr("Uploading {layer}…").format(layer=layer.name()))

        def work(feedback: QgsFeedback) -> UploadedDataset:
            try:
                return upload_layer(connection, layer, name, project or None, feedback)
            except UploadInterruptedError as err:
                self.interrupted = (connection, err.upload, name)  # read on the GUI thread once the task failed
                raise

        self._begin(self.tr("Uploading {layer} to AmigoCloud").format(layer=layer.name()), work)

    @guarded
    def resume(self) -> None:
        """Send the rest of the interrupted upload."""
        if self.interrupted is None:
            return
        connection, upload, name = self.interrupted
        self.status.setText(
            self.tr("Resuming {name} at {percent} %…").format(name=name, percent=int(100 * upload.fraction))
        )

        def work(feedback: QgsFeedback) -> UploadedDataset:
            return resume_upload(connection, upload, name, feedback)

        self._begin(self.tr("Resuming the upload of {name} to AmigoCloud").format(name=name), work)

    @guarded
    def _progress(self, value: float) -> None:
        if not sip.isdeleted(self):
            self.progress.setValue(int(value))

    @guarded
    def cancel_upload(self) -> None:
        """Cancel the running upload."""
        if self.task is not None and not sip.isdeleted(self.task):
            self.task.cancel()

    def _done(self, dataset: UploadedDataset) -> None:
        self.task, self.interrupted, self.dataset = None, None, dataset
        text = self.tr("Dataset {id} is ready on AmigoCloud").format(id=dataset.dataset_id)
        if self.iface is not None:
            push_message(self.iface.messageBar(), text, Qgis.MessageLevel.Success)
        if sip.isdeleted(self):
            return
        self.progress.setValue(100)
        self.status.setText(text)
        self.upload_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _failed(self, error: GeodockError) -> None:
        self.task = None
        cancelled = isinstance(error, CancelledError)
        message = self.tr("Upload cancelled") if cancelled else log.exception(error, "Upload to AmigoCloud")
        if self.iface is not None and not cancelled:
            push_message(self.iface.messageBar(), message, Qgis.MessageLevel.Warning)
        if sip.isdeleted(self):
            return
        self.status.setText(message)
        self.upload_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.resume_button.setVisible(self.interrupted is not None)
