"""Trust boundary of connections (issue 13, items 3 and 12).

* A connection URL with a key in its path (Koordinates' ``/services;key=KEY/``, Geobox's ``/apikey:KEY/``,
  in any case, percent-encoded too) is refused like ``user:pass@`` and ``?token=``: through the store, the
  editor and the import. It is never echoed, stored or exported, and one saved by an older version is not
  used.
* A connections file's ``certificate_authorities`` are trusted only on an explicit choice: the store API's
  ``trust_certificates``, the algorithm's ``TRUST_CERTIFICATES``, the Connections dialog's question.
"""

from __future__ import annotations

import hashlib
import json
import ssl
import subprocess
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from qgis.core import Qgis, QgsApplication, QgsProcessingFeedback, QgsSettings
from qgis.gui import QgsMessageBar
from qgis.PyQt.QtCore import QCryptographicHash, Qt, QTimer
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication, QDialogButtonBox, QFormLayout, QLabel, QMessageBox, QTextBrowser

from geodock.plugin import settings
from geodock.plugin.connections import Connection, ConnectionConfigError
from geodock.ui.connections_dialog import ConnectionsDialog

KEY = "PathKey0123456789abcdef"

PATH_KEY_URLS = [
    f"https://data.example.com/services;key={KEY}/wfs/",  # Koordinates' WFS/WMTS/XYZ form
    f"https://data.example.com/services;KEY={KEY}/",
    f"https://data.example.com/services;apikey={KEY}/api/v1/",
    f"https://data.example.com/services/api/v1;api_key={KEY}/",
    f"https://geobox.example.com/v1/vectorLayers/abc/apikey:{KEY}/wfs/",  # Geobox's WFS form
    f"https://geobox.example.com/v1/ApiKey:{KEY}/",
    f"https://geobox.example.com/v1/token:{KEY}/",
    f"https://data.example.com/services%3Bkey%3D{KEY}/",  # percent-encoded
    f"https://data.example.com/services%3bKey={KEY}/",
    f"https://geobox.example.com/v1/apikey%3A{KEY}/wfs/",
    f"https://geobox.example.com/v1/apikey%3a{KEY}/",
    f"https://data.example.com/services%253Bkey%253D{KEY}/",  # encoded twice
    f"https://data.example.com/api/?f=json;token={KEY}",  # a query with ";" separators
    f"ftp://data.example.com/services%3Bkey%3D{KEY}/",  # not http(s): refused, and the key not echoed either
]


def _settings_text() -> str:
    QgsSettings().sync()
    return Path(QgsSettings().fileName()).read_text(encoding="utf-8", errors="replace")


# A key in the URL path -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PATH_KEY_URLS)
def test_a_key_in_the_url_path_is_refused_and_never_shown(connections, tmp_path, url):
    with pytest.raises(ConnectionConfigError) as caught:
        connections.import_json({"connections": [{"name": "Leaky", "kind": "koordinates", "url": url}]})
    message = caught.value.message + caught.value.details
    assert "authentication configuration" in message
    assert KEY not in message
    with pytest.raises(ConnectionConfigError) as saved:
        connections.save(Connection("Leaky", "geobox", url))
    assert KEY not in saved.value.message + saved.value.details
    assert connections.all() == []
    assert KEY not in _settings_text()
    exported = tmp_path / "export.json"
    connections.export_file(exported)
    assert KEY not in exported.read_text(encoding="utf-8")


def test_a_file_with_a_path_key_imports_nothing(connections, dialog, geodock_provider, tmp_path):
    """Through the store, the Connections dialog and the algorithm: refused, and the key shown nowhere."""
    import processing
    from qgis.core import QgsProcessingException

    source = tmp_path / "leaky.json"
    source.write_text(
        json.dumps(
            {
                "connections": [
                    {"name": "Fine", "kind": "ogcapi-processes", "url": "https://ogc.example.com/"},
                    {"name": "Leaky", "kind": "geobox", "url": f"https://g.example.com/v1/APIKEY%3A{KEY}/"},
                ]
            }
        )
    )
    logged: list[str] = []

    def record(message: str, tag: str, level: Qgis.MessageLevel) -> None:
        logged.append(message)

    QgsApplication.messageLog().messageReceived.connect(record)
    try:
        with pytest.raises(ConnectionConfigError, match="authentication configuration"):
            connections.import_file(source)
        assert dialog.import_from(source) == []
        shown = dialog.message_bar.currentItem().text()
        assert "authentication configuration" in shown and KEY not in shown
        with pytest.raises(QgsProcessingException) as caught:
            processing.run("geodock:importconnections", {"INPUT": str(source)})
        assert "authentication configuration" in str(caught.value) and KEY not in str(caught.value)
    finally:
        QgsApplication.messageLog().messageReceived.disconnect(record)
    assert connections.all() == [] and KEY not in _settings_text()
    assert logged and all(KEY not in line for line in logged)


def test_the_shape_of_a_secret_is_named_without_its_value():
    from geodock.plugin.connections import url_secret

    shapes = [url_secret(url) for url in PATH_KEY_URLS]
    assert shapes[:8] == [";key=", ";key=", ";apikey=", ";api_key=", "/apikey:", "/apikey:", "/token:", ";key="]
    assert all(shape is not None and KEY not in shape for shape in shapes)
    for fine in (
        "https://data.example.com/services/api/v1/",
        "https://data.example.com/services/tiles/v4/layer=50/EPSG:3857/",
        "https://monkey.example.com/keys/v1/?monkey=1&keyword=x",
        "https://geobox.example.com/v1/auth/token/",
        "https://data.example.com/a%2Fb/",
    ):
        assert url_secret(fine) is None, fine


@pytest.fixture
def legacy_connection(connections) -> Iterator[str]:
    """A connection with a path key, saved in the settings as an older Geodock version did; yields its id."""
    cid = "legacy" + uuid.uuid4().hex[:6]
    prefix = f"{settings.CONNECTIONS}/{cid}"
    s = QgsSettings()
    for key, value in (
        ("name", "Old Koordinates"),
        ("kind", "koordinates"),
        ("url", f"https://data.example.com/services;key={KEY}/"),
        ("authcfg", ""),
        ("options", "{}"),
    ):
        s.setValue(f"{prefix}/{key}", value)
    yield cid
    QgsSettings().remove(prefix)


def test_a_saved_connection_with_a_path_key_is_not_used(connections, legacy_connection, tmp_path):
    logged: list[str] = []

    def record(message: str, tag: str, level: Qgis.MessageLevel) -> None:
        if tag == "Geodock":
            logged.append(message)

    QgsApplication.messageLog().messageReceived.connect(record)
    try:
        connections.save(Connection("Good", "ogcapi-processes", "https://ogc.example.com/"))
        assert [c.name for c in connections.all()] == ["Good"]
        assert connections.get("Old Koordinates") is None
        exported = tmp_path / "export.json"
        assert connections.export_file(exported) == 1
        assert KEY not in exported.read_text(encoding="utf-8")
        connections.all()  # read again: reported once, not at every read
    finally:
        QgsApplication.messageLog().messageReceived.disconnect(record)
    mentions = [line for line in logged if "Old Koordinates" in line]
    assert len(mentions) == 1 and "not used" in mentions[0] and legacy_connection in mentions[0]
    assert all(KEY not in line for line in logged)


# The connection editor -----------------------------------------------------------------------------------


@pytest.fixture
def editor(connections) -> Iterator:
    dialog = ConnectionsDialog(connections, QgsMessageBar())
    dialog.show()
    dialog.add_button.click()
    yield dialog.editor
    dialog.close()
    dialog.deleteLater()
    QgsApplication.processEvents()


def _save(editor, name: str, url: str) -> None:
    editor.name_edit.setText(name)
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData("koordinates"))
    editor.url_edit.setText(url)
    editor.button_box.button(QDialogButtonBox.StandardButton.Save).click()
    QgsApplication.processEvents()


def _bar_shows(editor) -> str:
    """What the editor's message bar shows, as a user reads it."""
    item = editor.message_bar.currentItem()
    assert item is not None, "no message shown"
    return item.findChild(QTextBrowser).toPlainText()


@pytest.mark.parametrize("url", [PATH_KEY_URLS[0], PATH_KEY_URLS[4], PATH_KEY_URLS[7], PATH_KEY_URLS[9]])
def test_the_editor_refuses_a_key_in_the_url_path(connections, editor, url):
    _save(editor, "Leaky", url)
    assert editor.isVisible()  # still open: the user can correct the URL
    shown = _bar_shows(editor)
    assert "authentication configuration" in shown and KEY not in shown
    assert connections.all() == [] and KEY not in _settings_text()


def test_the_editor_shows_names_and_urls_as_plain_text(connections, editor):
    _save(editor, "Markup", "ftp://data.example.com/<b>bold</b>")
    assert "<b>bold</b>" in _bar_shows(editor)  # shown as typed, not rendered
    form = editor.findChild(QFormLayout)
    labels = [form.labelForField(field) for field in (editor.name_edit, editor.url_edit)]
    assert all(isinstance(label, QLabel) and label.textFormat() == Qt.TextFormat.PlainText for label in labels)


# Certificate authorities from a connections file ---------------------------------------------------------


class FreshCa:
    """A new self-signed CA (openssl CLI), never seen by this QGIS before; removed from it afterwards."""

    def __init__(self, folder: Path) -> None:
        self.subject = f"Geodock test CA {uuid.uuid4().hex[:8]}"
        self.path = folder / "ca.pem"
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "2",
                "-keyout",
                str(folder / "ca-key.pem"),
                "-out",
                str(self.path),
                "-subj",
                f"/CN={self.subject}",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
            ],
            check=True,
            capture_output=True,
        )
        der = ssl.PEM_cert_to_DER_cert(self.path.read_text())
        digest = hashlib.sha256(der).hexdigest().upper()
        self.sha256 = ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))

    @staticmethod
    def _digests(certificates: list) -> set[str]:
        return {bytes(c.digest(QCryptographicHash.Algorithm.Sha256).toHex()).decode().upper() for c in certificates}

    def stored(self) -> bool:
        """In the auth database's certificate authorities."""
        return self.sha256.replace(":", "") in self._digests(QgsApplication.authManager().databaseCAs())

    def trusted(self) -> bool:
        """Among the CAs QGIS's connections trust."""
        return self.sha256.replace(":", "") in self._digests(QgsApplication.authManager().trustedCaCerts())

    def remove(self) -> None:
        manager = QgsApplication.authManager()
        for cert in manager.databaseCAs():
            if self._digests([cert]) == {self.sha256.replace(":", "")}:
                manager.removeCertAuthority(cert)
        manager.rebuildCaCertsCache()
        manager.rebuildTrustedCaCertsCache()


@pytest.fixture
def fresh_ca(auth_db, tmp_path) -> Iterator[FreshCa]:
    ca = FreshCa(tmp_path)
    assert not ca.stored() and not ca.trusted()
    yield ca
    ca.remove()


def _with_ca(ca: FreshCa) -> dict:
    return {
        "connections": [{"name": "Site", "kind": "ogcapi-processes", "url": "https://ogc.example.com/"}],
        "certificate_authorities": [str(ca.path)],
    }


def test_the_store_trusts_a_files_cas_only_when_told(connections, fresh_ca):
    (imported,) = connections.import_json(_with_ca(fresh_ca))
    assert imported.name == "Site"
    assert not fresh_ca.stored() and not fresh_ca.trusted()
    connections.import_json(_with_ca(fresh_ca), trust_certificates=True)
    assert fresh_ca.stored() and fresh_ca.trusted()


def test_certificate_authorities_must_be_a_list_of_paths(connections):
    data = {"connections": [], "certificate_authorities": "/etc/ssl/certs/ca.pem"}
    with pytest.raises(ConnectionConfigError, match="certificate_authorities must be a list"):
        connections.import_json(data, trust_certificates=True)


class Feedback(QgsProcessingFeedback):
    """Keeps the algorithm's warnings."""

    def __init__(self) -> None:
        super().__init__()
        self.warnings: list[str] = []

    def pushWarning(self, warning: str) -> None:
        self.warnings.append(warning)
        super().pushWarning(warning)


@pytest.mark.parametrize("trust", [False, True])
def test_the_import_algorithm_trusts_cas_only_with_its_parameter(
    connections, geodock_provider, fresh_ca, tmp_path, trust
):
    import processing

    source = tmp_path / "with-ca.json"
    source.write_text(json.dumps(_with_ca(fresh_ca)))
    parameters = {"INPUT": str(source)}
    if trust:
        parameters["TRUST_CERTIFICATES"] = True
    feedback = Feedback()
    result = processing.run("geodock:importconnections", parameters, feedback=feedback)
    assert result["COUNT"] == 1 and connections.get("Site") is not None
    assert result["CERTIFICATES_TRUSTED"] == (1 if trust else 0)
    assert fresh_ca.trusted() is trust and fresh_ca.stored() is trust
    # (the import also describes the OGC connection's processes: ogc.example.com cannot be reached here)
    warnings = [w for w in feedback.warnings if "could not be described" not in w]
    if trust:
        assert warnings == []
    else:
        (warning,) = warnings
        assert "Not trusted" in warning and fresh_ca.subject in warning and fresh_ca.sha256 in warning


@pytest.fixture
def dialog(connections) -> Iterator[ConnectionsDialog]:
    shown = ConnectionsDialog(connections, QgsMessageBar())
    shown.show()
    yield shown
    shown.close()
    shown.deleteLater()
    QgsApplication.processEvents()


def _import_answering(dialog: ConnectionsDialog, source: Path, answer: str) -> list[str]:
    """Import ``source`` in ``dialog``, answering its question with ``answer`` ("yes", or "enter" for the
    default); returns the questions asked."""
    asked: list[str] = []

    def respond() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return  # nothing was asked
        asked.append(box.text())
        assert box.textFormat() == Qt.TextFormat.PlainText
        if answer == "yes":
            box.button(QMessageBox.StandardButton.Yes).click()
        else:
            QTest.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(0, respond)
    dialog.import_from(source)
    QgsApplication.processEvents()
    return asked


def test_the_dialog_asks_before_trusting_a_files_cas_and_defaults_to_no(dialog, connections, fresh_ca, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(dict(_with_ca(fresh_ca), connections=[{"name": "x", "kind": "no", "url": "http://a/"}])))
    assert _import_answering(dialog, bad, "yes") == []  # a file that does not import is not asked about
    assert not fresh_ca.stored()
    source = tmp_path / "with-ca.json"
    source.write_text(json.dumps(_with_ca(fresh_ca)))
    (question,) = _import_answering(dialog, source, "enter")
    assert fresh_ca.subject in question and fresh_ca.sha256 in question and str(fresh_ca.path) in question
    assert not fresh_ca.stored() and not fresh_ca.trusted()
    assert connections.get("Site") is not None  # the connections are imported all the same
    item = dialog.message_bar.currentItem()
    assert "were not trusted" in item.text() and item.level() == Qgis.MessageLevel.Warning


def test_the_dialog_trusts_a_files_cas_when_the_user_says_yes(dialog, connections, fresh_ca, tmp_path):
    without = tmp_path / "without-ca.json"
    without.write_text(json.dumps({"connections": _with_ca(fresh_ca)["connections"]}))
    assert _import_answering(dialog, without, "yes") == []  # nothing to ask about
    source = tmp_path / "with-ca.json"
    source.write_text(json.dumps(_with_ca(fresh_ca)))
    (question,) = _import_answering(dialog, source, "yes")
    assert fresh_ca.sha256 in question
    assert fresh_ca.stored() and fresh_ca.trusted()
    assert "1 certificate authorities trusted" in dialog.message_bar.currentItem().text()
