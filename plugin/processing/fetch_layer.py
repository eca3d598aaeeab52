"""``geodock:fetchlayer``: copy a remote layer, view, table or dataset's features into any feature sink."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Optional

from qgis.core import (  # type: ignore[attr-defined]  # QgsProcessingException is missing from qgis-stubs
    QgsCoordinateReferenceSystem,
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingMultiStepFeedback,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterString,
    QgsProcessingUtils,
    QgsVectorLayer,
)

from ..connections import store
from ..errors import GeodockError
from ..platforms import adapter_for
from .base import GeodockAlgorithm, connection_parameter


class FetchLayerAlgorithm(GeodockAlgorithm):
    """``geodock:fetchlayer``: a remote layer's features into a feature sink."""

    CONNECTION = "CONNECTION"
    RESOURCE = "RESOURCE"
    EXTENT = "EXTENT"
    OUTPUT = "OUTPUT"

    def name(self) -> str:
        """The algorithm's id within the provider."""
        return "fetchlayer"

    def displayName(self) -> str:
        """The name shown in the toolbox."""
        return self.tr("Fetch remote layer")

    def group(self) -> str:
        """The toolbox group."""
        return self.tr("Data")

    def groupId(self) -> str:
        """The toolbox group's id."""
        return "data"

    def shortHelpString(self) -> str:
        """The help shown beside the parameters."""
        return self.tr(
            "Copies every feature and attribute of a remote vector layer, view, table or dataset into a layer, "
            "given its id (or uuid) on the connection's platform. "
            "An extent keeps only the features that intersect it. Tables give attribute-only output."
        )

    def initAlgorithm(self, config: Any = None) -> None:
        """Connection, resource id, optional extent and output sink."""
        self.addParameter(connection_parameter(self.CONNECTION, self.tr("Geodock connection (name)")))
        self.addParameter(QgsProcessingParameterString(self.RESOURCE, self.tr("Layer, table or dataset id")))
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, self.tr("Extent"), optional=True))
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT,
                self.tr("Fetched layer"),
                QgsProcessing.SourceType.TypeVector,  # type: ignore[attr-defined]  # QGIS 3.22 name; stubs: Qgis.ProcessingSourceType
            )
        )

    def processAlgorithm(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: Optional[QgsProcessingFeedback],
    ) -> dict[str, Any]:
        """Fetch the resource's features and copy them into the sink."""
        if feedback is None:  # QGIS may run an algorithm without a feedback object
            feedback = QgsProcessingFeedback()
        steps = QgsProcessingMultiStepFeedback(2, feedback)
        name = self.parameterAsString(parameters, self.CONNECTION, context)
        resource_id = self.parameterAsString(parameters, self.RESOURCE, context).strip()
        extent = None
        if parameters.get(self.EXTENT) not in (None, ""):
            box = self.parameterAsExtent(parameters, self.EXTENT, context, QgsCoordinateReferenceSystem("EPSG:4326"))
            if not box.isNull() and not box.isEmpty():
                extent = (box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum())
        target = Path(QgsProcessingUtils.tempFolder()) / f"geodock-fetch-{uuid.uuid4().hex[:8]}.gpkg"
        try:
            adapter = adapter_for(store().require(name))
            resource = adapter.resource_by_id(resource_id, steps)
            feedback.pushInfo(self.tr("Fetching {title} ({kind})").format(title=resource.title, kind=resource.kind))
            source = adapter.fetch_features(resource, str(target), extent, steps)
        except GeodockError as err:
            if err.details:
                feedback.pushDebugInfo(err.details)
            raise QgsProcessingException(err.message) from None
        steps.setCurrentStep(1)
        local = QgsVectorLayer(source, resource.title, "ogr")
        if not local.isValid():
            raise QgsProcessingException(
                self.tr("The fetched copy of {title} could not be read").format(title=resource.title)
            )
        sink, dest_id = self.parameterAsSink(
            parameters, self.OUTPUT, context, local.fields(), local.wkbType(), local.crs()
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        total = max(1, local.featureCount())
        for index, feature in enumerate(local.getFeatures()):
            if feedback.isCanceled():
                break
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
            if index % 500 == 0:
                steps.setProgress(100.0 * index / total)
        feedback.pushInfo(self.tr("{count} features fetched").format(count=local.featureCount()))
        return {self.OUTPUT: dest_id}
