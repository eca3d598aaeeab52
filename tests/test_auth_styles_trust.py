"""Auth styles at the trust boundary: against the hostile server (``tests/servers/hostile.py``).

Whatever the style, a connection's secret (a bearer token, an API key in a header or in the query, Basic, a
login's token) reaches the connection's own origin only, never the ``{other}`` origin an answer names. The
login style sends its username and password to the configured login URL only: a redirect elsewhere carries
nothing on, and the token it answers goes to the connection's origin, not to the login server's.
"""

from __future__ import annotations

from typing import Any

import pytest
from auth_styles_fixtures import imported
from helpers import run_task

from geodock.plugin import auth, auth_styles
from geodock.plugin.errors import AuthenticationError, GeodockError
from geodock.plugin.platforms import adapter_for

SECRET = "s3cret-style-0123456789"
TOKEN = "t0ken-from-login-0123456789"
API = "/ogc/"
OGC = "ogcapi-processes"


def _carries(request: dict[str, Any]) -> bool:
    """Whether a recorded request carried a credential: an Authorization header, or the secret or the login's
    token in any header or in the query."""
    values = " ".join(str(value) for value in request["headers"].values())
    headers = {name.lower() for name in request["headers"]}
    return "authorization" in headers or any(s in values + request["query"] for s in (SECRET, TOKEN))


def _listing_rules() -> list[dict[str, Any]]:
    """Two pages of processes, the second on the other origin."""
    return [
        {
            "path": API + "processes",
            "times": 1,
            "json": {"processes": [{"id": "a"}], "links": [{"rel": "next", "href": "{other}/ogc/processes?page=2"}]},
        },
        {"path": API + "processes", "json": {"processes": [{"id": "b"}], "links": []}},
    ]


def _own_and_other(server) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    received = server.received()
    return (
        [r for r in received if r["host"].startswith("127.0.0.1")],
        [r for r in received if r["host"].startswith("localhost")],
    )


@pytest.mark.parametrize(
    ("credentials", "style"),
    [
        ({"token": SECRET}, auth_styles.BEARER),
        ({"apikey": SECRET, "header": "X-Secret-Key"}, auth_styles.APIKEY_HEADER),
        ({"apikey": SECRET, "query": "k"}, auth_styles.APIKEY_QUERY),
        ({"username": "me", "password": SECRET}, auth_styles.BASIC),
    ],
)
def test_each_style_goes_to_the_connection_origin_only(hostile, connections, credentials, style):
    connection = imported(connections, "Styled", OGC, hostile.root + API, credentials)
    assert connection.auth_style == style
    hostile.script(*_listing_rules())
    processes = run_task(lambda fb: adapter_for(connection).processes(fb))
    assert [p.id for p in processes] == ["a", "b"]
    own, other = _own_and_other(hostile)
    assert own and all(_carries(r) for r in own), own
    assert other and not any(_carries(r) for r in other), other


def test_the_login_token_goes_to_the_connection_not_to_the_login_server(hostile, connections):
    """The login URL is explicitly on another origin: it gets the form, never the token; a link to that same
    origin in an answer gets nothing."""
    auth.tokens.clear()
    login_url = f"{hostile.other_origin()}/login"
    connection = imported(
        connections, "Login", OGC, hostile.root + API, {"username": "me", "password": SECRET, "login_url": login_url}
    )
    assert connection.auth_settings == {"login_url": login_url}
    hostile.script(
        {"path": API + "processes", "times": 1, "status": 401, "json": {"detail": "Not authenticated"}},
        {"method": "POST", "path": "/login", "json": {"access_token": TOKEN, "token_type": "bearer"}},
        *_listing_rules(),
    )
    processes = run_task(lambda fb: adapter_for(connection).processes(fb))
    assert [p.id for p in processes] == ["a", "b"]
    own, other = _own_and_other(hostile)
    assert [r["headers"].get("Authorization") for r in own] == [None, f"Bearer {TOKEN}"]
    logins = [r for r in other if r["path"] == "/login"]
    assert len(logins) == 1 and logins[0]["body_size"] > 0 and "Authorization" not in logins[0]["headers"]
    page_two = [r for r in other if r["path"] == API + "processes"]
    assert page_two and not any(_carries(r) for r in page_two)
    auth.tokens.clear()


def test_a_redirected_login_carries_the_password_nowhere(hostile, connections):
    auth.tokens.clear()
    connection = imported(
        connections,
        "Login redirected",
        OGC,
        hostile.root + API,
        {"username": "me", "password": SECRET, "login_url": "login"},  # relative: below the connection URL
    )
    hostile.script(
        {"path": API + "processes", "status": 401, "json": {"detail": "Not authenticated"}},
        {"method": "POST", "path": API + "login", "status": 307, "headers": {"Location": "{other}/steal"}},
        {"method": "POST", "path": "/steal", "json": {"access_token": "stolen"}},
    )
    with pytest.raises(GeodockError):
        run_task(lambda fb: adapter_for(connection).check(fb))
    own, other = _own_and_other(hostile)
    assert [r["path"] for r in own if r["method"] == "POST"] == [API + "login"]
    assert not [r for r in other if r["body_size"] or _carries(r)], "the login was sent on to another origin"
    auth.tokens.clear()


@pytest.mark.parametrize("token", ["evil\r\nX-Injected: 1", "", "x" * 9000, 12345])
def test_an_unusable_login_token_is_refused(hostile, connections, token):
    auth.tokens.clear()
    connection = imported(
        connections,
        "Login odd token",
        OGC,
        hostile.root + API,
        {"username": "me", "password": SECRET, "login_url": f"{hostile.root}/login"},
    )
    hostile.script(
        {"path": API + "processes", "status": 401, "json": {"detail": "Not authenticated"}},
        {"method": "POST", "path": "/login", "json": {"access_token": token}},
    )
    with pytest.raises(AuthenticationError):
        run_task(lambda fb: adapter_for(connection).check(fb))
    assert not any("X-Injected" in r["headers"] for r in hostile.received())
    assert auth.tokens.get(f"login:{connection.authcfg}:{hostile.root}/login") is None


def test_an_https_connection_refuses_an_http_login_url(connections):
    from geodock.plugin.connections import Connection, ConnectionConfigError

    connection = Connection(
        "Downgrade",
        OGC,
        "https://ogc.example.com/",
        auth_style=auth_styles.LOGIN,
        auth_settings={"login_url": "http://ogc.example.com/token"},
    )
    with pytest.raises(ConnectionConfigError, match="https"):
        connection.validate()
    connection.auth_settings = {"login_url": "https://ogc.example.com/token?token=abc"}
    with pytest.raises(ConnectionConfigError) as refused:
        connection.validate()
    assert "abc" not in str(refused.value)
    connection.auth_settings = {"login_url": "https://me:pw@sso.example.com/token"}
    with pytest.raises(ConnectionConfigError) as refused:
        connection.validate()
    assert "pw" not in str(refused.value)
    connection.auth_settings = {"login_url": "https://sso.example.com/token"}  # another origin, chosen: fine
    connection.validate()
