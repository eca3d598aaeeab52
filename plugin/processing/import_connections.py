"""``geodock:importconnections``: set Geodock connections up from a JSON file (headless deployments)."""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import (  # type: ignore[attr-defined]  # QgsProcessingException is missing from qgis-stubs
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFile,
)

from ..connections import store
from ..errors import GeodockError
from .base import GeodockAlgorithm


class ImportConnectionsAlgorithm(GeodockAlgorithm):
    INPUT = "INPUT"
    COUNT = "COUNT"

    def name(self) -> str:
        return "importconnections"

    def displayName(self) -> str:
        return self.tr("Import connections")

    def group(self) -> str:
        return self.tr("Connections")

    def groupId(self) -> str:
        return "connections"

    def shortHelpString(self) -> str:
        return self.tr(
            'Imports Geodock connections from a JSON file {"connections": [{"name", "kind", "url", "authcfg"}]}. '
            'An entry may carry "credentials" ({"token"}, {"apikey"} or {"username", "password"}): they are stored '
            "as a new configuration in the QGIS authentication database, never in the settings. Headless runs "
            "unlock that database with QGIS_AUTH_PASSWORD_FILE. Connections of the same name are updated."
        )

    def initAlgorithm(self, config: Any = None) -> None:
        self.addParameter(QgsProcessingParameterFile(self.INPUT, self.tr("Connections file"), extension="json"))
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, self.tr("Connections imported")))

    def processAlgorithm(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: Optional[QgsProcessingFeedback]
    ) -> dict[str, Any]:
        path = self.parameterAsFile(parameters, self.INPUT, context)
        try:
            imported = store().import_file(path)
        except GeodockError as err:
            raise QgsProcessingException(err.message) from None
        for connection in imported:
            if feedback is not None:
                feedback.pushInfo(
                    self.tr("Imported {name} ({kind}) at {url}").format(
                        name=connection.name, kind=connection.kind, url=connection.url
                    )
                )
        return {self.COUNT: len(imported)}
