"""What every Geodock Processing algorithm shares."""

from __future__ import annotations

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException  # type: ignore[attr-defined]  # not in qgis-stubs
from qgis.PyQt.QtCore import QCoreApplication

from ..connections import KIND_TITLES, Connection, store


class GeodockAlgorithm(QgsProcessingAlgorithm):
    """Translation with the class name as context, and ``createInstance`` returning a new instance."""

    def tr(self, text: str) -> str:
        return QCoreApplication.translate(type(self).__name__, text)

    def createInstance(self) -> GeodockAlgorithm:
        return type(self)()


def connection_of_kind(name: str, kind: str) -> Connection:
    """The stored connection ``name``, which must be of ``kind`` (a Processing error otherwise)."""
    connection = store().get(name.strip())
    if connection is None:
        known = ", ".join(c.name for c in store().all() if c.kind == kind) or "none"
        raise QgsProcessingException(
            f"No Geodock connection named {name!r} (known {KIND_TITLES[kind]} connections: {known})"
        )
    if connection.kind != kind:
        raise QgsProcessingException(f"{connection.name} is not a {KIND_TITLES[kind]} connection")
    return connection
