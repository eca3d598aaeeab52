"""Connections: settings + auth database, the JSON exchange, headless import, provider authentication."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import headless_profile, qgis_process, run_task
from qgis.core import QgsApplication, QgsBlockingNetworkRequest, QgsSettings
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtNetwork import QNetworkRequest

from geodock.plugin import errors
from geodock.plugin.connections import Connection, ConnectionConfigError
from geodock.plugin.platforms import adapter_for
from geodock.plugin.provider_auth import ProviderAuth
from geodock.plugin.redact import redact_url

SECRETS = ("tok-secret-1", "key-secret-2", "pass-secret-3", "R:amigo-secret-4")


def _settings_text() -> str:
    QgsSettings().sync()
    return Path(QgsSettings().fileName()).read_text()


def _entries(url: str = "http://127.0.0.1:9/api/") -> dict:
    return {
        "connections": [
            {"name": "K", "kind": "koordinates", "url": url, "credentials": {"token": SECRETS[0]}},
            {"name": "G", "kind": "geobox", "url": url, "credentials": {"apikey": SECRETS[1]}},
            {"name": "G2", "kind": "geobox", "url": url, "credentials": {"username": "u", "password": SECRETS[2]}},
            {"name": "A", "kind": "amigocloud", "url": url, "credentials": {"token": SECRETS[3]}},
            {"name": "O", "kind": "ogcapi-processes", "url": url},
        ]
    }


def test_import_keeps_secrets_only_in_the_auth_database(connections, tmp_path):
    stored = connections.import_json(_entries())
    assert [c.name for c in stored] == ["K", "G", "G2", "A", "O"]
    assert all(c.authcfg for c in stored[:4]) and stored[4].authcfg == ""
    text = _settings_text()
    assert "geodock/connections" in text.replace("\\", "/") or "[geodock]" in text
    for secret in SECRETS:
        assert secret not in text
    exported = tmp_path / "export.json"
    assert connections.export_file(exported) == 5
    content = exported.read_text()
    for secret in SECRETS:
        assert secret not in content
    data = json.loads(content)
    assert {e["name"]: e["authcfg"] for e in data["connections"]} == {c.name: c.authcfg for c in stored}
    assert all("credentials" not in e for e in data["connections"])


def test_export_then_import_round_trip(connections, tmp_path):
    first = connections.import_json(_entries())
    path = tmp_path / "roundtrip.json"
    connections.export_file(path)
    for connection in connections.all():
        connections.remove(connection)
    assert connections.all() == []
    again = connections.import_file(path)
    assert sorted((c.name, c.kind, c.url, c.authcfg) for c in again) == sorted(
        (c.name, c.kind, c.url, c.authcfg) for c in first
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"nope": []}, "Not a Geodock connections file"),
        ({"connections": [{"name": "x", "kind": "wms", "url": "http://a/"}]}, "Unknown connection kind"),
        ({"connections": [{"name": "x", "kind": "geobox", "url": "ftp://a/"}]}, "must be an http(s) address"),
        ({"connections": [{"name": "", "kind": "geobox", "url": "http://a/"}]}, "needs a name"),
        (
            {"connections": [{"name": "x", "kind": "geobox", "url": "http://a/", "authcfg": "zzzzzzz"}]},
            "is not in this QGIS",
        ),
        (
            {"connections": [{"name": "x", "kind": "geobox", "url": "http://a/", "credentials": {"foo": 1}}]},
            "credentials need",
        ),
        ({"connections": [{"name": "x", "kind": "geobox", "url": "http://a/", "options": "abc"}]}, "options must be"),
        ({"connections": [{"name": None, "kind": "geobox", "url": "http://a/"}]}, "needs a name"),
        ({"connections": [{"name": 3, "kind": "geobox", "url": "http://a/"}]}, "name must be text"),
        ({"connections": [{"name": "x" * 101, "kind": "geobox", "url": "http://a/"}]}, "at most 100"),
        (
            {"connections": [{"name": "x", "kind": "geobox", "url": "http://a/", "credentials": {"token": ""}}]},
            "non-empty text",
        ),
        (
            {"connections": [{"name": "x", "kind": "geobox", "url": "http://a/", "credentials": {"token": {"a": 1}}}]},
            "non-empty text",
        ),
        (
            {
                "connections": [
                    {"name": "dup", "kind": "geobox", "url": "http://a/"},
                    {"name": "dup", "kind": "koordinates", "url": "http://b/"},
                ]
            },
            "named twice",
        ),
        (  # a good entry, then a bad one: nothing is imported, no auth config made
            {
                "connections": [
                    {"name": "ok", "kind": "geobox", "url": "http://a/", "credentials": {"apikey": "k-123456"}},
                    {"name": "bad", "kind": "geobox", "url": "http://a/", "credentials": {"foo": 1}},
                ]
            },
            "credentials need",
        ),
    ],
)
def test_bad_imports_are_refused_with_a_clear_message(connections, payload, message):
    configs_before = set(QgsApplication.authManager().configIds())
    with pytest.raises(ConnectionConfigError) as caught:
        connections.import_json(payload)
    assert message in caught.value.message
    assert connections.all() == []
    assert set(QgsApplication.authManager().configIds()) == configs_before


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("https://alice:S3cretPassw0rd@127.0.0.1:9/", "S3cretPassw0rd"),
        ("https://tok-only-4321@127.0.0.1:9/", "tok-only-4321"),
        ("https://127.0.0.1:9/api/?token=QueryTok3n123", "QueryTok3n123"),
        ("https://127.0.0.1:9/api/?f=json&apikey=QueryKey98765", "QueryKey98765"),
    ],
)
def test_a_url_with_a_secret_is_refused_and_never_shown(connections, url, secret):
    with pytest.raises(ConnectionConfigError) as caught:
        connections.import_json({"connections": [{"name": "Leaky", "kind": "geobox", "url": url}]})
    assert "authentication configuration" in caught.value.message
    assert secret not in caught.value.message and secret not in caught.value.details
    assert connections.all() == [] and secret not in _settings_text()
    with pytest.raises(ConnectionConfigError):
        Connection("Leaky", "geobox", url).validate()  # the editor's check too
    assert secret not in redact_url(f"GET {url}layers/")  # and in a log line, were one written


def test_reimporting_credentials_replaces_the_config_it_made(connections):
    entry = {"name": "K", "kind": "koordinates", "url": "http://127.0.0.1:9/", "credentials": {"token": "t-1234"}}
    (first,) = connections.import_json({"connections": [entry]})
    (second,) = connections.import_json({"connections": [dict(entry, credentials={"token": "t-5678"})]})
    ids = set(QgsApplication.authManager().configIds())
    assert second.authcfg in ids and first.authcfg not in ids  # one config per connection, not one per import
    own = connections.import_json({"connections": [dict(entry, credentials=None, authcfg=second.authcfg)]})
    assert own[0].authcfg == second.authcfg in set(QgsApplication.authManager().configIds())


@pytest.mark.parametrize("reimport", ["with credentials", "without credentials"])
def test_reimport_leaves_the_users_own_config_alone(connections, reimport):
    """A config the user made (named as they like, not "Geodock: <name>") is theirs: re-importing the same
    connection name replaces the connection's config, but never removes the user's."""
    from geodock.plugin import auth

    own = auth.create_basic_config("My Koordinates login", "me", "own-secret-9876")
    try:
        connections.save(Connection("K", "koordinates", "http://127.0.0.1:9/", authcfg=own))
        entry = {"name": "K", "kind": "koordinates", "url": "http://127.0.0.1:9/"}
        if reimport == "with credentials":
            entry["credentials"] = {"token": "t-imported-1234"}
        (again,) = connections.import_json({"connections": [entry]})
        assert again.id == connections.get("K").id and again.authcfg != own  # the connection was replaced
        assert own in set(QgsApplication.authManager().configIds())
        kept = auth.read_credentials(own)
        assert kept is not None and (kept.username, kept.password) == ("me", "own-secret-9876")
    finally:
        auth.remove_config(own)


def test_malformed_file(connections, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(ConnectionConfigError, match="not valid JSON"):
        connections.import_file(path)


def test_names_stay_unique(connections):
    connections.save(Connection("One", "geobox", "http://a/"))
    with pytest.raises(ConnectionConfigError, match="exists already"):
        connections.save(Connection("One", "amigocloud", "http://b/"))


def test_import_algorithm_through_processing_run(connections, tmp_path, qgis_processing):
    import processing

    from geodock.plugin.processing.provider import GeodockProvider

    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("geodock")
    added = provider is None
    if added:
        provider = GeodockProvider()
        registry.addProvider(provider)
    try:
        path = tmp_path / "c.json"
        path.write_text(json.dumps(_entries()))
        result = processing.run("geodock:importconnections", {"INPUT": str(path)})
        assert result["COUNT"] == 5
        assert {c.name for c in connections.all()} == {"K", "G", "G2", "A", "O"}
        assert all(secret not in _settings_text() for secret in SECRETS)
    finally:
        if added:
            registry.removeProvider(provider)


def test_headless_qgis_process_import(tmp_path):
    env, profile = headless_profile(tmp_path)
    path = tmp_path / "fleet.json"
    path.write_text(json.dumps(_entries()))
    run = qgis_process(env, "geodock:importconnections", INPUT=path)
    assert "COUNT:\t5" in run.stdout
    ini = (profile / "QGIS" / "QGIS3.ini").read_text()
    assert "koordinates" in ini
    for secret in SECRETS:
        assert secret not in ini
        assert secret not in run.stdout + run.stderr
    assert (profile / "qgis-auth.db").exists()


def test_provider_requests_get_the_connection_credentials(connections, httpbin):
    """QGIS's own network requests (as a WFS/XYZ provider makes them) to a connection's URL are authenticated
    at request time; other hosts' requests are not."""
    connections.import_json(
        {
            "connections": [
                {
                    "name": "K",
                    "kind": "koordinates",
                    "url": f"{httpbin.root}/services/api/v1/",
                    "credentials": {"token": SECRETS[0]},
                }
            ]
        }
    )
    auth = ProviderAuth(connections)
    auth.install()
    try:
        request = QgsBlockingNetworkRequest()
        assert (
            request.get(QNetworkRequest(QUrl(f"{httpbin.root}/echo?from=provider")))
            == QgsBlockingNetworkRequest.ErrorCode.NoError
        )
        outside = json.loads(bytes(request.reply().content()))
        assert "Authorization" not in outside["headers"]
        connections.import_json(
            {
                "connections": [
                    {
                        "name": "K",
                        "kind": "koordinates",
                        "url": f"{httpbin.root}/",
                        "credentials": {"token": SECRETS[0]},
                    }
                ]
            }
        )
        assert (
            request.get(QNetworkRequest(QUrl(f"{httpbin.root}/echo?from=provider&n=2")))
            == QgsBlockingNetworkRequest.ErrorCode.NoError
        )
        inside = json.loads(bytes(request.reply().content()))
        assert inside["headers"]["Authorization"] == f"key {SECRETS[0]}"
    finally:
        auth.uninstall()
    assert (
        request.get(QNetworkRequest(QUrl(f"{httpbin.root}/echo?after=uninstall")))
        == QgsBlockingNetworkRequest.ErrorCode.NoError
    )
    assert "Authorization" not in json.loads(bytes(request.reply().content()))["headers"]


def test_test_connection_for_every_platform(
    connections, koordinates_server, geobox_server, amigocloud_server, wraptile_server, pygeoapi_server
):
    from geodock.plugin.auth import trust_certificate_authorities

    trust_certificate_authorities([str(koordinates_server.ca_file)])
    servers = [koordinates_server, geobox_server, amigocloud_server, wraptile_server, pygeoapi_server]
    stored = connections.import_json({"connections": [s.connection() for s in servers]})
    answers = {c.kind + ":" + c.name: run_task(lambda fb, c=c: adapter_for(c).check(fb)) for c in stored}
    assert any("Koordinates answered" in a for a in answers.values())
    assert any("Geobox answered" in a for a in answers.values())
    assert any("signed in as" in a for a in answers.values())
    assert sum("OGC API – Processes answered" in a for a in answers.values()) == 2


def test_wrong_credentials_give_an_authentication_error(
    connections, koordinates_server, geobox_server, amigocloud_server
):
    from geodock.plugin.auth import trust_certificate_authorities

    trust_certificate_authorities([str(koordinates_server.ca_file)])
    entries = []
    for server in (koordinates_server, geobox_server, amigocloud_server):
        entry = server.connection()
        entry["credentials"] = (
            {"token": "wrong"} if "token" in entry["credentials"] else {"username": "demo", "password": "wrong"}
        )
        entries.append(entry)
    for connection in connections.import_json({"connections": entries}):
        with pytest.raises(errors.AuthenticationError) as caught:
            run_task(lambda fb, c=connection: adapter_for(c).check(fb))
        assert caught.value.message.startswith("Authentication failed (401)")
        assert "wrong" not in caught.value.message


def test_geobox_bearer_token_is_renewed_once_after_a_401(connections, geobox_server):
    from geodock.plugin import auth

    (connection,) = connections.import_json({"connections": [geobox_server.connection()]})
    adapter = adapter_for(connection)
    run_task(lambda fb: adapter.check(fb))
    key = f"login:{connection.authcfg}"
    assert auth.tokens.get(key)
    auth.tokens.put(key, "expired-token-value")
    assert "Geobox answered" in run_task(lambda fb: adapter.check(fb))
    assert auth.tokens.get(key) not in (None, "expired-token-value")
