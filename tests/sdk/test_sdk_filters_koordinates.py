"""The local Koordinates server's list filters, proved by the official ``koordinates`` SDK (0.7.1): the facets the
Catalog sends (``kind``, ``category``, ``license``, ``group``, ``tag``, dates with ``.gte``/``.lte``, ``bbox``) and
the lists of choices (``/licenses/`` through the SDK's own manager; ``/categories/``, ``/groups/``)."""

from __future__ import annotations

import datetime as dt

import koordinates
import pytest
import requests


@pytest.fixture
def client(koordinates_server, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(koordinates_server.ca_file))
    return koordinates.Client(
        host=f"127.0.0.1:{koordinates_server.port}", token=koordinates_server.credentials["token"]
    )


def ids(query) -> list[int]:
    return sorted(item.id for item in query)


def test_each_facet_filters_layers_and_the_catalog(client):
    assert ids(client.layers.list()) == [1, 2, 3, 4, 5]
    assert ids(client.layers.filter(kind="raster")) == [4]
    assert ids(client.layers.filter(kind="vector")) == [1, 2, 3]
    assert ids(client.layers.filter(category="boundaries")) == [1, 2, 3]
    assert ids(client.layers.filter(license=2)) == [4]
    assert ids(client.layers.filter(group=2)) == [5]
    assert ids(client.layers.filter(tag="relief")) == [4]
    assert ids(client.layers.filter(category="boundaries").filter(tag="relief")) == []
    assert ids(client.catalog.list().filter(category="reference")) == [5]
    assert len(client.layers.filter(license=1)) == 4  # the count (X-Resource-Range) agrees


def test_dates_with_gte_and_lte(client):
    jan21 = dt.datetime(2020, 1, 21, tzinfo=dt.timezone.utc).isoformat()
    jan31_end = dt.datetime(2020, 1, 31, 23, 59, 59, tzinfo=dt.timezone.utc).isoformat()
    assert ids(client.layers.filter(created_at__gte=jan21, created_at__lte=jan31_end)) == [2, 3]
    listed = {item.id: item for item in client.layers.list()}
    assert listed[2].created_at.date() == dt.date(2020, 1, 21)  # what the filter compared
    assert ids(client.layers.filter(updated_at__lte="2020-01-14T23:59:59Z")) == [1]
    assert ids(client.layers.filter(updated_at__gte="2020-02-23T00:00:00Z")) == [5]


def test_bbox_keeps_items_that_meet_it(client):
    near_null_island = client.layers.list().extra(bbox="-20,-10,20,10")
    assert ids(near_null_island) == [1, 2, 3, 4]  # the table has no extent
    assert ids(client.layers.list().extra(bbox="-170,-80,-160,-70")) == [1, 2, 4]


def test_bad_bbox_is_a_bad_request(client):
    with pytest.raises(koordinates.exceptions.BadRequest):
        list(client.layers.list().extra(bbox="1,2,3"))


def test_choices_lists(client, koordinates_server):
    licences = {lic.id: lic for lic in client.licenses.list()}
    assert set(licences) == {1, 2} and licences[2].type == "cc-by-nc"
    assert client.licenses.get(2).title.startswith("Creative Commons Attribution-NonCommercial")
    layer = client.layers.get(4)
    assert layer.license.id == 2 and layer.group.id == 1 and layer.group.name == "Natural Earth"  # as filtered
    headers = {"Authorization": f"key {koordinates_server.credentials['token']}"}
    root = f"https://127.0.0.1:{koordinates_server.port}/services/api/v1/"
    categories = requests.get(root + "categories/", headers=headers, timeout=30).json()
    assert {c["slug"] for c in categories} == {"boundaries", "elevation", "reference"}
    groups = requests.get(root + "groups/", headers=headers, timeout=30).json()
    assert [(g["id"], g["name"]) for g in groups] == [(1, "Natural Earth"), (2, "Geodock Demo Data")]
