"""``geodock:importconnections``: set Geodock connections up from a JSON file (headless deployments)."""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import (  # type: ignore[attr-defined]  # QgsProcessingException is missing from qgis-stubs
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
)

from ..auth import read_certificate_authorities, trust_certificates
from ..connections import certificate_authorities, read_connections_file, store
from ..errors import GeodockError
from .base import GeodockAlgorithm
from .refresh_processes import has_remote_algorithms, refresh_remote_algorithms, report


class ImportConnectionsAlgorithm(GeodockAlgorithm):
    """``geodock:importconnections``: add connections (and their credentials) from a JSON file."""

    INPUT = "INPUT"
    TRUST_CERTIFICATES = "TRUST_CERTIFICATES"
    COUNT = "COUNT"
    TRUSTED = "CERTIFICATES_TRUSTED"
    ALGORITHMS = "PROCESS_ALGORITHMS"

    def name(self) -> str:
        """The algorithm's id within the Geodock provider."""
        return "importconnections"

    def displayName(self) -> str:
        """The algorithm's title."""
        return self.tr("Import connections")

    def group(self) -> str:
        """The group it is listed in."""
        return self.tr("Connections")

    def groupId(self) -> str:
        """The id of its group."""
        return "connections"

    def shortHelpString(self) -> str:
        """The help shown beside the parameters."""
        return self.tr(
            'Imports Geodock connections from a JSON file {"connections": [{"name", "kind", "url", "authcfg"}]}. '
            'An entry may carry "credentials" ({"token"}, {"apikey"} or {"username", "password"}): they are stored '
            "as a new configuration in the QGIS authentication database, never in the settings. Headless runs "
            "unlock that database with QGIS_AUTH_PASSWORD_FILE. Connections of the same name are updated. "
            'The certificate authorities the file names ("certificate_authorities": [PEM files]) are added to '
            "QGIS's trusted certificates only with “Trust the file's certificate authorities”: a trusted "
            "authority vouches for any HTTPS site, in QGIS and every plugin. The processes of the OGC API – "
            "Processes connections imported are described, so that each is an algorithm of its own (in "
            "qgis_process, from the next call on); a server that cannot be reached is reported and offers none."
        )

    def initAlgorithm(self, config: Any = None) -> None:
        """The file and trust-certificates parameters, and the count output."""
        self.addParameter(QgsProcessingParameterFile(self.INPUT, self.tr("Connections file"), extension="json"))
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.TRUST_CERTIFICATES, self.tr("Trust the file's certificate authorities"), defaultValue=False
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, self.tr("Connections imported")))
        self.addOutput(QgsProcessingOutputNumber(self.TRUSTED, self.tr("Certificate authorities trusted")))
        self.addOutput(QgsProcessingOutputNumber(self.ALGORITHMS, self.tr("Process algorithms")))

    def processAlgorithm(
        self, parameters: dict[str, Any], context: QgsProcessingContext, feedback: Optional[QgsProcessingFeedback]
    ) -> dict[str, Any]:
        """Import the file's connections; a bad file is a QgsProcessingException."""
        path = self.parameterAsFile(parameters, self.INPUT, context)
        trust = self.parameterAsBoolean(parameters, self.TRUST_CERTIFICATES, context)
        try:
            data = read_connections_file(path)
            cas = read_certificate_authorities(certificate_authorities(data))
            imported = store().import_json(data)
            # Exactly the certificates reported below, read once.
            trusted = trust_certificates([ca.certificate for ca in cas]) if trust else 0
        except GeodockError as err:
            raise QgsProcessingException(err.message) from None
        for connection in imported:
            if feedback is not None:
                feedback.pushInfo(
                    self.tr("Imported {name} ({kind}) at {url}").format(
                        name=connection.name, kind=connection.kind, url=connection.url
                    )
                )
        if feedback is not None:
            for ca in cas:
                line = self.tr("certificate authority {subject} (SHA-256 {sha256}) from {path}").format(
                    subject=ca.subject, sha256=ca.sha256, path=ca.path
                )
                if trust:
                    feedback.pushInfo(self.tr("Trusted {}").format(line))
                else:
                    feedback.pushWarning(self.tr("Not trusted (TRUST_CERTIFICATES is not set): {}").format(line))
        algorithms = self._describe([c for c in imported if has_remote_algorithms(c)], feedback)
        return {self.COUNT: len(imported), self.TRUSTED: trusted, self.ALGORITHMS: algorithms}

    def _describe(self, connections: list[Any], feedback: Optional[QgsProcessingFeedback]) -> int:
        """Describe the remote processes of the imported ``connections`` (after the import: certificates
        trusted first); the number of algorithms they give."""
        if not connections:
            return 0
        try:
            outcomes = refresh_remote_algorithms(connections, feedback)
        except GeodockError as err:  # cancelled: the connections are imported all the same
            if feedback is not None:
                feedback.pushWarning(err.message)
            return 0
        return report(outcomes, feedback)[0]
