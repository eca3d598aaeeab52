"""The ``geodock`` Processing provider: every Geodock operation as an algorithm (toolbox, models, qgis_process)."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..version import PLUGIN_DIR
from .import_connections import ImportConnectionsAlgorithm


class GeodockProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "geodock"

    def name(self) -> str:
        return "Geodock"

    def longName(self) -> str:
        return QCoreApplication.translate("GeodockProvider", "Geodock: remote geodata platforms")

    def icon(self) -> QIcon:
        return QIcon(str(PLUGIN_DIR / "resources" / "icons" / "geodock.svg"))

    def loadAlgorithms(self) -> None:
        for algorithm in (ImportConnectionsAlgorithm(),):
            self.addAlgorithm(algorithm)
