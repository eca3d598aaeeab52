"""Any OGC API – Processes server (wraptile, pygeoapi, ...): landing page, processes, execution, jobs, results.

The differences between servers (``shared/api/ogcapi-processes.md``) end here, so callers see one API:

* every request carries ``f=json`` (pygeoapi answers HTML without it; wraptile ignores it);
* :meth:`OgcProcessesAdapter.execute` asks for ``Prefer: respond-async`` and accepts every answer: 201 with a
  statusInfo that may already be final and no ``Location`` (wraptile), 201 with ``Location`` and a ``null``
  body (pygeoapi), or 200 (or 201 without a job) with the results themselves (a server that runs
  synchronously): JSON, or a raw result (a GeoTIFF, a zip...) streamed into a file (:mod:`.results_raw`),
  as :meth:`OgcProcessesAdapter.results` also takes them;
* error bodies in RFC 7807 and pygeoapi's ``{code, description}`` both become typed errors with the server's
  message (see :mod:`plugin.errors`); pygeoapi's ``DELETE`` answers JSON labelled ``text/html``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

from qgis.core import QgsFeedback

from ...errors import NotFoundError, UnreadableResponseError
from ...i18n import tr
from ...net import json_limits
from ...net.client import HttpRequest, HttpResponse
from ...net.http import AuthApplier
from ...net.paging import Page, PageToken, ogc_page
from ..auth_appliers import AuthConfigAuth
from ..base import ListQuery, PlatformAdapter, Resource, ResourceKind
from ..resource_json import readable_items
from ..styled_auth import styled_auth
from .models import STATES, ExecuteOutcome, LandingPage, ProcessSummary, StatusInfo
from .process_description import ProcessDescription
from .process_shapes import link_href, process_list, remember_link, remembered_link
from .results_raw import RawResult, ResultSink

F_JSON = {"f": "json"}
ACCEPT_RESULTS = "application/json, */*;q=0.5"  # results may be raw files (a GeoTIFF, a zip...): results_raw


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


class OgcProcessesAdapter(PlatformAdapter):
    """OGC API – Processes: processes, their descriptions, execution and jobs."""

    kind = "ogcapi-processes"

    @property
    def auth(self) -> AuthApplier:
        """The connection's auth style; by default its QGIS auth config, applied by QGIS (standard HTTP auth)."""
        own = AuthConfigAuth(self.connection.authcfg, self.connection.url)
        return styled_auth(self.connection, self.client, own)

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
        page = LandingPage.from_json(self._get("", feedback))
        for rel in ("processes", "job-list"):  # short or OGC URI rels; drafts may serve them elsewhere
            href = link_href(page.links, (rel,), self.url(""))
            remember_link(self.url(""), rel, href.split("?")[0] if href else None)
        return page

    def _linked(self, rel: str, path: str) -> str:
        """The URL of ``path``, or where the landing page's ``rel`` link said it is."""
        return remembered_link(self.url(""), rel) or self.url(path)

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
            where = self._linked("processes", "processes")
            data = self._get(where, feedback) if limit <= 0 else self._get_limited(where, limit, feedback)
        else:
            data = self._get(str(token), feedback)
        return ogc_page(process_list(data), "processes", self.url(str(token) if token else "processes"))

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
            description = ProcessDescription.from_json(data)
            remember_link(self.url(path), "execute", description.execute_href(self.url(path)))
            return description
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
        folder: Optional[Path] = None,
        output_name: str = "",
    ) -> ExecuteOutcome:
        """POST an execute request; returns the job to follow (or the results of a synchronous answer).

        ``asynchronous`` sends ``Prefer: respond-async`` (else no preference: :mod:`.execute_options`). A
        synchronous answer that is the result itself (a GeoTIFF, a zip...) is saved into ``folder`` (None: a new
        temporary folder) as ``output_name`` and comes back as a :class:`.results_raw.RawResult`.
        """
        name = output_name or process_id
        url = self.execution_url(process_id)
        headers = {"Prefer": "respond-async"} if asynchronous else {}
        request = HttpRequest(
            url, "POST", params=F_JSON, json=body, headers=headers, auth=self.auth, timeout=300, accept=ACCEPT_RESULTS
        )
        try:
            response, data = self._receive(request, feedback, folder, name, output_name)
        except NotFoundError:  # a draft server executes elsewhere (/processes/{id}/jobs): its execute link says
            self.describe(process_id, feedback)
            if self.execution_url(process_id) == url:
                raise
            request.url = self.execution_url(process_id)
            response, data = self._receive(request, feedback, folder, name, output_name)
        location = response.header("location")
        is_status = isinstance(data, dict) and "status" in data and ("jobID" in data or "id" in data)
        location_id = location.rstrip("/").split("?")[0].rsplit("/", 1)[-1] if location else ""
        if is_status or (response.status == 201 and not isinstance(data, RawResult) and not data):
            status = StatusInfo.from_json(data) if is_status else None
            job_id = (status.job_id if status else "") or location_id
            job_url = location.split("?")[0] if location else self.job_url(job_id)
            if status is None:  # pygeoapi: null body, the job is at Location
                status = self.status(job_url, feedback)
            status.job_id = status.job_id or job_id
            return ExecuteOutcome(job_id, job_url, status)
        # 200 (or 201 without a job): the server ran the process synchronously and answered with the results.
        status = StatusInfo(job_id=location_id, status="successful", process_id=process_id, progress=100.0)
        job_url = location.split("?")[0] if location else ""
        return ExecuteOutcome(location_id, job_url, status, results=data)

    def _receive(
        self, request: HttpRequest, feedback: Optional[QgsFeedback], folder: Optional[Path], name: str, output: str
    ) -> tuple[HttpResponse, Any]:
        """Send ``request``: the answer and its JSON, or the raw result saved as ``name`` (:mod:`.results_raw`)."""
        sink = ResultSink(folder, name)
        try:
            response = self.client.send(request, feedback, sink=sink)
            return response, sink.result(response, output)
        finally:
            sink.discard()  # (nothing is left to drop once a result is committed)

    def _get_results(self, url: str, feedback: Optional[QgsFeedback], folder: Optional[Path], output: str) -> Any:
        """GET a job's results: JSON, or a raw result saved into ``folder``."""
        request = HttpRequest(url, params=_with_json_format(url), auth=self.auth, accept=ACCEPT_RESULTS, timeout=300)
        path = url.split("?")[0].rstrip("/")
        path = path[: -len("/results")] if path.endswith("/results") else path
        name = output or path.rsplit("/", 1)[-1] or "result"  # the output asked for, else the job's id
        return self._receive(request, feedback, folder, name, output)[1]

    def execution_url(self, process_id: str) -> str:
        """Where to POST an execute request: the description's ``execute`` link once :meth:`describe` saw one,
        else ``processes/{id}/execution``."""
        linked = remembered_link(self.url(f"processes/{quote(process_id)}"), "execute")
        return linked or self.url(f"processes/{quote(process_id)}/execution")

    def status(self, job: str, feedback: Optional[QgsFeedback] = None) -> StatusInfo:
        """The statusInfo of a job (its id or URL); its ``results`` link is remembered for :meth:`results`."""
        url = job if job.startswith(("http://", "https://")) else self.job_url(job)
        data = self._get(url, feedback)
        info = StatusInfo.from_json(data if isinstance(data, dict) else {})
        remember_link(url, "results", link_href(info.links, ("results",), url))
        return info

    def results(
        self, job: str, feedback: Optional[QgsFeedback] = None, folder: Optional[Path] = None, output_name: str = ""
    ) -> Any:
        """``/jobs/{id}/results`` (or where the job's ``results`` link says): ``{output: value | {value,
        mediaType} | {href, type}}``, or a raw result: the :class:`.results_raw.RawResult` it was saved as in
        ``folder`` (None: a new temporary folder) as ``output_name``."""
        base = job if job.startswith(("http://", "https://")) else self.job_url(job)
        url = remembered_link(base, "results") or base.rstrip("/") + "/results"
        try:
            return self._get_results(url, feedback, folder, output_name)
        except NotFoundError:  # not followed yet (a restart): ask the job where its results are
            self.status(base, feedback)
            linked = remembered_link(base, "results")
            if not linked or linked == url:
                raise
            return self._get_results(linked, feedback, folder, output_name)

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

    def list_jobs(
        self,
        status: str = "",
        limit: int = 50,
        token: PageToken = None,
        feedback: Optional[QgsFeedback] = None,
    ) -> Page:
        """One page of the server's jobs (``items``: :class:`StatusInfo`), ``status`` (one of :data:`STATES`'
        names, or ``""`` for all) sent as the ``status`` parameter and applied here too (not every server
        filters); ``next`` is the page's ``rel=next`` link (credentials go only to the connection's origin)."""
        if token is None:
            params: dict[str, Any] = {**F_JSON, "limit": limit, "status": status or None}
            url = self._linked("job-list", "jobs")
        else:
            url = str(token)
            params = _with_json_format(url) or {}
        response = self.client.send(HttpRequest(url, params=params, auth=self.auth), feedback)
        page = ogc_page(lenient_json(response), "jobs", url)
        infos = [StatusInfo.from_json(j) for j in page.items if isinstance(j, dict)]
        page.skipped = len(page.items) - len(infos)
        page.items = [info for info in infos if info.job_id and (not status or info.status == status)]
        return page

    def delete_job(self, job: str, feedback: Optional[QgsFeedback] = None) -> StatusInfo:
        """Delete a finished job (its id or URL) on the server (``DELETE /jobs/{id}``, which removes it and its
        results there)."""
        return self.dismiss(job, feedback)
