"""The Processes dock: an OGC API – Processes connection's landing page and conformance, its processes (with
search), and below them two tab sets: the process (its generated execution form with the execute options, and its
description) and the jobs (the results of the job shown, and the server's own job list, ``/jobs``, where a job
started elsewhere can be followed). Requests are saved and opened as JSON, jobs run again or deleted on the server
(:mod:`.dock_actions`). The three panes keep usable minimum heights: squeezed (the Processing Toolbox opening
beside it) the dock stops shrinking rather than cut its panes off.

Every network call runs in a QgsTask (:func:`plugin.tasks.run_in_background`). Jobs go to the job manager
(:mod:`plugin.jobs`), so they show in the Jobs dock, are polled there, and ``Dismiss`` cancels them on the server.
"""

from __future__ import annotations

import html
from functools import partial
from typing import Any, Callable, Optional

from qgis.core import Qgis, QgsApplication
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
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ....plugin.connections import Connection, store
from ....plugin.gui_hooks import push_message
from ....plugin.platforms.ogcapi.adapter import OgcProcessesAdapter
from ....plugin.platforms.ogcapi.execution_request import SavedRequest
from ....plugin.platforms.ogcapi.models import ExecuteOutcome, ProcessSummary, conformance_summary
from ....plugin.platforms.ogcapi.process_description import ProcessDescription
from ....plugin.platforms.registry import Capability, connections_with
from ...plain_text import plain_tooltip
from ...resource_details import OfflineTextBrowser
from ...slot_guard import guarded
from .dock_actions import DockActions
from .dock_jobs import DockJobs
from .dock_parts import (
    alive,
    describe_html,
    execute_and_prefetch,
    job_manager,
    results_folder,
    run_reported,
    server_overview,
    started_job,
)
from .execute_options_box import ExecuteOptionsBox
from .process_form import ProcessForm
from .process_results import ProcessResults
from .server_jobs import ServerJobsPane

PANE_MINIMUM_HEIGHTS = (60, 150, 110)  # processes, process tabs, job tabs: usable at 300 x 500 px


class ProcessesDock(QgsDockWidget, DockJobs, DockActions):
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
        self.deleted: set[str] = set()
        self.pending_request: Optional[SavedRequest] = None

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

        splitter = self.splitter = QSplitter(Qt.Orientation.Vertical, body)
        splitter.setChildrenCollapsible(False)
        self.process_list = QListWidget(splitter)
        self.process_tabs = QTabWidget(splitter)
        form_box = QWidget(self.process_tabs)
        form_layout = QVBoxLayout(form_box)
        form_layout.setContentsMargins(0, 0, 0, 0)
        self.form_area = QScrollArea(form_box)
        self.form_area.setWidgetResizable(True)
        self.form_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.options = ExecuteOptionsBox()  # under the form, inside the scroll area
        form_layout.addWidget(self.form_area, 1)
        form_layout.addLayout(self._form_buttons(form_box))
        self.description_view = OfflineTextBrowser(self.process_tabs)
        self.process_tabs.addTab(form_box, self.tr("Form"))
        self.process_tabs.addTab(self.description_view, self.tr("Description"))
        self.job_tabs = QTabWidget(splitter)
        self.results = ProcessResults(self.job_tabs)
        jobs_box = self.jobs_pane = ServerJobsPane(self._run, self.job_tabs)
        self.server_jobs, self.server_job_infos = jobs_box.list, jobs_box.infos
        self.server_jobs_button, self.follow_button = jobs_box.list_button, jobs_box.follow_button
        self.job_tabs.addTab(self.results, self.tr("Results"))
        self.job_tabs.addTab(jobs_box, self.tr("Server jobs"))
        # Each pane keeps a usable height (squeezed further, the dock stops shrinking instead of cutting a pane
        # off); the process tabs, where the user works, get the largest share of the rest.
        for index, (minimum, stretch) in enumerate(zip(PANE_MINIMUM_HEIGHTS, (2, 5, 3))):
            splitter.widget(index).setMinimumHeight(minimum)
            splitter.setStretchFactor(index, stretch)
        layout.addWidget(splitter, 1)
        self.setWidget(body)
        self._set_form(None)

        self.connection_combo.currentIndexChanged.connect(self._connection_changed)
        self.server_label.linkActivated.connect(lambda _link: self._connection_changed())  # Retry
        self.search.textChanged.connect(self._filter)
        self.process_list.currentItemChanged.connect(self._process_changed)
        self.execute_button.clicked.connect(self.execute)
        self.dismiss_button.clicked.connect(self.dismiss)
        jobs_box.followRequested.connect(self.follow)
        jobs_box.deleteRequested.connect(self.delete_server_job)
        self.results.runAgainRequested.connect(self.run_again)
        self.results.deleteRequested.connect(self.delete_shown_job)
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
            from ....plugin.platforms.ogcapi.process_catalog import refresh_in_background

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
            current = self.process_list.currentItem()
            if adapter is not self.adapter or current is None or current.data(Qt.ItemDataRole.UserRole) != process_id:
                return
            self.description = description
            self.description_view.setHtml(describe_html(description))
            self._set_form(ProcessForm(description))
            pending, self.pending_request = self.pending_request, None
            if pending is not None and pending.process_id == process_id:
                self.apply_request(pending)

        self._run(
            self.tr("Describing {id}").format(id=process_id),
            lambda feedback: adapter.describe(process_id, feedback),
            done,
        )

    def _form_buttons(self, parent: QWidget) -> QHBoxLayout:
        """Open and Save (the request as JSON), Dismiss and Execute."""
        buttons = QHBoxLayout()
        self.open_button = QToolButton(parent)
        self.open_button.setIcon(QgsApplication.getThemeIcon("mActionFileOpen.svg"))
        self.open_button.setToolTip(self.tr("Open an execution request (JSON) into the form"))
        self.save_button = QToolButton(parent)
        self.save_button.setIcon(QgsApplication.getThemeIcon("mActionFileSave.svg"))
        self.save_button.setToolTip(self.tr("Save the form's execution request as JSON"))
        self.execute_button = QPushButton(self.tr("Execute"), parent)
        self.dismiss_button = QPushButton(self.tr("Dismiss"), parent)
        self.dismiss_button.setToolTip(self.tr("Cancel the job on the server"))
        self.dismiss_button.setEnabled(False)
        for widget in (self.open_button, self.save_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.execute_button)
        self.open_button.clicked.connect(lambda _=False: self.open_request())
        self.save_button.clicked.connect(lambda _=False: self.save_request())
        return buttons

    def _set_form(self, form: Optional[ProcessForm]) -> None:
        """Show ``form`` (None: none) with the execute options under it, and allow Execute and Save with one."""
        self.form = form
        previous = self.form_area.takeWidget()  # taken first: the options box in it is kept, moved to the new one
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        if form is not None:
            column.addWidget(form)
        self.options.set_description(form.description if form is not None else None)
        self.options.setVisible(form is not None)
        column.addWidget(self.options)
        column.addStretch(1)
        self.form_area.setWidget(holder)
        if previous is not None:
            previous.deleteLater()
        for button in (self.execute_button, self.save_button):
            button.setEnabled(form is not None)
        self.open_button.setEnabled(self.adapter is not None)

    def select_process(self, process_id: str) -> bool:
        """Choose process ``process_id`` in the list (the search cleared); False when the server lists none."""
        if not any(summary.id == process_id for summary in self.processes):
            return False
        self.search.clear()
        for row in range(self.process_list.count()):
            if self.process_list.item(row).data(Qt.ItemDataRole.UserRole) == process_id:
                self.process_list.setCurrentRow(row)
        return True

    # Execution ---------------------------------------------------------------------------------------------

    @guarded
    def execute(self) -> None:
        """Validate the form, then encode layers, execute and hand the job to the job manager (in a task)."""
        if self.form is None or self.adapter is None or self.description is None:
            return
        values, problems = self.form.collect()
        problems += self.options.problems()
        if problems:
            push_message(self.iface.messageBar(), "; ".join(problems), Qgis.MessageLevel.Warning)
            return
        adapter, description, choices = self.adapter, self.description, self.options.choices()
        folder = results_folder(description.title or description.id)
        work = partial(execute_and_prefetch, adapter, description, values, choices, folder)

        def done(result: tuple[ExecuteOutcome, Optional[dict[str, Any]]]) -> None:
            """Show the new job and hand it to the job manager."""
            outcome, prefetched = result
            title = description.title or description.id
            self.start_showing(
                started_job(adapter, description.id, title, outcome, prefetched, folder), prefetched is None
            )

        self.start_new_job()
        self.execute_button.setEnabled(False)  # one job per click, however fast the clicks come
        self._run(
            self.tr("Executing {id}").format(id=description.id),
            work,
            done,
            on_end=lambda: self.execute_button.setEnabled(self.form is not None),
        )

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
        self.results.shutdown()
        for task in self.tasks:
            if alive(task):
                task.cancel()
