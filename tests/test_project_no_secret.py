"""Layers of every platform saved in a project: no secret in the .qgs, and they load again on reopening."""

from __future__ import annotations

import json

from helpers import run_task
from qgis.core import QgsProject

from geodock.plugin.layers import load_resource
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.base import ListQuery, Resource


def _load_all(connection, resource):
    adapter = adapter_for(connection)
    details = run_task(lambda fb: adapter.get_details(resource, fb))
    layers = []
    for source in adapter.layer_sources(details):
        layer = run_task(lambda fb, s=source: load_resource(connection, details, s, fb), timeout=120)
        QgsProject.instance().addMapLayer(layer)
        layers.append(layer)
    return layers


def test_saved_project_has_no_secret_and_reloads(
    koordinates_server, geobox_server, amigocloud_server, connections, provider_auth, tmp_path
):
    from geodock.plugin.auth import trust_certificate_authorities

    trust_certificate_authorities([str(koordinates_server.ca_file)])
    servers = (koordinates_server, geobox_server, amigocloud_server)
    connections.import_json({"connections": [server.connection() for server in servers]})
    by_kind = {c.kind: c for c in connections.all()}
    project = QgsProject.instance()
    project.clear()
    koordinates = by_kind["koordinates"]
    _load_all(koordinates, Resource("1", "vector", "", api_url=koordinates.base_url + "layers/1/"))
    geobox = by_kind["geobox"]
    found = run_task(lambda fb: adapter_for(geobox).list_page("vectors", ListQuery(search="countries"), None, None, fb))
    _load_all(geobox, found.items[0])
    amigo = by_kind["amigocloud"]
    adapter = adapter_for(amigo)
    world = next(
        p
        for p in run_task(lambda fb: adapter.list_page("projects", ListQuery(), None, None, fb)).items
        if p.title == "World"
    )
    datasets = run_task(lambda fb: adapter.list_page("datasets", ListQuery(), None, world, fb))
    _load_all(amigo, datasets.items[0])
    loaded = {layer.id(): layer.providerType() for layer in project.mapLayers().values()}
    assert sorted(loaded.values()) == sorted(["WFS", "wms", "ogr", "vectortile", "ogr", "wms"])

    path = tmp_path / "remote.qgs"
    assert project.write(str(path))
    text = path.read_text()
    secrets = [v for server in servers for v in server.credentials.values() if len(v) >= 6 and v != "demo"]
    assert secrets and all(secret not in text for secret in secrets)
    assert "Bearer" not in text and "token=" not in text.replace("token=''", "")
    assert "geodock/resource" in text and json.dumps("Local AmigoCloud")[1:-1] in text

    project.clear()
    assert project.read(str(path))
    reloaded = project.mapLayers()
    assert {layer_id: layer.providerType() for layer_id, layer in reloaded.items()} == loaded
    invalid = [layer.name() for layer in reloaded.values() if not layer.isValid()]
    assert not invalid
    project.clear()
