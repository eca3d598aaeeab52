"""``geodock:syncedits`` and ``geodock:reloadfromserver``: a fetched copy synchronised with its server, headless."""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import (  # type: ignore[attr-defined]  # QgsProcessingException is missing from qgis-stubs
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterVectorLayer,
)

from ..errors import GeodockError
from ..processing.base import GeodockAlgorithm
from .model import FetchedCopy, Policy, SyncReport, open_copy

POLICIES = (Policy.STOP, Policy.KEEP_MINE, Policy.TAKE_THEIRS)


class _CopyAlgorithm(GeodockAlgorithm):
    """What both share: the INPUT copy and the Data group."""

    INPUT = "INPUT"

    def group(self) -> str:
        """The toolbox group."""
        return self.tr("Data")

    def groupId(self) -> str:
        """The toolbox group's id."""
        return "data"

    def _copy(self, parameters: dict[str, Any], context: QgsProcessingContext) -> FetchedCopy:
        layer = self.parameterAsVectorLayer(parameters, self.INPUT, context)
        if layer is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        try:
            return open_copy(layer)
        except GeodockError as err:
            raise QgsProcessingException(err.message) from None


class SyncEditsAlgorithm(_CopyAlgorithm):
    """``geodock:syncedits``: push a fetched copy's edits to the server, then pull the server's changes."""

    CONFLICTS = "CONFLICTS"
    OUTPUTS = ("ADDED", "CHANGED", "DELETED", "CONFLICTS", "FAILED")

    def name(self) -> str:
        """The algorithm's id within the provider."""
        return "syncedits"

    def displayName(self) -> str:
        """The name shown in the toolbox."""
        return self.tr("Sync edits with server")

    def shortHelpString(self) -> str:
        """The help shown beside the parameters."""
        return self.tr(
            "Sends the edits made to a copy fetched by 'Fetch remote layer' (with any tool, offline or not) to its "
            "server, then brings the server's changes into the copy, in place. A feature changed both here and on "
            "the server since the copy was made is a conflict: Stop sends nothing and lists them; Keep mine sends "
            "the local version; Take theirs keeps the server's. An edit the server refuses stays a local change "
            "(FAILED), with the reason in the log."
        )

    def initAlgorithm(self, config: Any = None) -> None:
        """The copy, the conflict policy, and the counts."""
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.INPUT,
                self.tr("Fetched copy (GeoPackage layer)"),
                [QgsProcessing.SourceType.TypeVector],  # type: ignore[attr-defined]  # QGIS 3.22 name
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.CONFLICTS,
                self.tr("Conflicts"),
                [self.tr("Stop"), self.tr("Keep mine"), self.tr("Take theirs")],
                defaultValue=0,
            )
        )
        titles = (self.tr("Added"), self.tr("Changed"), self.tr("Deleted"), self.tr("Conflicts"), self.tr("Failed"))
        for key, title in zip(self.OUTPUTS, titles):
            self.addOutput(QgsProcessingOutputNumber(key, title))

    def processAlgorithm(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: Optional[QgsProcessingFeedback]
    ) -> dict[str, Any]:
        """Sync the copy and report the counts."""
        from .engine import sync

        feedback = feedback or QgsProcessingFeedback()
        copy = self._copy(parameters, context)
        policy = POLICIES[self.parameterAsEnum(parameters, self.CONFLICTS, context)]
        try:
            report = sync(copy, policy, feedback)
        except GeodockError as err:
            if err.details:
                feedback.pushDebugInfo(err.details)
            raise QgsProcessingException(err.message) from None
        self._tell(report, feedback)
        counts = (report.added, report.changed, report.deleted, len(report.conflicts), len(report.failed))
        return dict(zip(self.OUTPUTS, counts))

    def _tell(self, report: SyncReport, feedback: QgsProcessingFeedback) -> None:
        for conflict in report.conflicts:
            feedback.reportError(
                self.tr("Conflict on feature {fid} (server id {sid}): {local} here, {server} on the server").format(
                    fid=conflict.fid, sid=conflict.server_id, local=conflict.local, server=conflict.server
                ),
                False,
            )
        if report.stopped:
            feedback.reportError(
                self.tr("Nothing was sent: choose Keep mine or Take theirs to resolve the conflicts"), False
            )
        for failure in report.failed:
            feedback.reportError(
                self.tr("Feature {fid} was not saved: {reason}").format(fid=failure.local_id, reason=failure.error),
                False,
            )
        pulled = report.pulled
        feedback.pushInfo(
            self.tr(
                "Sent: {a} added, {c} changed, {d} deleted. From the server: {pa} added, {pc} changed, {pd} deleted"
            ).format(
                a=report.added,
                c=report.changed,
                d=report.deleted,
                pa=pulled.added,
                pc=pulled.changed,
                pd=pulled.deleted,
            )
        )


class ReloadFromServerAlgorithm(_CopyAlgorithm):
    """``geodock:reloadfromserver``: the server's changes into a fetched copy, keeping local edits."""

    def name(self) -> str:
        """The algorithm's id within the provider."""
        return "reloadfromserver"

    def displayName(self) -> str:
        """The name shown in the toolbox."""
        return self.tr("Reload fetched copy from server")

    def shortHelpString(self) -> str:
        """The help shown beside the parameters."""
        return self.tr(
            "Brings the server's changes into a copy fetched by 'Fetch remote layer', in place (same file and "
            "layer: styles, joins and project references stay). Features edited locally keep their edits."
        )

    def initAlgorithm(self, config: Any = None) -> None:
        """The copy and the counts."""
        self.addParameter(
            QgsProcessingParameterVectorLayer(
                self.INPUT,
                self.tr("Fetched copy (GeoPackage layer)"),
                [QgsProcessing.SourceType.TypeVector],  # type: ignore[attr-defined]  # QGIS 3.22 name
            )
        )
        for key, title in (
            ("ADDED", self.tr("Added")),
            ("CHANGED", self.tr("Changed")),
            ("DELETED", self.tr("Deleted")),
        ):
            self.addOutput(QgsProcessingOutputNumber(key, title))

    def processAlgorithm(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: Optional[QgsProcessingFeedback]
    ) -> dict[str, Any]:
        """Pull and report the counts."""
        from .engine import reload_from_server

        copy = self._copy(parameters, context)
        try:
            counts = reload_from_server(copy, feedback)
        except GeodockError as err:
            raise QgsProcessingException(err.message) from None
        return {"ADDED": counts.added, "CHANGED": counts.changed, "DELETED": counts.deleted}
