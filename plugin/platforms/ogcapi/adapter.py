"""Any OGC API – Processes server (wraptile, pygeoapi, ...): landing page, processes, execution, jobs, results.

The differences between servers (``shared/api/ogcapi-processes.md``) end here, so callers see one API:

* every request carries ``f=json`` (pygeoapi answers HTML without it; wraptile ignores it);
* :meth:`OgcProcessesAdapter.execute` asks for ``Prefer: respond-async`` and accepts every answer: 201 with a
  statusInfo that may already be final and no ``Location`` (wraptile), 201 with ``Location`` and a ``null``
  body (pygeoapi), or 200 with the results themselves (a server that runs synchronously);
* error bodies in RFC 7807 and pygeoapi's ``{code, description}`` both become typed errors with the server's
  message (see :mod:`plugin.errors`); pygeoapi's ``DELETE`` answers JSON labelled ``text/html``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional
from urllib.parse import quote

from qgis.core import QgsFeedback

from ...errors import UnreadableResponseError
from ...i18n import tr
from ...job_model import JobState
from ...net import json_limits
from ...net.client import HttpRequest, HttpResponse
from ...net.paging import Page, PageToken, ogc_page
from ..auth_appliers import AuthConfigAuth
from ..base import ListQuery, PlatformAdapter, Resource, ResourceKind
from ..resource_json import field_text, item_id, readable_items
from .process_description import ProcessDescription

F_JSON = {"f": "json"}
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


def lenient_json(response: HttpResponse) -> Any:
    """The body as JSON, also when it is labelled HTML (pygeoapi's DELETE answer) but is JSON."""
    try:
        return response.json()
    except UnreadableResponseError:
        try:
            return json_limits.loads(response.body.decode("utf-8"))
        except json_limits.JsonTooDeepError as err:
            raise UnreadableResponseError(
                tr("The server's answer could not be read ({msg})").format(msg=err.msg), url=response.url
            ) from None
        except ValueError:
            raise UnreadableResponseError(
                tr("The server answered with a web page instead of data"), url=response.url
            ) from None


def _with_json_format(url: str) -> Optional[dict[str, str]]:
    """``f=json`` for ``url`` unless its query already names a format."""
    return None if "f=" in url.partition("?")[2] else F_JSON


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


class OgcProcessesAdapter(PlatformAdapter):
    """OGC API – Processes: processes, their descriptions, execution and jobs."""

    kind = "ogcapi-processes"

    @property
    def auth(self) -> AuthConfigAuth:
        """The connection's QGIS auth config, applied by QGIS (standard HTTP auth)."""
        return AuthConfigAuth(self.connection.authcfg, self.connection.url)

    def _get(self, path: str, feedback: Optional[QgsFeedback] = None, **kwargs: Any) -> Any:
        """GET ``path`` as JSON (``f=json`` added), read leniently."""
        url = self.url(path)
        request = HttpRequest(url, params=_with_json_format(url), auth=self.auth, **kwargs)
        return lenient_json(self.client.send(request, feedback))

    def check(self, feedback: Optional[QgsFeedback] = None) -> str:
        """List the processes to prove the server answers (a short, unretried request)."""
        data = self._get("processes", feedback, retries=0, timeout=20)
        processes = data.get("processes", []) if isinstance(data, dict) else []
        return f"OGC API – Processes answered: {len(processes)} processes"

    # Server ---------------------------------------------------------------------------------------------

    def landing_page(self, feedback: Optional[QgsFeedback] = None) -> LandingPage:
        """The server's landing page."""
        return LandingPage.from_json(self._get("", feedback))

    def conformance(self, feedback: Optional[QgsFeedback] = None) -> list[str]:
        """The conformance classes the server declares (none when it says nothing readable)."""
        data = self._get("conformance", feedback)
        return [str(c) for c in (data or {}).get("conformsTo", []) or []] if isinstance(data, dict) else []

    # Processes ------------------------------------------------------------------------------------------

    def browse_kinds(self) -> list[ResourceKind]:
        """Processes."""
        return [ResourceKind("processes", "Processes")]

    def list_page(
        self,
        kind: str,
        query: ListQuery,
        token: PageToken = None,
        parent: Optional[Resource] = None,
        feedback: Optional[QgsFeedback] = None,
    ) -> Page:
        """One page of processes (only ``processes`` can be listed)."""
        if kind != "processes":
            raise NotImplementedError(f"{self.kind} cannot list {kind}")
        page = self.processes_page(token, query.page_size, feedback)
        url = self.url(str(token) if token else "processes")
        summaries, page.skipped = readable_items(page.items, ProcessSummary.from_json, url, self.connection.name)
        search = query.search.strip().lower()
        if search:
            summaries = [s for s in summaries if search in f"{s.id} {s.title} {s.description}".lower()]
        page.items = [
            Resource(
                id=s.id,
                kind="processes",
                title=s.title,
                description=s.description,
                api_url=self.url(f"processes/{quote(s.id)}"),
                raw={"version": s.version, "keywords": s.keywords},
            )
            for s in summaries
        ]
        return page

    def processes_page(self, token: PageToken, limit: int = 100, feedback: Optional[QgsFeedback] = None) -> Page:
        """One page of ``/processes`` (``links`` with ``rel=next`` for the next)."""
        if token is None:
            data = self._get("processes", feedback) if limit <= 0 else self._get_limited("processes", limit, feedback)
        else:
            data = self._get(str(token), feedback)
        return ogc_page(data, "processes", self.url(str(token) if token else "processes"))

    def _get_limited(self, path: str, limit: int, feedback: Optional[QgsFeedback]) -> Any:
        """GET ``path`` as JSON with a ``limit``."""
        request = HttpRequest(self.url(path), params={**F_JSON, "limit": limit}, auth=self.auth)
        return lenient_json(self.client.send(request, feedback))

    def processes(self, feedback: Optional[QgsFeedback] = None) -> list[ProcessSummary]:
        """Every process, over all pages."""
        result: list[ProcessSummary] = []
        token: PageToken = None
        seen: set[str] = set()
        while True:
            page = self.processes_page(token, 100, feedback)
            url = self.url(str(token) if token else "processes")
            result.extend(readable_items(page.items, ProcessSummary.from_json, url, self.connection.name)[0])
            if page.next is None or str(page.next) in seen:
                return result
            seen.add(str(page.next))
            token = page.next

    def describe(self, process_id: str, feedback: Optional[QgsFeedback] = None) -> ProcessDescription:
        """The description of process ``process_id`` (``GET /processes/{id}``)."""
        path = f"processes/{quote(process_id)}"
        data = self._get(path, feedback) or {}
        try:
            return ProcessDescription.from_json(data)
        except UnreadableResponseError as err:
            message = f"The description of {process_id} could not be read: {err}"
            raise UnreadableResponseError(message, str(data)[:500], self.url(path)) from None

    # Execution and jobs ---------------------------------------------------------------------------------

    def job_url(self, job_id: str) -> str:
        """The URL of job ``job_id``."""
        return self.url(f"jobs/{quote(job_id)}")

    def execute(
        self,
        process_id: str,
        body: dict[str, Any],
        feedback: Optional[QgsFeedback] = None,
        asynchronous: bool = True,
    ) -> ExecuteOutcome:
        """POST an execute request; returns the job to follow (or the results of a synchronous answer)."""
        url = self.url(f"processes/{quote(process_id)}/execution")
        headers = {"Prefer": "respond-async"} if asynchronous else {}
        request = HttpRequest(url, "POST", params=F_JSON, json=body, headers=headers, auth=self.auth, timeout=300)
        response = self.client.send(request, feedback)
        location = response.header("location")
        data = lenient_json(response)
        is_status = isinstance(data, dict) and "status" in data and ("jobID" in data or "id" in data)
        location_id = location.rstrip("/").split("?")[0].rsplit("/", 1)[-1] if location else ""
        if response.status == 201 or is_status:
            status = StatusInfo.from_json(data) if is_status else None
            job_id = (status.job_id if status else "") or location_id
            job_url = location.split("?")[0] if location else self.job_url(job_id)
            if status is None:  # pygeoapi: null body, the job is at Location
                status = self.status(job_url, feedback)
            status.job_id = status.job_id or job_id
            return ExecuteOutcome(job_id, job_url, status)
        # 200: the server ran the process synchronously and answered with the results.
        status = StatusInfo(job_id=location_id, status="successful", process_id=process_id, progress=100.0)
        job_url = location.split("?")[0] if location else ""
        return ExecuteOutcome(location_id, job_url, status, results=data)

    def status(self, job: str, feedback: Optional[QgsFeedback] = None) -> StatusInfo:
        """The statusInfo of a job (its id or URL)."""
        data = self._get(job if job.startswith(("http://", "https://")) else self.job_url(job), feedback)
        return StatusInfo.from_json(data if isinstance(data, dict) else {})

    def results(self, job: str, feedback: Optional[QgsFeedback] = None) -> Any:
        """``/jobs/{id}/results``: ``{output: value | {value, mediaType} | {href, type}}``."""
        base = job if job.startswith(("http://", "https://")) else self.job_url(job)
        return self._get(base.rstrip("/") + "/results", feedback)

    def dismiss(self, job: str, feedback: Optional[QgsFeedback] = None) -> StatusInfo:
        """DELETE the job: a running job is cancelled, a finished one removed."""
        url = job if job.startswith(("http://", "https://")) else self.job_url(job)
        response = self.client.send(HttpRequest(url, "DELETE", params=F_JSON, auth=self.auth), feedback)
        data = lenient_json(response)
        info = StatusInfo.from_json(data if isinstance(data, dict) else {"status": "dismissed"})
        info.status = info.status if info.status in STATES else "dismissed"
        return info

    def jobs(self, feedback: Optional[QgsFeedback] = None, max_pages: int = 20) -> list[StatusInfo]:
        """The server's own job list (``/jobs``), newest pages first as the server gives them."""
        result: list[StatusInfo] = []
        token: PageToken = None
        for _ in range(max_pages):
            url = self.url(str(token) if token else "jobs")
            page = ogc_page(self._get(url, feedback), "jobs", url)
            result.extend(StatusInfo.from_json(j) for j in page.items if isinstance(j, dict))
            if page.next is None:
                break
            token = page.next
        return result


def conformance_summary(classes: list[str]) -> list[str]:
    """Readable names of the OGC API – Processes conformance classes a server declares."""
    names = []
    for uri in classes:
        if "ogcapi-processes" not in uri:
            continue
        suffix = "/conf/" + uri.rstrip("/").rsplit("/conf/", 1)[-1]
        names.append(CONFORMANCE_NAMES.get(suffix, suffix.rsplit("/", 1)[-1]))
    return names
