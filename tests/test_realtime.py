"""Realtime AmigoCloud layers against the local server's Socket.IO endpoint: points move as events arrive,
a dropped socket reconnects and resumes, stopping (or removing the layer, or stop_all) leaves no socket."""

from __future__ import annotations

import json
import urllib.request

import pytest
from helpers import wait_until
from qgis.core import QgsProject
from qgis.PyQt.QtNetwork import QAbstractSocket

from geodock.plugin.platforms.amigocloud.realtime import registry as live_registry
from geodock.plugin.platforms.amigocloud.realtime.live_layer import AmigoCloudLive, DatasetRef
from geodock.plugin.platforms.amigocloud.realtime.registry import stop_all
from geodock.plugin.platforms.amigocloud.realtime.socketio import decode_packet, encode_event, websocket_url

VEHICLES = DatasetRef(project_id="2", dataset_id="5", name="vehicles")


def post(server, path: str, body: dict) -> dict:
    request = urllib.request.Request(
        server.root + path, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def open_sockets(server) -> int:
    """Realtime sockets the server holds open now (it counts them; it closes none)."""
    with urllib.request.urlopen(server.root + "/__realtime__/sockets", timeout=10) as answer:
        return int(json.loads(answer.read())["sockets"])


def positions(layer) -> dict[str, tuple[float, float]]:
    return {f["object_id"]: (f.geometry().asPoint().x(), f.geometry().asPoint().y()) for f in layer.getFeatures()}


@pytest.fixture
def connection(connections, amigocloud_server):
    connections.import_json({"connections": [amigocloud_server.connection()]})
    yield connections.all()[0]
    stop_all()


def test_protocol_helpers():
    assert websocket_url("http://127.0.0.1:8080/api/v1/") == (
        "ws://127.0.0.1:8080/v2_socket.io/socket.io/?EIO=3&transport=websocket"
    )
    assert websocket_url("https://app.amigocloud.com/api/v1").startswith("wss://app.amigocloud.com/v2_socket.io/")
    assert encode_event("/amigosocket", "authenticate", {"a": 1}) == '42/amigosocket,["authenticate",{"a":1}]'
    assert decode_packet('42/amigosocket,["realtime",{"seq":3}]') == ("2", "/amigosocket", ["realtime", {"seq": 3}])
    assert decode_packet("40/amigosocket") == ("0", "/amigosocket", None)
    assert decode_packet("40") == ("0", "/", None)


def test_points_move_with_events(connection, amigocloud_server):
    live = AmigoCloudLive(connection).add_live_layer(VEHICLES)
    states: list[str] = []
    live.stateChanged.connect(states.append)
    wait_until(lambda: live.state == "live" and live.layer.featureCount() == 5, 30, "live with five vehicles")
    assert live.layer.name() == "vehicles [live]"
    wait_until(lambda: len(live.applied_seqs - {0}) >= 1, 30, "a first realtime event")
    before = positions(live.layer)
    first_seq = max(live.applied_seqs)
    wait_until(lambda: max(live.applied_seqs) > first_seq, 30, "the next realtime event")
    after = positions(live.layer)
    assert set(before) == set(after) and len(after) == 5
    assert live.layer.featureCount() == 5  # moved, not added
    moved = [oid for oid in after if after[oid] != before[oid]]
    assert moved, "no point moved"
    for x, y in after.values():
        assert -123 < x < -121 and 37 < y < 38.5


def test_drop_reconnects_and_resumes(connection, amigocloud_server):
    live = AmigoCloudLive(connection).add_live_layer(VEHICLES)
    states: list[str] = []
    live.stateChanged.connect(states.append)
    wait_until(lambda: live.state == "live" and len(live.applied_seqs - {0}) >= 1, 30, "live")
    assert post(amigocloud_server, "/__realtime__/drop", {})["dropped"] >= 1
    wait_until(lambda: "reconnecting" in states, 15, "reconnecting state")
    assert live.layer.name() in ("vehicles [reconnecting…]", "vehicles [live]")
    wait_until(lambda: states[-1] == "live", 30, "live again")
    seq = max(live.applied_seqs)
    wait_until(lambda: max(live.applied_seqs) > seq, 30, "events after the reconnect")


def test_stop_and_layer_removal_leave_no_socket(connection, amigocloud_server):
    live = AmigoCloudLive(connection).add_live_layer(VEHICLES)
    wait_until(lambda: live.state == "live", 30, "live")
    client = live.client
    assert client is not None and client.socket_state() == QAbstractSocket.SocketState.ConnectedState
    socket = client.socket
    QgsProject.instance().removeMapLayer(live.layer.id())
    assert live.state == "stopped"
    assert client.socket is None
    assert socket.state() == QAbstractSocket.SocketState.UnconnectedState
    assert live_registry.live_layers() == []
    # The server sees the socket go away too.
    wait_until(lambda: open_sockets(amigocloud_server) == 0, 15, "server-side close")


def test_stop_all_stops_every_live_layer(connection, amigocloud_server):
    lives = [AmigoCloudLive(connection).add_live_layer(VEHICLES) for _ in range(2)]
    try:
        wait_until(lambda: all(live.state == "live" for live in lives), 30, "both live")
    except AssertionError:
        from qgis.core import QgsApplication

        tasks = [t.description() for t in QgsApplication.taskManager().activeTasks()]
        raise AssertionError(f"states {[live.state for live in lives]}, active tasks {tasks}") from None
    assert open_sockets(amigocloud_server) >= 2  # the server counts them while they are open ...
    stop_all()
    assert all(live.state == "stopped" for live in lives)
    assert all(live.client.socket_state() == QAbstractSocket.SocketState.UnconnectedState for live in lives)
    assert all(live.layer.name() == "vehicles [stopped]" for live in lives)
    wait_until(lambda: open_sockets(amigocloud_server) == 0, 15, "server-side close")  # ... and sees them go
    for live in lives:
        QgsProject.instance().removeMapLayer(live.layer.id())


def test_user_events_reach_the_signal(connections, tmp_path):
    from servers import launch

    server = launch.start("amigocloud", tmp_path / "own")
    try:
        connections.import_json({"connections": [server.connection()]})
        live = AmigoCloudLive(connections.all()[0]).add_live_layer(VEHICLES)
        events: list[tuple[str, object]] = []
        live.userEvent.connect(lambda name, payload: events.append((name, payload)))
        wait_until(lambda: live.state == "live", 30, "live")
        wait_until(lambda: len(live.applied_seqs - {0}) >= 1, 30, "authenticated and receiving")
        request = urllib.request.Request(
            server.url + "me/projects?token=" + server.credentials["token"],
            json.dumps({"name": "Fresh project"}).encode(),
            {"Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=10).close()
        wait_until(lambda: bool(events), 15, "project:creation_succeeded")
        assert events[0][0] == "project:creation_succeeded"
        assert events[0][1]["project_name"] == "Fresh project"
        QgsProject.instance().removeMapLayer(live.layer.id())
    finally:
        stop_all()
        server.stop()


def test_dataset_ref_from_a_catalog_resource():
    from geodock.plugin.platforms.base import Resource
    from geodock.ui.platforms.amigocloud.live_layer_dialog import dataset_ref, describe_user_event

    resource = Resource("5", "dataset", "vehicles", api_url="http://h/api/v1/users/1/projects/2/datasets/5")
    ref = dataset_ref(resource)
    assert (ref.project_id, ref.dataset_id, ref.name) == ("2", "5", "vehicles")
    assert ref.path == "users/0/projects/2/datasets/5"
    assert "Fresh" in describe_user_event("project:creation_succeeded", {"project_name": "Fresh"})


def test_unknown_dataset_stops_with_the_reason(connection, amigocloud_server):
    live = AmigoCloudLive(connection).add_live_layer(DatasetRef("2", "999", "ghost"))
    reasons: list[str] = []
    live.failed.connect(reasons.append)
    wait_until(lambda: live.state == "stopped", 30, "stopped")
    wait_until(lambda: bool(reasons), 5, "the reason")
    assert "404" in reasons[0] or "not found" in reasons[0].lower()
    assert live.client is None
    QgsProject.instance().removeMapLayer(live.layer.id())
