"""``geodock:refreshprocesses``: fetch what the per-process algorithms are made of (the OGC process
descriptions), for every connection or one; :func:`refresh_remote_algorithms` is also what
``geodock:importconnections`` runs for the connections it imports.

Which platforms have such algorithms, and how they are fetched, the registry says (a row's
``dynamic_refresh``). Blocking: it runs on the algorithm's worker (or in ``qgis_process``, whose next call
lists the algorithms).
"""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import (  # type: ignore[attr-defined]  # QgsProcessingException is missing from qgis-stubs
    QgsFeedback,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterString,
)

from ..connections import Connection, store
from ..errors import GeodockError
from ..i18n import tr
from ..platforms import registry
from .base import GeodockAlgorithm


def has_remote_algorithms(connection: Connection) -> bool:
    """Whether the platform of ``connection`` makes algorithms of what its server offers."""
    kinds = {row.kind for row in registry.platforms() if row.dynamic_refresh}
    return connection.kind in kinds


def refresh_remote_algorithms(connections: list[Connection], feedback: Optional[QgsFeedback] = None) -> list[Any]:
    """Fetch what the remote algorithms of ``connections`` are made of (blocking); one outcome per connection
    (``name``, ``processes``, ``error``: "" when none). Connections of other platforms are left out."""
    outcomes: list[Any] = []
    for row in registry.platforms():
        mine = [c for c in connections if c.kind == row.kind]
        if row.dynamic_refresh and mine:
            outcomes += registry.load(row.dynamic_refresh)(mine, feedback)
    return outcomes


def report(outcomes: list[Any], feedback: Optional[QgsProcessingFeedback]) -> tuple[int, int]:
    """Tell each connection's outcome; the number of algorithms and of connections that failed."""
    for outcome in outcomes:
        if feedback is None:
            break
        if outcome.error:
            feedback.pushWarning(
                tr("{name}: its processes could not be described: {error}").format(
                    name=outcome.name, error=outcome.error
                )
            )
        else:
            feedback.pushInfo(
                tr("{name}: {count} processes described").format(name=outcome.name, count=outcome.processes)
            )
    return sum(o.processes for o in outcomes), sum(1 for o in outcomes if o.error)


class RefreshProcessesAlgorithm(GeodockAlgorithm):
    """``geodock:refreshprocesses``: describe the remote processes again, so their algorithms are listed."""

    CONNECTION = "CONNECTION"
    ALGORITHMS = "ALGORITHMS"
    FAILED = "FAILED"

    def name(self) -> str:
        """The algorithm's id within the Geodock provider."""
        return "refreshprocesses"

    def displayName(self) -> str:
        """The algorithm's title."""
        return self.tr("Refresh remote process algorithms")

    def group(self) -> str:
        """The group it is listed in."""
        return self.tr("Connections")

    def groupId(self) -> str:
        """The id of its group."""
        return "connections"

    def shortHelpString(self) -> str:
        """The help shown beside the parameters."""
        return self.tr(
            "Asks the servers of the OGC API – Processes connections (or of the one named in CONNECTION) for "
            "their processes and describes each, so that every process is an algorithm of its own. Geodock "
            "does this by itself in the desktop when a connection is added; headless (qgis_process), run it "
            "(or Import connections, which does it for the connections it imports): the next qgis_process "
            "call lists the algorithms. A connection whose server cannot be reached offers none."
        )

    def initAlgorithm(self, config: Any = None) -> None:
        """The optional connection name, and the counts."""
        parameter = QgsProcessingParameterString(self.CONNECTION, self.tr("Connection (name; empty: all)"))
        parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagOptional)
        self.addParameter(parameter)
        self.addOutput(QgsProcessingOutputNumber(self.ALGORITHMS, self.tr("Process algorithms")))
        self.addOutput(QgsProcessingOutputNumber(self.FAILED, self.tr("Connections that failed")))

    def processAlgorithm(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: Optional[QgsProcessingFeedback]
    ) -> dict[str, Any]:
        """Describe the processes of the chosen connections; a named one that fails is an error."""
        name = (self.parameterAsString(parameters, self.CONNECTION, context) or "").strip()
        targets = [c for c in store().all() if has_remote_algorithms(c)]
        if name:
            targets = [c for c in targets if c.name == name]
            if not targets:
                known = ", ".join(c.name for c in store().all() if has_remote_algorithms(c)) or self.tr("none")
                raise QgsProcessingException(
                    self.tr("No connection named {name!r} with remote processes (known: {known})").format(
                        name=name, known=known
                    )
                )
        try:
            outcomes = refresh_remote_algorithms(targets, feedback)
        except GeodockError as err:  # cancelled, or the cache could not be written
            raise QgsProcessingException(err.message) from None
        count, failed = report(outcomes, feedback)
        if name and failed:
            raise QgsProcessingException(outcomes[0].error)
        return {self.ALGORITHMS: count, self.FAILED: failed}
