"""The official ``amigocloud`` SDK (1.2.5, unchanged) against the local AmigoCloud server.

``AmigoCloud(token=..., base_url=server.root)`` authenticates with ``GET /me`` and opens its Socket.IO
connection (socketIO-client 0.7.2, Engine.IO 3, upgraded to a websocket) in the constructor, so every
test here also proves the realtime endpoint. Where the SDK and the server disagree, the server is wrong.

The SDK imports ``gevent`` (used only by ``geocode_addresses``): a stub in ``_stubs/`` stands in for it.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "_stubs"))

from amigocloud import AmigoCloud, AmigoCloudError

OWNER, WORLD, LIVE, VEHICLES = 1, 1, 2, 5
WORLD_DATASETS = {"countries", "states_provinces", "disputed_borders", "country_codes"}


@pytest.fixture
def server(amigocloud_server):
    return amigocloud_server


@pytest.fixture
def client(server):
    """An SDK client with its websocket open; closed after the test."""
    sdk = AmigoCloud(token=server.credentials["token"], base_url=server.root)
    yield sdk
    with contextlib.suppress(Exception):
        sdk.socketio.disconnect()


def _wait_job(client: AmigoCloud, job: str, timeout: float = 20.0) -> dict:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/me/jobs/{job}")
        if not seen or seen[-1] != state["status"]:
            seen.append(state["status"])
        if state["status"] in ("SUCCESS", "FAILURE"):
            state["seen"] = seen
            return state
        time.sleep(0.2)
    raise AssertionError(f"job {job} still {seen}")


def test_constructor_authenticates_and_opens_the_websocket(client, server):
    assert client._user_id == 1
    assert client.socketio.connected
    assert client.socketio.transport_name == "websocket"  # upgraded from polling
    me = client.get("/me")
    assert me["email"] and me["first_name"] and me["last_name"]
    assert me["visible_projects"].startswith(server.root + "/api/v1/")
    assert me["start_websocket_session"] == server.root + "/api/v1/me/start_websocket_session"


def test_projects_and_datasets_through_cursors(client):
    projects = list(client.get_cursor("/me/projects", {"limit": 1}))  # one project a page
    names = {project["name"]: project for project in projects}
    assert {"World", "Live"} <= set(names)
    world = names["World"]
    assert world["id"] == WORLD
    cursor = client.get_cursor(world["datasets"], {"limit": 2})
    assert cursor.get("count") == 4 and cursor.next_url  # a second page is there
    datasets = list(cursor)
    assert {item["name"] for item in datasets} == WORLD_DATASETS
    assert len({item["id"] for item in datasets}) == 4
    assert all(item["url"].startswith("http") and "project" in item for item in datasets)


def test_dataset_detail_and_schema(client):
    detail = client.get(f"users/{OWNER}/projects/{WORLD}/datasets/1")
    assert detail["name"] == "countries" and detail["table_name"] == "dataset_1"
    assert detail["geometry_column"] == "wkb_geometry" and detail["feature_count"] == 240
    for key in ("tiles", "export", "submit_change", "schema"):
        assert detail[key].startswith("http")
    schema = client.get(detail["schema"])["schema"]
    names = {column["name"]: column["type"] for column in schema}
    assert names["wkb_geometry"] == "geometry" and "amigo_id" in names and "name" in names
    table = client.get(f"/users/{OWNER}/projects/{WORLD}/datasets/4")
    assert table["geometry_column"] is None and table["feature_count"] > 200


def test_sql_through_the_sdk(client):
    sql = f"/users/{OWNER}/projects/{WORLD}/sql"
    # The way geocode_addresses pages: offset/limit parameters, rows in ``data``.
    query = "SELECT name, ST_AsGeoJSON(wkb_geometry) FROM dataset_1 WHERE name BETWEEN 'B' AND 'N' ORDER BY name"
    first = client.get(sql, params={"query": query, "offset": 0, "limit": 10})
    second = client.get(sql, params={"query": query, "offset": 10, "limit": 10})
    assert first["count"] == second["count"] > 20
    assert [c["name"] for c in first["columns"]] == ["name", "st_asgeojson"]
    names = [row["name"] for row in first["data"] + second["data"]]
    assert len(names) == 20 and names == sorted(names) and len(set(names)) == 20
    assert json.loads(first["data"][0]["st_asgeojson"])["type"] == "MultiPolygon"
    # A cursor follows ``next`` through every page of a SQL result.
    rows = list(client.get_cursor(sql, {"query": "SELECT iso_a2, name FROM dataset_4 ORDER BY name", "limit": 50}))
    total = client.get(f"/projects/{WORLD}/sql", params={"query": "SELECT count(*) FROM dataset_4"})["data"][0]["count"]
    assert len(rows) == total > 200
    # A write through POST, read back, undone.
    target = rows[0]["iso_a2"]
    changed = client.post(sql, data={"query": f"UPDATE dataset_4 SET fips = 'ZZ' WHERE iso_a2 = '{target}'"})
    assert changed["count"] >= 1
    back = client.get(sql, params={"query": f"SELECT fips FROM dataset_4 WHERE iso_a2 = '{target}'"})
    assert back["data"][0]["fips"] == "ZZ"
    client.post(sql, data={"query": f"UPDATE dataset_4 SET fips = NULL WHERE iso_a2 = '{target}'"})
    with pytest.raises(AmigoCloudError) as error:
        client.get(sql, params={"query": "SELECT nme FROM dataset_1"})
    assert error.value.response.status_code == 400 and "nme" in error.value.text


def test_export_job(client):
    detail = client.get(f"/users/{OWNER}/projects/{WORLD}/datasets/3")
    job = client.post(detail["export"], data={"format": "GeoJSON"})["job"]
    state = _wait_job(client, job)
    assert state["status"] == "SUCCESS" and state["seen"][0] == "PENDING" and "STARTED" in state["seen"]
    collection = json.loads(client.get(state["extra"]["link"], raw=True))
    assert len(collection["features"]) == detail["feature_count"]
    failing = client.post(detail["export"], data={"format": "KML", "fail": True})["job"]
    assert _wait_job(client, failing)["status"] == "FAILURE"


def test_realtime_dataset_events(client):
    events = []
    client.listen_dataset_events(OWNER, LIVE, VEHICLES)
    client.add_callback("realtime", lambda payload: events.append(payload))
    client.start_listening(3.5)
    assert len(events) >= 2
    assert all(event["dataset_id"] == VEHICLES and len(event["data"]) == 5 for event in events)
    first = {row["object_id"]: (row["latitude"], row["longitude"]) for row in events[0]["data"]}
    last = {row["object_id"]: (row["latitude"], row["longitude"]) for row in events[-1]["data"]}
    assert first.keys() == last.keys() and first != last  # the vehicles move
    # The table moves too: the SQL API sees the last positions.
    rows = client.get(
        f"/users/{OWNER}/projects/{LIVE}/sql",
        params={"query": "SELECT amigo_id, ST_Y(wkb_geometry) AS lat FROM dataset_5"},
    )
    assert {row["amigo_id"] for row in rows["data"]} == set(first)


def test_realtime_user_event_on_project_creation(client):
    events = []
    client.listen_user_events()
    client.add_callback("project:creation_succeeded", lambda payload: events.append(payload))
    client.start_listening(0.5)
    created = client.post("/me/projects", data={"name": "Made by the SDK test"})
    client.start_listening(1.5)
    assert [event["project_id"] for event in events] == [created["id"]]


def test_wrong_websocket_session_is_refused(client):
    refused, events = [], []
    client.add_callback("authentication_failed", lambda payload: refused.append(payload))
    client.add_callback("realtime", lambda payload: events.append(payload))
    client.amigosocket.emit("authenticate", {"userid": 1, "datasetid": VEHICLES, "websocket_session": "not-a-session"})
    client.start_listening(2)
    assert refused and not events


def test_wrong_token_raises(server):
    with pytest.raises(AmigoCloudError) as error:
        AmigoCloud(token="R:wrong-token", base_url=server.root, use_websockets=False)
    assert error.value.response.status_code == 401
    assert json.loads(error.value.text) == {"detail": "Invalid token."}


def test_project_token(server):
    project = AmigoCloud(
        token="C:demo-amigocloud-project-token", project_url=f"users/{OWNER}/projects/{WORLD}", base_url=server.root
    )
    assert project._project_id == WORLD and project.socketio is None  # no websockets with project tokens
    rows = project.get("sql", params={"query": "SELECT count(*) FROM dataset_3"})["data"]
    assert rows == [{"count": 46}]
    with pytest.raises(AmigoCloudError) as error:
        project.get("/me")
    assert error.value.response.status_code == 403


def test_injected_fault_reaches_the_sdk(client, server):
    server.fault(status=503, path="/api/v1/me/projects")
    with pytest.raises(AmigoCloudError) as error:
        client.get("/me/projects")
    assert error.value.response.status_code == 503 and "detail" in json.loads(error.value.text)
    assert client.get("/me/projects")["count"] >= 2
