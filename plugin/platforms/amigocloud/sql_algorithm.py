"""``geodock:amigocloudsql``: run a read query through an AmigoCloud project's SQL API into a layer."""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import (  # type: ignore[attr-defined]  # QgsProcessingException is missing from qgis-stubs
    QgsCoordinateReferenceSystem,
    QgsFeatureSink,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)

from ...errors import GeodockError
from ...processing.base import GeodockAlgorithm, connection_of_kind, connection_parameter
from .sql import AmigoCloudSql, is_write


class AmigoCloudSqlAlgorithm(GeodockAlgorithm):
    """``geodock:amigocloudsql``: run an AmigoCloud SQL query and write its rows as a layer."""

    CONNECTION = "CONNECTION"
    PROJECT = "PROJECT"
    QUERY = "QUERY"
    OUTPUT = "OUTPUT"

    def name(self) -> str:
        """The algorithm's id within the Geodock provider."""
        return "amigocloudsql"

    def displayName(self) -> str:
        """The algorithm's title."""
        return self.tr("AmigoCloud SQL query to layer")

    def group(self) -> str:
        """The group it is listed in."""
        return self.tr("AmigoCloud")

    def groupId(self) -> str:
        """The id of its group."""
        return "amigocloud"

    def shortHelpString(self) -> str:
        """The help shown beside the parameters."""
        return self.tr(
            "Runs a read (SELECT) query through the SQL API of an AmigoCloud project, following the cursor through "
            "every page, and writes the rows to a layer. The geometry comes from a geometry column or from a "
            "ST_AsGeoJSON(...) column; tables are named dataset_<id>. Only one read statement is run here (SELECT, "
            "WITH, VALUES, TABLE, SHOW or EXPLAIN, with no data-modifying part); anything else is refused: use the "
            "SQL console."
        )

    def initAlgorithm(self, config: Any = None) -> None:
        """The algorithm's parameters and outputs."""
        self.addParameter(connection_parameter(self.CONNECTION, self.tr("AmigoCloud connection (name)"), "amigocloud"))
        self.addParameter(
            QgsProcessingParameterNumber(
                self.PROJECT, self.tr("Project id"), QgsProcessingParameterNumber.Type.Integer, 1, minValue=1
            )
        )
        self.addParameter(QgsProcessingParameterString(self.QUERY, self.tr("SQL query"), multiLine=True))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Query result")))

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
        project = str(self.parameterAsInt(parameters, self.PROJECT, context))
        query = self.parameterAsString(parameters, self.QUERY, context)
        if is_write(query):
            raise QgsProcessingException(self.tr("Only read queries can make a layer; run writes in the SQL console"))
        try:
            result = AmigoCloudSql(connection).query_features(project, query, feedback)
        except GeodockError as err:
            raise QgsProcessingException(err.message) from None
        wkb_type = result.wkb_type if result.wkb_type != QgsWkbTypes.Type.Unknown else QgsWkbTypes.Type.NoGeometry
        sink, dest = self.parameterAsSink(
            parameters, self.OUTPUT, context, result.fields, wkb_type, QgsCoordinateReferenceSystem("EPSG:4326")
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.OUTPUT))
        total = max(len(result.features), 1)
        for index, feature in enumerate(result.features):
            if feedback.isCanceled():
                break
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
            feedback.setProgress(100.0 * (index + 1) / total)
        if result.skipped:
            feedback.reportError(
                self.tr("{n} rows had another geometry type and were left out").format(n=result.skipped)
            )
        feedback.pushInfo(self.tr("{n} rows").format(n=len(result.features)))
        return {self.OUTPUT: dest}
