"""Issue 13, item 8: the realtime client against a realtime server that misbehaves (tests/servers/hostile_realtime.py).

Retries back off (with jitter) after ``authentication_failed`` and after connections the server drops;
the server's ping interval and timeout are clamped; malformed frames are logged and skipped while later
good events still apply; the record of applied sequence numbers is bounded; an oversized frame is
refused by the socket, which reconnects.
"""

from __future__ import annotations

import sys

import pytest
from helpers import wait_until
from qgis.core import QgsApplication, QgsProject

from geodock.plugin.platforms.amigocloud.realtime.live_layer import AmigoCloudLive, DatasetRef
from geodock.plugin.platforms.amigocloud.realtime.registry import stop_all
from geodock.plugin.platforms.amigocloud.realtime.socketio import SocketIoClient, websocket_url

NAMESPACE = "/amigosocket"
DATASET = DatasetRef(project_id="2", dataset_id="5", name="hostile vehicles")
SEQ_BOUND = 16384  # the most sequence numbers a live layer may remember
FRAME_CAP = 4 * 1024 * 1024  # the largest message a realtime socket may accept


def realtime_event(seq: int, *rows: tuple[str, float, float], **extra) -> dict:
    data = [{"object_id": oid, "longitude": lon, "latitude": lat} for oid, lon, lat in rows]
    return {"event": "realtime", "data": {"dataset_id": 5, "seq": seq, "data": data, **extra}}


class Realtime:
    """The hostile server's realtime side: plans in, log out."""

    def __init__(self, server) -> None:
        self.server = server

    def plan(self, *plans: dict) -> None:
        self.server._send_json("PUT", "/__realtime__", {"plans": list(plans)})

    def log(self) -> dict:
        return self.server._send_json("GET", "/__realtime__")

    def connections(self) -> list[float]:
        return [entry["t"] for entry in self.log()["connections"]]

    def received(self, prefix: str) -> list[dict]:
        return [entry for entry in self.log()["received"] if entry["text"].startswith(prefix)]


@pytest.fixture
def realtime(hostile):
    rt = Realtime(hostile)
    yield rt
    stop_all()
    rt.plan({})


@pytest.fixture
def escaped(monkeypatch):
    """Exceptions that escaped a Qt slot (recorded instead of aborting the test run)."""
    seen: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: seen.append(value))
    return seen


@pytest.fixture
def geodock_log():
    lines: list[str] = []

    def keep(message, tag, level):
        if tag == "Geodock":
            lines.append(message)

    QgsApplication.messageLog().messageReceived.connect(keep)
    yield lines
    QgsApplication.messageLog().messageReceived.disconnect(keep)


@pytest.fixture
def connection(connections, hostile, realtime):
    """A Geodock AmigoCloud connection to the hostile server, which opens dataset sessions as AmigoCloud does."""
    hostile.script(
        {"path": "/api/v1/me", "json": {"id": 1, "email": "me@example.com"}},
        {"path": f"/api/v1/{DATASET.path}/start_websocket_session", "json": {"websocket_session": "sess-1"}},
        {"path": f"/api/v1/{DATASET.path}", "json": {}},  # no table: no starting positions
    )
    entry = {"name": "Hostile AmigoCloud", "kind": "amigocloud", "url": hostile.root + "/api/v1/"}
    connections.import_json({"connections": [dict(entry, credentials={"token": "R:hostile-token"})]})
    yield connections.all()[0]
    stop_all()


def positions(layer) -> dict[str, tuple[float, float]]:
    return {f["object_id"]: (f.geometry().asPoint().x(), f.geometry().asPoint().y()) for f in layer.getFeatures()}


def remove(live) -> None:
    live.stop()
    QgsProject.instance().removeMapLayer(live.layer.id())


# Backoff ---------------------------------------------------------------------------------------------------


def test_authentication_failed_backs_off_with_growing_delays(connection, realtime, hostile, escaped):
    realtime.plan({"auth": "fail"})
    live = AmigoCloudLive(connection).add_live_layer(DATASET)
    # Today's client asked for a new session at once, every time: 22 sessions in 5 s.
    wait_until(lambda: len(realtime.received(f'42{NAMESPACE},["authenticate"')) >= 4, 40, "four authentications")
    times = [entry["t"] for entry in realtime.received(f'42{NAMESPACE},["authenticate"')]
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    # 1 s doubling, each delay drawn from its upper half: at least 0.5, 1 and 2 s (less a timer's slack).
    assert gaps[0] >= 0.4 and gaps[1] >= 0.9 and gaps[2] >= 1.8, gaps
    assert times[3] - times[0] >= 3.2, gaps
    sessions = [r for r in hostile.received() if r["path"].endswith("/start_websocket_session")]
    assert len(sessions) <= 5  # one per authentication (and maybe one on its way)
    assert len(realtime.connections()) == 1  # the socket stays open; only the session is renewed
    assert live.state in ("reconnecting", "connecting", "live")
    assert escaped == []
    remove(live)


def test_a_server_that_drops_each_connection_is_retried_with_growing_delays(qgis_app, realtime, escaped):
    # The namespace is accepted (today's client then forgot its failures), then the socket is closed.
    realtime.plan({"close_after_connect": True})
    client = SocketIoClient(websocket_url(realtime.server.root), NAMESPACE)
    try:
        client.open()
        wait_until(lambda: len(realtime.connections()) >= 4, 40, "four connections")
        times = realtime.connections()
        gaps = [later - earlier for earlier, later in zip(times, times[1:])]
        assert gaps[1] >= 0.9 and gaps[2] >= 1.8, gaps  # today: every gap 0.5-1 s, for ever
        assert client.attempts >= 3
        assert escaped == []
    finally:
        client.close()


def test_a_refused_handshake_is_retried_with_backoff_until_the_server_accepts(qgis_app, realtime, escaped):
    realtime.plan({"refuse": 503}, {"refuse": 503}, {})
    client = SocketIoClient(websocket_url(realtime.server.root), NAMESPACE)
    try:
        client.open()
        wait_until(lambda: client.state.value == "live", 30, "live after two refusals")
        times = realtime.connections()
        assert len(times) == 3 and times[2] - times[0] >= 1.3  # at least 0.5 + 1 s (less slack)
        assert escaped == []
    finally:
        client.close()


# Ping interval and timeout -----------------------------------------------------------------------------------

BAD_OPEN = [
    '{"pingInterval": 0, "pingTimeout": 0}',
    '{"pingInterval": -5000, "pingTimeout": -1}',
    '{"pingInterval": 1e15, "pingTimeout": 1e300}',
    '{"pingInterval": 99999999999999999999999999999999999999, "pingTimeout": 5}',
    '{"pingInterval": "often", "pingTimeout": "never"}',
    '{"pingInterval": null, "pingTimeout": [1]}',
    '{"pingInterval": NaN, "pingTimeout": Infinity}',
    '{"pingInterval": true, "pingTimeout": {}}',
    "[25000, 20000]",
]


@pytest.mark.parametrize("opening", BAD_OPEN)
def test_ping_interval_and_timeout_from_the_server_are_clamped(qgis_app, realtime, escaped, opening):
    realtime.plan({"open": opening})
    client = SocketIoClient(websocket_url(realtime.server.root), NAMESPACE)
    try:
        client.open()
        wait_until(lambda: client.state.value == "live", 20, "the namespace")
        assert 1.0 <= client.ping_interval <= 300.0
        assert 1.0 <= client.ping_timeout <= 120.0
        timer = client._ping_timer
        assert timer.isActive() and 1000 <= timer.interval() <= 300_000
        # Round trip a probe: the server had time to see a ping flood, had there been one.
        assert client.emit("probe", {})
        wait_until(lambda: bool(realtime.received(f'42{NAMESPACE},["probe"')), 10, "the probe")
        assert len(realtime.received("2")) <= 3  # (a 1 s interval may tick once or twice on a slow machine)
        assert client.state.value == "live" and len(realtime.connections()) == 1
        assert escaped == []
    finally:
        client.close()


# Malformed frames ------------------------------------------------------------------------------------------

MALFORMED = [
    f"42{NAMESPACE},{{not json",
    f'42{NAMESPACE},{{"realtime": 1}}',
    f"42{NAMESPACE},[]",
    f"42{NAMESPACE},[7, {{}}]",
    f"42{NAMESPACE}," + "[" * 100_000 + "]" * 100_000,
    f"42{NAMESPACE}," + "7" * 200_000,
    f"47{NAMESPACE},[]",
    "9 unknown engine.io packet",
    '0{"pingInterval": "soon"}',
    "0not json at all",
    {"event": "realtime", "data": None},
    f'42{NAMESPACE},["realtime", "a string"]',
    f'42{NAMESPACE},["realtime", [1, 2, 3]]',
    realtime_event("three", ("a", 1.0, 1.0)),
    realtime_event([3], ("a", 1.0, 1.0)),
    realtime_event(-4, ("a", 1.0, 1.0)),
    realtime_event(True, ("a", 1.0, 1.0)),
    f'42{NAMESPACE},["realtime", {{"dataset_id": 5, "seq": 1e400, "data": []}}]',
    f'42{NAMESPACE},["realtime", {{"dataset_id": 5, "seq": 5, "sent_at": NaN, "data": []}}]',
    realtime_event(6, ("a", 1.0, 1.0), sent_at="later"),
    {"event": "realtime", "data": {"dataset_id": 5, "seq": 7, "data": 5}},
    {"event": "realtime", "data": {"dataset_id": 5, "seq": 8, "data": {"object_id": "a"}}},
    {"event": "realtime", "data": {"dataset_id": {"id": 5}, "seq": 9, "data": []}},
    {
        "event": "realtime",
        "data": {
            "dataset_id": 5,
            "seq": 10,
            "data": [
                {"object_id": {"x": 1}, "longitude": 1, "latitude": 1},
                {"object_id": "c", "longitude": "east", "latitude": 1},
                {"object_id": "d", "longitude": 1e400, "latitude": 1},
                {"object_id": "e", "longitude": 500, "latitude": 1},
                {"object_id": "f" * 500, "longitude": 1, "latitude": 1},
                {"object_id": True, "longitude": 1, "latitude": 1},
                "not a row",
            ],
        },
    },
]


def test_malformed_frames_are_logged_and_skipped_and_later_events_apply(connection, realtime, escaped, geodock_log):
    first = realtime_event(1, ("a", -122.0, 37.0), ("b", -122.1, 37.1))
    last = realtime_event(11, ("a", -121.5, 37.5))
    realtime.plan({"after_auth": [first, *MALFORMED, last]})
    live = AmigoCloudLive(connection).add_live_layer(DATASET)
    wait_until(lambda: 11 in live.applied_seqs, 30, "the good event after the malformed ones")
    assert escaped == []
    assert positions(live.layer) == {"a": (-121.5, 37.5), "b": (-122.1, 37.1)}
    assert set(live.applied_seqs) - {0} == {1, 10, 11}  # 10: a good event whose rows were all bad
    skipped = [line for line in geodock_log if "skipped" in line]
    assert len(skipped) >= 10, geodock_log
    assert all(len(line) < 1000 for line in geodock_log)  # excerpts, not whole frames
    assert live.state == "live" and len(realtime.connections()) == 1
    remove(live)


# Bounded memory --------------------------------------------------------------------------------------------


def test_applied_sequence_numbers_stay_within_a_bound(connection, realtime, escaped):
    count = SEQ_BOUND + 4000
    realtime.plan({"burst": {"count": count, "dataset_id": 5}})
    live = AmigoCloudLive(connection).add_live_layer(DATASET)
    wait_until(lambda: count in live.applied_seqs, 120, f"event {count}")
    assert len(live.applied_seqs) <= SEQ_BOUND
    assert count - 1 in live.applied_seqs and 1 not in live.applied_seqs  # the newest kept, the oldest let go
    assert max(live.applied_seqs) == count
    assert live.layer.featureCount() == 7
    assert escaped == []
    remove(live)


def test_an_oversized_frame_is_refused_and_the_socket_reconnects(connection, realtime, escaped):
    huge = realtime_event(2, ("a", 5.0, 5.0))
    huge["pad"] = 5 * 1024 * 1024
    realtime.plan(
        {"after_auth": [realtime_event(1, ("a", 1.0, 1.0)), huge]},
        {"after_auth": [realtime_event(3, ("b", 3.0, 3.0))]},
    )
    live = AmigoCloudLive(connection).add_live_layer(DATASET)
    wait_until(lambda: 3 in live.applied_seqs, 30, "the event after the reconnect")
    assert 2 not in live.applied_seqs
    assert positions(live.layer) == {"a": (1.0, 1.0), "b": (3.0, 3.0)}
    assert len(realtime.connections()) == 2
    assert 0 < live.client.socket.maxAllowedIncomingMessageSize() <= FRAME_CAP
    assert escaped == []
    remove(live)
