"""The ``geodock`` Processing provider: every Geodock operation as an algorithm (toolbox, models, qgis_process)."""

from __future__ import annotations

from importlib import import_module

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..version import PLUGIN_DIR

# module (in this package) -> algorithm classes. A module may also define ``dynamic_algorithms()``
# returning more instances (e.g. one algorithm per remote OGC process).
ALGORITHM_MODULES = {
    ".import_connections": ("ImportConnectionsAlgorithm",),
    ".fetch_layer": ("FetchLayerAlgorithm",),
    "..platforms.koordinates.export_algorithm": ("KoordinatesExportAlgorithm",),
    "..platforms.geobox.export_algorithm": ("GeoboxExportAlgorithm",),
    "..platforms.geobox.upload_algorithm": ("GeoboxUploadAlgorithm",),
    "..platforms.amigocloud.sql_algorithm": ("AmigoCloudSqlAlgorithm",),
    "..platforms.ogcapi.process_algorithms": ("ExecuteProcessAlgorithm",),
}


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
        for module_name, class_names in ALGORITHM_MODULES.items():
            module = import_module(module_name, __package__)
            for class_name in class_names:
                self.addAlgorithm(getattr(module, class_name)())
            dynamic = getattr(module, "dynamic_algorithms", None)
            if dynamic is not None:
                for algorithm in dynamic():
                    self.addAlgorithm(algorithm)
