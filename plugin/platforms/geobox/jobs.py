"""Geobox exports and server tasks: export a vector layer, follow any task, abort it, list the running ones.

An export is ``POST vectorLayers/{uuid}/export/`` (form) → ``{task_id}``; the task (``tasks/{uuid}/``, progress
from ``tasks/{uuid}/status/``) ends ``SUCCESS`` with ``result.file_uuid``, downloaded from
``files/{uuid}/download/``. :class:`GeoboxTaskBackend` serves the job manager for ``("geobox", "task")``
jobs (``Job.remote_id`` is the task uuid); finished publish tasks name a layer (``layer_uuid`` …) instead of a
file, which the job keeps in ``Job.result``. Blocking calls: tasks and algorithms only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from qgis.core import QgsFeedback

from ... import job_status, log
from ...connections import Connection
from ...errors import GeodockError, UnreadableResponseError
from ...i18n import tr
from ...job_model import Job, JobBackend, JobState, JobStatus
from ...net.client import HttpClient, HttpRequest, shared_client
from ...net.download import download, safe_filename
from ...net.filenames import commit_reserved, release, reserve
from ...redact import redact_url
from .adapter import GeoboxAdapter

EXPORT_FORMATS = {
    "GPKG": "GeoPackage",
    "Shapefile": "Shapefile (zipped)",
    "GeoJSON": "GeoJSON",
    "CSV": "CSV",
    "KML": "KML",
    "DXF": "DXF",
}
STATES = {
    "PENDING": JobState.QUEUED,
    "PROGRESS": JobState.RUNNING,
    "SUCCESS": JobState.SUCCEEDED,
    "FAILURE": JobState.FAILED,
    "ABORTED": JobState.CANCELLED,
}
RESULT_KEYS = ("file_uuid", "layer_uuid", "raster_uuid", "table_uuid", "tileset_uuid", "file_name")


@dataclass
class GeoboxTask:
    """A Geobox server task (an export, a publish...) as the server describes it."""

    uuid: str
    name: str
    state: str
    progress: Optional[float] = None  # 0-100
    result: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    finished_at: str = ""

    @classmethod
    def from_json(cls, doc: Any, url: str = "") -> GeoboxTask:
        """A task from the server's JSON (``url``: where it came from); UnreadableResponseError when the answer
        is not a task (an unknown state, a progress that is not a number from 0 to 100...)."""
        doc = job_status.status_object(doc, url)
        task_id = job_status.identifier(doc, "uuid", url)
        return cls(
            uuid=task_id,
            name=job_status.text(doc, "name", url) or task_id,
            state=job_status.choice(doc, "state", url, STATES),
            progress=job_status.number(doc, "progress", url, 0.0, 100.0),
            result=job_status.mapping(doc, "result", url),
            created_at=str(doc.get("created_at") or ""),
            finished_at=str(doc.get("finished_at") or ""),
        )

    @property
    def error(self) -> str:
        """The task's error message, '' when it has none."""
        detail = self.result.get("detail")
        if isinstance(detail, dict):
            return str(detail.get("msg") or "")
        errors = self.result.get("errors")
        if errors:
            return "; ".join(str(e) for e in errors) if isinstance(errors, list) else str(errors)
        return str(detail or "")

    def status(self) -> JobStatus:
        """The task as a poll's answer (state, progress, message, result ids)."""
        state = STATES.get(self.state, JobState.RUNNING)
        message = {
            JobState.QUEUED: tr("Waiting on the server"),
            JobState.RUNNING: tr("Running on the server"),
            JobState.SUCCEEDED: tr("Finished"),
            JobState.FAILED: tr("Failed on the server"),
            JobState.CANCELLED: tr("Aborted"),
        }[state]
        if state in (JobState.FAILED, JobState.CANCELLED) and self.error:
            message = f"{message}: {self.error}"
        result = {k: self.result[k] for k in RESULT_KEYS if self.result.get(k)}
        return JobStatus(state, 100.0 if state == JobState.SUCCEEDED else self.progress, message, result)

    def to_job(self, connection: Connection, folder: str = "", add_to_project: bool = True) -> Job:
        """A job-manager job following this task."""
        job = Job(
            platform="geobox",
            connection=connection.name,
            remote_id=self.uuid,
            title=self.name,
            kind="task",
            folder=folder,
            add_to_project=add_to_project,
        )
        job.apply(self.status())
        return job


class GeoboxTasks:
    """Exports and tasks of one Geobox connection (blocking calls)."""

    def __init__(self, connection: Connection, client: Optional[HttpClient] = None) -> None:
        self.adapter = GeoboxAdapter(connection, client or shared_client())
        self.client = self.adapter.client
        self.connection = connection

    def _auth(self, feedback: Optional[QgsFeedback]) -> Any:
        return self.adapter.authenticated(feedback)

    def export_layer(
        self,
        layer_uuid: str,
        out_format: str = "GPKG",
        out_srid: Optional[int] = None,
        bbox: Optional[tuple[float, float, float, float]] = None,
        bbox_srid: int = 4326,
        cql: str = "",
        fields: Optional[list[str]] = None,
        filename: str = "",
        feedback: Optional[QgsFeedback] = None,
    ) -> GeoboxTask:
        """Start an export of a vector layer (or view); returns its task."""
        from .exporter import GeoboxExportRequest  # (the body is the exporter's, which imports this module)

        export = GeoboxExportRequest(
            name="",
            items=[layer_uuid],
            format=out_format,
            srid=out_srid,
            bbox=bbox,
            bbox_srid=bbox_srid,
            cql=cql,
            fields=list(fields or []),
            filename=filename,
        )
        return self.start_export(layer_uuid, export.body(), feedback)

    def start_export(self, layer_uuid: str, form: dict[str, Any], feedback: Optional[QgsFeedback] = None) -> GeoboxTask:
        """POST an export ``form`` (:meth:`.exporter.GeoboxExportRequest.body`) for a layer; returns its task."""
        request = HttpRequest(
            self.adapter.url(f"vectorLayers/{layer_uuid}/export/"), "POST", form=form, auth=self._auth(feedback)
        )
        doc = self.client.send(request, feedback).json() or {}
        task_id = doc.get("task_id") or doc.get("uuid")
        if not task_id:
            raise GeodockError(tr("Geobox answered the export without a task id"), str(doc)[:500])
        return self.task(str(task_id), feedback)

    def task(self, uuid: str, feedback: Optional[QgsFeedback] = None) -> GeoboxTask:
        """The task ``uuid`` as the server describes it now."""
        url = self.adapter.url(f"tasks/{uuid}/")
        return GeoboxTask.from_json(self.client.get_json(url, auth=self._auth(feedback), feedback=feedback), url)

    def progress(self, uuid: str, feedback: Optional[QgsFeedback] = None) -> Optional[float]:
        """The task's progress (0-100) from ``{current, total}``; None when the server does not count."""
        url = self.adapter.url(f"tasks/{uuid}/status/")
        doc = job_status.status_object(self.client.get_json(url, auth=self._auth(feedback), feedback=feedback), url)
        total, current = job_status.number(doc, "total", url), job_status.number(doc, "current", url)
        return min(100.0, 100.0 * (current or 0.0) / total) if total else None

    def abort(self, uuid: str, feedback: Optional[QgsFeedback] = None) -> GeoboxTask:
        """Ask the server to abort the task; the task after that."""
        url = self.adapter.url(f"tasks/{uuid}/abort/")
        doc = self.client.send(HttpRequest(url, "POST", form={}, auth=self._auth(feedback)), feedback).json()
        if isinstance(doc, dict) and doc.get("uuid"):
            return GeoboxTask.from_json(doc, url)
        return self.task(uuid, feedback)

    def tasks(self, state: str = "", limit: int = 100, feedback: Optional[QgsFeedback] = None) -> list[GeoboxTask]:
        """The user's tasks on the server (``state`` PENDING, PROGRESS, SUCCESS, FAILURE or ABORTED)."""
        params: dict[str, Any] = {"f": "json", "skip": 0, "limit": limit}
        if state:
            params["state"] = state
        url = self.adapter.url("tasks/")
        docs = self.client.get_json(url, params=params, auth=self._auth(feedback), feedback=feedback)
        tasks: list[GeoboxTask] = []
        errors: list[str] = []
        for doc in docs if isinstance(docs, list) else []:
            try:
                tasks.append(GeoboxTask.from_json(doc, url))
            except UnreadableResponseError as err:  # one bad entry does not hide the others
                errors.append(err.message)
        if errors:
            log.warning(f"{len(errors)} unreadable task(s) skipped in {redact_url(url)}; the first: {errors[0]}")
        return tasks

    def list_jobs(self, feedback: Optional[QgsFeedback] = None) -> list[Job]:
        """SERVER_JOBS: the user's tasks as jobs to follow (folder and download state set)."""
        from ...jobs.fetching import to_follow

        return [to_follow(task.to_job(self.connection)) for task in self.tasks(feedback=feedback)]

    def running_tasks(self, feedback: Optional[QgsFeedback] = None) -> list[GeoboxTask]:
        """The user's tasks that wait or run."""
        return self.tasks("PENDING", feedback=feedback) + self.tasks("PROGRESS", feedback=feedback)

    def download_file(self, file_uuid: str, folder: Path, feedback: Optional[QgsFeedback] = None) -> Path:
        """Download the file ``file_uuid`` into ``folder``."""
        request = HttpRequest(self.adapter.url(f"files/{file_uuid}/download/"), auth=self._auth(feedback), timeout=120)
        return download(self.client, request, folder, None, feedback).path


class GeoboxTaskBackend(JobBackend):
    """Follows, aborts and downloads (when the task made a file) Geobox tasks for the job manager."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.api = GeoboxTasks(connection)

    def poll(self, job: Job, feedback: Optional[QgsFeedback] = None) -> JobStatus:
        """The task's status now (with its progress from ``status/`` when the task has none)."""
        task = self.api.task(job.remote_id, feedback)
        status = task.status()
        if status.state == JobState.RUNNING and task.progress is None:
            status.progress = self.api.progress(job.remote_id, feedback)
        return status

    def cancel(self, job: Job, feedback: Optional[QgsFeedback] = None) -> JobStatus:
        """Abort the task."""
        return self.api.abort(job.remote_id, feedback).status()

    def fetch_results(self, job: Job, folder: Path, feedback: Optional[QgsFeedback] = None) -> list[Path]:
        """An export task's file; a publish task's new vector layer as a local copy (to add to the map)."""
        result = dict(job.result)
        if not result.get("file_uuid") and not result.get("layer_uuid"):
            result.update(self.api.task(job.remote_id, feedback).result)
        file_uuid = result.get("file_uuid")
        layer_uuid = result.get("layer_uuid")
        if not file_uuid and layer_uuid:
            from .adapter import GeoboxAdapter

            adapter = GeoboxAdapter(self.connection)
            resource = adapter.resource_by_id(str(layer_uuid), feedback)
            # A new name (never a file already in the folder), reserved before the copy and filled after it.
            target, reserved = reserve(folder / f"{safe_filename(resource.title or str(layer_uuid), 'layer')}.gpkg")
            try:
                scratch = target.with_name(f".{target.stem}.{uuid.uuid4().hex[:12]}.fetch.gpkg")
                source = adapter.fetch_features(resource, str(scratch), None, feedback)
                return [commit_reserved(Path(source.split("|")[0]), target, reserved)]
            except BaseException:
                release(target, reserved)
                raise
        if not file_uuid:
            made = ", ".join(f"{k} {v}" for k, v in job.result.items() if k.endswith("_uuid")) or tr("nothing")
            raise GeodockError(tr("This task made no file to download (it made {made})").format(made=made))
        return [self.api.download_file(str(file_uuid), folder, feedback)]
