"""``geodock:syncedits`` against the local AmigoCloud server, with the official SDK as the second client.

Each test makes its own dataset on the server with the SDK (``upload_datafile``; the server is shared by the
session), fetches it with ``geodock:fetchlayer``, edits the copy with OGR (any tool), syncs, and reads the server
back with the SDK's SQL.
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
SDK = [str(ROOT / ".venv-servers" / "bin" / "python"), str(ROOT / "tests" / "s4_amigocloud_sdk.py")]
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
def fetched(processing, amigocloud_server, connections, tmp_path):
    """A new dataset (4 points) made by the SDK, fetched into ``copy.gpkg``: (dataset id, OGR source)."""
    connections.import_json({"connections": [amigocloud_server.connection()]})
    name = connections.all()[0].name
    dataset = sdk(amigocloud_server, "create", name=f"s4_{uuid.uuid4().hex[:8]}", points=POINTS)["dataset"]
    result = processing.run(
        "geodock:fetchlayer", {"CONNECTION": name, "RESOURCE": str(dataset), "OUTPUT": str(tmp_path / "copy.gpkg")}
    )
    yield dataset, result["OUTPUT"]
    amigocloud_server.clear_faults()


def rows(source: str) -> dict[int, tuple]:
    from geodock.plugin.sync.model import parse_source

    path, layer = parse_source(source)
    ds = ogr.Open(str(path))
    return {
        f.GetFID(): (f.GetField("label"), f.GetField("pop"), f.GetField("amigo_id")) for f in ds.GetLayerByName(layer)
    }


def labels(source: str) -> list[str]:
    return sorted(values[0] for values in rows(source).values())


def edit(source: str, fn) -> None:
    """Edit the copy with OGR, as any tool could."""
    from geodock.plugin.sync.model import parse_source

    path, layer = parse_source(source)
    ds = ogr.Open(str(path), 1)
    fn(ds.GetLayerByName(layer))
    ds = None


def fid_of(source: str, label: str) -> int:
    return next(fid for fid, values in rows(source).items() if values[0] == label)


def relabel(source: str, *pairs: tuple[str, str]) -> None:
    def change(layer):
        for old, new in pairs:
            feature = layer.GetFeature(fid_of(source, old))
            feature.SetField("label", new)
            layer.SetFeature(feature)

    edit(source, change)


def server_ids(source: str) -> dict[int, str]:
    from geodock.plugin.sync.model import open_copy
    from geodock.plugin.sync.origin import base_ids, database

    copy = open_copy(source)
    with database(copy.path) as db:
        return {fid: sid for fid, (sid, _version) in base_ids(db, copy.layer).items()}


def sync(processing, source: str, policy: int = 0) -> dict:
    return processing.run("geodock:syncedits", {"INPUT": source, "CONFLICTS": policy})


def counts(result: dict) -> tuple:
    return tuple(result[key] for key in ("ADDED", "CHANGED", "DELETED", "CONFLICTS", "FAILED"))


def test_fetch_records_the_primary_key_as_server_id(fetched, amigocloud_server):
    dataset, source = fetched
    from geodock.plugin.sync.model import open_copy

    origin = open_copy(source).origin
    assert (origin.platform, origin.resource_id) == ("amigocloud", str(dataset))
    on_server = {row["id"] for row in sdk(amigocloud_server, "features", dataset=dataset)}
    recorded = server_ids(source)
    assert set(recorded.values()) == on_server and len(on_server) == 4
    assert all(recorded[fid] == values[2] for fid, values in rows(source).items())


def test_edit_sync_and_read_back_with_the_sdk(processing, fetched, amigocloud_server):
    dataset, source = fetched
    before = {row["id"] for row in sdk(amigocloud_server, "features", dataset=dataset)}

    def change(layer):
        feature = layer.GetFeature(fid_of(source, "a"))
        feature.SetField("label", "a-edited")
        feature.SetField("pop", 10)
        feature.SetGeometry(ogr.CreateGeometryFromWkt("MULTIPOINT ((15 55))"))
        layer.SetFeature(feature)
        layer.DeleteFeature(fid_of(source, "b"))
        for label, x in (("new-1", 20.0), ("it's new", 21.0)):
            new = ogr.Feature(layer.GetLayerDefn())
            new.SetField("label", label)
            new.SetField("pop", 99)
            new.SetGeometry(ogr.CreateGeometryFromWkt(f"MULTIPOINT (({x} 40))"))
            layer.CreateFeature(new)

    edit(source, change)
    assert counts(sync(processing, source)) == (2, 1, 1, 0, 0)
    after = {row["label"]: row for row in sdk(amigocloud_server, "features", dataset=dataset)}
    assert sorted(after) == ["a-edited", "c", "d", "it's new", "new-1"]
    assert after["a-edited"]["pop"] == 10 and after["a-edited"]["xy"] == pytest.approx([15, 55])
    assert after["it's new"]["pop"] == 99 and after["it's new"]["xy"] == pytest.approx([21, 40])
    # The server's keys of the new rows are written back into the copy (base and field).
    ids = server_ids(source)
    for label in ("new-1", "it's new"):
        assert after[label]["id"] not in before
        assert ids[fid_of(source, label)] == after[label]["id"]
        assert rows(source)[fid_of(source, label)][2] == after[label]["id"]
    again = sync(processing, source)
    assert counts(again) == (0, 0, 0, 0, 0)


def test_server_changes_are_pulled_in_place(processing, fetched, amigocloud_server):
    dataset, source = fetched
    server = {row["label"]: row["id"] for row in sdk(amigocloud_server, "features", dataset=dataset)}
    keep = fid_of(source, "d")
    sdk(amigocloud_server, "update", dataset=dataset, id=server["c"], label="c-by-sdk")
    sdk(amigocloud_server, "delete", dataset=dataset, id=server["a"])
    result = processing.run("geodock:reloadfromserver", {"INPUT": source})
    assert (result["CHANGED"], result["DELETED"]) == (1, 1)
    assert labels(source) == ["b", "c-by-sdk", "d"] and fid_of(source, "d") == keep


@pytest.mark.parametrize("policy", [0, 1, 2], ids=["stop", "keep_mine", "take_theirs"])
def test_conflict_made_by_the_sdk(processing, fetched, amigocloud_server, policy):
    dataset, source = fetched
    server = {row["label"]: row["id"] for row in sdk(amigocloud_server, "features", dataset=dataset)}
    relabel(source, ("c", "c-mine"), ("d", "d-mine"))
    sdk(amigocloud_server, "update", dataset=dataset, id=server["c"], label="c-theirs")
    result = sync(processing, source, policy)
    assert result["CONFLICTS"] == 1
    on_server = {row["id"]: row["label"] for row in sdk(amigocloud_server, "features", dataset=dataset)}
    if policy == 0:  # stop: nothing sent, nothing overwritten, nothing pulled
        assert on_server[server["c"]] == "c-theirs" and on_server[server["d"]] == "d"
        assert labels(source) == ["a", "b", "c-mine", "d-mine"] and result["CHANGED"] == 0
    elif policy == 1:  # keep mine
        assert on_server[server["c"]] == "c-mine" and on_server[server["d"]] == "d-mine"
        assert labels(source) == ["a", "b", "c-mine", "d-mine"] and result["CHANGED"] == 2
    else:  # take theirs: the other edit still goes
        assert on_server[server["c"]] == "c-theirs" and on_server[server["d"]] == "d-mine"
        assert labels(source) == ["a", "b", "c-theirs", "d-mine"] and result["CHANGED"] == 1


def test_a_feature_deleted_by_the_sdk_while_edited_here(processing, fetched, amigocloud_server):
    dataset, source = fetched
    server = {row["label"]: row["id"] for row in sdk(amigocloud_server, "features", dataset=dataset)}
    relabel(source, ("b", "b-mine"))
    sdk(amigocloud_server, "delete", dataset=dataset, id=server["b"])
    assert sync(processing, source, 0)["CONFLICTS"] == 1
    result = sync(processing, source, 1)  # keep mine: added again, under a new key
    assert (result["ADDED"], result["CONFLICTS"]) == (1, 1)
    on_server = {row["label"]: row["id"] for row in sdk(amigocloud_server, "features", dataset=dataset)}
    assert "b-mine" in on_server and on_server["b-mine"] != server["b"]
    assert server_ids(source)[fid_of(source, "b-mine")] == on_server["b-mine"]


def test_server_failing_half_way(processing, fetched, amigocloud_server):
    dataset, source = fetched

    def change(layer):
        layer.DeleteFeature(fid_of(source, "a"))
        feature = layer.GetFeature(fid_of(source, "b"))
        feature.SetField("label", "b-2")
        layer.SetFeature(feature)
        new = ogr.Feature(layer.GetLayerDefn())
        new.SetField("label", "new")
        new.SetGeometry(ogr.CreateGeometryFromWkt("MULTIPOINT ((1 2))"))
        layer.CreateFeature(new)

    edit(source, change)
    # The delete goes through; the update fails (500): the addition is then not sent.
    amigocloud_server._send_json("POST", "/__amigocloud__/write_faults", {"after": 1, "status": 500, "times": 5})
    result = sync(processing, source)
    assert counts(result) == (0, 0, 1, 0, 2)
    on_server = sorted(row["label"] for row in sdk(amigocloud_server, "features", dataset=dataset))
    assert on_server == ["b", "c", "d"]
    assert labels(source) == ["b-2", "c", "d", "new"]  # nothing lost: the unsent edits are still local changes
    amigocloud_server.clear_faults()
    retry = sync(processing, source)
    assert counts(retry) == (1, 1, 0, 0, 0)
    on_server = sorted(row["label"] for row in sdk(amigocloud_server, "features", dataset=dataset))
    assert on_server == ["b-2", "c", "d", "new"]


def test_a_refused_statement_is_reported_and_kept(processing, fetched, amigocloud_server):
    _dataset, source = fetched
    relabel(source, ("a", "a-2"))
    amigocloud_server._send_json("POST", "/__amigocloud__/write_faults", {"status": 400})
    result = sync(processing, source)
    assert (result["CHANGED"], result["FAILED"]) == (0, 1)
    assert labels(source) == ["a-2", "b", "c", "d"]
    assert sync(processing, source)["CHANGED"] == 1


def test_read_only_dataset_says_so_before_sending(processing, fetched, amigocloud_server):
    dataset, source = fetched
    amigocloud_server._send_json(
        "POST", "/__amigocloud__/permission", {"dataset_id": dataset, "permission_level": "viewer"}
    )
    edit(source, lambda layer: layer.DeleteFeature(fid_of(source, "a")))
    with pytest.raises(QgsProcessingException, match="read-only"):
        sync(processing, source)
    assert len(sdk(amigocloud_server, "features", dataset=dataset)) == 4


def test_read_only_dataset_refuses_sql_writes(fetched, amigocloud_server):
    """The server holds to the permission it exposes, whoever writes (here the SDK)."""
    dataset, _source = fetched
    server = sdk(amigocloud_server, "features", dataset=dataset)
    amigocloud_server._send_json(
        "POST", "/__amigocloud__/permission", {"dataset_id": dataset, "permission_level": "viewer"}
    )
    done = subprocess.run(
        [*SDK, amigocloud_server.root, "delete", json.dumps({"dataset": dataset, "id": server[0]["id"]})],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "403" in done.stderr
    amigocloud_server._send_json(
        "POST", "/__amigocloud__/permission", {"dataset_id": dataset, "permission_level": "owner"}
    )
    assert len(sdk(amigocloud_server, "features", dataset=dataset)) == 4


def test_values_are_quoted_never_pasted(processing, fetched, amigocloud_server):
    dataset, source = fetched
    hostile = f"x'); DROP TABLE dataset_{dataset}; --"
    relabel(source, ("a", hostile))
    assert counts(sync(processing, source)) == (0, 1, 0, 0, 0)
    assert hostile in [row["label"] for row in sdk(amigocloud_server, "features", dataset=dataset)]


def test_a_push_is_one_statement_per_kind_of_edit(fetched, amigocloud_server):
    """Many edits of each kind: one DELETE, one UPDATE and one INSERT request."""
    from geodock.plugin.platforms.amigocloud.writer import AmigoCloudFeatureWriter
    from geodock.plugin.sync.engine import sync as run_sync
    from geodock.plugin.sync.model import connection_of, open_copy

    dataset, source = fetched
    copy = open_copy(source)
    sent: list[str] = []

    class Counting(AmigoCloudFeatureWriter):
        def _post(self, url, query, feedback):
            sent.append(query.split()[0].upper())
            return super()._post(url, query, feedback)

    def change(layer):
        for label in ("a", "b"):
            feature = layer.GetFeature(fid_of(source, label))
            feature.SetField("pop", 1000)
            layer.SetFeature(feature)
        for label in ("c", "d"):
            layer.DeleteFeature(fid_of(source, label))
        for n in range(30):
            new = ogr.Feature(layer.GetLayerDefn())
            new.SetField("label", f"n{n}")
            new.SetGeometry(ogr.CreateGeometryFromWkt(f"MULTIPOINT (({n} 1))"))
            layer.CreateFeature(new)

    edit(source, change)
    report = run_sync(copy, writer=Counting(connection_of(copy)))
    assert (report.added, report.changed, report.deleted, report.failed) == (30, 2, 2, [])
    assert sent == ["DELETE", "UPDATE", "INSERT"]
    on_server = sdk(amigocloud_server, "features", dataset=dataset)
    assert len(on_server) == 32 and {r["pop"] for r in on_server if r["label"] in ("a", "b")} == {1000}
