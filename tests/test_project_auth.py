"""A reopened project's Geobox tile layers log in again by themselves (the token lives in memory only)."""

from __future__ import annotations

import pytest
from helpers import run_task, spin, wait_until
from qgis.core import QgsCoordinateReferenceSystem, QgsNetworkAccessManager, QgsProject, QgsRectangle
from test_catalog_koordinates import rendered_pixels

from geodock.plugin import auth
from geodock.plugin.layers import load_resource
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.base import ListQuery

WORLD = QgsRectangle(-15e6, -8e6, 15e6, 8e6)
MERCATOR = "EPSG:3857"


@pytest.fixture
def project_auth(connections):
    from geodock.plugin.connections import store
    from geodock.plugin.project_auth import ProjectAuth

    messages: list[str] = []
    hook = ProjectAuth(store(), messages.append)
    hook.messages = messages
    yield hook
    hook.detach()


def _saved_tile_project(geobox_server, connections, tmp_path):
    connections.import_json({"connections": [geobox_server.connection()]})
    connection = connections.all()[0]
    adapter = adapter_for(connection)
    found = run_task(lambda fb: adapter.list_page("vectors", ListQuery(search="countries"), None, None, fb))
    resource = run_task(lambda fb: adapter.get_details(found.items[0], fb))
    tiles = next(s for s in adapter.layer_sources(resource) if s.layer_type == "vector-tile")
    project = QgsProject.instance()
    project.clear()
    QgsProject.instance().addMapLayer(run_task(lambda fb: load_resource(connection, resource, tiles, fb)))
    path = tmp_path / "tiles.qgs"
    assert project.write(str(path))
    project.clear()
    return path


def _tile_layer():
    layers = list(QgsProject.instance().mapLayers().values())
    assert len(layers) == 1 and layers[0].providerType() == "vectortile"
    return layers[0]


def _reopen(path):
    auth.tokens.clear()  # a QGIS restart: no token in memory
    cache = QgsNetworkAccessManager.instance().cache()
    if cache is not None:
        cache.clear()  # no tile may come from an earlier, authenticated run
    assert QgsProject.instance().read(str(path))
    return _tile_layer()


def _has_token() -> bool:
    return any(auth.tokens.get(f"login:{c.authcfg}") for c in _connections())


def _connections():
    from geodock.plugin.connections import store

    return store().all()


def test_reopened_tile_layer_logs_in_and_renders(geobox_server, connections, provider_auth, project_auth, tmp_path):
    path = _saved_tile_project(geobox_server, connections, tmp_path)

    # Without the hook nothing logs in: the reopened layer is valid but renders blank (401 tiles).
    layer = _reopen(path)
    spin(0.5)
    assert not _has_token()
    assert rendered_pixels(layer, WORLD, QgsCoordinateReferenceSystem(MERCATOR)) == 0
    QgsProject.instance().clear()

    project_auth.attach()
    repainted = []
    layer = _reopen(path)
    layer.repaintRequested.connect(lambda *args: repainted.append(True))
    wait_until(_has_token, 30, "a Geobox token after reading the project")
    wait_until(lambda: repainted, 10, "the tile layer repainted after the login")
    assert rendered_pixels(layer, WORLD, QgsCoordinateReferenceSystem(MERCATOR)) > 50
    assert not project_auth.messages
    QgsProject.instance().clear()


def test_login_failure_is_one_clear_message(geobox_server, connections, provider_auth, project_auth, tmp_path):
    path = _saved_tile_project(geobox_server, connections, tmp_path)
    entry = dict(geobox_server.connection(), credentials={"username": "demo", "password": "wrong"})
    connections.import_json({"connections": [entry]})
    project_auth.attach()
    _reopen(path)
    wait_until(lambda: project_auth.messages, 30, "a message about the failed login")
    assert len(project_auth.messages) == 1 and "\n" not in project_auth.messages[0]
    assert "Incorrect username or password" in project_auth.messages[0]
    assert not _has_token()
    QgsProject.instance().clear()


def test_local_copies_and_logged_in_connections_start_no_login(
    geobox_server, connections, provider_auth, project_auth, tmp_path
):
    from geodock.plugin.project_auth import needs_login

    connections.import_json({"connections": [geobox_server.connection()]})
    connection = connections.all()[0]
    auth.tokens.clear()
    assert needs_login(connection)
    run_task(lambda fb: adapter_for(connection).authenticated(fb))
    assert not needs_login(connection)
    apikey = dict(geobox_server.connection(), credentials={"username": "apikey", "password": "demo-geobox-apikey"})
    connections.import_json({"connections": [apikey]})
    auth.tokens.clear()
    assert not needs_login(connections.all()[0])
