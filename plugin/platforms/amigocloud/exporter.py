"""AmigoCloud's EXPORT capability: a dataset in one format (``POST {dataset.export}``), followed as a job.

Every call blocks: run it in a task.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from ...connections import Connection
from ...errors import GeodockError
from ...i18n import tr
from ..base import Resource
from ..capabilities import ExportCheck, ExportChoices, ExportRequest
from .jobs import EXPORT_FORMATS, AmigoCloudExports, new_job

if TYPE_CHECKING:
    from qgis.core import QgsFeedback

    from ...job_model import Job


@dataclass
class AmigoCloudExportRequest(ExportRequest):
    """An export of one dataset (``items[0]``: a Resource with details, or its id) in one format."""

    format: str = "GeoJSON"

    def body(self) -> dict[str, Any]:
        """The body of ``POST {dataset.export}``."""
        return {"format": self.format}


class AmigoCloudExporter:
    """Dataset exports of one AmigoCloud connection: fixed formats, nothing checked before submitting."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def describe(self, ref: str, feedback: Optional[QgsFeedback] = None) -> Resource:
        """The dataset (an id) ``ref`` names, read from the server: its title and kind;
        :class:`~plugin.errors.NotFoundError` when there is none."""
        from ..registry import adapter_for

        return adapter_for(self.connection).resource_by_id(str(ref).strip(), feedback)

    def choices(self, feedback: Optional[QgsFeedback] = None) -> ExportChoices:
        """AmigoCloud's export formats (known in advance: no network)."""
        return ExportChoices(formats={"vector": list(EXPORT_FORMATS.items())})

    def validate(self, request: ExportRequest, feedback: Optional[QgsFeedback] = None) -> Optional[ExportCheck]:
        """Nothing: AmigoCloud has no validation endpoint."""
        return None

    def submit(self, request: ExportRequest, feedback: Optional[QgsFeedback] = None) -> Job:
        """Start the export; its job (titled with the request's name) for the job manager."""
        if not request.items:
            raise GeodockError(tr("Choose what to export"))
        out_format = str(request.body()["format"])
        remote = AmigoCloudExports(self.connection).export_dataset(request.items[0], out_format, feedback)
        return new_job(self.connection, remote, request.name, request.folder, request.add_to_project)
