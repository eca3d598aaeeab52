"""Catalog filters, plugin side: each platform's facets reach the server as its own list parameters (the hostile
server records the request), and the local servers filter by them (each facet, the map extent)."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from helpers import run_task

from geodock.plugin.platforms import adapter_for, registry
from geodock.plugin.platforms.catalog_filters import FilteredQuery, FilterType, remember, remembered
from geodock.plugin.platforms.registry import Capability


def _list(adapter, kind, filters=None, extent=None, search="", parent=None):
    query = FilteredQuery(search=search, page_size=100, filters=dict(filters or {}), extent=extent)
    return run_task(lambda fb: adapter.list_page(kind, query, None, parent, fb))


def _ids(page):
    return sorted(resource.id for resource in page.items)


@pytest.fixture
def kx(koordinates, connections):
    return adapter_for(connections.get(koordinates.connection()["name"]))


@pytest.fixture
def gb(geobox_server, connections):
    connections.import_json({"connections": [geobox_server.connection()]})
    return adapter_for(connections.get(geobox_server.connection()["name"]))


@pytest.fixture
def ac(amigocloud_server, connections):
    connections.import_json({"connections": [amigocloud_server.connection()]})
    return adapter_for(connections.get(amigocloud_server.connection()["name"]))


# The request the server saw -------------------------------------------------------------------------------


def _hostile_adapter(connections, hostile, kind, api, credentials):
    entry = {"name": f"Filters {kind}", "kind": kind, "url": hostile.root + api, "credentials": credentials}
    connections.import_json({"connections": [entry]})
    return adapter_for(connections.get(entry["name"]))


def _queries(hostile, path):
    return [parse_qs(r["query"]) for r in hostile.received() if r["path"] == path]


def test_koordinates_sends_every_facet_as_its_list_parameter(hostile, connections):
    api = "/services/api/v1/"
    adapter = _hostile_adapter(connections, hostile, "koordinates", api, {"token": "kx-filter-token-0123"})
    hostile.script({"path": api + "data/", "json": [], "headers": {"X-Resource-Range": "0-0/0"}})
    values = {
        "kind": "raster",
        "category": "elevation",
        "license": "2",
        "group": "7",
        "tag": "relief",
        "created_from": "2020-01-05",
        "created_to": "2020-03-01",
        "updated_from": "2021-02-03",
        "updated_to": "2021-02-04",
    }
    _list(adapter, "data", values, extent=(165.5, -47.25, 178.75, -34.0), search="world")
    (seen,) = _queries(hostile, api + "data/")
    assert seen["kind"] == ["raster"] and seen["category"] == ["elevation"] and seen["tag"] == ["relief"]
    assert seen["license"] == ["2"] and seen["group"] == ["7"] and seen["q"] == ["world"]
    assert seen["created_at.gte"] == ["2020-01-05T00:00:00Z"] and seen["created_at.lte"] == ["2020-03-01T23:59:59Z"]
    assert seen["updated_at.gte"] == ["2021-02-03T00:00:00Z"] and seen["updated_at.lte"] == ["2021-02-04T23:59:59Z"]
    assert seen["bbox"] == ["165.500000,-47.250000,178.750000,-34.000000"]
    hostile.script({"path": api + "data/", "json": [], "headers": {"X-Resource-Range": "0-0/0"}})
    _list(adapter, "data")  # no filter: none sent
    (plain,) = _queries(hostile, api + "data/")
    assert set(plain) == {"page_size"}


def test_geobox_sends_shared_and_cql_on_the_count_and_the_page(hostile, connections):
    api = "/api/v1/"
    adapter = _hostile_adapter(connections, hostile, "geobox", api, {"apikey": "gb-filter-key-0123456789"})
    hostile.script(
        {"path": api + "vectorLayers/", "times": 1, "json": {"count": 0}}, {"path": api + "vectorLayers/", "json": []}
    )
    _list(adapter, "vectors", {"shared": "true", "q": "name LIKE 'A%'"})
    seen = _queries(hostile, api + "vectorLayers/")
    assert len(seen) == 2 and seen[0]["return_count"] == ["true"]
    for query in seen:  # the total and the page count the same items
        assert query["shared"] == ["true"] and query["q"] == ["name LIKE 'A%'"]


def test_amigocloud_project_filter_lists_that_projects_datasets(hostile, connections):
    api = "/api/v1/"
    adapter = _hostile_adapter(connections, hostile, "amigocloud", api, {"token": "ac-filter-token-0123"})
    datasets = api + "users/9/projects/42/datasets"
    hostile.script(
        {"path": api + "projects/42", "json": {"id": 42, "name": "Roads", "datasets": "{root}" + datasets}},
        {
            "path": datasets,
            "json": {
                "count": 1,
                "next": None,
                "results": [{"id": 5, "name": "roads", "url": "{root}" + datasets + "/5"}],
            },
        },
    )
    page = _list(adapter, "projects", {"project": "42"})
    assert [(r.id, r.kind) for r in page.items] == [("5", "dataset")]
    assert [r["path"] for r in hostile.received()] == [api + "projects/42", datasets]
    hostile.script({"path": api + "projects/x", "json": {}}, {"path": api + "me/projects", "json": {"results": []}})
    _list(adapter, "projects", {"project": "x"})  # not a project id: the projects, as without a filter
    assert [r["path"] for r in hostile.received()] == [api + "me/projects"]


# Each facet on the real local servers ------------------------------------------------------------------------


def test_koordinates_each_facet_filters_on_the_server(kx):
    assert _ids(_list(kx, "layers")) == ["1", "2", "3", "4", "5"]
    assert _ids(_list(kx, "layers", {"kind": "raster"})) == ["4"]
    assert _ids(_list(kx, "data", {"category": "boundaries"})) == ["1", "2", "3"]
    assert _ids(_list(kx, "data", {"license": "2"})) == ["4"]
    assert _ids(_list(kx, "data", {"group": "2"})) == ["5"]
    assert _ids(_list(kx, "data", {"tag": "relief"})) == ["4"]
    # created: item n on 2020-01-01 + 10n days (1: Jan 11, 2: Jan 21, 3: Jan 31, 4: Feb 10, 5: Feb 20)
    assert _ids(_list(kx, "data", {"created_from": "2020-01-21", "created_to": "2020-01-31"})) == ["2", "3"]
    # updated 3 days later: "to" includes its whole day
    assert _ids(_list(kx, "data", {"updated_to": "2020-01-14"})) == ["1"]
    assert _ids(_list(kx, "data", {"updated_from": "2020-02-23"})) == ["5"]
    assert _ids(_list(kx, "data", {"category": "boundaries", "tag": "relief"})) == []  # facets combine (AND)


def test_koordinates_map_extent_keeps_what_meets_the_view(kx):
    # Disputed borders lie between 89 W and 149 E, 24 S and 49 N; countries, provinces and relief cover the world
    assert _ids(_list(kx, "layers", extent=(-20.0, -10.0, 20.0, 10.0))) == ["1", "2", "3", "4"]  # no table
    assert _ids(_list(kx, "layers", extent=(-170.0, -80.0, -160.0, -70.0))) == ["1", "2", "4"]


def test_koordinates_choices_come_from_the_server(kx):
    spec = kx.filter_spec()
    assert [f.key for f in spec.fields if f.from_server] == ["category", "license", "group"]
    assert spec.field("in_view").type is FilterType.MAP_VIEW and not spec.field("in_view").applies_to("tables")
    categories = run_task(lambda fb: kx.filter_choices("category", fb))
    assert ("elevation", "Elevation") in categories and ("boundaries", "Boundaries") in categories
    licences = run_task(lambda fb: kx.filter_choices("license", fb))
    assert ("2", "Creative Commons Attribution-NonCommercial 4.0 International") in licences
    assert ("1", "Natural Earth") in run_task(lambda fb: kx.filter_choices("group", fb))


def test_geobox_shared_and_cql_filter_on_the_server(gb):
    own = {r.title for r in _list(gb, "vectors").items}
    assert {"countries", "disputed_borders"} <= own and "Borders shared by a partner" not in own
    shared = _list(gb, "vectors", {"shared": "true"})
    assert [r.title for r in shared.items] == ["Borders shared by a partner"] and shared.total == 1
    found = _list(gb, "vectors", {"q": "name LIKE 'countr%'"})
    assert [r.title for r in found.items] == ["countries"] and found.total == 1
    assert _list(gb, "vectors", {"q": "name = 'countries'", "shared": "true"}).items == []


def test_amigocloud_project_filter_on_the_server(ac):
    assert ac.filter_spec().field("project").from_server
    projects = run_task(lambda fb: ac.filter_choices("project", fb))
    assert ("1", "World") in projects and ("2", "Live") in projects
    world = _list(ac, "projects", {"project": "1"})
    assert {r.kind for r in world.items} == {"dataset"} and "countries" in {r.title for r in world.items}
    live = _list(ac, "projects", {"project": "2"})
    assert [r.title for r in live.items] == ["vehicles"]


def test_every_browsing_platform_but_ogc_has_filters():
    with_filters = [row.kind for row in registry.platforms() if Capability.CATALOG_FILTERS in row.capabilities]
    assert {"koordinates", "geobox", "amigocloud"} <= set(with_filters)
    assert "ogcapi-processes" not in with_filters


def test_values_are_remembered_per_connection_as_strings_only(qgis_app):
    remember("conn-a", {"tag": "roads", "kind": "", "in_view": "true"})
    remember("conn-b", {"q": "x > 1"})
    assert remembered("conn-a") == {"tag": "roads", "in_view": "true"}
    assert remembered("conn-b") == {"q": "x > 1"}
    remember("conn-a", {})
    assert remembered("conn-a") == {}


def test_removing_a_connection_forgets_its_filters(connections):
    from geodock.plugin.connections import Connection

    connections.save(Connection(name="Filtered", kind="koordinates", url="https://example.com/services/api/v1/"))
    saved = connections.get("Filtered")
    remember(saved.id, {"tag": "roads"})
    remember("another", {"tag": "rivers"})
    connections.remove(saved)
    assert remembered(saved.id) == {}
    assert remembered("another") == {"tag": "rivers"}
    remember("another", {})
