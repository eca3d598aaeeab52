"""``geodock:toything``: count the toy platform's things (and name them) through its adapter."""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import (  # type: ignore[attr-defined]  # QgsProcessingException is missing from qgis-stubs
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterString,
)

from geodock.plugin.connections import store
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.base import ListQuery
from geodock.plugin.processing.base import GeodockAlgorithm

from . import KIND
from .adapter import THINGS


class ToyAlgorithm(GeodockAlgorithm):
    """Lists every thing of a toy connection: their number and titles."""

    CONNECTION = "CONNECTION"
    COUNT = "COUNT"
    TITLES = "TITLES"

    def name(self) -> str:
        """The algorithm id below the provider: ``geodock:toything``."""
        return "toything"

    def displayName(self) -> str:
        """The toolbox title."""
        return "Count toy things"

    def group(self) -> str:
        """The toolbox group."""
        return "Toy"

    def groupId(self) -> str:
        """The toolbox group id."""
        return "toy"

    def initAlgorithm(self, config: Any = None) -> None:
        """One connection name in, a count and the titles out."""
        self.addParameter(QgsProcessingParameterString(self.CONNECTION, "Toy connection (name)"))
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, "Things"))
        self.addOutput(QgsProcessingOutputString(self.TITLES, "Titles"))

    def processAlgorithm(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: Optional[QgsProcessingFeedback]
    ) -> dict[str, Any]:
        """List the connection's things through the registry's adapter."""
        name = self.parameterAsString(parameters, self.CONNECTION, context)
        connection = store().get(name)
        if connection is None or connection.kind != KIND:
            raise QgsProcessingException(f"No toy connection named {name!r}")
        page = adapter_for(connection).list_page(THINGS, ListQuery(page_size=100), feedback=feedback)
        return {self.COUNT: len(page.items), self.TITLES: ", ".join(item.title for item in page.items)}
