"""The Processes dock: an OGC API – Processes connection's landing page and conformance, its processes (with
search), a description pane, the generated execution form, the results of the jobs started here, and the
server's own job list (``/jobs``): a job started elsewhere (cuiman, a browser) can be followed from there.

Every network call runs in a QgsTask (:func:`plugin.tasks.run_in_background`). Jobs go to the job manager
(:mod:`plugin.jobs`), so they show in the Jobs dock, are polled there, and ``Dismiss`` cancels them on the server.
"""

from __future__ import annotations

import html
from functools import partial
from typing import Any, Callable, Optional

from qgis.core import Qgis
from qgis.gui import QgsDockWidget, QgsFilterLineEdit
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ....plugin import log
from ....plugin.connections import Connection, store
from ....plugin.gui_hooks import push_message
from ....plugin.job_model import Job, JobState
from ....plugin.platforms.ogcapi.adapter import (
    ExecuteOutcome,
    OgcProcessesAdapter,
    ProcessSummary,
    conformance_summary,
)
from ....plugin.platforms.ogcapi.jobs import PLATFORM
from ....plugin.platforms.ogcapi.process_description import ProcessDescription
from ....plugin.platforms.registry import Capability, connections_with
from ...plain_text import plain_tooltip
from ...resource_details import OfflineTextBrowser
from ...slot_guard import guarded
from .dock_parts import (
    ServerJobsPane,
    alive,
    describe_html,
    execute_and_prefetch,
    followed_job,
    job_manager,
    results_folder,
    run_reported,
    server_overview,
    started_job,
)
from .process_form import ProcessForm
from .process_results import ProcessResults


class ProcessesDock(QgsDockWidget):
    """Run OGC API processes from QGIS."""

    def __init__(self, iface: Any, parent: Optional[QWidget] = None) -> None:  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
        super().__init__(parent)
        self.setWindowTitle(self.tr("Geodock Processes"))
        self.iface = iface
        self.adapter: Optional[OgcProcessesAdapter] = None
        self.processes: list[ProcessSummary] = []
        self.description: Optional[ProcessDescription] = None
        self.form: Optional[ProcessForm] = None
        self.tasks: list[Any] = []
        self.job_ids: set[str] = set()
        self.current_job: str = ""

        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.connection_combo = QComboBox(body)
        self.connection_combo.setToolTip(self.tr("OGC API – Processes connection"))
        layout.addWidget(self.connection_combo)
        self.server_label = QLabel(body)  # rich text (a Retry link): every text set in it is escaped
        self.server_label.setTextFormat(Qt.TextFormat.RichText)
        self.server_label.setWordWrap(True)
        self.server_label.setObjectName("server")
        layout.addWidget(self.server_label)
        self.search = QgsFilterLineEdit(body)
        self.search.setShowSearchIcon(True)
        self.search.setPlaceholderText(self.tr("Search processes…"))
        layout.addWidget(self.search)

        splitter = QSplitter(Qt.Orientation.Vertical, body)
        self.process_list = QListWidget(splitter)
        self.description_view = OfflineTextBrowser(splitter)
        form_box = QWidget(splitter)
        form_layout = QVBoxLayout(form_box)
        form_layout.setContentsMargins(0, 0, 0, 0)
        self.form_area = QScrollArea(form_box)
        self.form_area.setWidgetResizable(True)
        form_layout.addWidget(self.form_area, 1)
        buttons = QHBoxLayout()
        self.execute_button = QPushButton(self.tr("Execute"), form_box)
        self.execute_button.setEnabled(False)
        self.dismiss_button = QPushButton(self.tr("Dismiss"), form_box)
        self.dismiss_button.setToolTip(self.tr("Cancel the job on the server"))
        self.dismiss_button.setEnabled(False)
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.execute_button)
        form_layout.addLayout(buttons)
        jobs_box = self.jobs_pane = ServerJobsPane(self._run, splitter)
        self.server_jobs, self.server_job_infos = jobs_box.list, jobs_box.infos
        self.server_jobs_button, self.follow_button = jobs_box.list_button, jobs_box.follow_button
        self.results = ProcessResults(splitter)
        # Each pane may shrink to a few lines (the dock then fits beside others on a laptop screen), and the
        # form, where the user works, gets the largest share.
        panes = ((self.process_list, 2), (self.description_view, 2), (form_box, 4), (jobs_box, 1), (self.results, 2))
        for pane, stretch in panes:
            pane.setMinimumHeight(48)
            splitter.setStretchFactor(splitter.indexOf(pane), stretch)
        layout.addWidget(splitter, 1)
        self.setWidget(body)

        self.connection_combo.currentIndexChanged.connect(self._connection_changed)
        self.server_label.linkActivated.connect(lambda _link: self._connection_changed())  # Retry
        self.search.textChanged.connect(self._filter)
        self.process_list.currentItemChanged.connect(self._process_changed)
        self.execute_button.clicked.connect(self.execute)
        self.dismiss_button.clicked.connect(self.dismiss)
        jobs_box.followRequested.connect(self.follow)
        store().changed.connect(self.reload_connections)
        self._manager = job_manager()
        self._manager.job_changed.connect(self._job_changed)
        self._manager.results_ready.connect(self._job_changed)
        self._manager.job_removed.connect(self._job_removed)
        self.results.addToMapRequested.connect(self._add_to_map)
        self.reload_connections()

    # Connections and processes ----------------------------------------------------------------------------

    @guarded
    def reload_connections(self) -> None:
        """Refill the connection chooser (connections with processes), keeping the chosen one."""
        current = self.connection_combo.currentText()
        self.connection_combo.blockSignals(True)
        self.connection_combo.clear()
        for connection in connections_with(Capability.PROCESSES):
            self.connection_combo.addItem(connection.name, connection.name)
        index = self.connection_combo.findText(current)
        self.connection_combo.setCurrentIndex(max(index, 0))
        self.connection_combo.blockSignals(False)
        self._connection_changed()

    def connection(self) -> Optional[Connection]:
        """The chosen connection, or None."""
        name = self.connection_combo.currentData()
        return store().get(name) if name else None

    @guarded
    def _connection_changed(self) -> None:
        """Show the chosen connection: its landing page, conformance and processes (in a task)."""
        connection = self.connection()
        self.process_list.clear()
        self.description_view.clear()
        self._set_form(None)
        self._forget_current_job()  # the pane shows this connection's work only (the Jobs dock keeps them all)
        self.results.clear()
        self.jobs_pane.set_adapter(None)
        if connection is None:
            self.adapter = None
            self.server_label.setText(
                html.escape(self.tr("No OGC API – Processes connection yet: add one under Connections…"))
            )
            return
        adapter = self.adapter = OgcProcessesAdapter(connection)
        self.jobs_pane.set_adapter(adapter)
        self.server_label.setText(html.escape(self.tr("Loading {name}…").format(name=connection.name)))

        def done(result: tuple[Any, list[str], list[ProcessSummary]]) -> None:
            """Show them, and refresh the description cache for the Processing algorithms."""
            if adapter is not self.adapter:
                return
            landing, conformance, processes = result
            supports = ", ".join(conformance_summary(conformance)) or self.tr("not declared")
            self.server_label.setText(
                f"<b>{html.escape(landing.title or connection.name)}</b><br/>"
                + html.escape(self.tr("Supports: {classes}").format(classes=supports))
            )
            self.processes = processes
            self._filter()
            from ....plugin.platforms.ogcapi.process_algorithms import refresh_in_background, watch_connections

            watch_connections()
            self.tasks.append(refresh_in_background([connection]))

        def failed(message: str) -> None:
            """Say why, with a Retry link."""
            if adapter is self.adapter:
                self.server_label.setText(
                    html.escape(message) + " <a href='retry'>" + html.escape(self.tr("Retry")) + "</a>"
                )

        work = partial(server_overview, adapter)
        self._run(self.tr("Loading {name}").format(name=connection.name), work, done, on_failed=failed)

    @guarded
    def _filter(self) -> None:
        """List the processes matching the search text."""
        text = self.search.text().strip().lower()
        self.process_list.clear()
        for summary in self.processes:
            if text and text not in f"{summary.id} {summary.title} {summary.description}".lower():
                continue
            item = QListWidgetItem(summary.title or summary.id)
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            item.setToolTip(plain_tooltip(summary.description))
            self.process_list.addItem(item)

    @guarded
    def _process_changed(self, item: Optional[QListWidgetItem]) -> None:
        """Describe the chosen process (in a task) and build its form."""
        self._set_form(None)
        if item is None or self.adapter is None:
            return
        adapter, process_id = self.adapter, item.data(Qt.ItemDataRole.UserRole)
        self.description_view.setPlainText(self.tr("Describing {id}…").format(id=process_id))

        def done(description: ProcessDescription) -> None:
            """Show the description and the form, unless another connection was chosen."""
            if adapter is not self.adapter:
                return
            self.description = description
            self.description_view.setHtml(describe_html(description))
            self._set_form(ProcessForm(description))

        self._run(
            self.tr("Describing {id}").format(id=process_id),
            lambda feedback: adapter.describe(process_id, feedback),
            done,
        )

    def _set_form(self, form: Optional[ProcessForm]) -> None:
        """Show ``form`` (None: none) and allow Execute with one."""
        self.form = form
        self.form_area.setWidget(form if form is not None else QWidget())
        self.execute_button.setEnabled(form is not None)

    # Execution ---------------------------------------------------------------------------------------------

    @guarded
    def execute(self) -> None:
        """Validate the form, then encode layers, execute and hand the job to the job manager (in a task)."""
        if self.form is None or self.adapter is None or self.description is None:
            return
        values, problems = self.form.collect()
        if problems:
            push_message(self.iface.messageBar(), "; ".join(problems), Qgis.MessageLevel.Warning)
            return
        adapter, description = self.adapter, self.description
        folder = results_folder(description.title or description.id)

        work = partial(execute_and_prefetch, adapter, description, values, folder)

        def done(result: tuple[ExecuteOutcome, Optional[dict[str, Any]]]) -> None:
            """Show the new job and hand it to the job manager."""
            outcome, prefetched = result
            job = started_job(adapter, description, outcome, prefetched, folder)
            self.current_job = job.id
            self.job_ids.add(job.id)
            self.results.show_job(job)
            self.dismiss_button.setEnabled(prefetched is None)
            self._manager.submit(job)

        self.results.show_message(self.tr("Sending…"))
        self.execute_button.setEnabled(False)  # one job per click, however fast the clicks come
        self._run(
            self.tr("Executing {id}").format(id=description.id),
            work,
            done,
            on_end=lambda: self.execute_button.setEnabled(self.form is not None),
        )

    # The server's own jobs ---------------------------------------------------------------------------------

    def load_server_jobs(self) -> None:
        """List the server's jobs (``/jobs``, in a task): id, process, status, progress."""
        self.jobs_pane.load()

    @guarded
    def follow(self) -> None:
        """Hand the chosen server job to the job manager: watched, and its results fetched when it ends."""
        info = self.jobs_pane.current_info()
        if info is None or self.adapter is None:
            return
        connection = self.adapter.connection.name
        for known in self._manager.jobs():
            if known.connection == connection and known.platform == PLATFORM and known.remote_id == info.job_id:
                self._show(known)  # followed already
                return
        job = followed_job(self.adapter, info)
        self._show(job)
        self._manager.submit(job)

    def _show(self, job: Job) -> None:
        """Make ``job`` the one the results pane shows (and Dismiss acts on)."""
        self.current_job = job.id
        self.job_ids.add(job.id)
        self.results.show_job(job)
        self.dismiss_button.setEnabled(not job.state.final)

    @guarded
    def dismiss(self) -> None:
        """Cancel the shown job on the server."""
        if self.current_job:
            self._manager.cancel(self.current_job)

    @guarded
    def _add_to_map(self, job_id: str) -> None:
        """Add job ``job_id``'s result layers to the map."""
        if job_id:
            self._manager.add_to_map(job_id)

    def _forget_current_job(self) -> None:
        """Show no job (Dismiss off)."""
        self.current_job = ""
        self.dismiss_button.setEnabled(False)

    @guarded
    def _job_removed(self, job_id: str) -> None:
        """A job left the Jobs list: stop showing it."""
        self.job_ids.discard(job_id)
        if job_id == self.current_job:
            self._forget_current_job()
            self.results.clear()
            self.results.show_message(self.tr("Removed from the Jobs list: Geodock no longer follows it"))

    @guarded
    def _job_changed(self, job_id: str) -> None:
        """Show the job's new state when it is the shown one; log a failure."""
        if job_id not in self.job_ids:
            return
        job = self._manager.get(job_id)
        if job is None:
            return
        if job_id == self.current_job:
            self.results.show_job(job)
            self.dismiss_button.setEnabled(not job.state.final)
        if job.state == JobState.FAILED:
            log.error(f"{job.title} ({job.remote_id}) failed: {job.message}")

    # Plumbing ----------------------------------------------------------------------------------------------

    def _run(
        self,
        what: str,
        work: Any,
        done: Any,
        on_failed: Optional[Callable[[str], None]] = None,
        on_end: Optional[Callable[[], None]] = None,
    ) -> None:
        """Run ``work`` in a task named after ``what`` (see :func:`.dock_parts.run_reported`)."""
        title = self.tr("Geodock: {what}").format(what=what)
        task = run_reported(lambda: self.iface.messageBar(), self.results, what, title, work, done, on_failed, on_end)
        self.tasks = [t for t in self.tasks if alive(t)] + [task]

    def shutdown(self) -> None:
        """Disconnect from the connection store and the job manager, and cancel this dock's tasks."""
        try:
            store().changed.disconnect(self.reload_connections)
        except TypeError:
            pass
        for signal, slot in (
            (self._manager.job_changed, self._job_changed),
            (self._manager.results_ready, self._job_changed),
            (self._manager.job_removed, self._job_removed),
        ):
            try:
                signal.disconnect(slot)
            except TypeError:
                pass
        for task in self.tasks:
            if alive(task):
                task.cancel()
