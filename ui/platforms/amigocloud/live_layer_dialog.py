"""How the user adds a live AmigoCloud layer: :func:`add_live_layer` (also called by the Catalog for a
dataset) and the "Add live AmigoCloud layer…" dialog (connection, project, dataset)."""

from __future__ import annotations

import re
from typing import Any, Optional

from qgis.core import Qgis, QgsFeedback
from qgis.gui import QgisInterface, QgsGui
from qgis.PyQt import sip
from qgis.PyQt.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QWidget

from ....plugin import log
from ....plugin.connections import Connection, store
from ....plugin.errors import GeodockError
from ....plugin.gui_hooks import push_message
from ....plugin.i18n import tr
from ....plugin.platforms.amigocloud.adapter import AmigoCloudAdapter
from ....plugin.platforms.amigocloud.realtime.live_layer import DatasetRef, LiveLayer
from ....plugin.platforms.base import Resource
from ....plugin.platforms.registry import Capability, capability, connections_with
from ....plugin.tasks import FunctionTask, run_in_background
from ...plain_text import plain_label
from ...slot_guard import guarded


def dataset_ref(resource: Resource, project_id: Optional[str] = None) -> DatasetRef:
    """A :class:`DatasetRef` for a catalog dataset resource (its project id read from its URLs if not given)."""
    if project_id is None:
        for value in (resource.raw.get("project"), resource.api_url, resource.raw.get("url")):
            match = re.search(r"/projects/(\d+)", str(value or ""))
            if match:
                project_id = match.group(1)
                break
        else:
            if isinstance(resource.raw.get("project"), int):
                project_id = str(resource.raw["project"])
    if project_id is None:
        raise GeodockError(
            tr("Cannot tell which project dataset {name} belongs to").format(name=resource.title or resource.id)
        )
    return DatasetRef(str(project_id), str(resource.id), resource.title or f"dataset {resource.id}")


def add_live_layer(  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
    iface: Optional[QgisInterface], connection: Connection, dataset_resource: Any
) -> Optional[LiveLayer]:
    """Add ``dataset_resource`` (a catalog :class:`Resource` or a :class:`DatasetRef`) as a live layer; its
    state and the user's events go to the message bar."""
    try:
        dataset = dataset_resource if isinstance(dataset_resource, DatasetRef) else dataset_ref(dataset_resource)
    except GeodockError as err:
        if iface is not None:
            push_message(iface.messageBar(), log.exception(err), Qgis.MessageLevel.Warning)
        return None
    live = capability(connection, Capability.LIVE).add_live_layer(dataset)
    if iface is not None:
        bar = iface.messageBar()
        name = dataset.name
        live.failed.connect(lambda message: push_message(bar, message, Qgis.MessageLevel.Warning))
        live.userEvent.connect(lambda event, payload: push_message(bar, describe_user_event(event, payload)))

        def on_state(state: str) -> None:
            if state == "reconnecting":
                push_message(bar, tr("Live layer {name}: connection lost, reconnecting…").format(name=name))

        live.stateChanged.connect(on_state)
    return live


def describe_user_event(event: str, payload: Any) -> str:
    """One line for an AmigoCloud user event (``project:creation_succeeded`` ...)."""
    if event == "project:creation_succeeded" and isinstance(payload, dict):
        return tr("AmigoCloud project {name} is ready").format(name=payload.get("project_name", "?"))
    subject, _sep, what = event.partition(":")
    return tr("AmigoCloud: {subject} {what}").format(subject=subject, what=what.replace("_", " ")).strip()


class LiveLayerDialog(QDialog):
    """Choose an AmigoCloud connection, project and dataset; OK adds the live layer."""

    def __init__(self, iface: Optional[QgisInterface], parent: Optional[QWidget] = None) -> None:  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
        super().__init__(parent)
        self.iface = iface
        self.setObjectName("GeodockLiveLayerDialog")
        self.setWindowTitle(self.tr("Add live AmigoCloud layer"))
        self.connection_combo = QComboBox()
        self.project_combo = QComboBox()
        self.dataset_combo = QComboBox()
        self.note = plain_label(self.tr("Datasets with realtime events are marked ●."))
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Connection"), self.connection_combo)
        form.addRow(self.tr("Project"), self.project_combo)
        form.addRow(self.tr("Dataset"), self.dataset_combo)
        form.addRow(self.note)
        form.addRow(self.buttons)
        self._task: Optional[FunctionTask] = None
        for connection in connections_with(Capability.LIVE):
            self.connection_combo.addItem(connection.name, connection.name)
        self.connection_combo.currentIndexChanged.connect(self._load_projects)
        self.project_combo.currentIndexChanged.connect(self._load_datasets)
        self.dataset_combo.currentIndexChanged.connect(self._update_ok)
        self._update_ok()
        if self.connection_combo.count() == 0:
            self.note.setText(self.tr("Add an AmigoCloud connection first (Geodock ▸ Connections…)"))
        else:
            self._load_projects()
        QgsGui.enableAutoGeometryRestore(self)

    def connection(self) -> Optional[Connection]:
        """The chosen connection."""
        name = self.connection_combo.currentData()
        return store().get(name) if name else None

    @guarded
    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.dataset_combo.currentData() is not None)

    def _run(self, description: str, work: Any, done: Any) -> None:
        if self._task is not None and not sip.isdeleted(self._task):
            try:
                self._task.cancel()
            except RuntimeError:
                pass
        self._task = run_in_background(description, work, done, self._failed)

    def _failed(self, error: GeodockError) -> None:
        if not sip.isdeleted(self):
            self.note.setText(log.exception(error, "Live layer"))

    @guarded
    def _load_projects(self) -> None:
        connection = self.connection()
        self.project_combo.clear()
        self.dataset_combo.clear()
        if connection is None:
            return
        adapter = AmigoCloudAdapter(connection)

        def work(feedback: QgsFeedback) -> list[tuple[str, str]]:
            url: Optional[str] = adapter.url("me/projects")
            found: list[tuple[str, str]] = []
            while url:
                data = adapter.client.get_json(url, auth=adapter.auth, feedback=feedback) or {}
                found += [(str(p.get("id")), str(p.get("name"))) for p in data.get("results") or []]
                url = data.get("next")
            return found

        self._run("Geodock: AmigoCloud projects", work, self._projects_loaded)

    def _projects_loaded(self, projects: list[tuple[str, str]]) -> None:
        if sip.isdeleted(self):
            return
        self.project_combo.blockSignals(True)
        for pid, name in projects:
            self.project_combo.addItem(f"{name} ({pid})", pid)
        self.project_combo.blockSignals(False)
        self._load_datasets()

    @guarded
    def _load_datasets(self) -> None:
        connection, project = self.connection(), self.project_combo.currentData()
        self.dataset_combo.clear()
        if connection is None or project is None:
            return
        adapter = AmigoCloudAdapter(connection)

        def work(feedback: QgsFeedback) -> list[dict[str, Any]]:
            url: Optional[str] = adapter.url(f"projects/{int(project)}/datasets")
            found: list[dict[str, Any]] = []
            while url:
                data = adapter.client.get_json(url, auth=adapter.auth, feedback=feedback) or {}
                found += [d for d in data.get("results") or [] if isinstance(d, dict)]
                url = data.get("next")
            return found

        self._run("Geodock: AmigoCloud datasets", work, self._datasets_loaded)

    def _datasets_loaded(self, datasets: list[dict[str, Any]]) -> None:
        if sip.isdeleted(self):
            return
        project = str(self.project_combo.currentData())
        live_first = sorted(datasets, key=lambda d: not d.get("realtime"))
        for item in live_first:
            mark = "● " if item.get("realtime") else ""
            ref = DatasetRef(project, str(item.get("id")), str(item.get("name")))
            self.dataset_combo.addItem(f"{mark}{ref.name} ({ref.dataset_id})", ref)
        self._update_ok()

    def chosen(self) -> Optional[DatasetRef]:
        """The chosen dataset."""
        return self.dataset_combo.currentData()

    @guarded
    def accept(self) -> None:
        """Add the chosen dataset as a live layer and close."""
        connection, dataset = self.connection(), self.chosen()
        if connection is not None and dataset is not None:
            add_live_layer(self.iface, connection, dataset)
        super().accept()
