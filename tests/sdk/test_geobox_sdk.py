"""The official ``geobox`` SDK (unchanged, pointed at the local server with ``host=``) against the local Geobox server.

Where the SDK and the server disagree, the server is wrong: these tests pin the server to the SDK's contract.
"""

from __future__ import annotations

import subprocess
import uuid
import zipfile
from pathlib import Path
from typing import Iterator

import pytest
import requests
from geobox import GeoboxClient
from geobox.enums import FieldType, FileOutputFormat, LayerType, TaskStatus
from geobox.exception import AuthenticationError, NotFoundError, ValidationError
from osgeo import gdal, ogr
from servers import data, launch


@pytest.fixture
def client(geobox_server: launch.Server) -> GeoboxClient:
    creds = geobox_server.credentials
    return GeoboxClient(host=geobox_server.root, username=creds["username"], password=creds["password"])


@pytest.fixture
def key_client(geobox_server: launch.Server) -> GeoboxClient:
    return GeoboxClient(host=geobox_server.root, apikey=launch.GEOBOX_APIKEY)


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def ogr_summary(path: str) -> tuple[int, str]:
    """(feature count, EPSG code) of the first layer of ``path``, read with ``ogrinfo``."""
    out = subprocess.run(["ogrinfo", "-ro", "-so", "-al", path], check=True, capture_output=True, text=True).stdout
    count = next(int(line.split(":")[1]) for line in out.splitlines() if line.startswith("Feature Count:"))
    ds = ogr.Open(path)
    srs = ds.GetLayer(0).GetSpatialRef()
    srs.AutoIdentifyEPSG()
    return count, srs.GetAuthorityCode(None)


# ------------------------------------------------------------------------------------------------ auth


def test_login_with_password_gives_a_token(client: GeoboxClient) -> None:
    assert client.access_token
    assert client.base_url.endswith("/v1/")
    assert client.get_vectors(limit=1)


def test_apikey_client_lists_layers(key_client: GeoboxClient) -> None:
    names = [layer.name for layer in key_client.get_vectors(limit=100)]
    assert {"countries", "states_provinces", "disputed_borders"} <= set(names)


def test_wrong_password_is_authentication_error(geobox_server: launch.Server) -> None:
    with pytest.raises(AuthenticationError):
        GeoboxClient(host=geobox_server.root, username="demo", password="wrong")


def test_wrong_apikey_is_authentication_error(geobox_server: launch.Server) -> None:
    bad = GeoboxClient(host=geobox_server.root, apikey="not-a-key")
    with pytest.raises(AuthenticationError):
        bad.get_vectors()


# ------------------------------------------------------------------------------------- vector layers


def test_list_search_paging_and_count(client: GeoboxClient) -> None:
    found = client.get_vectors(search="countr")
    assert [layer.name for layer in found] == ["countries"]
    assert found[0].layer_type == LayerType.Polygon
    assert found[0].feature_count == 240
    total = client.get_vectors(return_count=True)
    assert total >= 3
    first = client.get_vectors(skip=0, limit=2, order_by="name A")
    second = client.get_vectors(skip=2, limit=2, order_by="name A")
    assert len(first) == 2 and {l.uuid for l in first}.isdisjoint({l.uuid for l in second})
    names = [l.name for l in client.get_vectors(limit=100, order_by="name A")]
    assert names == sorted(names, key=str.lower)
    assert client.get_vectors(q="name LIKE '%border%'")[0].name == "disputed_borders"


def test_get_by_uuid_name_and_ids(client: GeoboxClient) -> None:
    layer = client.get_vector_by_name("disputed_borders")
    assert layer is not None and layer.layer_type == LayerType.Polyline
    same = client.get_vector(layer.uuid)
    assert same.name == "disputed_borders" and same.id == layer.id
    assert [l.uuid for l in client.get_vectors_by_ids([layer.id])] == [layer.uuid]
    assert client.get_vector_by_name("no_such_layer") is None
    with pytest.raises(NotFoundError):
        client.get_vector("00000000-0000-0000-0000-000000000000")


def test_fields(client: GeoboxClient) -> None:
    layer = client.get_vector_by_name("countries")
    fields = {field.name: field for field in layer.get_fields()}
    assert {"NAME", "iso_a2", "ISO_A3"} <= set(fields)
    assert fields["NAME"].data_type == FieldType.String


def test_features_default_to_web_mercator(client: GeoboxClient) -> None:
    layer = client.get_vector_by_name("countries")
    features = layer.get_features(limit=5)
    assert len(features) == 5
    assert features[0].srid == 3857
    x, y = _first_xy(features[0].coordinates)
    assert abs(x) > 180 or abs(y) > 90  # metres, not degrees
    assert layer.get_features(return_count=True) == 240


def test_features_bbox_and_out_srid(client: GeoboxClient) -> None:
    layer = client.get_vector_by_name("countries")
    # Around Paris, in degrees: France, and its neighbours only if the box reaches them.
    features = layer.get_features(bbox=[2.2, 48.8, 2.4, 48.9], bbox_srid=4326, out_srid=4326)
    assert [f.properties["NAME"] for f in features] == ["France"]
    assert features[0].srid == 4326
    x, y = _first_xy(features[0].coordinates)
    assert -180 <= x <= 180 and -90 <= y <= 90
    # The same box in EPSG:3857 (the default bbox_srid).
    merc = layer.get_features(bbox=[244_900, 6_242_500, 267_200, 6_259_400], out_srid=4326)
    assert [f.properties["NAME"] for f in merc] == ["France"]
    # select_fields / skip_geometry
    raw = layer.get_features(geojson=True, select_fields="NAME", skip_geometry=True, limit=3)
    assert raw["features"][0]["geometry"] is None and set(raw["features"][0]["properties"]) == {"NAME"}


def test_features_order_and_paging(client: GeoboxClient) -> None:
    layer = client.get_vector_by_name("countries")
    named = "NAME IS NOT NULL"
    every = sorted(
        (f.properties["NAME"] for f in layer.get_features(limit=300, skip_geometry=True, q=named)), reverse=True
    )
    page = layer.get_features(order_by="NAME D", skip=5, limit=5, out_srid=4326, q=named)
    assert [f.properties["NAME"] for f in page] == every[5:10]
    assert page[0].srid == 4326 and page[0].id
    filtered = layer.get_features(order_by="NAME A", q="NAME LIKE 'C%'", limit=3)
    assert [f.properties["NAME"] for f in filtered] == sorted(n for n in every if n.startswith("C"))[:3]
    with pytest.raises(ValidationError):
        layer.get_features(order_by="no_such_field D")


def test_feature_by_id(client: GeoboxClient) -> None:
    layer = client.get_vector_by_name("countries")
    first = layer.get_features(limit=1)[0]
    again = layer.get_feature(first.id)
    assert again.id == first.id and again.properties["NAME"] == first.properties["NAME"]


def test_views(client: GeoboxClient) -> None:
    views = client.get_views()
    assert {"countries_a", "countries_large"} <= {v.name for v in views}
    view = client.get_view_by_name("countries_a")
    assert view.vector_layer.name == "countries"
    names = [f.properties["NAME"] for f in view.get_features(limit=100, out_srid=4326)]
    assert names and all(name.startswith("A") for name in names)
    assert view.get_features(return_count=True) == len(names)
    assert client.get_view(view.uuid).name == "countries_a"


def test_a_name_may_be_used_twice(client: GeoboxClient) -> None:
    """Neither the contract nor the SDK has a unique-name rule (a layer is its uuid): no invented 409."""
    name = unique("twice")
    first = client.create_vector(name, LayerType.Point)
    second = client.create_vector(name, LayerType.Point)
    assert first.uuid != second.uuid
    assert sorted(layer.uuid for layer in client.get_vectors(q=f"name = '{name}'")) == sorted([first.uuid, second.uuid])


@pytest.fixture(scope="module")
def bare_count_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[launch.Server]:
    """A server answering ``return_count=true`` with a bare integer (``GEOBOX_COUNT_SHAPE=integer``)."""
    server = launch.start("geobox", tmp_path_factory.mktemp("geobox-bare-count"), env={"GEOBOX_COUNT_SHAPE": "integer"})
    yield server
    server.stop()


def test_bare_integer_counts_are_read_by_the_sdk(bare_count_server: launch.Server) -> None:
    """The contract allows ``{"count": N}`` or a bare ``N``; the SDK reads both (``Base._get_count``)."""
    reply = requests.get(
        bare_count_server.url + "vectorLayers/",
        params={"apikey": launch.GEOBOX_APIKEY, "return_count": "true"},
        timeout=10,
    )
    assert reply.status_code == 200 and type(reply.json()) is int
    bare = GeoboxClient(host=bare_count_server.root, apikey=launch.GEOBOX_APIKEY)
    assert bare.get_vectors(return_count=True) == len(bare.get_vectors(limit=1000)) == reply.json()
    countries = bare.get_vectors(search="countries")[0]
    assert countries.get_features(return_count=True) == 240
    assert countries.get_features(q="NAME LIKE 'B%'", return_count=True) == len(
        countries.get_features(q="NAME LIKE 'B%'", limit=100)
    )


def test_create_layer_and_edit_features(client: GeoboxClient) -> None:
    layer = client.create_vector(unique("places"), LayerType.Point, fields=[{"name": "label", "datatype": "String"}])
    assert layer.uuid and layer.layer_type == LayerType.Point
    assert [f.name for f in layer.get_fields()] == ["label"]
    created = layer.create_feature(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [2.35, 48.85]},
            "properties": {"label": "Paris"},
        },
        srid=4326,
    )
    assert created.id
    merc = layer.create_feature(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [1_000_000, 2_000_000]},
            "properties": {"label": "Somewhere"},
        }
    )
    assert layer.get_features(return_count=True) == 2
    back = layer.get_features(out_srid=4326, q="label = 'Paris'")
    assert back[0].properties["label"] == "Paris"
    assert back[0].coordinates == pytest.approx([2.35, 48.85], abs=1e-6)
    merc.update(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [1_000_000, 2_000_000]},
            "properties": {"label": "Moved"},
        }
    )
    assert layer.get_features(q="label = 'Moved'", return_count=True) == 1
    merc.delete()
    assert layer.get_features(return_count=True) == 1
    assert client.get_vector(layer.uuid).feature_count == 1


# -------------------------------------------------------------------------------- files and tasks


@pytest.fixture
def borders_gpkg(tmp_path: Path) -> Path:
    path = tmp_path / "borders.gpkg"
    subprocess.run(
        ["ogr2ogr", "-f", "GPKG", str(path), str(data.WORLD_MAP), "disputed_borders", "-nln", "borders"],
        check=True,
        capture_output=True,
    )
    return path


def test_upload_publish_and_list(client: GeoboxClient, borders_gpkg: Path) -> None:
    uploaded = client.upload_file(str(borders_gpkg))
    assert uploaded.name == "borders.gpkg" and uploaded.file_type.value == "GPKG"
    assert uploaded.layers[0]["layer"] == "borders"
    assert client.get_file(uploaded.uuid).size == borders_gpkg.stat().st_size
    name = unique("uploaded_borders")
    task = uploaded.publish(name)
    assert task.wait(timeout=60, interval=0.3, progress_bar=False) == TaskStatus.SUCCESS
    layer = task.output_asset
    assert layer.name == name and layer.feature_count == 46 and layer.layer_type == LayerType.Polyline
    assert [l.uuid for l in client.get_vectors(search=name)] == [layer.uuid]
    assert layer.get_features(return_count=True) == 46
    assert task.uuid in {t.uuid for t in client.get_tasks(state=TaskStatus.SUCCESS, limit=100)}
    assert client.get_task(task.uuid).data["result"]["layer_uuid"] == layer.uuid


@pytest.mark.parametrize("kind", ["shapefile-zip", "geojson"])
def test_publish_shapefile_zip_and_geojson(client: GeoboxClient, tmp_path: Path, kind: str) -> None:
    """A zipped Shapefile (a ``Complex`` file whose first layer is a Shapefile) and a GeoJSON publish alike."""
    if kind == "geojson":
        path = tmp_path / "borders.geojson"
        subprocess.run(
            ["ogr2ogr", "-f", "GeoJSON", str(path), str(data.WORLD_MAP), "disputed_borders"],
            check=True,
            capture_output=True,
        )
    else:
        folder = tmp_path / "shp"
        subprocess.run(
            [
                "ogr2ogr",
                "-f",
                "ESRI Shapefile",
                str(folder),
                str(data.WORLD_MAP),
                "disputed_borders",
                "-nln",
                "borders",
            ],
            check=True,
            capture_output=True,
        )
        path = tmp_path / "borders.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for member in folder.iterdir():
                archive.write(member, f"data/{member.name}")
    uploaded = client.upload_file(str(path))
    assert uploaded.layers and uploaded.layers[0]["format"] == ("GeoJSON" if kind == "geojson" else "Shapefile")
    task = uploaded.publish(unique(kind.replace("-", "_")))
    assert task.wait(timeout=60, interval=0.3, progress_bar=False) == TaskStatus.SUCCESS
    layer = task.output_asset
    assert layer.feature_count == 46
    features = layer.get_features(out_srid=4326, limit=1)
    assert features[0].srid == 4326 and features[0].feature_type.value == "MultiLineString"


def test_publish_failure_ends_in_failure(client: GeoboxClient, borders_gpkg: Path) -> None:
    uploaded = client.upload_file(str(borders_gpkg))
    task = uploaded.publish(unique("never"), input_layer="no_such_layer")
    assert task.wait(timeout=60, interval=0.3, progress_bar=False) == TaskStatus.FAILURE
    assert "no_such_layer" in task.errors["detail"]["msg"]


def test_export_download_and_read(client: GeoboxClient, tmp_path: Path) -> None:
    layer = client.get_vector_by_name("countries")
    task = layer.export_features(
        out_filename="countries_export", out_format=FileOutputFormat.GPKG, out_srid=4326, zipped=False
    )
    seen = set()
    while True:
        state = task.status
        seen.add(state)
        if state in (TaskStatus.SUCCESS, TaskStatus.FAILURE, TaskStatus.ABORTED):
            break
        progress = task.progress
        assert progress is None or 0 <= progress <= 100
        import time

        time.sleep(0.2)
    assert state == TaskStatus.SUCCESS and TaskStatus.PROGRESS in seen
    exported = task.output_asset
    assert exported.name == "countries_export.gpkg"
    path = exported.download(save_path=str(tmp_path) + "/", progress_bar=False)
    assert Path(path).name == "countries_export.gpkg"
    assert ogr_summary(path) == (240, "4326")


def test_export_filtered_zipped_shapefile(client: GeoboxClient, tmp_path: Path) -> None:
    layer = client.get_vector_by_name("countries")
    task = layer.export_features(out_filename="b_countries", out_format=FileOutputFormat.Shapefile, q="NAME LIKE 'B%'")
    assert task.wait(timeout=60, interval=0.3, progress_bar=False) == TaskStatus.SUCCESS
    path = task.output_asset.download(save_path=str(tmp_path) + "/", progress_bar=False)
    assert path.endswith(".zip")
    expected = layer.get_features(q="NAME LIKE 'B%'", return_count=True)
    assert expected > 5
    assert ogr_summary(f"/vsizip/{path}/b_countries.shp") == (expected, "3857")


def test_bad_export_request_is_rejected(client: GeoboxClient) -> None:
    layer = client.get_vector_by_name("countries")
    with pytest.raises(ValidationError):
        client.post(f"{layer.endpoint}export/", {"out_format": "XYZ"}, is_json=False)
    with pytest.raises(ValidationError):
        layer.export_features(out_filename="x", out_format=FileOutputFormat.GeoJSON, q="no_such_field = 1")


def test_abort_running_task(client: GeoboxClient) -> None:
    layer = client.get_vector_by_name("states_provinces")
    task = layer.export_features(out_filename="states", out_format=FileOutputFormat.GeoJSON)
    task.abort()
    assert task.status == TaskStatus.ABORTED
    assert task.uuid in {t.uuid for t in client.get_tasks(state=TaskStatus.ABORTED, limit=100)}
    assert client.get_tasks(return_count=True) >= 1


# ------------------------------------------------------------------------------- rasters, tilesets


def test_rasters(client: GeoboxClient, tmp_path: Path) -> None:
    rasters = client.get_rasters()
    assert [r.name for r in rasters] == ["relief"]
    raster = client.get_raster(rasters[0].uuid)
    assert raster.width == 720 and raster.height == 360
    assert raster.info["size"] == [720, 360]
    stats = raster.get_statistics()
    assert 0 < stats["b1"]["min"] <= stats["b1"]["max"] <= 255
    tilejson = raster.get_tile_json()
    assert tilejson["tiles"][0].endswith("{z}/{x}/{y}.png")
    path = raster.download(save_path=str(tmp_path) + "/", progress_bar=False)
    ds = gdal.Open(path)
    assert (ds.RasterXSize, ds.RasterYSize) == (720, 360)


def test_tilesets(client: GeoboxClient) -> None:
    tilesets = {t.name: t for t in client.get_tilesets()}
    assert {"world", "provinces"} <= set(tilesets)
    world = client.get_tileset(tilesets["world"].uuid)
    assert {l.name for l in world.get_layers()} == {"countries", "disputed_borders"}
    assert world.get_tile_json()["vector_layers"]
    assert "tiles/{z}/{x}/{y}.pbf" in world.get_tile_pbf_url()


def _first_xy(coordinates: list) -> tuple[float, float]:
    while isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    return coordinates[0], coordinates[1]


# ------------------------------------------------------------------------------ the SDK's aiohttp client


def test_async_client(geobox_server: launch.Server, borders_gpkg: Path) -> None:
    """``geobox.aio.AsyncGeoboxClient`` shares the contract: login, lists, features, upload + publish, tasks."""
    import asyncio

    from geobox.aio import AsyncGeoboxClient

    async def scenario() -> None:
        creds = geobox_server.credentials
        async with AsyncGeoboxClient(
            host=geobox_server.root, username=creds["username"], password=creds["password"]
        ) as client:
            assert client.access_token
            layers = await client.get_vectors(search="countries")
            assert [layer.name for layer in layers] == ["countries"]
            features = await layers[0].get_features(limit=3, out_srid=4326)
            assert len(features) == 3 and features[0].srid == 4326
            assert await client.get_vectors(return_count=True) >= 3
            uploaded = await client.upload_file(str(borders_gpkg))
            task = await uploaded.publish(unique("async_borders"))
            assert await task.wait(timeout=60, interval=0.3, progress_bar=False) == TaskStatus.SUCCESS
            layer = await task.output_asset
            assert layer.feature_count == 46

    async def bad_login() -> None:
        async with AsyncGeoboxClient(host=geobox_server.root, username="demo", password="bad"):
            pass

    asyncio.run(scenario())
    with pytest.raises(AuthenticationError):
        asyncio.run(bad_login())
