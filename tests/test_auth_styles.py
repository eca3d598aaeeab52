"""Auth styles: what an import's credentials imply per platform, what is stored and exported (never a secret),
the checks on style settings, older saved connections, and the connection editor (style, https by default)."""

from __future__ import annotations

import json
import uuid

import pytest
from auth_styles_fixtures import imported
from qgis.core import Qgis, QgsApplication, QgsSettings
from qgis.gui import QgsMessageBar
from qgis.PyQt.QtWidgets import QDialogButtonBox

from geodock.plugin import auth, auth_styles, settings
from geodock.plugin.connections import Connection, ConnectionConfigError
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.auth_appliers import HeaderKeyAuth, LoginTokenAuth, QueryTokenAuth

SECRET = "s3cret-export-0123456789"


@pytest.mark.parametrize(
    ("kind", "url", "credentials", "style", "style_settings"),
    [
        # Platforms with a way of their own keep it for a bare token, key or password (as before styles).
        ("koordinates", "https://data.example.com/services/api/v1/", {"token": SECRET}, "", {}),
        ("amigocloud", "https://app.example.com/api/v1/", {"token": SECRET}, "", {}),
        ("geobox", "https://geobox.example.com/v1/", {"token": SECRET}, "", {}),
        ("geobox", "https://geobox.example.com/v1/", {"apikey": SECRET}, "", {}),
        ("geobox", "https://geobox.example.com/v1/", {"username": "u", "password": SECRET}, "", {}),
        # A server without one: a token is Bearer, a key X-API-Key, a username/password Basic.
        ("ogcapi-processes", "https://ogc.example.com/", {"token": SECRET}, "bearer", {}),
        ("ogcapi-processes", "https://ogc.example.com/", {"apikey": SECRET}, "apikey_header", {"header": "X-API-Key"}),
        ("ogcapi-processes", "https://ogc.example.com/", {"username": "u", "password": SECRET}, "basic", {}),
        # Named explicitly: on any platform.
        ("geobox", "https://geobox.example.com/v1/", {"apikey": SECRET, "header": True}, "apikey_header",
         {"header": "X-API-Key"}),
        ("ogcapi-processes", "https://ogc.example.com/", {"apikey": SECRET, "query": True}, "apikey_query",
         {"parameter": "apikey"}),
        ("ogcapi-processes", "https://ogc.example.com/", {"apikey": SECRET, "query": "api-key"}, "apikey_query",
         {"parameter": "api-key"}),
        ("ogcapi-processes", "https://ogc.example.com/",
         {"username": "u", "password": SECRET, "login_url": "https://sso.example.com/token"}, "login",
         {"login_url": "https://sso.example.com/token"}),
    ],
)  # fmt: skip
def test_import_keys_imply_the_style(connections, kind, url, credentials, style, style_settings):
    connection = imported(connections, "Imported", kind, url, credentials)
    assert (connection.auth_style, connection.auth_settings) == (style, style_settings)
    assert auth.read_credentials(connection.authcfg).password == SECRET
    exported = connections.export_json()
    assert SECRET not in json.dumps(exported)
    entry = exported["connections"][0]
    assert entry.get("auth") == ({"style": style, **style_settings} if style else None)
    # The export imports again to the same style (its auth config id kept, no secret needed).
    connections.remove(connection)
    connections.import_json(exported)
    again = connections.get("Imported")
    assert (again.auth_style, again.auth_settings, again.authcfg) == (style, style_settings, connection.authcfg)


def test_an_explicit_auth_object_wins_over_what_the_credentials_imply(connections):
    connection = imported(
        connections,
        "Explicit",
        "ogcapi-processes",
        "https://ogc.example.com/",
        {"token": SECRET},
        auth={"style": "apikey_header", "header": "X-Token"},
    )
    assert (connection.auth_style, connection.auth_settings) == ("apikey_header", {"header": "X-Token"})


@pytest.mark.parametrize(
    ("credentials", "auth_object", "reason"),
    [
        ({"apikey": SECRET, "header": "Host"}, None, "cannot carry an API key"),
        ({"apikey": SECRET, "header": "X Key"}, None, "cannot carry an API key"),
        ({"apikey": SECRET, "header": 3}, None, "header"),
        ({"apikey": SECRET, "query": "a&b"}, None, "query parameter"),
        ({"username": "u", "password": SECRET, "login_url": ""}, None, "login_url"),
        ({"username": "u", "password": SECRET, "login_url": "ftp://x/"}, None, "http"),
        (None, {"style": "kerberos"}, "unknown authentication style"),
        (None, "bearer", "auth must be an object"),
        (None, {"style": "login"}, "needs a login"),
    ],
)
def test_unusable_styles_import_nothing(connections, credentials, auth_object, reason):
    entry = {"name": "Refused", "kind": "ogcapi-processes", "url": "https://ogc.example.com/"}
    if credentials is not None:
        entry["credentials"] = credentials
    if auth_object is not None:
        entry["auth"] = auth_object
    with pytest.raises(ConnectionConfigError, match=reason):
        connections.import_json({"connections": [entry]})
    assert connections.all() == []


def test_style_and_settings_are_stored_and_read_back(connections):
    connection = Connection(
        "Stored", "ogcapi-processes", "https://ogc.example.com/", auth_style="apikey_query",
        auth_settings={"parameter": "k"},
    )  # fmt: skip
    connections.save(connection)
    again = connections.get("Stored")
    assert (again.auth_style, again.auth_settings) == ("apikey_query", {"parameter": "k"})
    assert isinstance(adapter_for(again).auth, QueryTokenAuth) and adapter_for(again).auth.parameter == "k"


def test_older_saved_connections_keep_their_platform_way(connections):
    """Saved before styles existed: no auth_style key; each platform's applier is as it was."""
    s = QgsSettings()
    expected = {"koordinates": HeaderKeyAuth, "amigocloud": QueryTokenAuth, "geobox": LoginTokenAuth}
    for kind in expected:
        prefix = f"{settings.CONNECTIONS}/old{uuid.uuid4().hex[:6]}"
        for key, value in (("name", f"Old {kind}"), ("kind", kind), ("url", "https://x.example.com/api/")):
            s.setValue(f"{prefix}/{key}", value)
    for kind, applier in expected.items():
        connection = connections.get(f"Old {kind}")
        assert connection.auth_style == "" and type(adapter_for(connection).auth) is applier
    assert adapter_for(connections.get("Old koordinates")).auth.scheme == "key"


def test_a_stale_setting_of_another_style_is_not_kept(connections):
    connection = Connection(
        "Switched", "ogcapi-processes", "https://ogc.example.com/", auth_style="bearer",
        auth_settings={"header": "X-Old"},
    )  # fmt: skip
    connections.save(connection)
    assert connections.get("Switched").auth_settings == {}
    assert "X-Old" not in json.dumps(connections.export_json())


# The editor -----------------------------------------------------------------------------------------------


@pytest.fixture
def editor(connections):
    from geodock.ui.connections_dialog import ConnectionsDialog

    dialog = ConnectionsDialog(connections, QgsMessageBar())
    dialog.show()
    dialog.add_button.click()
    yield dialog.editor
    dialog.close()
    dialog.deleteLater()
    QgsApplication.processEvents()


def _save(editor) -> None:
    editor.button_box.button(QDialogButtonBox.StandardButton.Save).click()
    QgsApplication.processEvents()


def test_the_editor_takes_a_url_without_scheme_as_https_and_says_so(connections, editor):
    editor.name_edit.setText("No scheme")
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData("ogcapi-processes"))
    editor.url_edit.setText("ogc.example.com/api/")
    editor.url_edit.editingFinished.emit()
    assert editor.url_edit.text() == "https://ogc.example.com/api/"
    item = editor.message_bar.currentItem()
    assert item is not None and "https://" in item.text() and item.level() == Qgis.MessageLevel.Info
    _save(editor)
    assert connections.get("No scheme").url == "https://ogc.example.com/api/"


def test_the_editor_saves_a_style_and_its_setting(connections, editor):
    editor.name_edit.setText("Keyed")
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData("ogcapi-processes"))
    editor.url_edit.setText("https://ogc.example.com/")  # typed with a scheme: kept as it is
    box = editor.auth_style
    assert not box.setting_edit.isVisible()
    box.style_combo.setCurrentIndex(box.style_combo.findData(auth_styles.APIKEY_HEADER))
    assert box.setting_edit.isVisible() and box.setting_edit.placeholderText() == "X-API-Key"
    box.setting_edit.setText("X-Custom-Key")
    _save(editor)
    saved = connections.get("Keyed")
    assert (saved.auth_style, saved.auth_settings) == ("apikey_header", {"header": "X-Custom-Key"})


def test_the_editor_refuses_a_bad_header_name_and_stays_open(connections, editor):
    editor.name_edit.setText("Bad header")
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData("ogcapi-processes"))
    editor.url_edit.setText("https://ogc.example.com/")
    box = editor.auth_style
    box.style_combo.setCurrentIndex(box.style_combo.findData(auth_styles.APIKEY_HEADER))
    box.setting_edit.setText("Content-Length")
    _save(editor)
    assert editor.isVisible() and connections.all() == []


def test_the_editor_says_what_the_platform_way_sends(editor):
    box = editor.auth_style
    box.style_combo.setCurrentIndex(box.style_combo.findData(auth_styles.DEFAULT))
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData("koordinates"))
    assert "Authorization: key" in box.hint.text()
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData("amigocloud"))
    assert "?token=" in box.hint.text()


def test_the_editor_shows_a_saved_style(connections):
    from geodock.ui.connection_editor import ConnectionEditor

    connection = Connection(
        "Login", "ogcapi-processes", "https://ogc.example.com/", auth_style="login",
        auth_settings={"login_url": "https://sso.example.com/token"},
    )  # fmt: skip
    connections.save(connection)
    editor = ConnectionEditor(connections, connections.get("Login"))
    assert editor.auth_style.style() == "login"
    assert editor.auth_style.setting_edit.text() == "https://sso.example.com/token"
    assert editor.connection().auth_settings == {"login_url": "https://sso.example.com/token"}
    editor.deleteLater()
