"""The Jobs dock: every remote job (exports, process jobs, server tasks) in one table, with its actions.

The table follows :func:`plugin.jobs.manager` through its signals; nothing here polls or waits on the
network. The lower panel lists the exports or tasks that exist on a connection's server, to follow,
re-download or cancel them. :func:`notify_job_end` is the message-bar notification the manager uses.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, Optional

from qgis.core import Qgis, QgsApplication
from qgis.gui import QgsCollapsibleGroupBox, QgsDockWidget, QgsMessageBar
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt, QUrl
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ..plugin import log
from ..plugin.connections import Connection, store
from ..plugin.errors import GeodockError
from ..plugin.gui_hooks import bar_text, push_message
from ..plugin.i18n import tr
from ..plugin.job_model import DownloadState, Job, JobState
from ..plugin.jobs import JobManager, manager
from ..plugin.jobs.messages import job_end_text
from ..plugin.platforms.registry import Capability, capability, connections_with
from ..plugin.tasks import run_in_background
from .fit_columns import ColumnFitter
from .jobs_table import (
    COLUMNS,
    NAME,
    PLATFORM,
    PRIORITY,
    PROGRESS_COLUMN,
    JobDetails,
    JobsModel,
    ProgressDelegate,
    short_time,
)
from .plain_text import plain
from .slot_guard import guarded

__all__ = ["COLUMNS", "PROGRESS_COLUMN", "JobsDock", "list_server_jobs", "notify_job_end"]


class JobsDock(QgsDockWidget):
    """A dock listing every remote job, with cancel, download again, open folder, add to map, remove."""

    def __init__(self, iface: Any, parent: Optional[QWidget] = None, jobs: Optional[JobManager] = None) -> None:  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
        super().__init__(tr("Jobs"), parent)
        self.iface = iface
        self.manager = jobs or manager()
        self._server_task: Any = None
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(2, 2, 2, 2)

        self.toolbar = QToolBar(body)
        self.cancel_action = self.toolbar.addAction(
            QgsApplication.getThemeIcon("/mActionStop.svg"), tr("Cancel on the server"), self.cancel_selected
        )
        self.download_action = self.toolbar.addAction(
            QgsApplication.getThemeIcon("/mActionFileSave.svg"), tr("Download again"), self.download_selected
        )
        self.folder_action = self.toolbar.addAction(
            QgsApplication.getThemeIcon("/mActionFileOpen.svg"), tr("Open folder"), self.open_folder
        )
        self.add_action = self.toolbar.addAction(
            QgsApplication.getThemeIcon("/mActionAddLayer.svg"), tr("Add to map"), self.add_selected
        )
        self.remove_action = self.toolbar.addAction(
            QgsApplication.getThemeIcon("/mActionDeleteSelected.svg"), tr("Remove from list"), self.remove_selected
        )
        layout.addWidget(self.toolbar)

        self.model = JobsModel(self.manager, self)
        self.table = QTableView(body)
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(PROGRESS_COLUMN, ProgressDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().moveSection(PLATFORM, len(COLUMNS) - 1)  # the name first
        # Name and state (and progress) in a narrow dock, more columns as it widens; the pane below has it all.
        self.columns = ColumnFitter(self.table, NAME, PRIORITY, fixed={PROGRESS_COLUMN: 64})
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.table.doubleClicked.connect(lambda _index: self.add_selected())
        self.details = JobDetails(body)
        splitter = QSplitter(Qt.Orientation.Vertical, body)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 3)
        self.manager.job_changed.connect(self._update_actions)

        self.server_box = QgsCollapsibleGroupBox(tr("Exports and tasks on the server"), body)
        self.server_box.setCollapsed(True)
        server_layout = QVBoxLayout(self.server_box)
        row = QHBoxLayout()
        self.connection_combo = QComboBox(self.server_box)
        self.connection_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.connection_combo.setMinimumContentsLength(8)  # long connection names do not widen the dock
        self.refresh_button = QPushButton(tr("Show"), self.server_box)
        self.refresh_button.setToolTip(tr("Show the exports or tasks the server has for this connection"))
        self.refresh_button.clicked.connect(self.show_server_jobs)
        row.addWidget(self.connection_combo, 1)
        row.addWidget(self.refresh_button)
        server_layout.addLayout(row)
        self.server_table = QTableWidget(0, 4, self.server_box)
        self.server_table.setHorizontalHeaderLabels([tr("Name"), tr("State"), tr("Created"), tr("Id")])
        self.server_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.server_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.server_table.verticalHeader().hide()
        self.server_columns = ColumnFitter(self.server_table, 0, (1, 2, 3))
        server_layout.addWidget(self.server_table)
        buttons = QHBoxLayout()
        self.follow_button = QPushButton(tr("Follow"), self.server_box)
        self.follow_button.setToolTip(tr("Add the chosen export or task to the list above and download its results"))
        self.follow_button.clicked.connect(self.follow_server_job)
        self.server_cancel_button = QPushButton(tr("Cancel on server"), self.server_box)
        self.server_cancel_button.clicked.connect(self.cancel_server_job)
        buttons.addStretch(1)
        buttons.addWidget(self.follow_button)
        buttons.addWidget(self.server_cancel_button)
        server_layout.addLayout(buttons)
        layout.addWidget(self.server_box, 2)
        self.server_jobs: list[Job] = []
        self._fill_connections()
        store().changed.connect(self._fill_connections)

        self.setWidget(body)
        self._update_actions()

    # Job table ---------------------------------------------------------------------------------------

    def selected_jobs(self) -> list[Job]:
        """The jobs of the selected rows."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [job for job in (self.model.job(row) for row in rows) if job is not None]

    @guarded
    def _update_actions(self, *_args: Any) -> None:
        if sip.isdeleted(self):
            return
        jobs = self.selected_jobs()
        self.details.show_job(jobs[0] if len(jobs) == 1 else None)
        self.cancel_action.setEnabled(any(not j.state.final for j in jobs))
        self.download_action.setEnabled(
            any(j.state == JobState.SUCCEEDED and not self.manager.is_busy(j.id) for j in jobs)
        )
        self.folder_action.setEnabled(any(j.folder and Path(j.folder).exists() for j in jobs))
        self.add_action.setEnabled(any(j.state == JobState.SUCCEEDED for j in jobs))
        self.remove_action.setEnabled(bool(jobs))

    def cancel_selected(self) -> None:
        """Cancel the selected jobs that still run."""
        for job in self.selected_jobs():
            if not job.state.final:
                self.manager.cancel(job.id)

    def download_selected(self) -> None:
        """Download the selected jobs' results again."""
        for job in self.selected_jobs():
            self.manager.fetch_results(job.id)

    @guarded
    def add_selected(self) -> None:
        """Add the selected finished jobs' results to the map."""
        for job in self.selected_jobs():
            if job.state == JobState.SUCCEEDED:
                self.manager.add_to_map(job.id)

    def open_folder(self) -> None:
        """Open the selected jobs' results folders."""
        for job in self.selected_jobs():
            if job.folder and Path(job.folder).is_dir() and any(Path(job.folder).iterdir()):
                QDesktopServices.openUrl(QUrl.fromLocalFile(job.folder))

    def remove_selected(self) -> None:
        """Forget the selected jobs (asking first about running ones)."""
        jobs = self.selected_jobs()
        running = [job for job in jobs if not job.state.final]
        if running and not self.confirm_remove_running(running):
            return
        for job in jobs:
            self.manager.remove(job.id)

    def confirm_remove_running(self, running: list[Job]) -> bool:
        """Ask before forgetting jobs the server is still running (removing does not cancel them)."""
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
        box = plain(QMessageBox(QMessageBox.Icon.Question, tr("Remove running jobs?"), "", buttons, self))
        box.setText(  # plain text, set once the box shows plain text: job titles come from servers
            tr(
                "{count} of the chosen jobs still run on the server ({titles}). Removing them from the list does not "
                "stop them there; Geodock only stops following them and will not download their results."
            ).format(count=len(running), titles=", ".join(job.title for job in running[:3]))
        )
        box.setObjectName("GeodockRemoveRunningJobs")
        box.button(QMessageBox.StandardButton.Yes).setText(tr("Remove"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    # Server list -------------------------------------------------------------------------------------

    @guarded
    def _fill_connections(self) -> None:
        if sip.isdeleted(self.connection_combo):
            return
        current = self.connection_combo.currentText()
        self.connection_combo.clear()
        for connection in connections_with(Capability.SERVER_JOBS):
            self.connection_combo.addItem(f"{connection.name}", connection.name)
        index = self.connection_combo.findText(current)
        if index >= 0:
            self.connection_combo.setCurrentIndex(index)

    def _connection(self) -> Optional[Connection]:
        name = self.connection_combo.currentData()
        return store().get(name) if name else None

    @guarded
    def show_server_jobs(self) -> None:
        """List the jobs the chosen connection's server keeps (exports, tasks), in a task."""
        connection = self._connection()
        if connection is None:
            push_message(
                self._bar(), tr("Choose a connection whose server lists its jobs first"), Qgis.MessageLevel.Warning
            )
            return
        self.refresh_button.setEnabled(False)
        self._server_task = run_in_background(
            tr("Listing the jobs of {name}").format(name=connection.name),
            partial(list_server_jobs, connection),
            self._show_server_jobs,
            self._server_failed,
        )

    def _show_server_jobs(self, jobs: list[Job]) -> None:
        if sip.isdeleted(self):
            return
        self.refresh_button.setEnabled(True)
        self.server_jobs = jobs
        self.server_table.setRowCount(len(jobs))
        for row, job in enumerate(jobs):
            for column, text in enumerate((job.title, job.state.value, short_time(job.created), job.remote_id)):
                self.server_table.setItem(row, column, QTableWidgetItem(text))

    def _server_failed(self, err: GeodockError) -> None:
        if sip.isdeleted(self):
            return
        self.refresh_button.setEnabled(True)
        push_message(self._bar(), log.exception(err, tr("Listing server jobs")), Qgis.MessageLevel.Warning)

    def _selected_server_jobs(self) -> list[Job]:
        rows = sorted({index.row() for index in self.server_table.selectionModel().selectedRows()})
        return [self.server_jobs[row] for row in rows if row < len(self.server_jobs)]

    @guarded
    def follow_server_job(self) -> None:
        """Add the selected server jobs to the manager (finished ones are downloaded again)."""
        known = {(j.connection, j.platform, j.remote_id): j for j in self.manager.jobs()}
        for job in self._selected_server_jobs():
            existing = known.get((job.connection, job.platform, job.remote_id))
            if existing is not None:
                self.manager.fetch_results(existing.id)
                continue
            self.manager.submit(job)

    @guarded
    def cancel_server_job(self) -> None:
        """Cancel the selected server jobs that still run (following them to see it)."""
        for job in self._selected_server_jobs():
            if job.state.final:
                continue
            if self.manager.get(job.id) is None:
                job.download = None
                job.add_to_project = False
                self.manager.submit(job)
            self.manager.cancel(job.id)

    def _bar(self) -> QgsMessageBar:
        return self.iface.messageBar()

    def shutdown(self) -> None:
        """Disconnect from the manager and the connection store (plugin unload)."""
        self.model.disconnect_manager()
        for signal, slot in (
            (self.manager.job_changed, self._update_actions),
            (store().changed, self._fill_connections),
        ):
            try:
                signal.disconnect(slot)
            except TypeError:
                pass
        if self._server_task is not None and not sip.isdeleted(self._server_task):
            self._server_task.cancel()


def list_server_jobs(connection: Connection, feedback: Any) -> list[Job]:
    """The jobs ``connection``'s server keeps, ready to follow (blocking: run in a task)."""
    return capability(connection, Capability.SERVER_JOBS).list_jobs(feedback)


def notify_job_end(jobs: JobManager, job: Job) -> None:
    """Tell the user a job ended: success with "Add to map" / "Open folder", failure with the server's reason."""
    iface = jobs.iface
    if iface is None:
        return
    bar = iface.messageBar()
    if job.state == JobState.SUCCEEDED:
        failed = job.download == DownloadState.FAILED
        text = job_end_text(job)
        item = bar.createMessage("Geodock", bar_text(text))
        downloaded = job.download == DownloadState.DONE
        if not failed and not (job.add_to_project and job.outputs) and (job.outputs or not downloaded):
            button = QPushButton(tr("Add to map"))
            button.clicked.connect(lambda _=False, jid=job.id: jobs.add_to_map(jid))
            item.layout().addWidget(button)
        if job.folder and Path(job.folder).is_dir() and any(Path(job.folder).iterdir()):
            folder = QPushButton(tr("Open folder"))
            folder.clicked.connect(lambda _=False, f=job.folder: QDesktopServices.openUrl(QUrl.fromLocalFile(f)))
            item.layout().addWidget(folder)
        bar.pushWidget(item, Qgis.MessageLevel.Warning if failed else Qgis.MessageLevel.Success, 0 if failed else 10)
    elif job.state == JobState.CANCELLED:
        push_message(bar, job_end_text(job), Qgis.MessageLevel.Info)
    else:
        push_message(bar, job_end_text(job), Qgis.MessageLevel.Critical)
