"""Koordinates exports: formats, validation, create, refresh, cancel, download -- and their job backend.

The REST contract is ``shared/api/koordinates.md`` (``/exports/`` and ``/exports/croplayers/``). Every call
blocks: run it in a task or an algorithm. :class:`KoordinatesExportBackend` is the job manager's backend for
``("koordinates", "export")`` jobs (``Job.remote_id`` is the export id).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from qgis.core import QgsFeedback

from ... import job_status, log
from ...connections import Connection
from ...errors import ConflictError, GeodockError, UnreadableResponseError, one_line
from ...i18n import tr
from ...job_model import Job, JobBackend, JobState, JobStatus
from ...net.client import HttpClient, HttpRequest, shared_client
from ...net.download import download
from ...redact import redact_url
from .adapter import KoordinatesAdapter
from .validation import ExportFormat, Validation

DATA_KINDS = ("vector", "table", "raster", "grid")
STATES = {
    "processing": JobState.RUNNING,
    "complete": JobState.SUCCEEDED,
    "cancelled": JobState.CANCELLED,
    "error": JobState.FAILED,
    "gone": JobState.FAILED,
}


def _export_id(doc: dict[str, Any], url: str) -> int:
    """The export's id: a whole number (as a number or as digits)."""
    text = job_status.identifier(doc, "id", url, required=True)
    if not (text.isascii() and text.isdigit()):
        raise job_status.unreadable(url, "id", f"is {job_status.shown(doc['id'])}, not a whole number")
    return int(text)


@dataclass
class Export:
    """An export as the server describes it."""

    id: int
    name: str
    state: str
    progress: Optional[float] = None  # 0-1
    url: str = ""
    download_url: str = ""
    created_at: str = ""
    finished_at: str = ""
    size: Optional[int] = None
    size_estimate_zipped: Optional[int] = None
    error: str = ""
    crs: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, doc: Any, url: str = "") -> Export:
        """An export from the server's JSON (``url``: where it came from); UnreadableResponseError when the
        answer is not an export (no id, an unknown state, a progress that is not a number from 0 to 1...)."""
        doc = job_status.status_object(doc, url)
        size, estimate = doc.get("size"), doc.get("size_estimate_zipped")
        return cls(
            id=_export_id(doc, url),
            name=job_status.text(doc, "name", url),
            state=job_status.choice(doc, "state", url, STATES),
            progress=job_status.number(doc, "progress", url, 0.0, 1.0),
            url=job_status.text(doc, "url", url),
            download_url=job_status.text(doc, "download_url", url),
            created_at=str(doc.get("created_at") or ""),
            finished_at=str(doc.get("finished_at") or ""),
            size=size if isinstance(size, int) and not isinstance(size, bool) else None,
            size_estimate_zipped=estimate if isinstance(estimate, int) and not isinstance(estimate, bool) else None,
            error=one_line(str(doc.get("error") or doc.get("error_message") or "")),
            crs=str(doc.get("crs") or ""),
            raw=doc,
        )

    @property
    def job_state(self) -> JobState:
        """The job-model state of the export's state."""
        return STATES.get(self.state, JobState.RUNNING)

    def status(self) -> JobStatus:
        """The export as a poll's answer (state, progress, message, URLs)."""
        message = {
            "processing": tr("Processing on the server"),
            "complete": tr("Ready to download"),
            "cancelled": tr("Cancelled"),
            "error": tr("The export failed on the server"),
            "gone": tr("The export has expired on the server"),
        }.get(self.state, self.state)
        if self.error:
            message = f"{message}: {self.error}"
        return JobStatus(
            state=self.job_state,
            progress=None if self.progress is None else 100.0 * float(self.progress),
            message=message,
            result={"url": self.url, "download_url": self.download_url, "size": self.size},
        )

    def to_job(self, connection: Connection, folder: str = "", add_to_project: bool = True) -> Job:
        """A job-manager job following this export."""
        job = Job(
            platform="koordinates",
            connection=connection.name,
            remote_id=str(self.id),
            title=self.name,
            kind="export",
            folder=folder,
            add_to_project=add_to_project,
        )
        job.apply(self.status())
        return job


@dataclass
class CropLayer:
    """A layer of crop features the server offers (``exports/croplayers/``)."""

    id: int
    name: str
    url: str
    features_url: str


@dataclass
class CropFeature:
    """A crop feature: a named area to crop an export to."""

    id: int
    name: str
    url: str
    geometry: Optional[dict[str, Any]] = None


def export_body(
    items: list[str],
    crs: str,
    formats: dict[str, str],
    name: str = "",
    extent: Union[str, dict[str, Any], None] = None,
) -> dict[str, Any]:
    """The body of ``POST /exports/`` (and ``/validate/``).

    ``items`` are item API URLs; ``formats`` one value per data kind; ``extent`` a GeoJSON (Multi)Polygon in
    EPSG:4326 or a crop feature URL.
    """
    body: dict[str, Any] = {
        "crs": crs,
        "formats": {kind: value for kind, value in formats.items() if value},
        "items": [{"item": url} for url in items],
        "delivery": {"method": "download"},
        "options": {},
    }
    if name:
        body["name"] = name
    if extent:
        body["extent"] = extent
    return body


def bbox_polygon(xmin: float, ymin: float, xmax: float, ymax: float) -> dict[str, Any]:
    """A GeoJSON MultiPolygon of a lon/lat box (an export ``extent``)."""
    ring = [[xmin, ymin], [xmax, ymin], [xmax, ymax], [xmin, ymax], [xmin, ymin]]
    return {"type": "MultiPolygon", "coordinates": [[ring]]}


class KoordinatesExports:
    """The export endpoints of one Koordinates connection (blocking calls)."""

    def __init__(self, connection: Connection, client: Optional[HttpClient] = None) -> None:
        self.connection = connection
        self.adapter = KoordinatesAdapter(connection, client or shared_client())
        self.client = self.adapter.client

    @property
    def auth(self) -> Any:
        """The connection's credentials, applied to each request."""
        return self.adapter.auth

    def item_url(self, item_id: Union[str, int], kind: str = "layers") -> str:
        """The API URL of an item id (``"5"``, ``"tables/5"`` or a full URL)."""
        text = str(item_id).strip()
        if text.startswith(("http://", "https://")):
            return text
        if "/" in text:
            kind, text = text.split("/", 1)
        return self.adapter.url(f"{kind}/{text.strip('/')}/")

    def formats(self, feedback: Optional[QgsFeedback] = None) -> dict[str, list[ExportFormat]]:
        """Formats per data kind from ``OPTIONS /exports/`` (display names as the server gives them)."""
        response = self.client.send(HttpRequest(self.adapter.url("exports/"), "OPTIONS", auth=self.auth), feedback)
        doc = response.json() or {}
        children = (((doc.get("actions") or {}).get("POST") or {}).get("formats") or {}).get("children") or {}
        result: dict[str, list[ExportFormat]] = {}
        for kind, spec in children.items():
            choices = spec.get("choices") if isinstance(spec, dict) else None
            result[kind] = [
                ExportFormat(str(c.get("value")), str(c.get("display_name") or c.get("value")))
                for c in choices or []
                if isinstance(c, dict) and c.get("value")
            ]
        return result

    def validate(self, body: dict[str, Any], feedback: Optional[QgsFeedback] = None) -> Validation:
        """``POST /exports/validate/``: whether the server would accept ``body``, with its reasons."""
        doc = self.client.send_json(
            "POST", self.adapter.url("exports/validate/"), body, auth=self.auth, feedback=feedback
        )
        return Validation.from_json(doc or {})

    def create(self, body: dict[str, Any], feedback: Optional[QgsFeedback] = None) -> Export:
        """``POST /exports/``: start an export; the new export."""
        url = self.adapter.url("exports/")
        doc = self.client.send(HttpRequest(url, "POST", json=body, auth=self.auth), feedback).json()
        return Export.from_json(doc, url)

    def get(self, export_id: Union[int, str], feedback: Optional[QgsFeedback] = None) -> Export:
        """The export ``export_id`` as the server describes it now."""
        url = self.adapter.url(f"exports/{export_id}/")
        return Export.from_json(self.client.get_json(url, auth=self.auth, feedback=feedback), url)

    def cancel(self, export_id: Union[int, str], feedback: Optional[QgsFeedback] = None) -> Export:
        """DELETE the export while processing (202); a ConflictError (409) when it has finished."""
        url = self.adapter.url(f"exports/{export_id}/")
        doc = self.client.send(HttpRequest(url, "DELETE", auth=self.auth, retries=0), feedback).json()
        return Export.from_json(doc, url) if isinstance(doc, dict) and "id" in doc else self.get(export_id, feedback)

    def list(self, feedback: Optional[QgsFeedback] = None) -> list[Export]:
        """The exports of this account on the server, newest first."""
        url = self.adapter.url("exports/")
        docs = self.client.get_json(url, auth=self.auth, feedback=feedback) or []
        exports: builtins.list[Export] = []
        errors: builtins.list[str] = []
        for doc in docs if isinstance(docs, builtins.list) else []:
            try:
                exports.append(Export.from_json(doc, url))
            except UnreadableResponseError as err:  # one bad entry does not hide the others
                errors.append(err.message)
        if errors:
            log.warning(f"{len(errors)} unreadable export(s) skipped in {redact_url(url)}; the first: {errors[0]}")
        return sorted(exports, key=lambda e: e.created_at, reverse=True)

    def list_jobs(self, feedback: Optional[QgsFeedback] = None) -> builtins.list[Job]:
        """SERVER_JOBS: this account's exports as jobs to follow (folder and download state set), newest first."""
        from ...jobs.fetching import to_follow

        return [to_follow(export.to_job(self.connection)) for export in self.list(feedback)]

    def download(self, export: Export, folder: Path, feedback: Optional[QgsFeedback] = None) -> Path:
        """Stream the finished export's zip into ``folder`` (resuming a ``.part`` left earlier)."""
        if not export.download_url:
            raise GeodockError(
                tr("The export {name} is {state}: nothing to download yet").format(name=export.name, state=export.state)
            )
        name = f"{export.name or 'export'}-{export.id}.zip"
        result = download(
            self.client, HttpRequest(export.download_url, auth=self.auth, timeout=120), folder, name, feedback
        )
        return result.path

    # builtins.list: in this class's annotations, ``list`` is the list() method above.
    def crop_layers(self, feedback: Optional[QgsFeedback] = None) -> builtins.list[CropLayer]:
        """The crop layers the server offers."""
        docs = self.client.get_json(self.adapter.url("exports/croplayers/"), auth=self.auth, feedback=feedback) or []
        return [
            CropLayer(
                int(d["id"]), str(d.get("name") or d["id"]), str(d.get("url") or ""), str(d.get("features") or "")
            )
            for d in docs
            if isinstance(d, dict) and "id" in d
        ]

    def crop_features(self, layer: CropLayer, feedback: Optional[QgsFeedback] = None) -> builtins.list[CropFeature]:
        """The crop features of ``layer``."""
        url = layer.features_url or self.adapter.url(f"exports/croplayers/{layer.id}/cropfeatures/")
        docs = self.client.get_json(url, auth=self.auth, feedback=feedback) or []
        return [
            CropFeature(int(d["id"]), str(d.get("name") or d["id"]), str(d.get("url") or ""), d.get("geometry"))
            for d in docs
            if isinstance(d, dict) and "id" in d
        ]


class KoordinatesExportBackend(JobBackend):
    """Polls, cancels and downloads Koordinates exports for the job manager."""

    def __init__(self, connection: Connection, client: Optional[HttpClient] = None) -> None:
        super().__init__(connection)
        self.api = KoordinatesExports(connection, client)

    def poll(self, job: Job, feedback: Optional[QgsFeedback] = None) -> JobStatus:
        """The export's status now."""
        return self.api.get(job.remote_id, feedback).status()

    def cancel(self, job: Job, feedback: Optional[QgsFeedback] = None) -> JobStatus:
        """Cancel the export (an export that has finished says so instead)."""
        try:
            return self.api.cancel(job.remote_id, feedback).status()
        except ConflictError:
            export = self.api.get(job.remote_id, feedback)
            if export.job_state.final:
                status = export.status()
                status.message = tr("Already finished ({state}): {message}").format(
                    state=export.state, message=status.message
                )
                return status
            raise

    def fetch_results(self, job: Job, folder: Path, feedback: Optional[QgsFeedback] = None) -> list[Path]:
        """Download the finished export's zip into ``folder`` and unpack it there; the data files."""
        export = self.api.get(job.remote_id, feedback)
        return unpack_into(self.api.download(export, folder, feedback), folder, feedback)


def unpack_into(archive: Path, folder: Path, feedback: Optional[QgsFeedback] = None) -> list[Path]:
    """Unpack ``archive`` (safely) right into the job's ``folder`` -- one folder level per job, not a folder named
    after the zip inside it -- and remove it; the data files unpacked. An entry whose name is taken in ``folder``
    (a download made again) gets a free ``name (n)``."""
    from ...archive import extract_zip
    from ...net.filenames import candidates
    from ...results import data_files

    unpacked = folder / f".{archive.stem}.unpacking"
    extract_zip(archive, unpacked, feedback)
    placed: list[Path] = []
    for entry in sorted(unpacked.iterdir()):
        target = next(path for path in candidates(folder / entry.name) if not path.exists())
        entry.rename(target)
        placed.append(target)
    unpacked.rmdir()
    archive.unlink()
    return [path for path in data_files(folder) if any(path == top or top in path.parents for top in placed)]
