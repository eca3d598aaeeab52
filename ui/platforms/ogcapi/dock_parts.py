"""Pieces of the Processes dock: the description pane's HTML, executing a request (kept in the job's folder for
Run again), the Geodock job of a new or followed server job, and the folder a process's results go to."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Callable, Optional

from qgis.core import Qgis, QgsApplication, QgsFeedback

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
from ....plugin.platforms.ogcapi.execute_options import ExecuteOptions, build_request, raw_output_name
from ....plugin.platforms.ogcapi.execution_request import SavedRequest, execute_body, write_request_file
from ....plugin.platforms.ogcapi.jobs import KIND, PLATFORM, job_for_status, write_results
from ....plugin.platforms.ogcapi.process_description import ProcessDescription
from ....plugin.tasks import run_in_background
from .process_form import encode_layer_inputs
from .process_results import ProcessResults

REQUEST_FILE_NAME = "request.json"  # the execution request, kept in the job's folder


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
    options: ExecuteOptions,
    folder: Path,
    feedback: QgsFeedback,
) -> tuple[ExecuteOutcome, Optional[dict[str, Any]]]:
    """Encode the layer inputs, execute with the chosen options (worker thread); see :func:`send_request`."""
    saved = SavedRequest(
        description.id,
        build_request(encode_layer_inputs(values, feedback), options, description),
        options.asynchronous(description),
    )
    return send_request(adapter, saved, folder, feedback, description)


def send_request(
    adapter: OgcProcessesAdapter,
    saved: SavedRequest,
    folder: Path,
    feedback: QgsFeedback,
    description: Optional[ProcessDescription] = None,
) -> tuple[ExecuteOutcome, Optional[dict[str, Any]]]:
    """Keep the request in the job's folder (Run again sends it once more), execute it, and write a synchronous
    answer's results at once (worker thread; a raw answer is saved in ``folder`` by the adapter)."""
    write_request_file(folder / REQUEST_FILE_NAME, saved)
    body = execute_body(saved)
    outcome = adapter.execute(
        saved.process_id,
        body,
        feedback,
        asynchronous=saved.asynchronous,
        folder=folder,
        output_name=raw_output_name(body, description),
    )
    prefetched = None
    if outcome.results is not None:  # a synchronous answer: the results are here already
        written = write_results(adapter, outcome.results, folder, outcome.job_id or saved.process_id, feedback)
        prefetched = {"layer_files": [str(p) for p in written.layer_files]}
    return outcome, prefetched


def started_job(
    adapter: OgcProcessesAdapter,
    process_id: str,
    title: str,
    outcome: ExecuteOutcome,
    prefetched: Optional[dict[str, Any]],
    folder: Path,
) -> Job:
    """The Geodock job of a process just executed (with its results when the answer was synchronous)."""
    job = Job(
        platform=PLATFORM,
        connection=adapter.connection.name,
        remote_id=outcome.job_id or process_id,
        title=title or process_id,
        kind=KIND,
        state=outcome.status.state,
        progress=outcome.status.progress,
        message=outcome.status.message,
        result={"job_url": outcome.job_url, "process": process_id, "request_file": str(folder / REQUEST_FILE_NAME)},
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
