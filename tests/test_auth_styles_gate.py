"""Auth styles against real servers: the auth gate in front of the real wraptile insists on one way each.

Every style's connection is imported the way a fleet set-up does (``credentials`` in the JSON), lists the
processes through the gate, and the same server refuses the request made another way, so that each test
could fail.
"""

from __future__ import annotations

import pytest
from auth_styles_fixtures import GATE_KEY, GATE_TOKEN, GATE_USER, gate_stats, imported, started_gate
from helpers import run_task

from geodock.plugin import auth_styles
from geodock.plugin.errors import AuthenticationError
from geodock.plugin.platforms import adapter_for

OGC = "ogcapi-processes"


@pytest.fixture
def auth_gate(server_pool, wraptile_server):
    """The auth gate in front of the real wraptile."""
    return started_gate(server_pool, wraptile_server)


def _check(connection) -> str:
    return run_task(lambda fb: adapter_for(connection).check(fb))


def _processes(connection) -> int:
    data = run_task(lambda fb: adapter_for(connection)._get("processes", fb))
    return len(data["processes"])


def test_a_token_is_bearer_on_an_ogc_server(connections, auth_gate):
    connection = imported(connections, "Bearer", OGC, f"{auth_gate.root}/bearer/", {"token": GATE_TOKEN})
    assert connection.auth_style == auth_styles.BEARER
    assert "processes" in _check(connection) and _processes(connection) > 0
    # What the import did before styles (the token as HTTP Basic "token:<value>") is refused by this server.
    connection.auth_style = auth_styles.QGIS
    with pytest.raises(AuthenticationError):
        _check(connection)


@pytest.mark.parametrize(
    ("gate", "credentials", "header"),
    [
        ("apikey", {"apikey": GATE_KEY, "header": True}, "X-API-Key"),
        ("named-key", {"apikey": GATE_KEY, "header": "X-Gate-Key"}, "X-Gate-Key"),
        ("apikey", {"apikey": GATE_KEY}, "X-API-Key"),  # no platform way of its own: a header by default
    ],
)
def test_an_api_key_in_a_header(connections, auth_gate, gate, credentials, header):
    connection = imported(connections, "Key", OGC, f"{auth_gate.root}/{gate}/", credentials)
    assert connection.auth_style == auth_styles.APIKEY_HEADER
    assert connection.auth_settings == {"header": header}
    assert _processes(connection) > 0
    connection.auth_settings = {"header": "X-Other-Key"}
    with pytest.raises(AuthenticationError):
        _check(connection)


def test_an_api_key_in_a_query_parameter(connections, auth_gate):
    connection = imported(
        connections, "Query key", OGC, f"{auth_gate.root}/query-key/", {"apikey": GATE_KEY, "query": "key"}
    )
    assert (connection.auth_style, connection.auth_settings) == (auth_styles.APIKEY_QUERY, {"parameter": "key"})
    assert _processes(connection) > 0
    connection.auth_settings = {}  # the default parameter, apikey=: not what this server reads
    with pytest.raises(AuthenticationError):
        _check(connection)


def test_basic_and_the_qgis_basic_method(connections, auth_gate):
    connection = imported(connections, "Basic", OGC, f"{auth_gate.root}/basic/", dict(GATE_USER))
    assert connection.auth_style == auth_styles.BASIC
    assert _processes(connection) > 0
    connection.auth_style = auth_styles.QGIS  # QGIS's own Basic method says the same
    assert _processes(connection) > 0
    connection.auth_style = auth_styles.NONE
    with pytest.raises(AuthenticationError):
        _check(connection)


def test_login_for_a_token_renewed_once_on_a_401(connections, auth_gate):
    login_url = f"{auth_gate.root}/auth/token"
    connection = imported(connections, "Login", OGC, f"{auth_gate.root}/login/", {**GATE_USER, "login_url": login_url})
    assert (connection.auth_style, connection.auth_settings) == (auth_styles.LOGIN, {"login_url": login_url})
    before = gate_stats(auth_gate)["logins"]
    assert _processes(connection) > 0  # 401 without a token, then one login, then the answer
    assert _processes(connection) > 0  # the token is held: no second login
    assert gate_stats(auth_gate)["logins"] == before + 1
    auth_gate._send_json("POST", "/__gate__/expire", {})
    assert _processes(connection) > 0  # expired: 401, renewed once, retried
    assert gate_stats(auth_gate)["logins"] == before + 2


def test_a_wrong_login_password_is_an_authentication_error(connections, auth_gate):
    connection = imported(
        connections,
        "Bad login",
        OGC,
        f"{auth_gate.root}/login/",
        {"username": "demo", "password": "wrong", "login_url": f"{auth_gate.root}/auth/token"},
    )
    before = gate_stats(auth_gate)
    with pytest.raises(AuthenticationError):
        _check(connection)
    after = gate_stats(auth_gate)
    assert after["logins"] == before["logins"] and after["refused"] == before["refused"] + 1  # one 401, no loop
