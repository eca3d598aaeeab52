"""Remote jobs -- exports, OGC process jobs, Geobox tasks -- as one model, and the per-platform backends.

A :class:`Job` is what the Jobs dock shows and what is saved between QGIS sessions (JSON, never a secret).
A :class:`JobBackend` knows how to poll, cancel and fetch the results of one platform's kind of job; it
blocks (network calls), so the job manager runs it in QgsTasks. Each platform's registry row names its
backends (``job_backends``); :func:`.platforms.registry.job_backend` finds the one of a job.
"""

from __future__ import annotations

import time
import uuid
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Optional

from qgis.core import QgsFeedback

from .connections import Connection


class JobState(str, Enum):
    """Where a job is on its server."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        """The job has ended (succeeded, failed or was cancelled)."""
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


class DownloadState(str, Enum):
    """Where the download of a finished job's results is (``None`` on a job: nothing to download)."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


# Where the download state was kept before it was a field (jobs saved by older versions).
LEGACY_DOWNLOAD = "geodock_download"
LEGACY_DOWNLOAD_ERROR = "geodock_download_error"


@dataclass
class Job:
    """A remote job as the Jobs dock shows it and as it is saved (JSON, never a secret)."""

    platform: str  # the connection kind
    connection: str  # the connection name
    remote_id: str  # the server's id (export id, jobID, task uuid)
    title: str
    kind: str  # "export", "process", "task"
    state: JobState = JobState.QUEUED
    progress: Optional[float] = None  # 0-100
    message: str = ""
    created: float = field(default_factory=time.time)
    updated: float = field(default_factory=time.time)
    finished: Optional[float] = None
    result: dict[str, Any] = field(default_factory=dict)  # platform details (URLs, ids); JSON, no secret
    folder: str = ""  # where results are downloaded
    outputs: list[str] = field(default_factory=list)  # downloaded / created files
    add_to_project: bool = True
    download: Optional[DownloadState] = None  # the results' download, once the job is to be downloaded
    download_error: str = ""  # why the last download failed
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def to_json(self) -> dict[str, Any]:
        """The job as JSON-ready values (what :meth:`from_json` reads back)."""
        data = asdict(self)
        data["state"] = self.state.value
        data["download"] = self.download.value if self.download is not None else None
        return data

    def apply(self, status: JobStatus) -> None:
        """Take in what a poll learned: state, progress, message and result details."""
        self.state = status.state
        if status.progress is not None:
            self.progress = status.progress
        if status.state.final:  # a failed or cancelled job has no meaningful progress left
            self.progress = 100.0 if status.state == JobState.SUCCEEDED else status.progress
        if status.message or status.state.final:
            self.message = status.message
        self.result.update(status.result)

    @classmethod
    def from_json(cls, data: Any) -> Job:
        """A job saved by :meth:`to_json`; TypeError or ValueError when ``data`` is not one (wrong shape or types)."""
        if not isinstance(data, dict):
            raise TypeError(f"a saved job is an object, not {type(data).__name__}")
        values = {k: v for k, v in data.items() if k in _FIELD_TYPES}
        missing = [name for name in ("platform", "connection", "remote_id", "title", "kind") if name not in values]
        if missing:
            raise ValueError(f"a saved job has no {', '.join(missing)}")
        for name, value in values.items():
            types = _FIELD_TYPES[name]
            if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
                raise TypeError(f"a saved job's {name} is {type(value).__name__}")
        if not all(isinstance(path, str) for path in values.get("outputs", [])):
            raise TypeError("a saved job's outputs are not all text")
        values["state"] = JobState(values.get("state", "queued"))
        _migrate_download(values)
        values["download"] = DownloadState(values["download"]) if values.get("download") else None
        return cls(**values)


def _migrate_download(values: dict[str, Any]) -> None:
    """Move a download state saved inside ``result`` (older versions) to the job's own fields."""
    result = values.get("result")
    if not isinstance(result, dict) or LEGACY_DOWNLOAD not in result:
        return
    values["result"] = result = dict(result)
    legacy, error = result.pop(LEGACY_DOWNLOAD), result.pop(LEGACY_DOWNLOAD_ERROR, "")
    if not values.get("download") and legacy in {state.value for state in DownloadState}:
        values["download"] = legacy
    if not values.get("download_error") and isinstance(error, str):
        values["download_error"] = error


_NUMBER = (int, float)
_FIELD_TYPES: dict[str, tuple[type, ...]] = {  # what a saved job's fields may hold
    **dict.fromkeys(
        ("platform", "connection", "remote_id", "title", "kind", "state", "message", "folder", "id"), (str,)
    ),
    "download": (str, type(None)),
    "download_error": (str,),
    "progress": (*_NUMBER, type(None)),
    "created": _NUMBER,
    "updated": _NUMBER,
    "finished": (*_NUMBER, type(None)),
    "result": (dict,),
    "outputs": (list,),
    "add_to_project": (bool,),
}


@dataclass
class JobStatus:
    """What a poll learned."""

    state: JobState
    progress: Optional[float] = None
    message: str = ""
    result: dict[str, Any] = field(default_factory=dict)  # merged into Job.result
    retry_after: Optional[float] = None  # the server asked to wait this long before the next poll


class JobBackend(ABC):
    """Poll, cancel and fetch the results of one platform's jobs. Blocking: worker threads only."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    @abstractmethod
    def poll(self, job: Job, feedback: Optional[QgsFeedback] = None) -> JobStatus:
        """The job's status on the server now."""

    @abstractmethod
    def cancel(self, job: Job, feedback: Optional[QgsFeedback] = None) -> JobStatus:
        """Ask the server to cancel (abort, dismiss) the job; its status after that."""

    @abstractmethod
    def fetch_results(self, job: Job, folder: Path, feedback: Optional[QgsFeedback] = None) -> list[Path]:
        """Download (or write) the job's results into ``folder``; the files to add to the project."""
