"""Trust boundary, credentials: a connection's secret goes to that connection's origin only.

The hostile server plays each platform and names URLs on another origin in its answers (``{other}``: the same
server reached as ``localhost`` instead of ``127.0.0.1``, so it records what Geodock sent there): Koordinates
``Link: rel="page-next"``, item ``url`` and export ``download_url``; OGC ``Location`` and ``rel=next``;
AmigoCloud ``datasets``, ``schema``, ``sql`` and cursor ``next``; a thumbnail; a redirected Geobox login. The real
adapters follow them; the requests that reached ``{other}`` must carry no ``Authorization`` and no secret query
parameter, while those to the connection's own origin do. An ``https`` connection never authenticates an
``http`` URL. And QGIS's own providers never leave a query secret in QGIS's network disk cache.
"""

from __future__ import annotations

import base64
import uuid
from pathlib import Path
from typing import Any

import pytest
from helpers import run_task
from qgis.core import QgsNetworkAccessManager, QgsRasterLayer
from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice
from qgis.PyQt.QtGui import QColor, QImage
from test_catalog_koordinates import rendered_pixels

SECRET = "s3cret-trust-0123456789"
PASSWORD = "pa55word-trust-0123456789"


def _connect(connections, server, kind: str, api: str, credentials: dict[str, str]):
    """A connection of ``kind`` to ``server`` with ``credentials`` stored the way an import stores them."""
    from geodock.plugin.connections import Connection

    entry = {"name": f"Hostile {kind}", "kind": kind, "url": server.root + api, "credentials": credentials}
    connections.import_json({"connections": [entry]})
    connection = connections.get(entry["name"])
    assert isinstance(connection, Connection)
    return connection


def _adapter(connection):
    from geodock.plugin.platforms import adapter_for

    return adapter_for(connection)


def _credentialed(request: dict[str, Any]) -> bool:
    """Whether a recorded request carried a credential (a header or a secret in its query or body)."""
    headers = {name.lower() for name in request["headers"]}
    query = request["query"]
    return "authorization" in headers or SECRET in query or "token=" in query or "apikey=" in query


def _split(server) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The recorded requests to the connection's own origin, and those to ``{other}`` (``localhost``)."""
    received = server.received()
    own = [r for r in received if r["host"].startswith("127.0.0.1")]
    other = [r for r in received if r["host"].startswith("localhost")]
    assert len(own) + len(other) == len(received)
    return own, other


def _assert_boundary(server, own_paths: set[str], other_paths: set[str], exempt: frozenset[str] = frozenset()) -> None:
    """Every request to ``{other}`` went without credentials; every one to the connection's origin with
    (but those to ``exempt`` paths: a login, whose credentials are its form)."""
    own, other = _split(server)
    assert own_paths <= {r["path"] for r in own}, [r["path"] for r in own]
    assert other_paths <= {r["path"] for r in other}, [r["path"] for r in other]
    leaked = [(r["path"], r["query"], r["headers"].get("Authorization")) for r in other if _credentialed(r)]
    assert not leaked, f"credentials sent to another origin: {leaked}"
    bare = [r["path"] for r in own if not _credentialed(r) and r["path"] not in exempt]
    assert not bare, f"requests to the connection's own origin without credentials: {bare}"


# Koordinates --------------------------------------------------------------------------------------------

KX_API = "/services/api/v1/"


def test_koordinates_links_items_and_export_downloads_on_another_origin(hostile, connections, tmp_path):
    from geodock.plugin.platforms.base import ListQuery
    from geodock.plugin.platforms.koordinates.exports import KoordinatesExports

    connection = _connect(connections, hostile, "koordinates", KX_API, {"token": SECRET})
    layer = {"id": 1, "title": "Roads", "kind": "vector", "url": "{other}/services/api/v1/layers/1/"}
    hostile.script(
        {
            "path": KX_API + "layers/",
            "json": [layer],
            "headers": {"Link": '<{other}/services/api/v1/layers/?page=2>; rel="page-next"'},
        },
        {"path": "/services/api/v1/layers/1/", "json": dict(layer, description="details")},
        {
            "path": KX_API + "exports/5/",
            "json": {"id": 5, "name": "roads", "state": "complete", "download_url": "{other}/cdn/roads-5.zip"},
        },
        {"path": "/cdn/roads-5.zip", "bytes": {"size": 1000}, "content_type": "application/zip"},
    )
    adapter = _adapter(connection)
    first = run_task(lambda fb: adapter.list_page("layers", ListQuery(), None, None, fb))
    assert first.next and str(first.next).startswith(hostile.other_origin())
    run_task(lambda fb: adapter.list_page("layers", ListQuery(), first.next, None, fb))
    details = run_task(lambda fb: adapter.get_details(first.items[0], fb))
    assert details.description == "details"

    api = KoordinatesExports(connection)
    export = run_task(lambda fb: api.get(5, fb))
    path = run_task(lambda fb: api.download(export, tmp_path, fb))
    assert path.stat().st_size == 1000
    _assert_boundary(
        hostile,
        {KX_API + "layers/", KX_API + "exports/5/"},
        {KX_API + "layers/", KX_API + "layers/1/", "/cdn/roads-5.zip"},
    )


def test_an_https_connection_never_authenticates_http(hostile, hostile_tls, connections):
    """An ``https`` connection whose answer names ``http://`` on the same host: that request goes bare."""
    from geodock.plugin.auth import trust_certificate_authorities
    from geodock.plugin.platforms.base import ListQuery

    trust_certificate_authorities([str(hostile_tls.ca_file)])
    connection = _connect(connections, hostile_tls, "koordinates", KX_API, {"token": SECRET})
    plain = hostile.root  # http://127.0.0.1:<port of the plain server>
    hostile_tls.script(
        {
            "path": KX_API + "layers/",
            "json": [{"id": 1, "title": "Roads", "kind": "vector", "url": plain + KX_API + "layers/1/"}],
            "headers": {"Link": f'<{plain}{KX_API}layers/?page=2>; rel="page-next"'},
        }
    )
    hostile.script({"path": KX_API + "layers/", "json": []}, {"path": KX_API + "layers/1/", "json": {"id": 1}})
    adapter = _adapter(connection)
    first = run_task(lambda fb: adapter.list_page("layers", ListQuery(), None, None, fb))
    run_task(lambda fb: adapter.list_page("layers", ListQuery(), first.next, None, fb))
    run_task(lambda fb: adapter.get_details(first.items[0], fb))
    (tls_request,) = hostile_tls.received()
    assert tls_request["headers"].get("Authorization") == f"key {SECRET}"
    plain_requests = hostile.received()
    assert {r["path"] for r in plain_requests} == {KX_API + "layers/", KX_API + "layers/1/"}
    assert not [r for r in plain_requests if _credentialed(r)]


def test_origin_is_scheme_host_and_port():
    from geodock.plugin.net.origin import may_authenticate
    from geodock.plugin.platforms.auth_appliers import HeaderKeyAuth

    applier = HeaderKeyAuth("cfg", "key", "https://data.example.com/services/api/v1/")
    assert may_authenticate("https://DATA.example.com:443/services/wfs/", applier)
    assert not may_authenticate("http://data.example.com:443/services/wfs/", applier)  # scheme only differs
    assert not may_authenticate("https://data.example.com:8443/", applier)
    assert not may_authenticate("https://data.example.com.evil.org/", applier)
    assert not may_authenticate("https://cdn.example.com/export.zip", applier)


# OGC API - Processes ------------------------------------------------------------------------------------

OGC_API = "/ogc/"


def test_ogc_location_and_next_links_on_another_origin(hostile, connections):
    connection = _connect(connections, hostile, "ogcapi-processes", OGC_API, {"username": "me", "password": PASSWORD})
    hostile.script(
        {
            "path": OGC_API + "processes",
            "times": 1,
            "json": {
                "processes": [{"id": "buffer", "title": "Buffer"}],
                "links": [{"rel": "next", "href": "{other}/ogc/processes?page=2"}],
            },
        },
        {"path": OGC_API + "processes", "json": {"processes": [{"id": "clip", "title": "Clip"}], "links": []}},
        {
            "method": "POST",
            "path": OGC_API + "processes/buffer/execution",
            "status": 201,
            "headers": {"Location": "{other}/ogc/jobs/j1"},
            "text": "",
            "content_type": "application/json",
        },
        {"path": OGC_API + "jobs/j1", "json": {"jobID": "j1", "status": "running", "progress": 10}},
    )
    adapter = _adapter(connection)
    processes = run_task(lambda fb: adapter.processes(fb))
    assert [p.id for p in processes] == ["buffer", "clip"]
    outcome = run_task(lambda fb: adapter.execute("buffer", {"inputs": {}}, fb))
    assert outcome.job_url.startswith(hostile.other_origin()) and outcome.status.job_id == "j1"
    _assert_boundary(
        hostile,
        {OGC_API + "processes", OGC_API + "processes/buffer/execution"},
        {OGC_API + "processes", OGC_API + "jobs/j1"},
    )


# AmigoCloud ---------------------------------------------------------------------------------------------

AC_API = "/api/v1/"


def test_amigocloud_datasets_schema_sql_and_cursor_on_another_origin(hostile, connections, tmp_path):
    from geodock.plugin.platforms.base import ListQuery

    connection = _connect(connections, hostile, "amigocloud", AC_API, {"token": SECRET})
    project = {"id": 3, "name": "World", "url": "{root}/api/v1/users/1/projects/3", "datasets": "{other}/ac/datasets"}
    dataset = {
        "id": 9,
        "name": "places",
        "url": "{other}/ac/datasets/9",
        "schema": "{other}/ac/datasets/9/schema",
        "sql": "{other}/ac/sql",
        "table_name": "places",
    }
    hostile.script(
        {
            "path": AC_API + "me/projects",
            "json": {"count": 2, "next": "{other}/ac/projects?offset=1", "results": [project]},
        },
        {"path": "/ac/projects", "json": {"count": 2, "next": None, "results": []}},
        {"path": "/ac/datasets", "json": {"count": 1, "next": None, "results": [dataset]}},
        {"path": "/ac/datasets/9", "json": dataset},
        {"path": "/ac/datasets/9/schema", "json": {"schema": [{"name": "name", "type": "string"}]}},
        {"path": "/ac/sql", "json": {"count": 1, "data": [{"amigo_id": 1, "name": "Oslo"}]}},
    )
    adapter = _adapter(connection)
    projects = run_task(lambda fb: adapter.list_page("projects", ListQuery(), None, None, fb))
    run_task(lambda fb: adapter.list_page("projects", ListQuery(), projects.next, None, fb))
    datasets = run_task(lambda fb: adapter.list_page("datasets", ListQuery(), None, projects.items[0], fb))
    details = run_task(lambda fb: adapter.get_details(datasets.items[0], fb))
    assert list(details.fields) == [("name", "string")]
    assert details.raw["sql"] == hostile.other_origin() + "/ac/sql"
    run_task(lambda fb: adapter.fetch_features(details, str(tmp_path / "places.gpkg"), None, fb))
    _assert_boundary(
        hostile,
        {AC_API + "me/projects"},
        {"/ac/projects", "/ac/datasets", "/ac/datasets/9", "/ac/datasets/9/schema", "/ac/sql"},
    )


# Geobox -------------------------------------------------------------------------------------------------

GB_API = "/api/v1/"


@pytest.mark.parametrize("credentials", [{"apikey": SECRET}, {"username": "me", "password": PASSWORD}])
def test_geobox_credentials_stay_home(hostile, connections, credentials):
    """A URL on another origin (a thumbnail, as the details pane fetches it) gets neither the apikey nor the
    bearer token; the login itself never follows a redirect elsewhere."""
    from geodock.plugin import auth
    from geodock.plugin.net.client import HttpRequest

    auth.tokens.clear()
    connection = _connect(connections, hostile, "geobox", GB_API, credentials)
    hostile.script(
        {"method": "POST", "path": GB_API + "auth/token/", "json": {"access_token": SECRET}},
        {"path": GB_API + "vectorLayers/", "json": 0},
        {"path": "/thumbs/1.png", "body_b64": base64.b64encode(b"\x89PNG").decode(), "content_type": "image/png"},
    )
    adapter = _adapter(connection)
    assert "0 vector layers" in run_task(lambda fb: adapter.check(fb))
    thumbnail = hostile.other_origin() + "/thumbs/1.png"  # what the details pane does with a thumbnail URL
    run_task(lambda fb: adapter.client.send(HttpRequest(thumbnail, auth=adapter.auth, accept="image/*"), fb))
    own, _ = _split(hostile)
    login = [r for r in own if r["path"] == GB_API + "auth/token/"]
    assert len(login) == (0 if "apikey" in credentials else 1)
    _assert_boundary(hostile, {GB_API + "vectorLayers/"}, {"/thumbs/1.png"}, exempt=frozenset({GB_API + "auth/token/"}))
    auth.tokens.clear()


def test_geobox_login_redirected_elsewhere_sends_no_password(hostile, connections):
    from geodock.plugin import auth
    from geodock.plugin.errors import GeodockError

    auth.tokens.clear()
    connection = _connect(connections, hostile, "geobox", GB_API, {"username": "me", "password": PASSWORD})
    hostile.script(
        {"method": "POST", "path": GB_API + "auth/token/", "status": 307, "headers": {"Location": "{other}/steal"}},
        {"method": "POST", "path": "/steal", "json": {"access_token": "stolen"}},
    )
    with pytest.raises(GeodockError):
        run_task(lambda fb: _adapter(connection).check(fb))
    _, other = _split(hostile)
    assert not [r for r in other if r["body_size"]], "the login form was sent on to another origin"
    auth.tokens.clear()


# QGIS's own providers and the network disk cache ----------------------------------------------------------


def _png() -> str:
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(QColor(200, 30, 30))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return base64.b64encode(bytes(data)).decode()


def _xyz_layer(url: str, name: str) -> QgsRasterLayer:
    from geodock.plugin.platforms.geobox.adapter import xyz_uri

    layer = QgsRasterLayer(xyz_uri(url, 2), name, "wms")
    assert layer.isValid(), layer.error().summary()
    return layer


@pytest.fixture
def netcache(qgis_app, tmp_path):
    """QGIS's network disk cache in a folder of this test's own (QGIS desktop puts it in the profile's
    ``cache`` folder through the same setting); the setting and the cache are restored afterwards."""
    from qgis.core import QgsSettings

    settings = QgsSettings()
    before = settings.value("cache/directory", None)
    folder = tmp_path / "netcache"
    folder.mkdir()
    settings.setValue("cache/directory", str(folder))
    QgsNetworkAccessManager.instance().setupDefaultProxyAndCache()  # (the cache is shared by every thread)
    yield folder
    if before is None:
        settings.remove("cache/directory")
    else:
        settings.setValue("cache/directory", before)
    QgsNetworkAccessManager.instance().setupDefaultProxyAndCache()


def _in_cache(folder: Path, needle: bytes) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file() and needle in path.read_bytes()]


def test_query_secret_tiles_never_reach_the_disk_cache(hostile, connections, provider_auth, netcache):
    """AmigoCloud tiles through QGIS's ``wms`` provider get ``?token=`` at request time; QGIS's disk cache
    keeps the URL of what it stores, so those answers must not be stored (a public tile layer still is)."""
    from geodock.plugin.connections import store

    _connect(connections, hostile, "amigocloud", AC_API, {"token": SECRET})
    provider_auth.refresh()  # (the store's changed signal did this already; made explicit)
    assert store().all()
    marker = uuid.uuid4().hex  # fresh paths: nothing of an earlier run in the cache can answer them
    png = _png()
    cacheable = {"Cache-Control": "public, max-age=86400"}
    hostile.script(
        {
            "path": f"{AC_API}{marker}/",
            "prefix": True,
            "body_b64": png,
            "content_type": "image/png",
            "headers": cacheable,
        },
        {
            "path": f"/public/{marker}/",
            "prefix": True,
            "body_b64": png,
            "content_type": "image/png",
            "headers": cacheable,
        },
    )
    secret_layer = _xyz_layer(f"{hostile.root}{AC_API}{marker}/{{z}}/{{x}}/{{y}}.png", "secret tiles")
    public_layer = _xyz_layer(f"{hostile.root}/public/{marker}/{{z}}/{{x}}/{{y}}.png", "public tiles")
    assert rendered_pixels(secret_layer) > 50
    assert rendered_pixels(public_layer) > 50

    received = hostile.received()
    secret_tiles = [r for r in received if r["path"].startswith(f"{AC_API}{marker}/")]
    assert secret_tiles and all(f"token={SECRET}" in r["query"] for r in secret_tiles)
    assert _in_cache(netcache, f"/public/{marker}/".encode()), "no tile was cached: the check proves nothing"
    assert not _in_cache(netcache, SECRET.encode()), "a query secret was written to QGIS's network disk cache"
    assert not _in_cache(netcache, f"{AC_API}{marker}/".encode())
