"""``geodock:geoboxexport``: export a Geobox vector layer as a server task, wait for it, download the file."""

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
    QgsProcessingParameterEnum,
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

FORMATS = ["GPKG", "Shapefile", "GeoJSON", "CSV", "KML", "DXF"]


class GeoboxExportAlgorithm(GeodockAlgorithm):
    """``geodock:geoboxexport``: export Geobox layers to files through an export task."""

    CONNECTION = "CONNECTION"
    LAYER = "LAYER"
    FORMAT = "FORMAT"
    CRS = "CRS"
    EXTENT = "EXTENT"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    FILE = "FILE"
    LAYERS = "LAYERS"

    def name(self) -> str:
        """The algorithm's id within the Geodock provider."""
        return "geoboxexport"

    def displayName(self) -> str:
        """The algorithm's title."""
        return self.tr("Geobox export")

    def group(self) -> str:
        """The group it is listed in."""
        return self.tr("Exports")

    def groupId(self) -> str:
        """The id of its group."""
        return "exports"

    def shortHelpString(self) -> str:
        """The help shown beside the parameters."""
        return self.tr(
            "Exports a Geobox vector layer (by uuid) as a server task in the chosen format and CRS, optionally "
            "limited to an extent, waits for the task, and downloads (and safely unpacks) the file."
        )

    def initAlgorithm(self, config: Any = None) -> None:
        """The algorithm's parameters and outputs."""
        self.addParameter(connection_parameter(self.CONNECTION, self.tr("Geobox connection (name)"), "geobox"))
        self.addParameter(QgsProcessingParameterString(self.LAYER, self.tr("Vector layer uuid")))
        self.addParameter(QgsProcessingParameterEnum(self.FORMAT, self.tr("Format"), FORMATS, defaultValue=0))
        self.addParameter(QgsProcessingParameterCrs(self.CRS, self.tr("Output CRS"), "EPSG:3857"))
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, self.tr("Extent"), optional=True))
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, self.tr("Output folder")))
        self.addOutput(QgsProcessingOutputFile(self.FILE, self.tr("Downloaded file")))
        self.addOutput(QgsProcessingOutputMultipleLayers(self.LAYERS, self.tr("Data files")))

    def processAlgorithm(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: Optional[QgsProcessingFeedback]
    ) -> dict[str, Any]:
        """Run it (blocking); a failure is a QgsProcessingException with a one-line message."""
        from .jobs import GeoboxTaskBackend, GeoboxTasks

        try:
            connection = store().require(self.parameterAsString(parameters, self.CONNECTION, context))
            if connection.kind != "geobox":
                raise GeodockError(self.tr("{name} is not a Geobox connection").format(name=connection.name))
            layer = self.parameterAsString(parameters, self.LAYER, context).strip()
            fmt = FORMATS[self.parameterAsEnum(parameters, self.FORMAT, context)]
            authid = self.parameterAsCrs(parameters, self.CRS, context).authid()
            srid = int(authid.split(":")[1]) if authid.upper().startswith("EPSG:") else None
            bbox = None
            if parameters.get(self.EXTENT):
                box = self.parameterAsExtent(
                    parameters, self.EXTENT, context, QgsCoordinateReferenceSystem("EPSG:4326")
                )
                bbox = (box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum())
            api = GeoboxTasks(connection)
            task = api.export_layer(layer, fmt, srid, bbox, 4326, feedback=feedback)
            job = task.to_job(connection)
            status = wait_for_job(GeoboxTaskBackend(connection), job, feedback)
            if status.state != JobState.SUCCEEDED:
                raise GeodockError(
                    self.tr("The export task ended {state}: {message}").format(
                        state=status.state.value, message=status.message
                    )
                )
            folder = Path(self.parameterAsString(parameters, self.OUTPUT_FOLDER, context))
            folder.mkdir(parents=True, exist_ok=True)
            path = api.download_file(str(job.result["file_uuid"]), folder, feedback)
            files = expand_results([path], folder, feedback)
        except CancelledError:
            raise QgsProcessingException(self.tr("Cancelled")) from None
        except GeodockError as err:
            raise QgsProcessingException(err.message) from None
        return {self.FILE: str(path), self.LAYERS: [str(f) for f in files], self.OUTPUT_FOLDER: str(folder)}
