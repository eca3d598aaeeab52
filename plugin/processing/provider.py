"""The ``geodock`` Processing provider: every Geodock operation as an algorithm (toolbox, models, qgis_process).

The generic algorithms are listed here; each platform's come from its registry row (``algorithms`` and
``dynamic_algorithms``). An import error is not hidden: QGIS logs it. When the provider loads (with the
plugin), each row's ``on_load`` runs: what keeps its dynamic algorithms current (no network at start-up).
"""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..i18n import tr
from ..platforms import registry
from ..sync.sync_algorithm import ReloadFromServerAlgorithm, SyncEditsAlgorithm
from ..version import PLUGIN_DIR
from .fetch_layer import FetchLayerAlgorithm
from .import_connections import ImportConnectionsAlgorithm
from .refresh_processes import RefreshProcessesAlgorithm

# syncedits / reloadfromserver: any fetched copy whose platform has FEATURE_WRITE (reload: any that fetches).
GENERIC_ALGORITHMS = (
    ImportConnectionsAlgorithm,
    RefreshProcessesAlgorithm,
    FetchLayerAlgorithm,
    SyncEditsAlgorithm,
    ReloadFromServerAlgorithm,
)


class GeodockProvider(QgsProcessingProvider):
    """The provider of every Geodock algorithm."""

    def id(self) -> str:
        """The provider id: algorithm ids are ``geodock:<name>``."""
        return "geodock"

    def name(self) -> str:
        """The short name shown in the toolbox."""
        return "Geodock"

    def longName(self) -> str:
        """The long name shown in the toolbox."""
        return tr("Geodock: remote geodata platforms")

    def icon(self) -> QIcon:
        """Geodock's icon."""
        return QIcon(str(PLUGIN_DIR / "resources" / "icons" / "geodock.svg"))

    def load(self) -> bool:
        """Start each platform's ``on_load`` (e.g. watching connections), then list the algorithms."""
        for row in registry.platforms():
            for ref in row.on_load:
                registry.load(ref)()
        return bool(super().load())

    def loadAlgorithms(self) -> None:
        """Add the generic algorithms, then every platform's (its classes, then its dynamic ones)."""
        for algorithm_class in GENERIC_ALGORITHMS:
            self.addAlgorithm(algorithm_class())
        for row in registry.platforms():
            for ref in row.algorithms:
                self.addAlgorithm(registry.load(ref)())
            if row.dynamic_algorithms:
                for algorithm in registry.load(row.dynamic_algorithms)():
                    self.addAlgorithm(algorithm)
