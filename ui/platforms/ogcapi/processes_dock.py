"""The Processes dock: an OGC API – Processes connection's landing page and conformance, its processes (with
search), a description pane, the generated execution form, the results of the jobs started here, and the
server's own job list (``/jobs``): a job started elsewhere (cuiman, a browser) can be followed from there.

Every network call runs in a QgsTask (:func:`plugin.tasks.run_in_background`). Jobs go to the job manager
(:mod:`plugin.jobs`), so they show in the Jobs dock, are polled there, and ``Dismiss`` cancels them on the server.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Callable, Optional

from qgis.core import Qgis, QgsApplication, QgsFeedback
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
from ....plugin.errors import GeodockError
from ....plugin.gui_hooks import push_message
from ....plugin.job_model import Job, JobState
from ....plugin.platforms.ogcapi.adapter import (
    ExecuteOutcome,
    OgcProcessesAdapter,
    ProcessSummary,
    StatusInfo,
    conformance_summary,
)
from ....plugin.platforms.ogcapi.jobs import KIND, PLATFORM, write_results
from ....plugin.platforms.ogcapi.process_description import ProcessDescription, execute_request
from ....plugin.tasks import run_in_background
from ...plain_text import plain_tooltip
from ...resource_details import OfflineTextBrowser
from ...slot_guard import guarded
from .process_form import ProcessForm, encode_layer_inputs
from .process_results import ProcessResults


def server_job_label(info: StatusInfo) -> str:
    """One line of the server's job list: id, process, status, progress."""
    parts = [info.job_id, info.process_id or "?", info.status]
    if info.progress is not None:
        parts.append(f"{info.progress:.0f}%")
    return " · ".join(parts)


def describe_html(description: ProcessDescription) -> str:
    """The description pane: title, version, description, keywords, inputs and outputs with types."""
    esc = html.escape
    parts = [f"<h3>{esc(description.title)}</h3>"]
    meta = [f"id <code>{esc(description.id)}</code>"]
    if description.version:
        meta.append(f"version {esc(description.version)}")
    parts.append(f"<p>{' · '.join(meta)}</p><p>{esc(description.description)}</p>")
    if description.keywords:
        parts.append(f"<p><i>{esc(', '.join(description.keywords))}</i></p>")
    parts.append("<p><b>Inputs</b></p><ul>")
    for spec in description.inputs:
        default = f"; default {esc(str(spec.default))}" if spec.has_default else ""
        need = "optional" if spec.optional else "required"
        parts.append(
            f"<li><b>{esc(spec.title)}</b> <code>{esc(spec.name)}</code>: {esc(spec.type_label())} "
            f"({need}{default})<br/>{esc(spec.description)}</li>"
        )
    parts.append("</ul><p><b>Outputs</b></p><ul>")
    for output in description.outputs:
        parts.append(f"<li><b>{esc(output.title)}</b> <code>{esc(output.name)}</code>: {esc(output.kind)}</li>")
    parts.append("</ul>")
    return "".join(parts)


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
        jobs_box = QWidget(splitter)
        jobs_layout = QVBoxLayout(jobs_box)
        jobs_layout.setContentsMargins(0, 0, 0, 0)
        jobs_buttons = QHBoxLayout()
        self.server_jobs_button = QPushButton(self.tr("Server jobs"), jobs_box)
        self.server_jobs_button.setToolTip(self.tr("List the jobs the server knows, started here or elsewhere"))
        self.follow_button = QPushButton(self.tr("Follow"), jobs_box)
        self.follow_button.setToolTip(self.tr("Watch the chosen job in the Jobs dock and fetch its results"))
        self.follow_button.setEnabled(False)
        jobs_buttons.addWidget(self.server_jobs_button)
        jobs_buttons.addStretch(1)
        jobs_buttons.addWidget(self.follow_button)
        jobs_layout.addLayout(jobs_buttons)
        self.server_jobs = QListWidget(jobs_box)
        jobs_layout.addWidget(self.server_jobs, 1)
        self.server_job_infos: dict[str, StatusInfo] = {}
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
        self.server_jobs_button.clicked.connect(self.load_server_jobs)
        self.follow_button.clicked.connect(self.follow)
        self.server_jobs.currentItemChanged.connect(
            lambda item, _previous: self.follow_button.setEnabled(item is not None)
        )
        self.server_jobs.itemDoubleClicked.connect(lambda _item: self.follow())
        store().changed.connect(self.reload_connections)
        self._manager = _job_manager()
        if self._manager is not None:
            self._manager.job_changed.connect(self._job_changed)
            self._manager.results_ready.connect(self._job_changed)
            self._manager.job_removed.connect(self._job_removed)
            self.results.addToMapRequested.connect(self._add_to_map)
        self.reload_connections()

    # Connections and processes ----------------------------------------------------------------------------

    @guarded
    def reload_connections(self) -> None:
        current = self.connection_combo.currentText()
        self.connection_combo.blockSignals(True)
        self.connection_combo.clear()
        for connection in store().all():
            if connection.kind == PLATFORM:
                self.connection_combo.addItem(connection.name, connection.name)
        index = self.connection_combo.findText(current)
        self.connection_combo.setCurrentIndex(max(index, 0))
        self.connection_combo.blockSignals(False)
        self._connection_changed()

    def connection(self) -> Optional[Connection]:
        name = self.connection_combo.currentData()
        return store().get(name) if name else None

    @guarded
    def _connection_changed(self) -> None:
        connection = self.connection()
        self.process_list.clear()
        self.description_view.clear()
        self.server_jobs.clear()
        self.server_job_infos.clear()
        self._set_form(None)
        self._forget_current_job()  # the pane shows this connection's work only (the Jobs dock keeps them all)
        self.results.clear()
        self.server_jobs_button.setEnabled(connection is not None)
        if connection is None:
            self.adapter = None
            self.server_label.setText(
                html.escape(self.tr("No OGC API – Processes connection yet: add one under Connections…"))
            )
            return
        adapter = self.adapter = OgcProcessesAdapter(connection)
        self.server_label.setText(html.escape(self.tr("Loading {name}…").format(name=connection.name)))

        def work(feedback: QgsFeedback) -> tuple[Any, list[str], list[ProcessSummary]]:
            landing = adapter.landing_page(feedback)
            try:
                conformance = adapter.conformance(feedback)
            except GeodockError:
                conformance = []
            return landing, conformance, adapter.processes(feedback)

        def done(result: tuple[Any, list[str], list[ProcessSummary]]) -> None:
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
            if adapter is self.adapter:
                self.server_label.setText(
                    html.escape(message) + " <a href='retry'>" + html.escape(self.tr("Retry")) + "</a>"
                )

        self._run(self.tr("Loading {name}").format(name=connection.name), work, done, on_failed=failed)

    @guarded
    def _filter(self) -> None:
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
        self._set_form(None)
        if item is None or self.adapter is None:
            return
        adapter, process_id = self.adapter, item.data(Qt.ItemDataRole.UserRole)
        self.description_view.setPlainText(self.tr("Describing {id}…").format(id=process_id))

        def done(description: ProcessDescription) -> None:
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
        folder = _results_folder(description.title or description.id)

        def work(feedback: QgsFeedback) -> tuple[ExecuteOutcome, Optional[dict[str, Any]]]:
            inputs = encode_layer_inputs(values, feedback)
            outcome = adapter.execute(description.id, execute_request(inputs), feedback)
            prefetched = None
            if outcome.results is not None:  # a synchronous answer: the results are here already
                written = write_results(adapter, outcome.results, folder, outcome.job_id or description.id, feedback)
                prefetched = {"layer_files": [str(p) for p in written.layer_files]}
            return outcome, prefetched

        def done(result: tuple[ExecuteOutcome, Optional[dict[str, Any]]]) -> None:
            outcome, prefetched = result
            job = Job(
                platform=PLATFORM,
                connection=adapter.connection.name,
                remote_id=outcome.job_id or description.id,
                title=description.title or description.id,
                kind=KIND,
                state=outcome.status.state,
                progress=outcome.status.progress,
                message=outcome.status.message,
                result={"job_url": outcome.job_url, "process": description.id},
                folder=str(folder),
            )
            if prefetched is not None:
                job.result["prefetched"] = prefetched
            self.current_job = job.id
            self.job_ids.add(job.id)
            self.results.show_job(job)
            self.dismiss_button.setEnabled(prefetched is None)
            if self._manager is not None:
                self._manager.submit(job)
            else:
                self.results.show_message(
                    self.tr("Job {id} started (no job manager to follow it)").format(id=job.remote_id)
                )

        self.results.show_message(self.tr("Sending…"))
        self.execute_button.setEnabled(False)  # one job per click, however fast the clicks come
        self._run(
            self.tr("Executing {id}").format(id=description.id),
            work,
            done,
            on_end=lambda: self.execute_button.setEnabled(self.form is not None),
        )

    # The server's own jobs ---------------------------------------------------------------------------------

    @guarded
    def load_server_jobs(self) -> None:
        """List the server's jobs (``/jobs``, in a task): id, process, status, progress."""
        if self.adapter is None:
            return
        adapter = self.adapter
        self.server_jobs.clear()
        self.server_jobs.addItem(self.tr("Loading jobs…"))
        self.follow_button.setEnabled(False)

        def done(infos: list[StatusInfo]) -> None:
            if adapter is not self.adapter:
                return
            self.server_jobs.clear()
            self.server_job_infos = {info.job_id: info for info in infos if info.job_id}
            for info in self.server_job_infos.values():
                item = QListWidgetItem(server_job_label(info))
                item.setData(Qt.ItemDataRole.UserRole, info.job_id)
                item.setToolTip(plain_tooltip(info.message))
                self.server_jobs.addItem(item)
            if not self.server_job_infos:
                self.server_jobs.addItem(self.tr("The server lists no jobs"))

        self._run(self.tr("Listing jobs"), lambda feedback: adapter.jobs(feedback), done)

    @guarded
    def follow(self) -> None:
        """Hand the chosen server job to the job manager: watched, and its results fetched when it ends."""
        item = self.server_jobs.currentItem()
        info = self.server_job_infos.get(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None
        if info is None or self.adapter is None:
            return
        connection = self.adapter.connection.name
        if self._manager is not None:
            for known in self._manager.jobs():
                if known.connection == connection and known.platform == PLATFORM and known.remote_id == info.job_id:
                    self._show(known)  # followed already
                    return
        title = info.process_id or info.job_id
        job = Job(
            platform=PLATFORM,
            connection=connection,
            remote_id=info.job_id,
            title=title,
            kind=KIND,
            state=info.state,
            progress=info.progress,
            message=info.message,
            result={"job_url": self.adapter.job_url(info.job_id), "process": info.process_id},
            folder=str(_results_folder(title)),
        )
        self._show(job)
        if self._manager is not None:
            self._manager.submit(job)
        else:
            self.results.show_message(self.tr("No job manager to follow {id}").format(id=job.remote_id))

    def _show(self, job: Job) -> None:
        """Make ``job`` the one the results pane shows (and Dismiss acts on)."""
        self.current_job = job.id
        self.job_ids.add(job.id)
        self.results.show_job(job)
        self.dismiss_button.setEnabled(not job.state.final)

    @guarded
    def dismiss(self) -> None:
        if self._manager is not None and self.current_job:
            self._manager.cancel(self.current_job)

    @guarded
    def _add_to_map(self, job_id: str) -> None:
        if self._manager is not None and job_id:
            self._manager.add_to_map(job_id)

    def _forget_current_job(self) -> None:
        self.current_job = ""
        self.dismiss_button.setEnabled(False)

    @guarded
    def _job_removed(self, job_id: str) -> None:
        self.job_ids.discard(job_id)
        if job_id == self.current_job:
            self._forget_current_job()
            self.results.clear()
            self.results.show_message(self.tr("Removed from the Jobs list: Geodock no longer follows it"))

    @guarded
    def _job_changed(self, job_id: str) -> None:
        if job_id not in self.job_ids or self._manager is None:
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
        """Run ``work`` in a task named after ``what``; ``done`` gets its result, a failure is told in the
        message bar and the results pane (and handed to ``on_failed``); ``on_end`` runs after either."""

        def finished(result: Any) -> None:
            try:
                done(result)
            finally:
                if on_end is not None:
                    on_end()

        def failed(err: GeodockError) -> None:
            try:
                message = log.exception(err, what)
                push_message(self.iface.messageBar(), message, Qgis.MessageLevel.Warning)
                self.results.show_message(message)
                if on_failed is not None:
                    on_failed(message)
            finally:
                if on_end is not None:
                    on_end()

        task = run_in_background(self.tr("Geodock: {what}").format(what=what), work, finished, failed)
        self.tasks = [t for t in self.tasks if _alive(t)] + [task]

    def shutdown(self) -> None:
        try:
            store().changed.disconnect(self.reload_connections)
        except TypeError:
            pass
        if self._manager is not None:
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
            if _alive(task):
                task.cancel()


def _alive(task: Any) -> bool:
    from qgis.PyQt import sip

    return task is not None and not sip.isdeleted(task) and task.status() not in (task.Complete, task.Terminated)


def _job_manager() -> Any:
    try:
        from ....plugin.jobs import manager
    except ImportError:
        return None
    return manager()


def _results_folder(title: str) -> Path:
    from ....plugin.net.download import safe_filename

    base = Path(QgsApplication.qgisSettingsDirPath()) / "geodock" / "process-results"
    folder = base / safe_filename(title, "process")
    index = 1
    while folder.exists():
        folder = base / f"{safe_filename(title, 'process')} ({index})"
        index += 1
    return folder
