"""``geodock:koordinatesexport``: export Koordinates items server-side, wait for it, download and unpack it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from qgis.core import (  # type: ignore[attr-defined]
    QgsCoordinateReferenceSystem,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingParameterCrs,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
)

from ...connections import store
from ...errors import CancelledError, GeodockError
from ...job_model import JobState
from ...jobs import wait_for_job
from ...processing.base import GeodockAlgorithm, connection_parameter
from ...results import expand_results


class KoordinatesExportAlgorithm(GeodockAlgorithm):
    """``geodock:koordinatesexport``: export Koordinates layers or tables to files (and optionally load them)."""

    CONNECTION = "CONNECTION"
    ITEMS = "ITEMS"
    CRS = "CRS"
    FORMAT = "FORMAT"
    EXTENT = "EXTENT"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    ARCHIVE = "ARCHIVE"
    LAYERS = "LAYERS"

    def name(self) -> str:
        """The algorithm's id within the Geodock provider."""
        return "koordinatesexport"

    def displayName(self) -> str:
        """The algorithm's title."""
        return self.tr("Koordinates export")

    def group(self) -> str:
        """The group it is listed in."""
        return self.tr("Exports")

    def groupId(self) -> str:
        """The id of its group."""
        return "exports"

    def shortHelpString(self) -> str:
        """The help shown beside the parameters."""
        return self.tr(
            "Creates an export of Koordinates layers and tables on the server, waits for it, downloads the "
            "archive (resuming a dropped download) and unpacks it safely. ITEMS are item ids (5, tables/5) or API "
            "URLs, comma-separated. FORMAT is the format value (e.g. application/x-ogc-gpkg), used for every kind "
            "of data that accepts it. The optional EXTENT crops the export."
        )

    def initAlgorithm(self, config: Any = None) -> None:
        """The algorithm's parameters and outputs."""
        self.addParameter(
            connection_parameter(self.CONNECTION, self.tr("Koordinates connection (name)"), "koordinates")
        )
        self.addParameter(QgsProcessingParameterString(self.ITEMS, self.tr("Items (ids or URLs, comma-separated)")))
        self.addParameter(QgsProcessingParameterCrs(self.CRS, self.tr("CRS"), "EPSG:4326"))
        self.addParameter(QgsProcessingParameterString(self.FORMAT, self.tr("Format value"), "application/x-ogc-gpkg"))
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, self.tr("Crop extent"), optional=True))
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, self.tr("Output folder")))
        self.addOutput(QgsProcessingOutputFile(self.ARCHIVE, self.tr("Downloaded archive")))
        self.addOutput(QgsProcessingOutputMultipleLayers(self.LAYERS, self.tr("Extracted data files")))

    def processAlgorithm(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: Optional[QgsProcessingFeedback]
    ) -> dict[str, Any]:
        """Run it (blocking); a failure is a QgsProcessingException with a one-line message."""
        from .exports import KoordinatesExports, bbox_polygon, export_body

        try:
            connection = store().require(self.parameterAsString(parameters, self.CONNECTION, context))
            if connection.kind != "koordinates":
                raise GeodockError(self.tr("{name} is not a Koordinates connection").format(name=connection.name))
            api = KoordinatesExports(connection)
            items = [i.strip() for i in self.parameterAsString(parameters, self.ITEMS, context).split(",") if i.strip()]
            if not items:
                raise GeodockError(self.tr("Give at least one item id"))
            crs = self.parameterAsCrs(parameters, self.CRS, context).authid()
            fmt = self.parameterAsString(parameters, self.FORMAT, context).strip()
            formats = api.formats(feedback)
            chosen = {kind: fmt for kind, choices in formats.items() if fmt in {c.value for c in choices}}
            if not chosen:
                raise GeodockError(self.tr("The server offers no format {fmt}").format(fmt=fmt))
            extent = None
            if parameters.get(self.EXTENT):
                # In EPSG:4326 (transformed from the extent's own CRS when it has one).
                box = self.parameterAsExtent(
                    parameters, self.EXTENT, context, QgsCoordinateReferenceSystem("EPSG:4326")
                )
                extent = bbox_polygon(box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum())
            body = export_body([api.item_url(i) for i in items], crs, chosen, "geodock-processing", extent)
            check = api.validate(body, feedback)
            if not check.is_valid:
                raise GeodockError(
                    self.tr("The export is invalid: {reasons}").format(reasons="; ".join(check.problems()))
                )
            export = api.create(body, feedback)
            job = export.to_job(connection)
            if feedback is not None:
                feedback.pushInfo(self.tr("Export {id} created; waiting for it").format(id=export.id))
            from .exports import KoordinatesExportBackend

            status = wait_for_job(KoordinatesExportBackend(connection), job, feedback)
            if status.state != JobState.SUCCEEDED:
                raise GeodockError(
                    self.tr("The export ended {state}: {message}").format(
                        state=status.state.value, message=status.message
                    )
                )
            folder = Path(self.parameterAsString(parameters, self.OUTPUT_FOLDER, context))
            folder.mkdir(parents=True, exist_ok=True)
            archive = api.download(api.get(export.id, feedback), folder, feedback)
            files = expand_results([archive], folder, feedback)
        except CancelledError:
            raise QgsProcessingException(self.tr("Cancelled")) from None
        except GeodockError as err:
            raise QgsProcessingException(err.message) from None
        if feedback is not None:
            feedback.pushInfo(
                self.tr("Downloaded {archive}: {count} data file(s)").format(archive=archive, count=len(files))
            )
        return {
            self.ARCHIVE: str(archive),
            self.LAYERS: [str(f) for f in files],
            self.OUTPUT_FOLDER: str(folder),
        }
