"""Geobox's EXPORT capability: the export form (``POST vectorLayers/{uuid}/export/``) and the exporter submitting it.

The REST contract is ``shared/api/geobox.md``; the task the server starts is followed by
:class:`.jobs.GeoboxTaskBackend`. Every call blocks: run it in a task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from ...connections import Connection
from ...errors import GeodockError
from ...i18n import tr
from ...net.filenames import safe_filename
from ..base import Resource
from ..capabilities import ExportCheck, ExportChoices, ExportRequest
from .jobs import EXPORT_FORMATS, GeoboxTasks

if TYPE_CHECKING:
    from qgis.core import QgsFeedback

    from ...job_model import Job


@dataclass
class GeoboxExportRequest(ExportRequest):
    """An export of one vector layer or view (``items[0]``, its uuid): format, CRS, bbox, CQL filter and fields."""

    format: str = "GPKG"
    srid: Optional[int] = None  # the output CRS (None: the layer's)
    bbox: Optional[tuple[float, float, float, float]] = None
    bbox_srid: int = 4326
    cql: str = ""
    fields: list[str] = field(default_factory=list)  # none: every field
    filename: str = ""  # the file's name on the server (default: from ``name``)

    @property
    def layer(self) -> str:
        """The uuid of the layer to export."""
        if not self.items:
            raise GeodockError(tr("Choose what to export"))
        return str(self.items[0])

    def body(self) -> dict[str, Any]:
        """The form of ``POST vectorLayers/{uuid}/export/`` (GeodockError for a format Geobox does not make)."""
        if self.format not in EXPORT_FORMATS:
            raise GeodockError(tr("Geobox cannot export as {fmt}").format(fmt=self.format))
        form: dict[str, Any] = {"out_format": self.format, "run_async": "true"}
        if self.srid:
            form["out_srid"] = int(self.srid)
        if self.bbox:
            form["bbox"] = ",".join(f"{v:.10g}" for v in self.bbox)
            form["bbox_srid"] = int(self.bbox_srid)
        if self.cql.strip():
            form["q"] = self.cql.strip()
        if self.fields:
            form["fields"] = ",".join(self.fields)
        filename = self.filename or (safe_filename(self.name) if self.name else "")
        if filename:
            form["out_filename"] = filename
        if self.format == "Shapefile":
            form["zipped"] = "true"
        return form


class GeoboxExporter:
    """Exports of one Geobox connection: fixed formats, nothing checked before submitting."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def describe(self, ref: str, feedback: Optional[QgsFeedback] = None) -> Resource:
        """The layer or view (a uuid) ``ref`` names, read from the server: its title and kind;
        :class:`~plugin.errors.NotFoundError` when there is none."""
        from ..registry import adapter_for

        return adapter_for(self.connection).resource_by_id(str(ref).strip(), feedback)

    def choices(self, feedback: Optional[QgsFeedback] = None) -> ExportChoices:
        """Geobox's export formats (known in advance: no network)."""
        return ExportChoices(formats={"vector": list(EXPORT_FORMATS.items())})

    def validate(self, request: ExportRequest, feedback: Optional[QgsFeedback] = None) -> Optional[ExportCheck]:
        """Nothing: Geobox has no validation endpoint."""
        return None

    def submit(self, request: ExportRequest, feedback: Optional[QgsFeedback] = None) -> Job:
        """Start the export task; its job (titled with the request's name) for the job manager."""
        layer = request.layer if isinstance(request, GeoboxExportRequest) else str(request.items[0])
        task = GeoboxTasks(self.connection).start_export(layer, request.body(), feedback)
        job = task.to_job(self.connection, request.folder, request.add_to_project)
        job.title = request.name
        return job
