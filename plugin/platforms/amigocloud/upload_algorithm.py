"""``geodock:amigocloudupload``: upload a vector layer to a new dataset of an AmigoCloud project."""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import (  # type: ignore[attr-defined]  # QgsProcessingException is missing from qgis-stubs
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputString,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from ...errors import GeodockError
from ...processing.base import GeodockAlgorithm, connection_of_kind, connection_parameter
from .chunked_upload import CHUNK_SIZE
from .upload import upload_layer

MIB = 1024 * 1024


class AmigoCloudUploadAlgorithm(GeodockAlgorithm):
    """``geodock:amigocloudupload``: a vector layer to a new AmigoCloud dataset, followed until it is ready."""

    CONNECTION = "CONNECTION"
    INPUT = "INPUT"
    PROJECT = "PROJECT"
    NAME = "NAME"
    CHUNK_MIB = "CHUNK_MIB"
    DATASET_ID = "DATASET_ID"
    DATASET_URL = "DATASET_URL"

    def name(self) -> str:
        """The algorithm's id within the Geodock provider."""
        return "amigocloudupload"

    def displayName(self) -> str:
        """The algorithm's title."""
        return self.tr("Upload layer to AmigoCloud")

    def group(self) -> str:
        """The group it is listed in."""
        return self.tr("AmigoCloud")

    def groupId(self) -> str:
        """The id of its group."""
        return "amigocloud"

    def shortHelpString(self) -> str:
        """The help shown beside the parameters."""
        return self.tr(
            "Uploads a vector layer to a new dataset of an AmigoCloud project. The layer is written to a "
            "GeoPackage first; a file of 8 MB or more is sent in chunks, and a chunk whose connection breaks is "
            "sent again from where the server stands. Waits until AmigoCloud has imported the dataset and returns "
            "its id. PROJECT is the project's id (empty: the project of a project-token connection)."
        )

    def initAlgorithm(self, config: Any = None) -> None:
        """The algorithm's parameters and outputs."""
        self.addParameter(connection_parameter(self.CONNECTION, self.tr("AmigoCloud connection (name)"), "amigocloud"))
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.INPUT,
                self.tr("Layer to upload"),
                [QgsProcessing.SourceType.TypeVectorAnyGeometry],  # type: ignore[attr-defined]  # QGIS 3.22 name
            )
        )
        self.addParameter(QgsProcessingParameterString(self.PROJECT, self.tr("Project id"), optional=True))
        self.addParameter(QgsProcessingParameterString(self.NAME, self.tr("Dataset name"), optional=True))
        chunk = QgsProcessingParameterNumber(
            self.CHUNK_MIB,
            self.tr("Chunk size (MiB)"),
            QgsProcessingParameterNumber.Type.Integer,  # type: ignore[attr-defined]  # QGIS 3.22 name
            defaultValue=CHUNK_SIZE // MIB,
            minValue=1,
            maxValue=64,
        )
        self.addParameter(chunk)
        self.addOutput(QgsProcessingOutputString(self.DATASET_ID, self.tr("Dataset id")))
        self.addOutput(QgsProcessingOutputString(self.DATASET_URL, self.tr("Dataset URL")))

    def processAlgorithm(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: Optional[QgsProcessingFeedback],
    ) -> dict[str, Any]:
        """Run it (blocking); a failure is a QgsProcessingException with a one-line message."""
        if feedback is None:  # QGIS may run an algorithm without a feedback object
            feedback = QgsProcessingFeedback()
        connection = connection_of_kind(self.parameterAsString(parameters, self.CONNECTION, context), "amigocloud")
        layer = self.parameterAsVectorLayer(parameters, self.INPUT, context)
        if layer is None:
            raise QgsProcessingException(self.tr("The layer to upload could not be read"))
        name = self.parameterAsString(parameters, self.NAME, context).strip() or layer.name()
        project = self.parameterAsString(parameters, self.PROJECT, context).strip() or None
        chunk_size = self.parameterAsInt(parameters, self.CHUNK_MIB, context) * MIB
        feedback.pushInfo(
            self.tr("Uploading {layer} to {connection} as {name}").format(
                layer=layer.name(), connection=connection.name, name=name
            )
        )
        try:
            dataset = upload_layer(connection, layer, name, project, feedback, chunk_size=chunk_size)
        except GeodockError as err:
            raise QgsProcessingException(err.message) from None
        feedback.pushInfo(self.tr("Dataset {id} is ready").format(id=dataset.dataset_id))
        return {self.DATASET_ID: dataset.dataset_id, self.DATASET_URL: dataset.url}
