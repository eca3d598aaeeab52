"""The import job of an AmigoCloud upload, followed until the new dataset is ready (``Job.kind`` ``"upload"``).

After ``datasets/upload`` or ``chunked_upload/complete`` the server imports the file in a job (``/me/jobs/{id}``);
the dataset exists once the job has succeeded, and the job's ``extra`` names it (``dataset``, ``dataset_url``).
:class:`AmigoCloudUploadBackend` polls it for the Jobs dock and for the uploader's own wait. Blocking calls.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from qgis.core import QgsFeedback

from ... import job_status
from ...connections import Connection
from ...errors import one_line
from ...i18n import tr
from ...job_model import Job, JobBackend, JobState, JobStatus
from .jobs import STATES, AmigoCloudExports


def upload_status(doc: Any, url: str) -> JobStatus:
    """An import job's answer as a poll's status (the new dataset's id and URL once it is ready)."""
    doc = job_status.status_object(doc, url)
    extra = job_status.mapping(doc, "extra", url)
    state = STATES.get(job_status.choice(doc, "status", url, STATES, None), JobState.RUNNING)
    message = {
        JobState.QUEUED: tr("Waiting on the server"),
        JobState.RUNNING: tr("Importing on the server"),
        JobState.SUCCEEDED: tr("Dataset ready"),
        JobState.FAILED: tr("The import failed on the server"),
        JobState.CANCELLED: tr("Cancelled"),
    }[state]
    result: dict[str, Any] = {}
    if state == JobState.FAILED and extra.get("error"):
        message = f"{message}: {one_line(str(extra['error']))}"
    if state == JobState.SUCCEEDED:
        dataset = extra.get("dataset")
        if isinstance(dataset, bool) or not isinstance(dataset, (int, str)) or not str(dataset).strip():
            raise job_status.unreadable(url, "extra.dataset", tr("the import succeeded without naming the dataset"))
        result = {"dataset": str(dataset), "dataset_url": job_status.text(extra, "dataset_url", url)}
    return JobStatus(state, 100.0 if state == JobState.SUCCEEDED else None, message, result)


class AmigoCloudUploadBackend(JobBackend):
    """Polls AmigoCloud import jobs; nothing to download (the dataset is on the server)."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.api = AmigoCloudExports(connection)

    def poll(self, job: Job, feedback: Optional[QgsFeedback] = None) -> JobStatus:
        """The import job's status now."""
        url = self.api.adapter.url(f"me/jobs/{job.remote_id}")
        return upload_status(self.api.client.get_json(url, auth=self.api.adapter.auth, feedback=feedback), url)

    def cancel(self, job: Job, feedback: Optional[QgsFeedback] = None) -> JobStatus:
        """Stop following the import (AmigoCloud cannot cancel a job)."""
        status = self.poll(job, feedback)
        if status.state.final:
            return status
        return JobStatus(JobState.CANCELLED, message=tr("No longer followed (AmigoCloud jobs cannot be cancelled)"))

    def fetch_results(self, job: Job, folder: Path, feedback: Optional[QgsFeedback] = None) -> list[Path]:
        """Nothing: the new dataset stays on the server (add it from the Catalog)."""
        return []


def new_upload_job(connection: Connection, job_id: str, name: str) -> Job:
    """The job-manager job that follows the import of ``name``."""
    return Job(
        "amigocloud", connection.name, job_id, tr("Import {name}").format(name=name), "upload", add_to_project=False
    )
