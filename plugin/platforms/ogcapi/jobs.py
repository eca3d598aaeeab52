"""OGC API – Processes jobs for the job manager: poll, dismiss, and results into files.

Results become files the job manager (or a Processing algorithm) adds to the project: an inline GeoJSON
output → ``<output>.geojson``; a link (``href``) → downloaded with :func:`plugin.net.download.download`; and
every output, plain values included, goes into ``results-<job>.json`` (downloaded outputs appear there as
``{"file": path, "href": url}``), which the results pane shows and ``geodock:executeprocess`` returns.
A job whose server answered synchronously carries its results already written (``Job.result["prefetched"]``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from qgis.core import QgsFeedback

from ... import job_status, log
from ...connections import Connection
from ...errors import CancelledError, GeodockError
from ...i18n import tr
from ...job_model import Job, JobBackend, JobState, JobStatus
from ...jobs import wait_for_job
from ...net import json_limits
from ...net.client import HttpRequest
from ...net.download import download, safe_filename
from ...net.filenames import write_atomically, write_new_file
from .adapter import STATES, OgcProcessesAdapter, StatusInfo
from .process_description import GEOJSON_TYPES, GEOMETRY_TYPES

PLATFORM = "ogcapi-processes"
KIND = "process"


@dataclass
class ResultItem:
    """One output of a job, classified for display and for files."""

    name: str
    kind: str  # "geojson", "link", "value"
    value: Any = None
    href: str = ""
    media_type: str = ""


@dataclass
class WrittenResults:
    """The files a job's results were written to, and every output (files named, values as they are)."""

    results_file: Path
    layer_files: list[Path] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)


def _is_geojson(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    kind = value.get("type")
    return kind in ("FeatureCollection", "Feature") or (kind in GEOMETRY_TYPES and "coordinates" in value)


def normalise_results(data: Any) -> dict[str, Any]:
    """``/results`` (or a synchronous answer) as ``{output name: value}``.

    pygeoapi answers one output as ``{"id": name, "value": value}``; a bare GeoJSON object or a non-object is
    one output named ``result``.
    """
    if isinstance(data, dict) and set(data) <= {"id", "value", "mediaType"} and "id" in data and "value" in data:
        return {str(data["id"]): data["value"]}
    if not isinstance(data, dict) or _is_geojson(data) or "href" in data:
        return {"result": data}
    return dict(data)


def classify(name: str, value: Any) -> ResultItem:
    """What an output value is: a link to download, GeoJSON to make a layer of, or a plain value."""
    if isinstance(value, dict) and isinstance(value.get("href"), str):
        return ResultItem(name, "link", value, value["href"], str(value.get("type") or ""))
    media = ""
    if (
        isinstance(value, dict)
        and "value" in value
        and ("mediaType" in value or "encoding" in value or len(value) == 1)
    ):
        media = str(value.get("mediaType") or "")
        value = value["value"]
        if isinstance(value, str) and media in GEOJSON_TYPES:
            try:
                value = json_limits.loads(value)
            except ValueError:
                pass
    if _is_geojson(value):
        if value.get("type") != "FeatureCollection":
            feature = value if value.get("type") == "Feature" else {"type": "Feature", "geometry": value}
            value = {
                "type": "FeatureCollection",
                "features": [dict(feature, properties=feature.get("properties") or {})],
            }
        return ResultItem(name, "geojson", value, media_type=media or "application/geo+json")
    return ResultItem(name, "value", value, media_type=media)


def results_file_name(job_id: str) -> str:
    """The name of the results JSON of ``job_id``."""
    return f"results-{safe_filename(job_id or 'job', 'job')}.json"


def write_results(
    adapter: OgcProcessesAdapter,
    data: Any,
    folder: Path,
    job_id: str,
    feedback: Optional[QgsFeedback] = None,
) -> WrittenResults:
    """Write a job's results into ``folder``: GeoJSON files, downloads, and the results JSON of all outputs."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = WrittenResults(folder / results_file_name(job_id))
    items = [classify(name, value) for name, value in normalise_results(data).items()]
    for index, item in enumerate(items):
        if feedback is not None:
            if feedback.isCanceled():
                break
            feedback.setProgress(100.0 * index / max(1, len(items)))
        if item.kind == "geojson":
            path = write_new_file(
                folder / f"{safe_filename(item.name, 'result')}.geojson", json.dumps(item.value).encode()
            )
            written.layer_files.append(path)
            written.outputs[item.name] = {"file": str(path), "mediaType": "application/geo+json"}
        elif item.kind == "link":
            same_server = item.href.startswith(_root(adapter))
            request = HttpRequest(item.href, auth=adapter.auth if same_server else None, accept="*/*", timeout=120)
            name = str(item.value.get("title") or "") or item.href.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
            result = download(adapter.client, request, folder, filename=name or None, feedback=feedback)
            written.layer_files.append(result.path)
            written.outputs[item.name] = {"file": str(result.path), "href": item.href, "type": item.media_type}
        else:
            written.outputs[item.name] = item.value
    payload = {"jobID": job_id, "outputs": written.outputs}
    # Geodock's own record of this job's results (the results pane reads it by name): rewritten on purpose.
    write_atomically(written.results_file, json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8"))
    return written


def _root(adapter: OgcProcessesAdapter) -> str:
    """scheme://host:port/ of the connection (credentials only go to its own origin)."""
    parts = adapter.connection.base_url.split("/")
    return "/".join(parts[:3]) + "/"


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
        data = self.adapter.results(self._job_ref(job), feedback)
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
) -> tuple[StatusInfo, WrittenResults]:
    """Execute, follow the job to its end, write its results (blocking; for Processing and scripts).

    Cancelling ``feedback`` dismisses the job on the server and raises :class:`CancelledError`; a failed job
    raises :class:`ProcessFailedError` with the server's message.
    """
    outcome = adapter.execute(process_id, body, feedback)
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
    return info, write_results(
        adapter, adapter.results(job.result["job_url"], feedback), folder, outcome.job_id, feedback
    )
