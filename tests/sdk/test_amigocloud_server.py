"""Smoke tests of the local AmigoCloud server with plain ``requests`` and a raw websocket client.

The raw client speaks Engine.IO 3 / Socket.IO 2 text frames itself (as Geodock's QtWebSockets client
will), with aiohttp's websocket client: ``?EIO=3&transport=websocket``, ``40/amigosocket`` to join the
namespace, ``42/amigosocket,["authenticate", {...}]`` to authenticate, then ``42/amigosocket,["realtime", {...}]``.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time

import aiohttp
import pytest
import requests
from osgeo import gdal, ogr
from servers import launch

TOKEN = {"token": "R:demo-amigocloud-token"}


@pytest.fixture
def server(amigocloud_server):
    return amigocloud_server


def api(server, path: str) -> str:
    return server.url.rstrip("/") + path


def sql_get(server, query: str, **params) -> requests.Response:
    return requests.get(api(server, "/users/1/projects/1/sql"), params={"query": query, **params, **TOKEN}, timeout=30)


def test_sql_select_geojson_where_and_paging(server):
    query = "SELECT name, ST_AsGeoJSON(wkb_geometry) AS geojson FROM dataset_1 WHERE name LIKE 'S%' ORDER BY name"
    first = sql_get(server, query, limit=5).json()
    assert first["count"] > 10 and len(first["data"]) == 5
    assert "limit=5" in first["next"] and "offset=5" in first["next"] and first["previous"] is None
    second = requests.get(first["next"], timeout=30).json()  # ``next`` carries the token and the query
    assert second["previous"] and len(second["data"]) == 5
    names = [row["name"] for row in first["data"] + second["data"]]
    assert names == sorted(names) and len(set(names)) == 10 and all(n.startswith("S") for n in names)
    assert json.loads(second["data"][0]["geojson"])["type"] in ("MultiPolygon", "Polygon")
    # LIMIT/OFFSET inside the query, as GDAL's AmigoCloud driver pages.
    paged = sql_get(server, "SELECT name FROM dataset_1 WHERE name LIKE 'S%' ORDER BY name LIMIT 5 OFFSET 5").json()
    assert [row["name"] for row in paged["data"]] == names[5:]
    # The project-less URL answers the same; geometry comes as hex WKB; count(*) is named ``count``.
    row = requests.get(
        api(server, "/projects/1/sql"), params={"query": "SELECT wkb_geometry FROM dataset_3 LIMIT 1", **TOKEN}
    ).json()
    assert row["data"][0]["wkb_geometry"][:10] in ("0105000000", "0102000000")  # little-endian (multi)linestring
    count = sql_get(server, "SELECT count(*) FROM dataset_2").json()
    assert count["data"] == [{"count": 4556}]


def test_sql_write_and_errors(server):
    url = api(server, "/users/1/projects/1/sql")
    insert = requests.post(
        url,
        params=TOKEN,
        timeout=30,
        json={
            "query": "INSERT INTO dataset_3 (name, wkb_geometry) "
            "VALUES ('test line', ST_GeomFromText('MULTILINESTRING((0 0,1 1))', 4326))"
        },
    )
    assert insert.status_code == 200 and insert.json()["count"] == 1
    found = sql_get(
        server, "SELECT amigo_id, ST_AsText(wkb_geometry) AS wkt FROM dataset_3 WHERE name = 'test line'"
    ).json()["data"]
    assert len(found) == 1 and len(found[0]["amigo_id"]) == 32 and found[0]["wkt"].startswith("MULTILINESTRING")
    deleted = requests.post(
        url, params=TOKEN, json={"query": "DELETE FROM dataset_3 WHERE name = 'test line'"}, timeout=30
    )
    assert deleted.json()["count"] == 1
    error = sql_get(server, "SELECT name FORM dataset_1")
    assert error.status_code == 400
    body = error.json()
    assert body["error"] == [body["detail"]] and "syntax error" in body["detail"] and body["position"] >= 1
    assert sql_get(server, "DELETE FROM dataset_1").status_code == 400  # GET never writes
    assert sql_get(server, "SELECT count(*) FROM dataset_1").json()["data"][0]["count"] == 240


def test_tiles_are_png(server):
    detail = requests.get(api(server, "/users/1/projects/1/datasets/1"), params=TOKEN).json()
    reply = requests.get(detail["tiles"] + "/1/0/0.png", params=TOKEN, timeout=30)
    assert reply.status_code == 200 and reply.headers["Content-Type"] == "image/png"
    assert reply.content[:8] == b"\x89PNG\r\n\x1a\n"
    gdal.FileFromMemBuffer("/vsimem/amigo-tile.png", reply.content)
    try:
        image = gdal.Open("/vsimem/amigo-tile.png")
        assert (image.RasterXSize, image.RasterYSize, image.RasterCount) == (256, 256, 4)
        assert image.GetRasterBand(4).ComputeRasterMinMax(False)[1] > 0  # something was drawn
    finally:
        gdal.Unlink("/vsimem/amigo-tile.png")
    assert requests.get(detail["tiles"] + "/1/5/0.png", params=TOKEN).status_code == 404


def test_auth_errors(server):
    wrong = requests.get(api(server, "/me"), params={"token": "R:nope"})
    assert wrong.status_code == 401 and wrong.json() == {"detail": "Invalid token."}
    missing = requests.get(api(server, "/me"))
    assert missing.status_code == 401 and missing.json() == {"detail": "Authentication credentials were not provided."}
    assert requests.get(api(server, "/users/1/projects/99"), params=TOKEN).json() == {"detail": "Not found."}
    server.fault(status=429, retry_after=1, path="/api/v1/me")
    limited = requests.get(api(server, "/me"), params=TOKEN)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1" and "detail" in limited.json()


def test_export_download(server):
    detail = requests.get(api(server, "/users/1/projects/1/datasets/4"), params=TOKEN).json()
    job = requests.post(detail["export"], params=TOKEN, json={"format": "CSV"}).json()["job"]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        state = requests.get(api(server, f"/me/jobs/{job}"), params=TOKEN).json()
        if state["status"] in ("SUCCESS", "FAILURE"):
            break
        time.sleep(0.2)
    assert state["status"] == "SUCCESS"
    whole = requests.get(state["extra"]["link"], timeout=30)
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    rows = list(csv.DictReader(io.StringIO(whole.text)))
    assert len(rows) == detail["feature_count"] and {"iso_a2", "name", "amigo_id"} <= set(rows[0])
    part = requests.get(state["extra"]["link"], headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == whole.content[:10]
    bad = requests.post(detail["export"], params=TOKEN, json={"format": "XLS"})
    assert bad.status_code == 400


def test_catalog_of_ten_thousand_datasets(tmp_path):
    server = launch.start("amigocloud", tmp_path, extra_args=("--catalog-size", "10000"))
    try:
        projects = requests.get(api(server, "/me/projects"), params=TOKEN).json()["results"]
        catalog = next(project for project in projects if project["name"] == "Catalog")
        started = time.monotonic()
        url, params, ids, pages = catalog["datasets"], {"limit": 1000, **TOKEN}, [], 0
        while url:
            page = requests.get(url, params=params, timeout=30).json()
            params = None  # ``next`` carries everything
            ids += [item["id"] for item in page["results"]]
            url, pages = page["next"], pages + 1
            assert page["count"] == 10000
        assert pages == 10 and len(set(ids)) == 10000
        assert time.monotonic() - started < 15
        default = requests.get(catalog["datasets"], params=TOKEN).json()
        assert len(default["results"]) == 20 and "offset=20" in default["next"]
        last = requests.get(api(server, f"/users/1/projects/{catalog['id']}/datasets/{ids[-1]}"), params=TOKEN).json()
        assert last["feature_count"] == 0 and last["table_name"] == f"dataset_{ids[-1]}"
    finally:
        server.stop()


# -- raw websocket -------------------------------------------------------------------------------------------
async def _next_event(ws: aiohttp.ClientWebSocketResponse, name: str, timeout: float) -> dict:
    """The payload of the next Socket.IO event ``name`` in namespace /amigosocket (answers pings)."""
    prefix = "42/amigosocket,"
    deadline = time.monotonic() + timeout
    while True:
        message = await asyncio.wait_for(ws.receive(), max(0.01, deadline - time.monotonic()))
        if message.type != aiohttp.WSMsgType.TEXT:
            raise ConnectionError(f"websocket {message.type.name}")
        text = message.data
        if text == "2":
            await ws.send_str("3")
        elif text.startswith(prefix):
            event, payload = json.loads(text[len(prefix) :])
            if event == name:
                return payload


async def _connect(
    session: aiohttp.ClientSession, root: str, dataset: int = 5, good: bool = True
) -> aiohttp.ClientWebSocketResponse:
    """Open the websocket, join /amigosocket and authenticate for ``dataset`` events."""
    ws = await session.ws_connect(root.replace("http", "ws", 1) + "/v2_socket.io/socket.io/?EIO=3&transport=websocket")
    opened = await ws.receive_str()
    assert opened.startswith("0") and json.loads(opened[1:])["pingInterval"] > 0  # Engine.IO open
    await ws.send_str("40/amigosocket")
    while (await ws.receive_str()) != "40/amigosocket":  # "40" (default namespace) may come first
        pass
    async with session.get(
        f"{root}/api/v1/users/1/projects/2/datasets/{dataset}/start_websocket_session", params=TOKEN
    ) as reply:
        websocket_session = (await reply.json())["websocket_session"] if good else "wrong"
    auth = {"userid": 1, "datasetid": dataset, "websocket_session": websocket_session}
    await ws.send_str("42/amigosocket," + json.dumps(["authenticate", auth]))
    return ws


def test_raw_websocket_realtime_burst_and_drop(server):
    async def scenario() -> None:
        async with aiohttp.ClientSession() as session:
            refused = await _connect(session, server.root, good=False)
            assert "detail" in await _next_event(refused, "authentication_failed", 5)
            await refused.close()

            ws = await _connect(session, server.root)
            assert (await _next_event(ws, "authenticated", 5))["datasetid"] == 5
            event = await _next_event(ws, "realtime", 5)
            assert event["dataset_id"] == 5 and len(event["data"]) == 5
            assert set(event["data"][0]) == {"object_id", "latitude", "longitude"}
            assert abs(event["sent_at"] - time.time()) < 5

            # A burst: 50 events a second for one second.
            async with session.post(server.root + "/__realtime__", json={"rate": 50, "seconds": 1}) as reply:
                assert (await reply.json())["events"] == 50
            started, received = time.monotonic(), []
            while len(received) < 45 and time.monotonic() - started < 5:
                received.append(await _next_event(ws, "realtime", 5))
            assert len(received) >= 45
            assert [e["seq"] for e in received] == sorted(e["seq"] for e in received)

            # Drop: every socket is disconnected; a new connection works again.
            async with session.post(server.root + "/__realtime__/drop") as reply:
                assert (await reply.json())["dropped"] >= 1
            with pytest.raises((ConnectionError, asyncio.TimeoutError)):
                while True:
                    await _next_event(ws, "realtime", 5)
            again = await _connect(session, server.root)
            assert (await _next_event(again, "realtime", 5))["dataset_id"] == 5
            await again.close()

    asyncio.run(scenario())


def test_gdal_amigocloud_driver_reads_the_tables(server):
    """GDAL's own AmigoCloud driver (PostGIS SQL through the SQL API) reads features, fields and the SRS."""
    options = {"AMIGOCLOUD_API_URL": server.url.rstrip("/"), "AMIGOCLOUD_API_KEY": TOKEN["token"]}
    for key, value in options.items():
        gdal.SetConfigOption(key, value)
    try:
        source = ogr.Open("AmigoCloud:1 datasets=1,4")
        assert source is not None and source.GetLayerCount() == 2
        countries = source.GetLayer(0)
        assert countries.GetFeatureCount() == 240
        assert countries.GetSpatialRef().GetAuthorityCode(None) == "4326"
        assert (
            countries.GetLayerDefn().GetFieldDefn(countries.GetLayerDefn().GetFieldIndex("ogc_fid")).GetType()
            == ogr.OFTInteger
        )
        names = set()
        for feature in countries:
            names.add(feature.GetField("name"))
            assert feature.GetGeometryRef() is not None and not feature.GetGeometryRef().IsEmpty()
        assert len(names) > 200 and "France" in names
        extent = countries.GetExtent()
        assert extent[0] < -170 and extent[1] > 170
        table = source.GetLayer(1)
        assert table.GetFeatureCount() > 200 and table.GetLayerDefn().GetGeomFieldCount() == 0
        source = None
    finally:
        for key in options:
            gdal.SetConfigOption(key, None)
