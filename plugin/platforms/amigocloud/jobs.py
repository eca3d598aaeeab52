"""AmigoCloud dataset exports: ``POST {dataset.export}`` → job → ``/me/jobs/{id}`` → ``extra.link`` → download.

:class:`AmigoCloudJobBackend` serves the job manager for ``("amigocloud", "export")`` jobs (``Job.remote_id``
is the job id). The export link is a capability URL that needs no token, so it is fetched without one (the
token never travels to wherever the link points). Blocking calls: tasks and algorithms only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from qgis.core import QgsFeedback

from ... import job_status
from ...connections import Connection
from ...errors import GeodockError, one_line
from ...i18n import tr
from ...job_model import Job, JobBackend, JobState, JobStatus
from ...net.client import HttpClient, HttpRequest, shared_client
from ...net.download import download
from ..base import Resource
from .adapter import AmigoCloudAdapter

EXPORT_FORMATS = {
    "GeoJSON": "GeoJSON",
    "GPKG": "GeoPackage",
    "shapefile": "Shapefile (zipped)",
    "KML": "KML",
    "CSV": "CSV",
    "GML": "GML",
}
STATES = {
    "PENDING": JobState.QUEUED,
    "STARTED": JobState.RUNNING,
    "SUCCESS": JobState.SUCCEEDED,
    "FAILURE": JobState.FAILED,
    "REVOKED": JobState.CANCELLED,
    # Celery's other states, which a job may pass through
    "RECEIVED": JobState.QUEUED,
    "RETRY": JobState.RUNNING,
    "PROGRESS": JobState.RUNNING,
}


@dataclass
class AmigoJob:
    """An AmigoCloud job (an export) as the server describes it."""

    id: str
    status: str
    extra: dict[str, Any] = field(default_factory=dict)
    url: str = ""

    @classmethod
    def from_json(cls, doc: Any, url: str = "", polled: bool = False) -> AmigoJob:
        """A job from the server's JSON (``url``: where it came from); UnreadableResponseError when the answer is
        not a job. A new export's answer may hold only its id (``{job}``); a ``polled`` job's must say its status."""
        doc = job_status.status_object(doc, url)
        extra = job_status.mapping(doc, "extra", url)
        for key in ("link", "filename"):  # what the download uses: text or nothing
            job_status.text(extra, key, url)
        return cls(
            id=job_status.identifier(doc, "job", url) or job_status.identifier(doc, "id", url),
            status=job_status.choice(doc, "status", url, STATES, None if polled else "PENDING"),
            extra=extra,
            url=job_status.text(doc, "url", url),
        )

    def status_of(self) -> JobStatus:
        """The job as a poll's answer (state, message, download link)."""
        state = STATES.get(self.status, JobState.RUNNING)
        message = {
            JobState.QUEUED: tr("Waiting on the server"),
            JobState.RUNNING: tr("Exporting on the server"),
            JobState.SUCCEEDED: tr("Ready to download"),
            JobState.FAILED: tr("The export failed on the server"),
            JobState.CANCELLED: tr("Cancelled"),
        }[state]
        if state == JobState.FAILED and self.extra.get("error"):
            message = f"{message}: {one_line(str(self.extra['error']))}"
        result = {k: self.extra[k] for k in ("link", "filename") if self.extra.get(k)}
        if self.url:
            result["url"] = self.url
        return JobStatus(state, 100.0 if state == JobState.SUCCEEDED else None, message, result)


class AmigoCloudExports:
    """Dataset exports of one AmigoCloud connection (blocking calls)."""

    def __init__(self, connection: Connection, client: Optional[HttpClient] = None) -> None:
        self.connection = connection
        self.adapter = AmigoCloudAdapter(connection, client or shared_client())
        self.client = self.adapter.client

    def export_dataset(
        self, dataset: Resource, out_format: str = "GeoJSON", feedback: Optional[QgsFeedback] = None, **extra: Any
    ) -> AmigoJob:
        """Start the export of ``dataset`` (a Resource with details, or its id); returns the job."""
        if not isinstance(dataset, Resource):
            dataset = self.adapter.resource_by_id(str(dataset), feedback)
        url = dataset.raw.get("export")
        if not url:
            dataset = self.adapter.get_details(dataset, feedback)
            url = dataset.raw.get("export")
        if not url:
            raise GeodockError(tr("The dataset {name} cannot be exported").format(name=dataset.title))
        doc = self.client.send_json(
            "POST", str(url), {"format": out_format, **extra}, auth=self.adapter.auth, feedback=feedback
        )
        job = AmigoJob.from_json(doc or {}, str(url))
        if not job.id:
            raise GeodockError(tr("AmigoCloud answered the export without a job id"), str(doc)[:500])
        return job

    def job(self, job_id: str, feedback: Optional[QgsFeedback] = None) -> AmigoJob:
        """The job ``job_id`` as the server describes it now."""
        url = self.adapter.url(f"me/jobs/{job_id}")
        doc = self.client.get_json(url, auth=self.adapter.auth, feedback=feedback)
        return AmigoJob.from_json(doc, url, polled=True)

    def download(self, job: AmigoJob, folder: Path, feedback: Optional[QgsFeedback] = None) -> Path:
        """Download the finished export's file into ``folder`` (its link needs no token)."""
        link = job.extra.get("link")
        if not link:
            raise GeodockError(tr("The export job {id} has no file to download").format(id=job.id))
        name = job.extra.get("filename") or None
        return download(self.client, HttpRequest(str(link), timeout=120), folder, name, feedback).path


def new_job(connection: Connection, job: AmigoJob, title: str, folder: str = "", add_to_project: bool = True) -> Job:
    """The job-manager job of an AmigoCloud export job."""
    result = Job(
        platform="amigocloud",
        connection=connection.name,
        remote_id=job.id,
        title=title,
        kind="export",
        folder=folder,
        add_to_project=add_to_project,
    )
    status = job.status_of()
    result.state, result.message = status.state, status.message
    return result


class AmigoCloudJobBackend(JobBackend):
    """Polls and downloads AmigoCloud export jobs (the API has no cancel: it is refused in words)."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.api = AmigoCloudExports(connection)

    def poll(self, job: Job, feedback: Optional[QgsFeedback] = None) -> JobStatus:
        """The export job's status now."""
        return self.api.job(job.remote_id, feedback).status_of()

    def cancel(self, job: Job, feedback: Optional[QgsFeedback] = None) -> JobStatus:
        """Stop following the job (AmigoCloud cannot cancel one; a finished job says so)."""
        remote = self.api.job(job.remote_id, feedback)
        if STATES.get(remote.status, JobState.RUNNING).final:
            return remote.status_of()
        # AmigoCloud has no endpoint to cancel a job: stop following it here.
        return JobStatus(JobState.CANCELLED, message=tr("No longer followed (AmigoCloud jobs cannot be cancelled)"))

    def fetch_results(self, job: Job, folder: Path, feedback: Optional[QgsFeedback] = None) -> list[Path]:
        """Download the export's file into ``folder``."""
        return [self.api.download(self.api.job(job.remote_id, feedback), folder, feedback)]
