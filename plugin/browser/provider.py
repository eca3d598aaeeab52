"""The Geodock ``QgsDataItemProvider``: registered by the plugin's ``initGui``, removed in ``unload``."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsDataItem, QgsDataItemProvider, QgsDataProvider
from qgis.PyQt import sip

from .items import ROOT_PATH, GeodockRootItem
from .uris import PROVIDER_KEY


class GeodockDataItemProvider(QgsDataItemProvider):
    """Adds the "Geodock" root (connections → kinds → resources) to the QGIS Browser panel."""

    def __init__(self) -> None:
        super().__init__()
        self._roots: list[GeodockRootItem] = []  # the Python side of the roots QGIS owns (see items.owned_by)

    def name(self) -> str:
        """The provider's name."""
        return "Geodock"

    def dataProviderKey(self) -> str:
        """The provider key of Geodock's items."""
        return PROVIDER_KEY

    def capabilities(self) -> int:  # type: ignore[override]  # QGIS 3.22: QgsDataProvider.DataCapabilities
        """Network data."""
        return QgsDataProvider.DataCapability.Net  # type: ignore[attr-defined]

    def createDataItem(self, path: Optional[str], parentItem: Optional[QgsDataItem]) -> Optional[QgsDataItem]:
        """The Geodock root for the Browser's root path (None for any other path)."""
        if not path or path == ROOT_PATH:
            root = GeodockRootItem(parentItem)
            self._roots = [r for r in self._roots if not sip.isdeleted(r)] + [root]
            return root
        return None


def create_provider() -> GeodockDataItemProvider:
    """The provider ``ui/main.py`` registers with ``QgsApplication.dataItemProviderRegistry()``."""
    return GeodockDataItemProvider()
