"""What every Geodock Processing algorithm shares."""

from __future__ import annotations

from typing import Optional

from qgis.core import (  # type: ignore[attr-defined]  # QgsProcessingException is not in qgis-stubs
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..connections import Connection, kind_title, store


class GeodockAlgorithm(QgsProcessingAlgorithm):
    """Translation with the class name as context, and ``createInstance`` returning a new instance."""

    def tr(self, text: str) -> str:
        """``text`` translated, in the context of the algorithm's class."""
        return QCoreApplication.translate(type(self).__name__, text)

    def createInstance(self) -> GeodockAlgorithm:
        """A new instance of the same algorithm."""
        return type(self)()


def connection_parameter(name: str, description: str, kind: Optional[str] = None) -> QgsProcessingParameterString:
    """A connection-name parameter, defaulting to the first stored connection (of ``kind``, when given)."""
    names = [c.name for c in store().all() if kind is None or c.kind == kind]
    return QgsProcessingParameterString(name, description, defaultValue=names[0] if names else None)


def connection_of_kind(name: str, kind: str) -> Connection:
    """The stored connection ``name``, which must be of ``kind`` (a Processing error otherwise)."""
    connection = store().get(name.strip())
    title = kind_title(kind)
    if connection is None:
        known = ", ".join(c.name for c in store().all() if c.kind == kind) or QCoreApplication.translate(
            "GeodockAlgorithm", "none"
        )
        raise QgsProcessingException(
            QCoreApplication.translate(
                "GeodockAlgorithm", "No Geodock connection named {name!r} (known {title} connections: {known})"
            ).format(name=name, title=title, known=known)
        )
    if connection.kind != kind:
        raise QgsProcessingException(
            QCoreApplication.translate("GeodockAlgorithm", "{name} is not a {title} connection").format(
                name=connection.name, title=title
            )
        )
    return connection
