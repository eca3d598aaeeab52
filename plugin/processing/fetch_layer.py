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
    QgsProviderRegistry,
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
            "An extent keeps only the features that intersect it. Tables give attribute-only output. "
            "A GeoPackage output records where it came from (the connection's name and the resource's id, never "
            "a secret), so that it can be synchronised with the server later (Sync edits with server)."
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
            connection = store().require(name)
            adapter = adapter_for(connection)
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
        del sink  # closes the output file: its origin is written into it next
        self._record_origin(dest_id, target, local, connection, resource, feedback)
        return {self.OUTPUT: dest_id}

    def _record_origin(
        self,
        dest_id: str,
        fetched: Path,
        local: QgsVectorLayer,
        connection: Any,
        resource: Any,
        feedback: QgsProcessingFeedback,
    ) -> None:
        """Write the origin and base into a GeoPackage output (other outputs cannot carry them: said so)."""
        from ..sync.model import parse_source
        from ..sync.record import copy_base, record_copy, server_fields

        parts = QgsProviderRegistry.instance().decodeUri("ogr", dest_id)
        path = Path(str(parts.get("path") or ""))
        if path.suffix.lower() != ".gpkg" or not path.is_file():
            feedback.pushInfo(self.tr("The output is not a GeoPackage: it cannot be synchronised with the server"))
            return
        layer = str(parts.get("layerName") or "") or parse_source(str(path))[1]
        fetched_layer = parse_source(local.source())[1]
        copy_base(fetched, fetched_layer, path, layer)
        record_copy(path, layer, connection, resource, server_fields(fetched, fetched_layer))
