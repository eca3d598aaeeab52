"""The local Geobox server's list filters the Catalog sends, proved by the official ``geobox`` SDK (2.11.0):
``shared`` (layers other users shared with me; the SDK sends ``shared=False`` by default) and the CQL ``q``."""

from __future__ import annotations

import pytest
from geobox import GeoboxClient
from servers import launch


@pytest.fixture
def client(geobox_server: launch.Server) -> GeoboxClient:
    creds = geobox_server.credentials
    return GeoboxClient(host=geobox_server.root, username=creds["username"], password=creds["password"])


def test_shared_lists_only_what_others_shared(client: GeoboxClient) -> None:
    own = {layer.name for layer in client.get_vectors(limit=1000)}
    assert {"countries", "disputed_borders"} <= own and "partner_borders" not in own
    shared = client.get_vectors(shared=True, limit=100)
    assert [layer.name for layer in shared] == ["partner_borders"]
    assert client.get_vectors(shared=True, return_count=True) == 1
    partner = client.get_vector(shared[0].uuid)  # shared with me: I can open it
    assert partner.data["owner_id"] != 1 and partner.data["display_name"] == "Borders shared by a partner"


def test_cql_q_filters_and_counts(client: GeoboxClient) -> None:
    found = client.get_vectors(q="name LIKE 'countr%'", limit=100)
    assert [layer.name for layer in found] == ["countries"]
    assert client.get_vectors(q="name LIKE 'countr%'", return_count=True) == 1
    assert client.get_vectors(q="name = 'partner_borders'", shared=True, return_count=True) == 1
    assert client.get_vectors(q="name = 'countries'", shared=True, limit=10) == []
