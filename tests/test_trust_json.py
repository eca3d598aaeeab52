"""Trust boundary, JSON: hostile documents give typed errors with the server's context, and a bad item is
skipped and counted, never fatal to its page.

The hostile server plays each platform's listing with JSON nested far too deep, items of the wrong types
(``srid: "EPSG"``, ``feature_count: "many"``, a title that is a list, no id, an item that is not an object) and
pages whose item list is not a list. The real adapters read them through the real client.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import run_task, wait_until
from qgis.core import QgsApplication

PASSWORD = "pa55word-json-0123456789"
KX_API = "/services/api/v1/"
GB_API = "/api/v1/"
AC_API = "/api/v1/"
OGC_API = "/ogc/"
DEEP = "[" * 50_000 + "]" * 50_000  # json.loads alone raises RecursionError on this


def _connect(connections, server, kind: str, api: str, credentials: dict[str, str]):
    from geodock.plugin.platforms import adapter_for

    entry = {"name": f"Hostile JSON {kind}", "kind": kind, "url": server.root + api, "credentials": credentials}
    connections.import_json({"connections": [entry]})
    return adapter_for(connections.get(entry["name"]))


@pytest.fixture
def warnings_log(qgis_app):
    """The Geodock log tab's lines, as they arrive."""
    lines: list[str] = []

    def record(message, tag, level):
        if tag == "Geodock":
            lines.append(message)

    QgsApplication.messageLog().messageReceived.connect(record)
    yield lines
    QgsApplication.messageLog().messageReceived.disconnect(record)


def _list(adapter, kind: str, parent: Any = None):
    from geodock.plugin.platforms.base import ListQuery

    return run_task(lambda fb: adapter.list_page(kind, ListQuery(), None, parent, fb))


def _assert_unreadable(err: BaseException, path: str) -> None:
    from geodock.plugin.errors import UnreadableResponseError

    assert isinstance(err, UnreadableResponseError), f"{type(err).__name__}: {err}"
    assert "Unexpected error" not in str(err) and "Recursion" not in str(err)
    assert path in err.url, err.url  # the server's context: which answer could not be read


# Deep nesting -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, api, credentials, listing, path",
    [
        ("koordinates", KX_API, {"token": "kx-json-token-0123"}, "layers", KX_API + "layers/"),
        ("amigocloud", AC_API, {"token": "ac-json-token-0123"}, "projects", AC_API + "me/projects"),
        ("ogcapi-processes", OGC_API, {"username": "me", "password": PASSWORD}, "processes", OGC_API + "processes"),
    ],
)
def test_deeply_nested_json_is_a_typed_error(hostile, connections, kind, api, credentials, listing, path):
    adapter = _connect(connections, hostile, kind, api, credentials)
    hostile.script({"path": path, "text": DEEP, "content_type": "application/json"})
    with pytest.raises(Exception) as info:
        _list(adapter, listing)
    _assert_unreadable(info.value, path)
    assert "nested deeper than" in str(info.value)


def test_a_process_description_nested_below_the_parser_limit_is_a_typed_error(hostile, connections):
    """Nested 600 levels: json.loads parses it, but no answer that deep reaches Geodock's recursive readers
    (input schemas are read recursively): the cap on depth applies to every answer."""
    adapter = _connect(connections, hostile, "ogcapi-processes", OGC_API, {"username": "me", "password": PASSWORD})
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(300):
        schema = {"type": "array", "items": schema}
    hostile.script({"path": OGC_API + "processes/deep", "json": {"id": "deep", "inputs": {"x": {"schema": schema}}}})
    with pytest.raises(Exception) as info:
        run_task(lambda fb: adapter.describe("deep", fb))
    _assert_unreadable(info.value, OGC_API + "processes/deep")


# Wrong types: skipped and counted -----------------------------------------------------------------------


def _skipped_line(lines: list[str], count: int, of: int, path: str) -> list[str]:
    wait_until(lambda: any(f"skipped {count} of {of}" in line for line in lines), 10, "the skipped-items log line")
    found = [line for line in lines if "skipped" in line and path in line]
    assert len(found) == 1, lines  # logged once per page, with the page's URL
    return found


def test_koordinates_bad_items_are_skipped_and_counted(hostile, connections, warnings_log):
    adapter = _connect(connections, hostile, "koordinates", KX_API, {"token": "kx-json-token-0123"})
    good = {"id": 1, "title": "Roads", "kind": "vector", "data": {"feature_count": 12, "crs": "EPSG:2193"}}
    hostile.script(
        {
            "path": KX_API + "layers/",
            "json": [
                good,
                {"id": 2, "title": ["a", "list"], "kind": "vector"},
                {"title": "no id", "kind": "vector"},
                "not an object",
                {"id": 5, "title": "Many", "kind": "vector", "data": {"feature_count": "many"}},
                {"id": 6, "title": "Rivers", "kind": "vector"},
            ],
            "headers": {"X-Resource-Range": "0-5/6"},
        }
    )
    page = _list(adapter, "layers")
    assert [r.id for r in page.items] == ["1", "6"]
    assert page.items[0].feature_count == 12
    assert page.skipped == 4 and page.total == 6
    (line,) = _skipped_line(warnings_log, 4, 6, KX_API + "layers/")
    assert "feature_count" in line and "'title'" in line


def test_geobox_bad_items_are_skipped_and_counted(hostile, connections, warnings_log):
    from geodock.plugin import auth

    auth.tokens.clear()
    adapter = _connect(connections, hostile, "geobox", GB_API, {"apikey": "gb-json-key-0123456789"})
    hostile.script(
        {"path": GB_API + "vectorLayers/", "times": 1, "json": {"count": 4}},
        {
            "path": GB_API + "vectorLayers/",
            "json": [
                {"uuid": "u1", "name": "roads", "srid": 3857, "feature_count": 3},
                {"uuid": "u2", "name": "epsg", "srid": "EPSG"},
                {"name": "no uuid"},
                {"uuid": "u4", "name": "many", "feature_count": "many"},
            ],
        },
    )
    page = _list(adapter, "vectors")
    assert [(r.id, r.crs) for r in page.items] == [("u1", "EPSG:3857")]
    assert page.skipped == 3
    (line,) = _skipped_line(warnings_log, 3, 4, GB_API + "vectorLayers/")
    assert "srid" in line
    auth.tokens.clear()


def test_amigocloud_bad_items_are_skipped_and_counted(hostile, connections, warnings_log):
    adapter = _connect(connections, hostile, "amigocloud", AC_API, {"token": "ac-json-token-0123"})
    hostile.script(
        {
            "path": AC_API + "me/projects",
            "json": {
                "count": 4,
                "next": None,
                "results": [{"id": 1, "name": "World"}, {"name": "no id"}, 7, {"id": 4, "name": {"a": 1}}],
            },
        },
        {"path": "/ac/datasets", "json": {"count": 2, "next": None, "results": [{"id": 8, "srid": "EPSG"}]}},
    )
    page = _list(adapter, "projects")
    assert [r.id for r in page.items] == ["1"] and page.skipped == 3
    _skipped_line(warnings_log, 3, 4, AC_API + "me/projects")


def test_ogc_bad_processes_are_skipped_and_a_page_that_is_not_a_list_is_an_error(hostile, connections):
    adapter = _connect(connections, hostile, "ogcapi-processes", OGC_API, {"username": "me", "password": PASSWORD})
    hostile.script(
        {
            "path": OGC_API + "processes",
            "times": 1,
            "json": {"processes": [{"id": "buffer"}, {"title": "no id"}, {"id": "x", "title": ["t"]}], "links": [5]},
        },
        {"path": OGC_API + "processes", "json": {"processes": "everything", "links": []}},
    )
    page = _list(adapter, "processes")
    assert [r.id for r in page.items] == ["buffer"] and page.skipped == 2 and page.next is None
    with pytest.raises(Exception) as info:
        _list(adapter, "processes")
    _assert_unreadable(info.value, OGC_API + "processes")


def test_wrong_types_in_details_are_a_typed_error_naming_the_item(hostile, connections):
    from geodock.plugin.platforms.base import Resource

    adapter = _connect(connections, hostile, "koordinates", KX_API, {"token": "kx-json-token-0123"})
    hostile.script({"path": KX_API + "layers/7/", "json": {"id": 7, "title": "Bad", "data": {"feature_count": []}}})
    with pytest.raises(Exception) as info:
        run_task(lambda fb: adapter.get_details(Resource("7", "vector", "7"), fb))
    _assert_unreadable(info.value, KX_API + "layers/7/")
    assert "feature_count" in str(info.value)


def test_a_deeply_nested_error_body_is_still_the_typed_http_error(hostile, connections):
    from geodock.plugin.errors import ServerError

    adapter = _connect(connections, hostile, "koordinates", KX_API, {"token": "kx-json-token-0123"})
    hostile.script(
        {
            "path": KX_API + "layers/",
            "status": 500,
            "text": '{"error": ' + DEEP + "}",
            "content_type": "application/json",
        }
    )
    with pytest.raises(Exception) as info:
        _list(adapter, "layers")
    assert isinstance(info.value, ServerError), f"{type(info.value).__name__}: {info.value}"
    assert info.value.status == 500 and KX_API + "layers/" in info.value.url


def test_the_catalog_dock_and_the_browser_say_how_many_items_were_skipped(hostile, connections, qgis_iface):
    from qgis.PyQt import sip

    from geodock.plugin.browser.provider import create_provider
    from geodock.ui.catalog_dock import CatalogDock

    adapter = _connect(connections, hostile, "koordinates", KX_API, {"token": "kx-json-token-0123"})
    good = {"id": 1, "title": "Roads", "kind": "vector"}
    hostile.script(
        {
            "path": KX_API + "layers/",
            "json": [good, {"title": "no id", "kind": "vector"}, "not an object"],
            "headers": {"X-Resource-Range": "0-2/3"},
        }
    )
    dock = CatalogDock(qgis_iface)
    try:
        dock.refresh_connections()
        dock.select_connection(adapter.connection.name)
        dock.select_kind("layers")
        dock.reload()
        wait_until(lambda: not dock.model.loading and dock.model.shown == 1, 30, "the page with one readable item")
        assert dock.status.text() == "1 of 3 · 2 unreadable skipped"
    finally:
        dock.shutdown()
        dock.deleteLater()
    root = create_provider().createDataItem("", None)
    root.populate(True)
    (connection,) = [c for c in root._python_children if c.name() == adapter.connection.name]
    connection.populate(True)
    (layers,) = [k for k in connection._python_children if getattr(k, "kind", "") == "layers"]
    layers.populate(True)
    names = [child.name() for child in layers._python_children if not sip.isdeleted(child)]
    assert names == ["Roads", "2 unreadable items skipped (see the Geodock log)"]
