"""``geodock:syncedits`` against the local Geobox server, with the official SDK as the second client.

Each test makes its own layer on the server (the server is shared by the session), fetches it with
``geodock:fetchlayer``, edits the copy with OGR (any tool), syncs, and reads the server back with the SDK.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest
from osgeo import ogr
from qgis.core import QgsApplication, QgsProcessingException

ROOT = Path(__file__).resolve().parent.parent
SDK = [str(ROOT / ".venv-servers" / "bin" / "python"), str(ROOT / "tests" / "s1_geobox_sdk.py")]
POINTS = [[10.0, 50.0, "a", 1], [11.0, 51.0, "b", 2], [12.0, 52.0, "c", 3], [13.0, 53.0, "d", 4]]


def sdk(server, command: str, **args):
    done = subprocess.run([*SDK, server.root, command, json.dumps(args)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.fixture
def processing(qgis_processing):
    import processing as qgis_processing_module

    from geodock.plugin.processing.provider import GeodockProvider

    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("geodock")
    added = provider is None
    if added:
        provider = GeodockProvider()
        registry.addProvider(provider)
    yield qgis_processing_module
    if added:
        registry.removeProvider(provider)


@pytest.fixture
def fetched(processing, geobox_server, connections, tmp_path):
    """A new server layer (4 points), fetched into ``copy.gpkg``: (layer uuid, OGR source, connection name)."""
    connections.import_json({"connections": [geobox_server.connection()]})
    name = connections.all()[0].name
    layer_uuid = sdk(geobox_server, "create", name=f"s1_{uuid.uuid4().hex[:8]}", points=POINTS)["uuid"]
    result = processing.run(
        "geodock:fetchlayer", {"CONNECTION": name, "RESOURCE": layer_uuid, "OUTPUT": str(tmp_path / "copy.gpkg")}
    )
    return layer_uuid, result["OUTPUT"], name


def rows(source: str) -> dict[int, ogr.Feature]:
    from geodock.plugin.sync.model import parse_source

    path, layer = parse_source(source)
    ds = ogr.Open(str(path))
    found = {
        f.GetFID(): (f.GetField("label"), f.GetField("pop"), f.GetGeometryRef().Centroid().GetX())
        for f in ds.GetLayerByName(layer)
    }
    return found


def edit(source: str, fn) -> None:
    """Edit the copy with OGR, as any tool could."""
    from geodock.plugin.sync.model import parse_source

    path, layer = parse_source(source)
    ds = ogr.Open(str(path), 1)
    fn(ds.GetLayerByName(layer))
    ds = None


def fid_of(source: str, label: str) -> int:
    return next(fid for fid, values in rows(source).items() if values[0] == label)


def sync(processing, source: str, policy: int = 0) -> dict:
    return processing.run("geodock:syncedits", {"INPUT": source, "CONFLICTS": policy})


def test_fetched_copy_records_its_origin_without_secrets(fetched, geobox_server):
    from geodock.plugin.sync.model import open_copy

    layer_uuid, source, name = fetched
    copy = open_copy(source)
    assert (copy.origin.connection, copy.origin.platform, copy.origin.resource_id) == (name, "geobox", layer_uuid)
    assert set(copy.origin.fields) >= {"label", "pop"}
    text = Path(copy.path).read_bytes()
    assert b"demo-password" not in text and geobox_server.root.split("//")[1].encode() not in text
    from geodock.plugin.sync.origin import base_ids, database

    with database(copy.path) as db:
        ids = base_ids(db, copy.layer)
    server_ids = {str(row["id"]) for row in sdk(geobox_server, "features", uuid=layer_uuid)}
    assert {sid for sid, _version in ids.values()} == server_ids


def test_edit_sync_and_fetch_again_with_the_sdk(processing, fetched, geobox_server):
    layer_uuid, source, _name = fetched
    before = sdk(geobox_server, "features", uuid=layer_uuid)

    def change(layer):
        feature = layer.GetFeature(fid_of(source, "a"))
        feature.SetField("label", "a-edited")
        layer.SetFeature(feature)
        layer.DeleteFeature(fid_of(source, "b"))
        new = ogr.Feature(layer.GetLayerDefn())
        new.SetField("label", "new")
        new.SetField("pop", 99)
        new.SetGeometry(ogr.CreateGeometryFromWkt("MULTIPOINT ((20 40))"))
        layer.CreateFeature(new)

    edit(source, change)
    result = sync(processing, source)
    assert (result["ADDED"], result["CHANGED"], result["DELETED"], result["CONFLICTS"], result["FAILED"]) == (
        1,
        1,
        1,
        0,
        0,
    )
    after = sdk(geobox_server, "features", uuid=layer_uuid)
    labels = sorted(row["label"] for row in after)
    assert labels == ["a-edited", "c", "d", "new"]
    added = next(row for row in after if row["label"] == "new")
    assert added["pop"] == 99 and added["xy"] == pytest.approx([20, 40], abs=1e-6)
    assert added["id"] not in {row["id"] for row in before}
    # The server's id of the new feature is written back into the copy.
    from geodock.plugin.sync.model import open_copy
    from geodock.plugin.sync.origin import base_ids, database

    copy = open_copy(source)
    with database(copy.path) as db:
        ids = base_ids(db, copy.layer)
    assert ids[fid_of(source, "new")][0] == str(added["id"])
    # Synced: a second sync has nothing to send.
    again = sync(processing, source)
    assert (again["ADDED"], again["CHANGED"], again["DELETED"]) == (0, 0, 0)


def test_server_changes_are_pulled_in_place(processing, fetched, geobox_server):
    layer_uuid, source, _name = fetched
    server = {row["label"]: row["id"] for row in sdk(geobox_server, "features", uuid=layer_uuid)}
    keep = fid_of(source, "d")
    sdk(geobox_sdk_server := geobox_server, "update", uuid=layer_uuid, id=server["c"], label="c-by-sdk")
    sdk(geobox_sdk_server, "delete", uuid=layer_uuid, id=server["a"])
    result = processing.run("geodock:reloadfromserver", {"INPUT": source})
    assert (result["CHANGED"], result["DELETED"]) == (1, 1)
    labels = sorted(values[0] for values in rows(source).values())
    assert labels == ["b", "c-by-sdk", "d"] and fid_of(source, "d") == keep


@pytest.mark.parametrize("policy", [0, 1, 2], ids=["stop", "keep_mine", "take_theirs"])
def test_conflict_made_by_the_sdk(processing, fetched, geobox_server, policy):
    layer_uuid, source, _name = fetched
    server = {row["label"]: row["id"] for row in sdk(geobox_server, "features", uuid=layer_uuid)}

    def change(layer):
        feature = layer.GetFeature(fid_of(source, "c"))
        feature.SetField("label", "c-mine")
        layer.SetFeature(feature)

    edit(source, change)
    sdk(geobox_server, "update", uuid=layer_uuid, id=server["c"], label="c-theirs")
    result = sync(processing, source, policy)
    assert result["CONFLICTS"] == 1
    on_server = {row["id"]: row["label"] for row in sdk(geobox_server, "features", uuid=layer_uuid)}
    local = sorted(values[0] for values in rows(source).values())
    if policy == 0:  # stop: nothing sent, nothing overwritten
        assert on_server[server["c"]] == "c-theirs" and "c-mine" in local and result["CHANGED"] == 0
    elif policy == 1:  # keep mine
        assert on_server[server["c"]] == "c-mine" and "c-mine" in local and result["CHANGED"] == 1
    else:  # take theirs
        assert on_server[server["c"]] == "c-theirs" and "c-theirs" in local and "c-mine" not in local


def test_server_failing_half_way(processing, fetched, geobox_server):
    layer_uuid, source, _name = fetched

    def change(layer):
        for label in ("a", "b", "c"):
            feature = layer.GetFeature(fid_of(source, label))
            feature.SetField("label", f"{label}-2")
            layer.SetFeature(feature)

    edit(source, change)
    geobox_server._send_json("POST", "/__geobox__/write_faults", {"after": 1, "status": 500, "times": 5})
    result = sync(processing, source)
    assert result["CHANGED"] == 1 and result["FAILED"] == 2
    on_server = sorted(row["label"] for row in sdk(geobox_server, "features", uuid=layer_uuid))
    assert on_server.count("a-2") + on_server.count("b-2") + on_server.count("c-2") == 1
    assert sorted(values[0] for values in rows(source).values()) == ["a-2", "b-2", "c-2", "d"]
    geobox_server.clear_faults()
    retry = sync(processing, source)
    assert (retry["CHANGED"], retry["FAILED"], retry["CONFLICTS"]) == (2, 0, 0)
    on_server = sorted(row["label"] for row in sdk(geobox_server, "features", uuid=layer_uuid))
    assert on_server == ["a-2", "b-2", "c-2", "d"]


def test_read_only_layer_says_so_before_sending(processing, fetched, geobox_server):
    layer_uuid, source, _name = fetched
    assert sdk(geobox_server, "readonly", uuid=layer_uuid) == {"editable": False}

    def change(layer):
        layer.DeleteFeature(fid_of(source, "a"))

    edit(source, change)
    with pytest.raises(QgsProcessingException, match="read-only"):
        sync(processing, source)
    assert len(sdk(geobox_server, "features", uuid=layer_uuid)) == 4


def test_a_layer_not_fetched_by_geodock_is_refused(processing, tmp_path):
    path = tmp_path / "plain.gpkg"
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    ds.CreateLayer("plain", None, ogr.wkbPoint)
    ds = None
    with pytest.raises(QgsProcessingException, match="not a copy fetched by Geodock"):
        sync(processing, f"{path}|layername=plain")


def test_a_sync_reads_the_credentials_once_and_keeps_them_no_longer(processing, fetched, monkeypatch):
    from geodock.plugin import auth

    _layer_uuid, source, _name = fetched
    loads = []
    load = auth._load_credentials
    monkeypatch.setattr(auth, "_load_credentials", lambda authcfg: loads.append(authcfg) or load(authcfg))

    def change(layer):
        for label in ("a", "b", "c", "d"):
            feature = layer.GetFeature(fid_of(source, label))
            feature.SetField("label", f"{label}-once")
            layer.SetFeature(feature)

    edit(source, change)
    result = sync(processing, source)
    assert (result["CHANGED"], result["FAILED"]) == (4, 0)
    assert len(loads) == len(set(loads)) == 1  # a permission check, a read, 4 PUTs and a pull: one read
    assert getattr(auth._held, "cache", None) is None  # forgotten once the sync ended
    auth.read_credentials(loads[0])
    assert len(loads) == 2


@pytest.mark.parametrize("bad_id", [{"nested": 1}, ["1"], True, "1/../../2", "x" * 500])
def test_a_hostile_answer_never_becomes_a_feature_id(processing, fetched, geobox_server, bad_id):
    from geodock.plugin.sync.model import open_copy
    from geodock.plugin.sync.origin import base_ids, database

    _layer_uuid, source, _name = fetched
    changed = fid_of(source, "a")

    def change(layer):
        feature = layer.GetFeature(fid_of(source, "a"))
        feature.SetField("label", "a-hostile")
        layer.SetFeature(feature)
        new = ogr.Feature(layer.GetLayerDefn())
        new.SetField("label", "hostile-new")
        new.SetGeometry(ogr.CreateGeometryFromWkt("MULTIPOINT ((21 41))"))
        layer.CreateFeature(new)

    edit(source, change)
    added = fid_of(source, "hostile-new")
    with database(open_copy(source).path) as db:
        before = base_ids(db, open_copy(source).layer)
    # every write is done, and answered with the bad id (the change as well as the addition)
    geobox_server._send_json("POST", "/__geobox__/write_faults", {"answer": {"id": bad_id}, "times": 2})
    result = sync(processing, source)
    assert (result["CHANGED"], result["ADDED"], result["FAILED"]) == (1, 0, 1)
    with database(open_copy(source).path) as db:
        after = base_ids(db, open_copy(source).layer)
    assert after[changed] == before[changed]  # a change keeps its own id
    assert added not in after or after[added][0] is None
    assert not any(str(bad_id) == sid for sid, _version in after.values())
