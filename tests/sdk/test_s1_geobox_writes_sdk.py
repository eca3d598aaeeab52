"""The local Geobox server's feature writes as the official ``geobox`` SDK makes them: settings (read-only
layers), ``deleteFeatures``, and a failure injected half-way through a run of writes."""

from __future__ import annotations

import uuid

import pytest
import requests
from geobox import GeoboxClient
from geobox.enums import LayerType
from geobox.exception import AuthorizationError, ServerError
from servers import launch


@pytest.fixture
def client(geobox_server: launch.Server) -> GeoboxClient:
    creds = geobox_server.credentials
    return GeoboxClient(host=geobox_server.root, username=creds["username"], password=creds["password"])


def _layer(client: GeoboxClient, count: int):
    layer = client.create_vector(
        f"w_{uuid.uuid4().hex[:8]}", LayerType.Point, fields=[{"name": "label", "datatype": "String"}]
    )
    for index in range(count):
        layer.create_feature(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [index, index]},
                "properties": {"label": f"p{index}"},
            },
            srid=4326,
        )
    return layer


def test_settings_make_a_layer_read_only(client: GeoboxClient) -> None:
    layer = _layer(client, 1)
    assert layer.settings["edit_settings"]["editable"] is True
    layer.set_settings(editable=False)
    assert layer.settings["edit_settings"]["editable"] is False
    with pytest.raises(AuthorizationError):
        layer.create_feature(
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 1]}, "properties": {}}, srid=4326
        )
    assert layer.get_features(return_count=True) == 1


def test_a_shared_layer_is_read_only(client: GeoboxClient) -> None:
    partner = client.get_vectors(search="partner_borders", shared=True)[0]
    assert partner.settings["edit_settings"]["editable"] is False


def test_delete_features_at_once(client: GeoboxClient) -> None:
    layer = _layer(client, 4)
    ids = [f.id for f in layer.get_features()]
    answer = layer.delete_features(feature_ids=f"{ids[0]}, {ids[2]}", run_async=False)
    assert answer == {"deleted": 2}
    assert sorted(f.id for f in layer.get_features()) == [ids[1], ids[3]]


def test_write_fault_fails_the_writes_after_the_next_ones(client: GeoboxClient, geobox_server: launch.Server) -> None:
    layer = _layer(client, 0)
    requests.post(
        geobox_server.root + "/__geobox__/write_faults", json={"after": 2, "status": 500, "times": 1}, timeout=10
    )
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 1]}, "properties": {"label": "x"}}
    layer.create_feature(feature, srid=4326)
    layer.create_feature(feature, srid=4326)
    with pytest.raises(ServerError):
        layer.create_feature(feature, srid=4326)
    layer.create_feature(feature, srid=4326)
    assert layer.get_features(return_count=True) == 3
