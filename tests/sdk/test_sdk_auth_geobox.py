"""The official ``geobox`` SDK with a ready-made access token (``GeoboxClient(access_token=...)``) against the
local Geobox server: the token travels as ``Authorization: Bearer``, the way Geodock now sends a ``{"token"}``."""

from __future__ import annotations

import pytest
from geobox import GeoboxClient
from geobox.exception import AuthenticationError
from servers import launch


def test_a_ready_made_access_token_lists_layers(geobox_server: launch.Server) -> None:
    client = GeoboxClient(host=geobox_server.root, access_token=launch.GEOBOX_ACCESS_TOKEN)
    assert client.get_vectors(limit=5)


def test_an_access_token_the_server_never_issued_is_refused(geobox_server: launch.Server) -> None:
    client = GeoboxClient(host=geobox_server.root, access_token="not-issued")
    with pytest.raises(AuthenticationError):
        client.get_vectors(limit=5)
