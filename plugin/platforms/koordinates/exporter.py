"""Koordinates' EXPORT capability: the request the Export dialog builds, and the exporter that checks and submits it.

The body is :func:`.exports.export_body` (the REST contract in ``shared/api/koordinates.md``); every call blocks:
run it in a task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional, Union

from ...connections import Connection
from ..base import Resource
from ..capabilities import ExportCheck, ExportChoices, ExportRequest
from .exports import KoordinatesExports, bbox_polygon, export_body

if TYPE_CHECKING:
    from qgis.core import QgsFeedback

    from ...job_model import Job

Box = tuple[float, float, float, float]


@dataclass
class KoordinatesExportRequest(ExportRequest):
    """An export of item API URLs (``items``): one format per data kind, a CRS and an optional crop."""

    crs: str = ""
    formats: dict[str, str] = field(default_factory=dict)  # data kind -> format value
    extent: Union[str, dict[str, Any], None] = None  # a GeoJSON (Multi)Polygon in EPSG:4326 or a crop feature URL
    bbox: Optional[Box] = None  # a lon/lat box, used when there is no ``extent``
    titles: dict[str, str] = field(default_factory=dict)  # item URL -> what the user sees (for the problems)

    def body(self) -> dict[str, Any]:
        """The body of ``POST /exports/`` (and ``/exports/validate/``)."""
        extent = self.extent or (bbox_polygon(*self.bbox) if self.bbox else None)
        return export_body([str(item) for item in self.items], self.crs, self.formats, self.name, extent)


class KoordinatesExporter:
    """Formats and crop features, validation and creation of the exports of one Koordinates connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.api = KoordinatesExports(connection)

    def item_url(self, ref: str) -> str:
        """The API URL of an item reference (``"5"``, ``"tables/5"`` or a URL); no network."""
        return self.api.item_url(ref)

    def describe(self, ref: str, feedback: Optional[QgsFeedback] = None) -> Resource:
        """The item a reference names (``"5"``, ``"tables/5"`` or its API URL), read from the server: its title and
        kind; :class:`~plugin.errors.NotFoundError` when there is none."""
        url = self.item_url(ref)
        kind = "table" if "/tables/" in url else "vector"
        return self.api.adapter.get_details(Resource(str(ref), kind, str(ref), api_url=url), feedback)

    def choices(self, feedback: Optional[QgsFeedback] = None) -> ExportChoices:
        """Formats per data kind (``OPTIONS /exports/``) and every server crop feature, as ``(label, url)``."""
        formats = {kind: [(f.value, f.name) for f in found] for kind, found in self.api.formats(feedback).items()}
        features = [
            (f"{layer.name}: {feature.name}", feature.url)
            for layer in self.api.crop_layers(feedback)
            for feature in self.api.crop_features(layer, feedback)
        ]
        return ExportChoices(formats=formats, extra={"crop_features": features})

    def validate(self, request: ExportRequest, feedback: Optional[QgsFeedback] = None) -> ExportCheck:
        """The server's verdict (``POST /exports/validate/``): every reason in words; ``details`` its Validation."""
        validation = self.api.validate(request.body(), feedback)
        titles = request.titles if isinstance(request, KoordinatesExportRequest) else {}
        return ExportCheck(validation.is_valid, validation.problems(titles), validation)

    def submit(self, request: ExportRequest, feedback: Optional[QgsFeedback] = None) -> Job:
        """Create the export; its job (titled with the request's name) for the job manager."""
        job = self.api.create(request.body(), feedback).to_job(self.connection, request.folder, request.add_to_project)
        job.title = request.name
        return job
