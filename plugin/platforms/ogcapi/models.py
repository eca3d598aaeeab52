"""What an OGC API – Processes server says, as Python values: landing page, process summaries, job status."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ...job_model import JobState
from ..resource_json import field_text, item_id

STATES = {
    "accepted": JobState.QUEUED,
    "running": JobState.RUNNING,
    "successful": JobState.SUCCEEDED,
    "failed": JobState.FAILED,
    "dismissed": JobState.CANCELLED,
}
CONFORMANCE_NAMES = {
    "/conf/core": "Core",
    "/conf/ogc-process-description": "OGC process descriptions",
    "/conf/json": "JSON",
    "/conf/html": "HTML",
    "/conf/oas30": "OpenAPI 3.0",
    "/conf/job-list": "Job list",
    "/conf/dismiss": "Dismiss (cancel) jobs",
    "/conf/callback": "Callbacks",
}


@dataclass
class LandingPage:
    """The server's landing page: title, description, links."""

    title: str
    description: str = ""
    links: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: Any) -> LandingPage:
        """The landing page from its JSON (anything unreadable gives empty fields)."""
        data = data if isinstance(data, dict) else {}
        return cls(str(data.get("title") or ""), str(data.get("description") or ""), list(data.get("links") or []))


@dataclass
class ProcessSummary:
    """One process of the ``/processes`` list."""

    id: str
    title: str = ""
    description: str = ""
    version: str = ""
    keywords: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProcessSummary:
        """A process summary; :class:`.resource_json.MalformedItemError` without an id or with wrong types."""
        keywords = data.get("keywords")
        return cls(
            id=item_id(data),
            title=field_text(data, "title", "id"),
            description=field_text(data, "description"),
            version=field_text(data, "version"),
            keywords=[k for k in keywords if isinstance(k, str)] if isinstance(keywords, list) else [],
        )


@dataclass
class StatusInfo:
    """A job's ``statusInfo``."""

    job_id: str
    status: str
    process_id: str = ""
    message: str = ""
    progress: Optional[float] = None
    created: str = ""
    started: str = ""
    finished: str = ""
    updated: str = ""
    traceback: str = ""
    links: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StatusInfo:
        """A job status document (``statusInfo``) as a StatusInfo."""
        progress = data.get("progress")
        trace = data.get("x-traceback") or data.get("traceback") or ""
        if isinstance(trace, list):
            trace = "".join(str(line) for line in trace)
        return cls(
            job_id=str(data.get("jobID") or data.get("id") or ""),
            status=str(data.get("status") or "accepted").lower(),
            process_id=str(data.get("processID") or ""),
            message=str(data.get("message") or ""),
            progress=float(progress) if isinstance(progress, (int, float)) else None,
            created=str(data.get("created") or ""),
            started=str(data.get("started") or ""),
            finished=str(data.get("finished") or ""),
            updated=str(data.get("updated") or ""),
            traceback=str(trace),
            links=list(data.get("links") or []),
            raw=data,
        )

    @property
    def state(self) -> JobState:
        """The Geodock job state of the server's status (unknown ones count as running)."""
        return STATES.get(self.status, JobState.RUNNING)


@dataclass
class ExecuteOutcome:
    """What an execute request gave: a job to follow, or (synchronous servers) the results at once."""

    job_id: str
    job_url: str
    status: StatusInfo
    results: Optional[Any] = None  # set when the server answered synchronously


def conformance_summary(classes: list[str]) -> list[str]:
    """Readable names of the OGC API – Processes conformance classes a server declares."""
    names = []
    for uri in classes:
        if "ogcapi-processes" not in uri:
            continue
        suffix = "/conf/" + uri.rstrip("/").rsplit("/conf/", 1)[-1]
        names.append(CONFORMANCE_NAMES.get(suffix, suffix.rsplit("/", 1)[-1]))
    return names
