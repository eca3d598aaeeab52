"""Issue 17, the desktop side: a fetched Geobox copy in the project is edited with QGIS's own editing, saved, and the
save reaches the local Geobox server; conflicts made by the official SDK go through the conflict dialog; a read-only
layer stops editing; Reload from Server keeps the layer object and its style.

Each test makes its own server layer (the server is shared by the session) with the SDK (``tests/s1_geobox_sdk.py``)
and fetches it with ``geodock:fetchlayer``. The SDK is the second client that checks what reached the server.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest
from helpers import wait_for_no_tasks, wait_until
from qgis.core import (
    Qgis,
    QgsFeature,
    QgsGeometry,
    QgsProject,
    QgsVectorLayer,
    QgsVectorLayerJoinInfo,
)

ROOT = Path(__file__).resolve().parent.parent
SDK = [str(ROOT / ".venv-servers" / "bin" / "python"), str(ROOT / "tests" / "s1_geobox_sdk.py")]
POINTS = [[10.0, 50.0, "a", 1], [11.0, 51.0, "b", 2], [12.0, 52.0, "c", 3], [13.0, 53.0, "d", 4]]


def sdk(server, command: str, **args):
    done = subprocess.run([*SDK, server.root, command, json.dumps(args)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def on_server(server, layer_uuid: str) -> dict[str, str]:
    """``{server id: label}`` as the SDK reads the layer."""
    return {str(row["id"]): row["label"] for row in sdk(server, "features", uuid=layer_uuid)}


def messages(iface, level) -> list[str]:
    return list(iface.messageBar().get_messages(level))


def wait_for_message(iface, level, needle: str) -> str:
    wait_until(lambda: any(needle in text for text in messages(iface, level)), 60, f"a message with {needle!r}")
    wait_for_no_tasks()
    return next(text for text in messages(iface, level) if needle in text)


def labels(layer: QgsVectorLayer) -> dict[int, str]:
    return {f.id(): f["label"] for f in layer.getFeatures()}


def fid_of(layer: QgsVectorLayer, label: str) -> int:
    return next(fid for fid, value in labels(layer).items() if value == label)


def server_id_of(layer: QgsVectorLayer, fid: int) -> str:
    from geodock.plugin.sync.model import open_copy
    from geodock.plugin.sync.origin import base_ids, database

    copy = open_copy(layer)
    with database(copy.path) as db:
        return str(base_ids(db, copy.layer)[fid][0])


@pytest.fixture
def watch(qgis_iface):
    from geodock.ui.sync_watch import SyncWatch

    qgis_iface.messageBar().clear_messages()
    watcher = SyncWatch(qgis_iface)
    watcher.attach()
    yield watcher
    wait_for_no_tasks()
    QgsProject.instance().removeAllMapLayers()
    watcher.detach()


@pytest.fixture
def copy_layer(watch, geodock_provider, geobox_server, connections, tmp_path, qgis_iface):
    """A new server layer (4 points), fetched into a GeoPackage and added to the project: (layer, its uuid)."""
    import processing

    connections.import_json({"connections": [geobox_server.connection()]})
    name = connections.all()[0].name
    layer_uuid = sdk(geobox_server, "create", name=f"s3_{uuid.uuid4().hex[:8]}", points=POINTS)["uuid"]
    result = processing.run(
        "geodock:fetchlayer", {"CONNECTION": name, "RESOURCE": layer_uuid, "OUTPUT": str(tmp_path / "copy.gpkg")}
    )
    layer = QgsVectorLayer(result["OUTPUT"], "towns", "ogr")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    assert layer.id() in watch.writable
    return layer, layer_uuid


def start_editing(layer: QgsVectorLayer) -> None:
    assert layer.startEditing()
    wait_for_no_tasks()  # the write check
    assert layer.isEditable()


def test_edit_and_save_reach_the_server(copy_layer, geobox_server, qgis_iface):
    layer, layer_uuid = copy_layer
    before = on_server(geobox_server, layer_uuid)
    start_editing(layer)
    assert layer.changeAttributeValue(fid_of(layer, "a"), layer.fields().indexOf("label"), "a-desktop")
    new = QgsFeature(layer.fields())
    new.setAttribute("label", "new")
    new.setAttribute("pop", 7)
    new.setGeometry(QgsGeometry.fromWkt("MultiPoint ((20 40))"))
    assert layer.addFeature(new)
    assert layer.commitChanges()
    text = wait_for_message(qgis_iface, Qgis.MessageLevel.Success, "saved to the server")
    assert "1 added, 1 changed, 0 deleted" in text
    after = on_server(geobox_server, layer_uuid)
    assert sorted(after.values()) == ["a-desktop", "b", "c", "d", "new"]
    (added_id,) = set(after) - set(before)
    assert after[added_id] == "new"
    # The layer (same object, reloaded) holds the new feature under the server's id.
    assert QgsProject.instance().mapLayer(layer.id()) is layer
    assert server_id_of(layer, fid_of(layer, "new")) == added_id
    assert sorted(labels(layer).values()) == ["a-desktop", "b", "c", "d", "new"]


def test_conflicts_are_chosen_per_feature(copy_layer, geobox_server, qgis_iface, watch):
    layer, layer_uuid = copy_layer
    ids = {label: sid for sid, label in on_server(geobox_server, layer_uuid).items()}
    fid_c, fid_d = fid_of(layer, "c"), fid_of(layer, "d")
    start_editing(layer)
    index = layer.fields().indexOf("label")
    assert layer.changeAttributeValue(fid_c, index, "c-mine")
    assert layer.changeAttributeValue(fid_d, index, "d-mine")
    assert layer.changeAttributeValue(fid_of(layer, "a"), index, "a-mine")  # no conflict: sent with the rest
    sdk(geobox_server, "update", uuid=layer_uuid, id=ids["c"], label="c-theirs")
    sdk(geobox_server, "update", uuid=layer_uuid, id=ids["d"], label="d-theirs")
    assert layer.commitChanges()
    wait_until(lambda: layer.id() in watch.runs.dialogs, 60, "the conflict dialog")
    wait_for_no_tasks()
    dialog = watch.runs.dialogs[layer.id()]
    assert on_server(geobox_server, layer_uuid)[ids["a"]] == "a"  # nothing was sent yet
    from qgis.PyQt.QtWidgets import QLabel

    shown = "\n".join(label.text() for label in dialog.findChildren(QLabel))
    for text in (f"Feature {fid_c}", f"server id {ids['c']}", "mine: c-mine", "theirs: c-theirs", "mine: d-mine"):
        assert text in shown
    assert sorted(dialog.groups) == sorted([fid_c, fid_d])
    assert not dialog.apply_button.isEnabled()  # nothing is chosen for the user
    dialog.choose(fid_c, keep_mine=False)
    assert not dialog.apply_button.isEnabled()
    dialog.choose(fid_d, keep_mine=True)
    assert dialog.apply_button.isEnabled()
    dialog.resize(300, 500)  # usable in a narrow window
    assert dialog.minimumSizeHint().width() <= 300
    dialog.apply_button.click()
    wait_for_message(qgis_iface, Qgis.MessageLevel.Success, "saved to the server")
    server = on_server(geobox_server, layer_uuid)
    assert (server[ids["c"]], server[ids["d"]], server[ids["a"]]) == ("c-theirs", "d-mine", "a-mine")
    assert (labels(layer)[fid_c], labels(layer)[fid_d]) == ("c-theirs", "d-mine")


def test_closing_the_conflict_dialog_sends_nothing(copy_layer, geobox_server, qgis_iface, watch):
    layer, layer_uuid = copy_layer
    ids = {label: sid for sid, label in on_server(geobox_server, layer_uuid).items()}
    start_editing(layer)
    assert layer.changeAttributeValue(fid_of(layer, "c"), layer.fields().indexOf("label"), "c-mine")
    sdk(geobox_server, "update", uuid=layer_uuid, id=ids["c"], label="c-theirs")
    assert layer.commitChanges()
    wait_until(lambda: layer.id() in watch.runs.dialogs, 60, "the conflict dialog")
    watch.runs.dialogs[layer.id()].reject()
    assert any("Nothing of towns was sent" in t for t in messages(qgis_iface, Qgis.MessageLevel.Warning))
    assert on_server(geobox_server, layer_uuid)[ids["c"]] == "c-theirs"
    assert "c-mine" in labels(layer).values()  # the edit stays in the copy


def test_a_read_only_layer_says_so_and_editing_stops(copy_layer, geobox_server, qgis_iface):
    layer, layer_uuid = copy_layer
    assert sdk(geobox_server, "readonly", uuid=layer_uuid) == {"editable": False}
    assert layer.startEditing()
    text = wait_for_message(qgis_iface, Qgis.MessageLevel.Warning, "read-only")
    assert "editing towns is stopped" in text
    assert not layer.isEditable()


def test_partial_failure_names_the_features_and_keeps_the_edits(copy_layer, geobox_server, qgis_iface, watch):
    layer, layer_uuid = copy_layer
    start_editing(layer)
    index = layer.fields().indexOf("label")
    for label in ("a", "b", "c"):
        assert layer.changeAttributeValue(fid_of(layer, label), index, f"{label}-2")
    geobox_server._send_json("POST", "/__geobox__/write_faults", {"after": 1, "status": 500, "times": 5})
    try:
        assert layer.commitChanges()
        text = wait_for_message(qgis_iface, Qgis.MessageLevel.Warning, "were not saved to the server")
    finally:
        geobox_server.clear_faults()
    assert text.count("Feature ") == 2 and "(update)" in text and "stay local changes" in text
    assert sorted(on_server(geobox_server, layer_uuid).values()).count("d") == 1
    assert sorted(labels(layer).values()) == ["a-2", "b-2", "c-2", "d"]  # the unsent edits are kept
    qgis_iface.setActiveLayer(layer)
    next(a for a in watch.actions if a.objectName() == "GeodockSyncWithServerAction").trigger()
    wait_until(
        lambda: sum("saved to the server" in t for t in messages(qgis_iface, Qgis.MessageLevel.Success)) >= 1,
        60,
        "the second save",
    )
    wait_for_no_tasks()
    assert sorted(on_server(geobox_server, layer_uuid).values()) == ["a-2", "b-2", "c-2", "d"]


def test_reload_from_server_keeps_the_layer_and_its_style(copy_layer, geobox_server, qgis_iface, watch):
    layer, layer_uuid = copy_layer
    renderer = layer.renderer()
    other = QgsVectorLayer("None?field=label:string&field=note:string", "notes", "memory")
    QgsProject.instance().addMapLayer(other)
    join = QgsVectorLayerJoinInfo()
    join.setJoinLayer(other)
    join.setJoinFieldName("label")
    join.setTargetFieldName("label")
    assert layer.addJoin(join)
    ids = {label: sid for sid, label in on_server(geobox_server, layer_uuid).items()}
    sdk(geobox_server, "update", uuid=layer_uuid, id=ids["c"], label="c-by-sdk")
    sdk(geobox_server, "delete", uuid=layer_uuid, id=ids["a"])
    assert layer.featureCount() == 4
    qgis_iface.setActiveLayer(layer)
    next(a for a in watch.actions if a.objectName() == "GeodockReloadFromServerAction").trigger()
    text = wait_for_message(qgis_iface, Qgis.MessageLevel.Success, "reloaded from the server")
    assert "1 changed, 1 deleted" in text
    assert QgsProject.instance().mapLayer(layer.id()) is layer
    assert layer.renderer() is renderer and len(layer.vectorJoins()) == 1
    assert layer.featureCount() == 3  # the provider re-read the file (its cached count is gone)
    assert sorted(labels(layer).values()) == ["b", "c-by-sdk", "d"]


def test_layers_not_fetched_by_geodock_are_left_alone(watch, tmp_path):
    from helpers import gpkg_layer

    layer = gpkg_layer(tmp_path, "plain")
    QgsProject.instance().addMapLayer(layer)
    assert layer.id() not in watch.watched
