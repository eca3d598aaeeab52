"""``geodock:geoboxupload``: upload a vector layer to Geobox and publish it as a remote vector layer."""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import (  # type: ignore[attr-defined]  # QgsProcessingException is missing from qgis-stubs
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputString,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from ...errors import GeodockError
from ...processing.base import GeodockAlgorithm, connection_of_kind, connection_parameter
from .upload import upload_layer


class GeoboxUploadAlgorithm(GeodockAlgorithm):
    """``geodock:geoboxupload``: upload a vector layer to Geobox."""

    CONNECTION = "CONNECTION"
    INPUT = "INPUT"
    NAME = "NAME"
    LAYER_UUID = "LAYER_UUID"

    def name(self) -> str:
        """The algorithm's id within the Geodock provider."""
        return "geoboxupload"

    def displayName(self) -> str:
        """The algorithm's title."""
        return self.tr("Upload layer to Geobox")

    def group(self) -> str:
        """The group it is listed in."""
        return self.tr("Geobox")

    def groupId(self) -> str:
        """The id of its group."""
        return "geobox"

    def shortHelpString(self) -> str:
        """The help shown beside the parameters."""
        return self.tr(
            "Uploads a vector layer to a Geobox connection and publishes it as a new remote vector layer. A layer "
            "that is a GeoPackage table is sent as it is; any other layer is written to a GeoPackage first. "
            "Returns the uuid of the new remote layer."
        )

    def initAlgorithm(self, config: Any = None) -> None:
        """The algorithm's parameters and outputs."""
        self.addParameter(connection_parameter(self.CONNECTION, self.tr("Geobox connection (name)"), "geobox"))
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.INPUT,
                self.tr("Layer to upload"),
                [QgsProcessing.SourceType.TypeVectorAnyGeometry],  # type: ignore[attr-defined]  # QGIS 3.22 name; stubs: Qgis.ProcessingSourceType
            )
        )
        self.addParameter(QgsProcessingParameterString(self.NAME, self.tr("Remote layer name"), optional=True))
        self.addOutput(QgsProcessingOutputString(self.LAYER_UUID, self.tr("Remote layer uuid")))

    def processAlgorithm(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: Optional[QgsProcessingFeedback],
    ) -> dict[str, Any]:
        """Run it (blocking); a failure is a QgsProcessingException with a one-line message."""
        if feedback is None:  # QGIS may run an algorithm without a feedback object
            feedback = QgsProcessingFeedback()
        connection = connection_of_kind(self.parameterAsString(parameters, self.CONNECTION, context), "geobox")
        layer = self.parameterAsVectorLayer(parameters, self.INPUT, context)
        if layer is None:
            raise QgsProcessingException(self.tr("The layer to upload could not be read"))
        name = self.parameterAsString(parameters, self.NAME, context).strip() or layer.name()
        feedback.pushInfo(
            self.tr("Uploading {layer} to {connection} as {name}").format(
                layer=layer.name(), connection=connection.name, name=name
            )
        )
        try:
            uuid = upload_layer(connection, layer, name, feedback)
        except GeodockError as err:
            raise QgsProcessingException(err.message) from None
        feedback.pushInfo(self.tr("Published as {uuid}").format(uuid=uuid))
        return {self.LAYER_UUID: uuid}
