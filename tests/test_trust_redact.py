"""Trust boundary of redaction (issue 13, item 15): secrets are masked where secrets appear, and ordinary
text is left alone.

A stored secret is masked as a whole token from 8 characters on: a connection whose password is ``wrong``
no longer turns "Koordinates wrong token" into "Koordinates *** token", while a real token in a log line is
still masked. Credential headers, ``name=value`` and JSON pairs and known token shapes are masked whatever
the stored secrets are.
"""

from __future__ import annotations

import pytest
from qgis.core import QgsApplication

from geodock.plugin import auth, log
from geodock.plugin.redact import redact

TOKEN = "abcd1234efgh"


def _remember_through_the_auth_database(connections, name: str, token: str) -> None:
    """Store a connection with ``token`` and read it back (as every request does): the log learns it."""
    entry = {"name": name, "kind": "koordinates", "url": "https://data.example.com/services/api/v1/"}
    connections.import_json({"connections": [dict(entry, credentials={"token": token})]}, replace=True)
    stored = connections.get(name)
    assert stored is not None
    credentials = auth.read_credentials(stored.authcfg)
    assert credentials is not None and credentials.password == token


def test_a_short_secret_does_not_garble_names_and_a_real_token_is_still_masked(connections):
    _remember_through_the_auth_database(connections, "Koordinates wrong token", "wrong")
    _remember_through_the_auth_database(connections, "Real", TOKEN)
    lines: list[str] = []

    def keep(message: str, tag: str, _level: object) -> None:
        if tag == log.TAG:
            lines.append(message)

    QgsApplication.messageLog().messageReceived.connect(keep)
    try:
        log.info(f"Koordinates wrong token: sent {TOKEN} to the wrong host")
    finally:
        QgsApplication.messageLog().messageReceived.disconnect(keep)
    assert lines == ["Koordinates wrong token: sent *** to the wrong host"]
    assert log.clean("Koordinates wrong token") == "Koordinates wrong token"


#: (text, stored secrets, what is shown)
WHOLE_TOKENS = [
    ("Koordinates wrong token", ("wrong",), "Koordinates wrong token"),  # too short to mask as bare text
    ("the wrongdoers list", ("wrongdoer",), "the wrongdoers list"),  # not inside a longer word
    (f"{TOKEN}x and x{TOKEN}", (TOKEN,), f"{TOKEN}x and x{TOKEN}"),
    (f"got {TOKEN}, then '{TOKEN}'", (TOKEN,), "got ***, then '***'"),
    ("pw p@ss!word#1.", ("p@ss!word#1",), "pw ***."),  # a secret with non-word characters
    ("a p%40ss%21word%231 b", ("p@ss!word#1",), "a *** b"),  # and percent-encoded
    ("Invalid token: EPSG:4326, monkey=banana for key_figures", ("monkey", "banana"), None),  # ordinary text
]


def test_stored_secrets_are_masked_as_whole_tokens_only():
    shown = [redact(text, secrets) for text, secrets, _ in WHOLE_TOKENS]
    assert shown == [text if expected is None else expected for text, _, expected in WHOLE_TOKENS]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("X-API-Key: k3y-v4lue-123", "X-API-Key: ***"),
        ("headers {'X-Auth-Token': 'k3y-v4lue', 'Accept': '*/*'}", "headers {'X-Auth-Token': '***', 'Accept': '*/*'}"),
        ("login failed: username=demo password=hunter22", "login failed: username=demo password=***"),
        ('{"access_token": "opaque-value", "expires_in": 3600}', '{"access_token": "***", "expires_in": 3600}'),
        ("sent Bearer opaqueBearerValue1 twice", "sent Bearer *** twice"),
        ("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl seen", "token *** seen"),
        ("AmigoCloud said R:0123456789abcdefABCDEF is invalid", "AmigoCloud said *** is invalid"),
        (
            "GET https://h.example/services;key=abc123/wfs/layer-1/",
            "GET https://h.example/services;key=***/wfs/layer-1/",
        ),
    ],
)
def test_secrets_are_masked_where_they_appear(text, expected):
    assert redact(text) == expected
