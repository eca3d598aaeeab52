"""Pieces of the Processes dock: the pane listing the server's own jobs, the description pane's HTML, and the
folder a process's results go to."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Callable, Optional

from qgis.core import Qgis, QgsApplication, QgsFeedback
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from ....plugin import log
from ....plugin.errors import GeodockError
from ....plugin.gui_hooks import push_message
from ....plugin.job_model import Job
from ....plugin.platforms.ogcapi.adapter import (
    ExecuteOutcome,
    LandingPage,
    OgcProcessesAdapter,
    ProcessSummary,
    StatusInfo,
)
from ....plugin.platforms.ogcapi.jobs import KIND, PLATFORM, job_for_status, write_results
from ....plugin.platforms.ogcapi.process_description import ProcessDescription, execute_request
from ....plugin.tasks import run_in_background
from ...plain_text import plain_tooltip
from ...slot_guard import guarded
from .process_form import encode_layer_inputs
from .process_results import ProcessResults

Runner = Callable[[str, Any, Any], None]  # (what, work(feedback), done(result)): the dock's task runner


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


class ServerJobsPane(QWidget):
    """The server's own jobs (``/jobs``), started here or elsewhere, and a Follow button for the chosen one."""

    followRequested = pyqtSignal()  # Follow clicked (or a job double-clicked): see :meth:`current_info`

    def __init__(self, run: Runner, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._run = run
        self.adapter: Optional[OgcProcessesAdapter] = None
        self.infos: dict[str, StatusInfo] = {}  # kept in place: the dock shares it
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        self.list_button = QPushButton(self.tr("Server jobs"), self)
        self.list_button.setToolTip(self.tr("List the jobs the server knows, started here or elsewhere"))
        self.follow_button = QPushButton(self.tr("Follow"), self)
        self.follow_button.setToolTip(self.tr("Watch the chosen job in the Jobs dock and fetch its results"))
        self.follow_button.setEnabled(False)
        buttons.addWidget(self.list_button)
        buttons.addStretch(1)
        buttons.addWidget(self.follow_button)
        layout.addLayout(buttons)
        self.list = QListWidget(self)
        layout.addWidget(self.list, 1)
        self.list_button.clicked.connect(self.load)
        self.follow_button.clicked.connect(self.followRequested)
        self.list.currentItemChanged.connect(lambda item, _previous: self.follow_button.setEnabled(item is not None))
        self.list.itemDoubleClicked.connect(lambda _item: self.followRequested.emit())

    def set_adapter(self, adapter: Optional[OgcProcessesAdapter]) -> None:
        """Show the jobs of another connection (none until :meth:`load`)."""
        self.adapter = adapter
        self.list.clear()
        self.infos.clear()
        self.list_button.setEnabled(adapter is not None)

    def current_info(self) -> Optional[StatusInfo]:
        """The status of the chosen job, or None."""
        item = self.list.currentItem()
        return self.infos.get(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    @guarded
    def load(self) -> None:
        """List the server's jobs (``/jobs``, in a task): id, process, status, progress."""
        if self.adapter is None:
            return
        adapter = self.adapter
        self.list.clear()
        self.list.addItem(self.tr("Loading jobs…"))
        self.follow_button.setEnabled(False)

        def done(infos: list[StatusInfo]) -> None:
            """Show the jobs, unless another connection was chosen meanwhile."""
            if adapter is self.adapter:
                self._show(infos)

        self._run(self.tr("Listing jobs"), lambda feedback: adapter.jobs(feedback), done)

    def _show(self, infos: list[StatusInfo]) -> None:
        """Fill the list with ``infos``."""
        self.list.clear()
        self.infos.clear()
        self.infos.update({info.job_id: info for info in infos if info.job_id})
        for info in self.infos.values():
            item = QListWidgetItem(server_job_label(info))
            item.setData(Qt.ItemDataRole.UserRole, info.job_id)
            item.setToolTip(plain_tooltip(info.message))
            self.list.addItem(item)
        if not self.infos:
            self.list.addItem(self.tr("The server lists no jobs"))


def server_overview(
    adapter: OgcProcessesAdapter, feedback: QgsFeedback
) -> tuple[LandingPage, list[str], list[ProcessSummary]]:
    """The server's landing page, its conformance classes (none when it will not say) and its processes."""
    landing = adapter.landing_page(feedback)
    try:
        conformance = adapter.conformance(feedback)
    except GeodockError:
        conformance = []
    return landing, conformance, adapter.processes(feedback)


def execute_and_prefetch(
    adapter: OgcProcessesAdapter,
    description: ProcessDescription,
    values: dict[str, Any],
    folder: Path,
    feedback: QgsFeedback,
) -> tuple[ExecuteOutcome, Optional[dict[str, Any]]]:
    """Encode the layer inputs, execute, and write a synchronous answer's results at once (worker thread)."""
    inputs = encode_layer_inputs(values, feedback)
    outcome = adapter.execute(description.id, execute_request(inputs), feedback)
    prefetched = None
    if outcome.results is not None:  # a synchronous answer: the results are here already
        written = write_results(adapter, outcome.results, folder, outcome.job_id or description.id, feedback)
        prefetched = {"layer_files": [str(p) for p in written.layer_files]}
    return outcome, prefetched


def started_job(
    adapter: OgcProcessesAdapter,
    description: ProcessDescription,
    outcome: ExecuteOutcome,
    prefetched: Optional[dict[str, Any]],
    folder: Path,
) -> Job:
    """The Geodock job of a process just executed (with its results when the answer was synchronous)."""
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
    return job


def followed_job(adapter: OgcProcessesAdapter, info: StatusInfo) -> Job:
    """The Geodock job following a job the server listed (started here or elsewhere)."""
    title = info.process_id or info.job_id
    return job_for_status(adapter.connection, info, title, folder=str(results_folder(title)))


def run_reported(
    message_bar: Callable[[], Any],
    results: ProcessResults,
    what: str,
    title: str,
    work: Any,
    done: Any,
    on_failed: Optional[Callable[[str], None]] = None,
    on_end: Optional[Callable[[], None]] = None,
) -> Any:
    """Run ``work`` in a task called ``title``; ``done`` gets its result, a failure is told in the message bar
    and the results pane (and handed to ``on_failed``); ``on_end`` runs after either. Returns the task."""

    def finished(result: Any) -> None:
        """Hand on the result, then run ``on_end``."""
        try:
            done(result)
        finally:
            if on_end is not None:
                on_end()

    def failed(err: GeodockError) -> None:
        """Tell the failure, then run ``on_end``."""
        try:
            message = log.exception(err, what)
            push_message(message_bar(), message, Qgis.MessageLevel.Warning)
            results.show_message(message)
            if on_failed is not None:
                on_failed(message)
        finally:
            if on_end is not None:
                on_end()

    return run_in_background(title, work, finished, failed)


def alive(task: Any) -> bool:
    """Whether ``task`` (a QgsTask or None) still exists and has not ended."""
    from qgis.PyQt import sip

    return task is not None and not sip.isdeleted(task) and task.status() not in (task.Complete, task.Terminated)


def job_manager() -> Any:
    """Geodock's job manager."""
    from ....plugin.jobs import manager

    return manager()


def results_folder(title: str) -> Path:
    """A new folder (not yet made) for the results of a process run named ``title``."""
    from ....plugin.net.download import safe_filename

    base = Path(QgsApplication.qgisSettingsDirPath()) / "geodock" / "process-results"
    folder = base / safe_filename(title, "process")
    index = 1
    while folder.exists():
        folder = base / f"{safe_filename(title, 'process')} ({index})"
        index += 1
    return folder
