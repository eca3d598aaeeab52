"""OGC API – Processes jobs for the job manager: poll, dismiss, and results into files.

Results become files the job manager (or a Processing algorithm) adds to the project (:mod:`.results_files`:
inline GeoJSON, links, raw results and inline files saved with the extension their media type implies; every
output, plain values included, in ``results-<job>.json``, which the results pane shows and the algorithms
return). A job whose server answered synchronously carries its results already written
(``Job.result["prefetched"]``). A job's ``result`` may hold ``"output"``: the one output a raw answer is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from qgis.core import QgsFeedback

from ... import job_status, log
from ...connections import Connection
from ...errors import CancelledError, GeodockError
from ...i18n import tr
from ...job_model import Job, JobBackend, JobState, JobStatus
from ...jobs import wait_for_job
from .adapter import STATES, OgcProcessesAdapter, StatusInfo
from .results_files import ResultItem as ResultItem  # (re-exported: moved names)
from .results_files import WrittenResults, write_results
from .results_files import classify as classify
from .results_files import normalise_results as normalise_results
from .results_files import results_file_name as results_file_name

PLATFORM = "ogcapi-processes"
KIND = "process"


def read_status(adapter: OgcProcessesAdapter, job_ref: str, feedback: Optional[QgsFeedback] = None) -> StatusInfo:
    """The statusInfo of a job (its id or URL), checked: UnreadableResponseError when the answer is not one (no
    status or an unknown one, a progress that is not a number from 0 to 100, a jobID that is not an id)."""
    info = adapter.status(job_ref, feedback)
    url = job_ref if job_ref.startswith(("http://", "https://")) else adapter.job_url(job_ref)
    doc = info.raw  # {} when the answer was not an object: it has no status then
    job_status.choice(doc, "status", url, STATES, lower=True)
    job_status.number(doc, "progress", url, 0.0, 100.0)
    job_status.identifier(doc, "jobID", url)
    return info


def status_of(info: StatusInfo) -> JobStatus:
    """A statusInfo as the job model's :class:`JobStatus`."""
    result: dict[str, Any] = {"server_status": info.status}
    if info.finished:
        result["server_finished"] = info.finished
    message = info.message
    if info.state == JobState.FAILED and not message:
        message = tr("The process failed")
    return JobStatus(info.state, info.progress, message, result)


def job_for_status(connection: Connection, info: StatusInfo, title: str, job_url: str = "", folder: str = "") -> Job:
    """The Geodock job following the server's job ``info`` (``job_url``: its URL, else the usual one)."""
    return Job(
        platform=PLATFORM,
        connection=connection.name,
        remote_id=info.job_id,
        title=title,
        kind=KIND,
        state=info.state,
        progress=info.progress,
        message=info.message,
        result={"job_url": job_url or OgcProcessesAdapter(connection).job_url(info.job_id), "process": info.process_id},
        folder=folder,
    )


class OgcJobBackend(JobBackend):
    """Polls ``/jobs/{id}``, dismisses with ``DELETE``, and writes ``/jobs/{id}/results`` into files.

    ``on_status`` (optional) sees every statusInfo read; :attr:`last` is the latest.
    """

    def __init__(
        self,
        connection: Connection,
        adapter: Optional[OgcProcessesAdapter] = None,
        on_status: Optional[Callable[[StatusInfo], None]] = None,
    ) -> None:
        super().__init__(connection)
        self.adapter = adapter or OgcProcessesAdapter(connection)
        self.on_status = on_status
        self.last: Optional[StatusInfo] = None

    def _job_ref(self, job: Job) -> str:
        return str(job.result.get("job_url") or job.remote_id)

    def poll(self, job: Job, feedback: Optional[QgsFeedback] = None) -> JobStatus:
        """The job's statusInfo (a job answered synchronously has succeeded already)."""
        if job.result.get("prefetched"):
            return JobStatus(JobState.SUCCEEDED, 100.0, job.message or tr("Finished"), {})
        info = self.last = read_status(self.adapter, self._job_ref(job), feedback)
        if self.on_status is not None:
            self.on_status(info)
        if info.state == JobState.FAILED and info.traceback:
            log.error(f"{job.title} failed on the server: {info.message}\n{info.traceback}")
        return status_of(info)

    def cancel(self, job: Job, feedback: Optional[QgsFeedback] = None) -> JobStatus:
        """Dismiss the job (``DELETE /jobs/{id}``)."""
        info = self.adapter.dismiss(self._job_ref(job), feedback)
        status = status_of(info)
        status.state = JobState.CANCELLED
        status.message = info.message or tr("Dismissed")
        return status

    def fetch_results(self, job: Job, folder: Path, feedback: Optional[QgsFeedback] = None) -> list[Path]:
        """Write the job's results into ``folder`` (those of a synchronous answer are there already)."""
        prefetched = job.result.get("prefetched")
        if isinstance(prefetched, dict):
            return [Path(p) for p in prefetched.get("layer_files", []) if Path(p).exists()]
        output = str(job.result.get("output") or "")
        data = self.adapter.results(self._job_ref(job), feedback, Path(folder), output)
        return write_results(self.adapter, data, folder, job.remote_id, feedback).layer_files


class ProcessFailedError(GeodockError):
    """The job ended as failed on the server (``message`` is the server's; ``details`` its traceback)."""


def run_to_end(
    adapter: OgcProcessesAdapter,
    process_id: str,
    body: dict[str, Any],
    folder: Path,
    feedback: Optional[QgsFeedback] = None,
    on_status: Optional[Callable[[StatusInfo], None]] = None,
    asynchronous: bool = True,
    output_name: str = "",
) -> tuple[StatusInfo, WrittenResults]:
    """Execute, follow the job to its end, write its results (blocking; for Processing and scripts).

    ``asynchronous``: ask for ``Prefer: respond-async``; ``output_name``: the output a raw answer is
    (:func:`.execute_options.raw_output_name`). Cancelling ``feedback`` dismisses the job on the server and raises
    :class:`CancelledError`; a failed job raises :class:`ProcessFailedError` with the server's message.
    """
    outcome = adapter.execute(process_id, body, feedback, asynchronous, folder, output_name)
    info = outcome.status
    if on_status is not None:
        on_status(info)
    if outcome.results is not None:
        return info, write_results(adapter, outcome.results, folder, outcome.job_id or process_id, feedback)
    backend = OgcJobBackend(adapter.connection, adapter, on_status)
    job = job_for_status(adapter.connection, info, process_id, outcome.job_url or outcome.job_id)
    job.remote_id = outcome.job_id
    if not info.state.final:
        wait_for_job(backend, job, feedback, cancel_remote=True)
        info = backend.last or info
    if info.state == JobState.FAILED:
        raise ProcessFailedError(info.message or tr("{process} failed").format(process=process_id), info.traceback)
    if info.state == JobState.CANCELLED:
        raise CancelledError(tr("The job {job} was dismissed on the server").format(job=outcome.job_id))
    data = adapter.results(job.result["job_url"], feedback, folder, output_name)
    return info, write_results(adapter, data, folder, outcome.job_id, feedback)
