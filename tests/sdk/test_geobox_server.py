"""Smoke tests of the local Geobox server with plain ``requests``, for what the ``geobox`` SDK does not cover:
real vector tiles, raster tiles, TileJSON, a 10,000-layer catalog, Range downloads, refused uploads, error bodies."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import requests
from osgeo import gdal
from servers import launch

KEY = {"apikey": launch.GEOBOX_APIKEY}
COUNTRIES = str(uuid.uuid5(uuid.UUID("5f0c3c52-3c4e-4c0a-9d1e-6b1f0e3a7a10"), "layer:countries"))


def get(server: launch.Server, path: str, **kwargs) -> requests.Response:
    params = {**KEY, **kwargs.pop("params", {})}
    return requests.get(server.url + path, params=params, timeout=30, **kwargs)


def find(server: launch.Server, collection: str, name: str) -> dict:
    items = get(server, f"{collection}/", params={"q": f"name = '{name}'"}).json()
    assert items, f"{name} not in {collection}"
    return items[0]


def read_mvt(body: bytes, tmp_path: Path) -> dict[str, int]:
    """Layer name -> feature count of an MVT tile, read by GDAL's MVT driver."""
    path = tmp_path / f"{uuid.uuid4().hex}.pbf"
    path.write_bytes(body)
    ds = gdal.OpenEx(str(path), gdal.OF_VECTOR, allowed_drivers=["MVT"])
    assert ds is not None, "not a vector tile"
    return {ds.GetLayer(i).GetName(): ds.GetLayer(i).GetFeatureCount() for i in range(ds.GetLayerCount())}


# ------------------------------------------------------------------------------------------------- auth


def test_missing_and_bad_auth_are_401_with_detail(geobox_server: launch.Server) -> None:
    reply = requests.get(geobox_server.url + "vectorLayers/", timeout=10)
    assert reply.status_code == 401 and reply.json() == {"detail": "Not authenticated"}
    reply = requests.get(geobox_server.url + "vectorLayers/", headers={"Authorization": "Bearer nope"}, timeout=10)
    assert reply.status_code == 401 and isinstance(reply.json()["detail"], str)
    reply = requests.get(geobox_server.url + "vectorLayers/", params={"apikey": "nope"}, timeout=10)
    assert reply.status_code == 401
    reply = requests.post(geobox_server.url + "auth/token/", data={"username": "demo", "password": "x"}, timeout=10)
    assert reply.status_code == 401 and "detail" in reply.json()


def test_token_then_bearer(geobox_server: launch.Server) -> None:
    token = requests.post(geobox_server.url + "auth/token/", data=geobox_server.credentials, timeout=10).json()[
        "access_token"
    ]
    reply = requests.get(geobox_server.url + "vectorLayers/", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert reply.status_code == 200 and isinstance(reply.json(), list)


def test_errors_are_fastapi_shaped(geobox_server: launch.Server) -> None:
    reply = get(geobox_server, "vectorLayers/not-a-uuid/")
    assert reply.status_code == 404 and "not-a-uuid" in reply.json()["detail"]
    reply = get(geobox_server, f"vectorLayers/{COUNTRIES}/features/", params={"q": "no_such_field = 1"})
    assert reply.status_code == 422 and reply.json()["detail"][0]["loc"] == ["query", "q"]
    reply = get(geobox_server, "vectorLayers/", params={"q": "name ~ 'x'"})
    assert reply.status_code == 422 and "msg" in reply.json()["detail"][0]
    geobox_server.fault(status=503, retry_after=1, path="/v1/vectorLayers/")
    reply = get(geobox_server, "vectorLayers/")
    assert reply.status_code == 503 and reply.headers["Retry-After"] == "1"
    assert reply.json() == {"detail": "Injected fault 503"}


# ------------------------------------------------------------------------------------------------ tiles


def test_layer_tile_is_real_mvt(geobox_server: launch.Server, tmp_path: Path) -> None:
    reply = get(geobox_server, f"vectorLayers/{COUNTRIES}/tiles/1/1/0.pbf")
    assert reply.status_code == 200 and reply.headers["Content-Type"] == "application/x-protobuf"
    layers = read_mvt(reply.content, tmp_path)
    assert list(layers) == ["countries"] and layers["countries"] > 80  # the north-east quarter of the world
    again = get(geobox_server, f"vectorLayers/{COUNTRIES}/tiles/1/1/0.pbf")  # from the cache
    assert again.content == reply.content
    assert get(geobox_server, f"vectorLayers/{COUNTRIES}/tiles/1/5/0.pbf").status_code == 404


def test_view_and_tileset_tiles(geobox_server: launch.Server, tmp_path: Path) -> None:
    view = find(geobox_server, "vectorLayerViews", "countries_large")
    layers = read_mvt(get(geobox_server, f"vectorLayerViews/{view['uuid']}/tiles/0/0/0.pbf").content, tmp_path)
    assert layers == {"countries_large": 6}
    tileset = find(geobox_server, "tilesets", "world")
    tilejson = get(geobox_server, f"tilesets/{tileset['uuid']}/tilejson.json").json()
    assert {layer["id"] for layer in tilejson["vector_layers"]} == {"countries", "disputed_borders"}
    url = tilejson["tiles"][0].replace("{z}/{x}/{y}", "0/0/0")
    assert "apikey=" in url
    layers = read_mvt(requests.get(url, timeout=30).content, tmp_path)
    assert set(layers) == {"countries", "disputed_borders"}


def test_layer_tilejson(geobox_server: launch.Server) -> None:
    doc = get(geobox_server, f"vectorLayers/{COUNTRIES}/tilejson.json").json()
    assert doc["tilejson"].startswith("3") and doc["tiles"][0].startswith(
        geobox_server.url + f"vectorLayers/{COUNTRIES}/tiles/"
    )
    assert doc["vector_layers"][0]["id"] == "countries" and len(doc["bounds"]) == 4


def test_raster_png_tile(geobox_server: launch.Server, tmp_path: Path) -> None:
    raster = get(geobox_server, "rasters/").json()[0]
    reply = get(geobox_server, f"rasters/{raster['uuid']}/tiles/2/2/1.png")
    assert reply.status_code == 200 and reply.headers["Content-Type"] == "image/png"
    assert reply.content.startswith(b"\x89PNG\r\n\x1a\n")
    path = tmp_path / "tile.png"
    path.write_bytes(reply.content)
    ds = gdal.Open(str(path))
    assert (ds.RasterXSize, ds.RasterYSize) == (256, 256)
    assert ds.GetRasterBand(ds.RasterCount).ComputeRasterMinMax(False)[1] == 255  # some opaque pixels
    tilejson = get(geobox_server, f"rasters/{raster['uuid']}/tilejson.json").json()
    assert tilejson["format"] == "png" and tilejson["tiles"][0].endswith(".png?apikey=" + launch.GEOBOX_APIKEY)


# ------------------------------------------------------------------------------------- files, ranges


def test_range_download(geobox_server: launch.Server) -> None:
    raster = get(geobox_server, "rasters/").json()[0]
    whole = get(geobox_server, f"rasters/{raster['uuid']}/download/")
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    assert 'filename="relief.tif"' in whole.headers["Content-Disposition"]
    part = get(geobox_server, f"rasters/{raster['uuid']}/download/", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole.content[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole.content)}"


def test_refused_upload_type(geobox_server: launch.Server) -> None:
    reply = requests.post(geobox_server.url + "files/", params=KEY, files={"file": ("tool.exe", b"MZ...")}, timeout=10)
    assert reply.status_code == 422
    assert "not allowed" in reply.json()["detail"][0]["msg"] and ".gpkg" in reply.json()["detail"][0]["msg"]


def test_task_status_rises(geobox_server: launch.Server) -> None:
    task_id = requests.post(
        geobox_server.url + f"vectorLayers/{COUNTRIES}/export/",
        params=KEY,
        data={"out_format": "CSV", "out_filename": "c"},
        timeout=10,
    ).json()["task_id"]
    seen = []
    for _ in range(100):
        status = get(geobox_server, f"tasks/{task_id}/status/").json()
        seen.append(status["current"])
        if get(geobox_server, f"tasks/{task_id}/").json()["state"] in ("SUCCESS", "FAILURE"):
            break
        time.sleep(0.1)
    assert seen == sorted(seen) and seen[-1] <= 100
    task = get(geobox_server, f"tasks/{task_id}/").json()
    assert task["state"] == "SUCCESS"
    body = get(geobox_server, f"files/{task['result']['file_uuid']}/download/").text
    assert body.splitlines()[0].startswith("WKT,") and len(body.splitlines()) == 241


# ----------------------------------------------------------------------- a big catalog, upload limits


@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[launch.Server]:
    """A second instance: 10,000 extra catalog layers, a 20,000-point layer, a 1 MB upload limit, quick tasks,
    counts as ``{"count": N}`` whatever the environment says."""
    server = launch.start(
        "geobox",
        tmp_path_factory.mktemp("geobox-big"),
        extra_args=("--catalog-size", "10000", "--big-layer", "20000"),
        env={"GEOBOX_MAX_UPLOAD_MB": "1", "GEOBOX_TASK_SECONDS": "0.2", "GEOBOX_COUNT_SHAPE": "object"},
    )
    yield server
    server.stop()


def test_catalog_of_10000_pages_quickly(big_server: launch.Server) -> None:
    assert get(big_server, "vectorLayers/", params={"return_count": "true"}).json() == {"count": 10004}
    session = requests.Session()
    started = time.perf_counter()
    seen = set()
    for skip in range(0, 10004, 1000):
        page = session.get(
            big_server.url + "vectorLayers/", params={**KEY, "skip": skip, "limit": 1000}, timeout=30
        ).json()
        seen.update(item["uuid"] for item in page)
    assert len(seen) == 10004
    assert time.perf_counter() - started < 10
    started = time.perf_counter()
    page = session.get(
        big_server.url + "vectorLayers/", params={**KEY, "skip": 9994, "limit": 10, "order_by": "name D"}, timeout=10
    ).json()
    assert time.perf_counter() - started < 1.0
    assert [item["name"] for item in page][-1] == "catalog_00001"
    hits = get(big_server, "vectorLayers/", params={"search": "catalog_09999"}).json()
    assert [item["name"] for item in hits] == ["catalog_09999"]
    hits = get(big_server, "vectorLayers/", params={"q": "name LIKE 'catalog_0999%'", "return_count": "true"}).json()
    assert hits == {"count": 10}


def test_big_points_layer(big_server: launch.Server, tmp_path: Path) -> None:
    layer = find(big_server, "vectorLayers", "points")
    assert layer["feature_count"] == 20000 and layer["layer_type"] == "Point"
    started = time.perf_counter()
    page = get(
        big_server, f"vectorLayers/{layer['uuid']}/features/", params={"skip": 19990, "limit": 100, "out_srid": 4326}
    ).json()
    assert time.perf_counter() - started < 2.0
    assert len(page["features"]) == 10 and page["crs"]["properties"]["name"] == "EPSG:4326"
    assert page["features"][-1]["properties"]["label"] == "p20000"
    layers = read_mvt(get(big_server, f"vectorLayers/{layer['uuid']}/tiles/2/2/1.pbf").content, tmp_path)
    assert layers["points"] > 100


def test_oversize_upload_is_refused_early(big_server: launch.Server) -> None:
    reply = requests.post(
        big_server.url + "files/", params=KEY, files={"file": ("big.geojson", b" " * (3 * 1024 * 1024))}, timeout=30
    )
    assert reply.status_code == 413 and "1 MB" in reply.json()["detail"]
    small = requests.post(big_server.url + "files/", params=KEY, files={"file": ("small.txt", b"hello")}, timeout=30)
    assert small.status_code == 200 and small.json()["size"] == 5


def test_big_upload_is_streamed(geobox_server: launch.Server, tmp_path: Path) -> None:
    """256 MiB through multipart, streamed both ways (requests_toolbelt's encoder; the server reads in chunks)."""
    from requests_toolbelt.multipart import encoder as encoder_module  # installed with the geobox SDK: an error if not

    path = tmp_path / "big.txt"
    size = 256 * 1024 * 1024
    with path.open("wb") as handle:
        handle.truncate(size)
    with path.open("rb") as handle:
        encoder = encoder_module.MultipartEncoder(fields={"file": ("big.txt", handle, "text/plain")})
        reply = requests.post(
            geobox_server.url + "files/",
            params=KEY,
            data=encoder,
            headers={"Content-Type": encoder.content_type},
            timeout=120,
        )
    assert reply.status_code == 200, reply.text
    record = reply.json()
    assert record["size"] == size
    tail = get(geobox_server, f"files/{record['uuid']}/download/", headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == b"\0" * 10
    requests.delete(geobox_server.url + f"files/{record['uuid']}/", params=KEY, timeout=10)
