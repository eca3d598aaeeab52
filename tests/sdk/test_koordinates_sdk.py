"""The local Koordinates server, driven by the official ``koordinates`` SDK (0.7.1) unchanged but for the host.

If the SDK and the server disagree, the server is wrong. The SDK hard-codes ``https``; the server's self-signed
certificate is trusted through ``REQUESTS_CA_BUNDLE``. Expected numbers come from the data itself (ogr).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from pathlib import Path

import koordinates
import pytest
from koordinates import exceptions
from osgeo import ogr
from servers import data

ogr.UseExceptions()


@pytest.fixture
def client(koordinates_server, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(koordinates_server.ca_file))
    return koordinates.Client(
        host=f"127.0.0.1:{koordinates_server.port}", token=koordinates_server.credentials["token"]
    )


@pytest.fixture
def world(koordinates_server) -> Path:
    """The server's own copy of world.gpkg (data folder as launch.py lays it out)."""
    return Path(koordinates_server.log).parent.parent / "data" / "koordinates" / "world.gpkg"


def wait_done(export, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    progress = []
    while export.state == "processing" and time.monotonic() < deadline:
        progress.append(export.progress)
        time.sleep(0.25)
        export.refresh()
    assert export.state != "processing", "export did not finish"
    return progress


def ogrinfo(path: str) -> str:
    return subprocess.run(["ogrinfo", "-ro", "-al", "-so", path], check=True, capture_output=True, text=True).stdout


def test_layers_list_and_get(client, world):
    layers = list(client.layers.list())
    ids = {layer.id for layer in layers}
    assert {1, 2, 3, 4, 5} <= ids  # /layers/ lists tables too (the SDK's Table is a Layer)
    countries = client.layers.get(1)
    assert countries.title == "World Countries" and countries.kind == "vector" and countries.type == "layer"
    assert countries.data.crs == "EPSG:4326"
    assert countries.data.feature_count == data.feature_count(world, "countries") == 240
    assert countries.data.geometry_type == "multipolygon"
    assert countries.data.extent["type"] == "MultiPolygon"
    assert {f["name"] for f in countries.data.fields} >= {"iso_a2", "NAME"}
    assert countries.license.title.startswith("Creative Commons") and countries.license.type == "cc-by"
    assert countries.version.status == "ok"
    assert isinstance(countries.published_at, dt.datetime) and isinstance(countries.created_at, dt.datetime)
    assert "<script>" in countries.description_html and "<img" in countries.description_html
    assert countries.url == f"https://127.0.0.1:{client.host.split(':')[1]}/services/api/v1/layers/1/"
    assert client.layers.get(2).data.feature_count == data.feature_count(world, "states_provinces")
    relief = client.layers.get(4)
    assert relief.kind == "raster" and relief.data.crs == "EPSG:4326"
    published = client.layers.get_published(1)
    assert published.id == 1 and published.version.id == countries.version.id
    assert [v.version.id for v in client.layers.list_versions(1)] == [countries.version.id]
    assert client.layers.get_version(1, countries.version.id).title == "World Countries"


def test_thumbnail_is_a_png(client, koordinates_server):
    import requests

    url = client.layers.get(1).thumbnail_url
    reply = requests.get(url, verify=str(koordinates_server.ca_file), timeout=10)
    assert reply.status_code == 200 and reply.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_filter_and_sort(client):
    assert [layer.id for layer in client.layers.filter(kind="raster")] == [4]
    assert {layer.id for layer in client.layers.filter(kind="vector")} >= {1, 2, 3}
    assert {layer.id for layer in client.layers.filter(q="world")} == {1, 4}
    names = [layer.title for layer in client.layers.order_by("name")]
    assert names == sorted(names, key=str.lower)
    assert [layer.title for layer in client.layers.order_by("-name")] == names[::-1]
    created = [layer.created_at for layer in client.layers.order_by("created_at")]
    assert created == sorted(created)
    assert [layer.id for layer in client.layers.filter(created_at__gte="2020-01-25")] and all(
        layer.created_at >= dt.datetime(2020, 1, 25, tzinfo=dt.timezone.utc)
        for layer in client.layers.filter(created_at__gte="2020-01-25")
    )


def test_catalog_pages(client):
    query = client.catalog.list().extra(page_size=2)
    assert len(query) == 5  # X-Resource-Range total, 3 pages of 2
    items = list(client.catalog.list().extra(page_size=2))
    assert len(items) == 5
    kinds = {type(item).__name__ for item in items}
    assert kinds == {"Layer"}  # the SDK's Table is its Layer
    assert sorted(item.id for item in items) == [1, 2, 3, 4, 5]
    assert {item.id for item in client.catalog.list_latest().filter(kind="table")} == {5}
    assert [item.id for item in client.catalog.list().order_by("-popularity")[:2]] == [1, 2]


def test_tables(client):
    assert [table.id for table in client.tables.filter(kind="table")] == [5]
    table = client.tables.get(5)
    assert table.kind == "table" and table.data.geometry_type is None and table.data.feature_count == 240
    assert table.url.endswith("/services/api/v1/tables/5/")
    table.refresh()  # GET /tables/5/
    assert table.title == "Country Codes"
    with pytest.raises(exceptions.NotFound):
        client.tables.get(999)


def test_formats(client):
    formats = client.exports.get_formats()
    assert {
        "application/x-zipped-shp",
        "application/x-ogc-gpkg",
        "text/csv",
        "application/geo+json",
        "application/vnd.google-earth.kml+xml",
    } <= set(formats["vector"])
    assert "text/csv" in formats["table"]
    assert "image/tiff;subtype=geotiff" in formats["raster"] and "application/x-ogc-aaigrid" in formats["grid"]


def test_crop_layers(client):
    croplayers = list(client.exports.croplayers.list())
    assert [cl.name for cl in croplayers] == ["Regions", "Country Groups"]
    regions = client.exports.croplayers.get(1)
    assert regions.extent["type"] == "MultiPolygon"
    features = list(regions.list_features())
    assert "New Zealand" in [feature.name for feature in features]
    nz = regions.get_feature(1)
    assert nz.name == "New Zealand" and nz.geometry["type"] == "MultiPolygon"
    scandinavia = client.exports.croplayers.get_feature(2, 2)
    assert scandinavia.name == "Scandinavia" and scandinavia.geometry["type"] == "MultiPolygon"


def test_export_shapefile_reprojected(client, tmp_path, world):
    export = koordinates.Export()
    export.crs = "EPSG:2193"
    export.name = "borders-nztm"
    export.set_formats(vector="application/x-zipped-shp")
    export.add_item(client.layers.get(3))
    export = client.exports.create(export)
    assert export.state == "processing" and export.download_url is None
    progress = wait_done(export)
    assert export.state == "complete" and export.progress == 1.0
    assert progress == sorted(p for p in progress if p is not None)
    assert export in list(client.exports.list())
    name = export.download(str(tmp_path))
    info = ogrinfo(f"/vsizip/{tmp_path / name}/disputed-borders/disputed-borders.shp")
    assert f"Feature Count: {data.feature_count(world, 'disputed_borders')}" in info
    assert "NZGD2000 / New Zealand Transverse Mercator 2000" in info


def test_export_cropped_to_crop_feature(client, tmp_path, world):
    iberia = client.exports.croplayers.get_feature(2, 3)
    export = koordinates.Export(crs="EPSG:4326", name="iberia", extent=iberia)
    export.set_formats(vector="application/x-ogc-gpkg", table="text/csv")
    export.add_item(client.layers.get(1))
    export.add_item(client.tables.get(5))
    export = client.exports.create(export)
    wait_done(export)
    assert export.state == "complete"
    target = tmp_path / "iberia.zip"
    export.download(str(target))
    info = ogrinfo(f"/vsizip/{target}/world-countries/world-countries.gpkg")
    count = int(info.split("Feature Count: ")[1].split()[0])
    assert 2 <= count < 240  # Spain, Portugal (and neighbours touching the cut)
    names = subprocess.run(
        [
            "ogrinfo",
            "-ro",
            "-q",
            f"/vsizip/{target}/world-countries/world-countries.gpkg",
            "-sql",
            'SELECT NAME FROM "world-countries"',
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Spain" in names and "Portugal" in names and "Japan" not in names
    csv_info = ogrinfo(f"/vsizip/{target}/country-codes/country-codes.csv")
    assert (
        f"Feature Count: {data.feature_count(Path(str(world).replace('world.gpkg', 'tables.gpkg')), 'country_codes')}"
        in csv_info
    )


def test_export_raster_geotiff(client, tmp_path):
    export = koordinates.Export(crs="EPSG:3857", name="relief")
    export.set_formats(raster="image/tiff;subtype=geotiff")
    export.add_item(client.layers.get(4))
    export.extent = {"type": "Polygon", "coordinates": [[[160, -50], [180, -50], [180, -30], [160, -30], [160, -50]]]}
    export = client.exports.create(export)
    wait_done(export)
    assert export.state == "complete"
    export.download(str(tmp_path / "relief.zip"))
    info = subprocess.run(
        ["gdalinfo", f"/vsizip/{tmp_path / 'relief.zip'}/world-relief/world-relief.tif"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Pseudo-Mercator" in info


def test_validate(client):
    export = koordinates.Export(crs="EPSG:2193")
    export.set_formats(vector="application/x-zipped-shp")
    export.add_item(client.layers.get(3))
    result = client.exports.validate(export)
    assert result.is_valid and result.items[0]["is_valid"] and result.size_estimate_zipped > 0
    assert result.items[0]["license"]["type"] == "cc-by"
    # Disputed borders lie between 89 W and 149 E, 24 S and 49 N: the South Pacific box misses them.
    export.extent = client.exports.croplayers.get_feature(1, 4)
    result = client.exports.validate(export)
    assert not result.is_valid
    assert result.get_reasons() == {client.layers.get(3).url: ["outside-extent"]}
    bad = koordinates.Export(crs="EPSG:4326", items=[{"item": client.layers.get(1).url.replace("/1/", "/999/")}])
    bad.set_formats(vector="text/csv")
    reasons = client.exports.validate(bad).get_reasons()
    assert list(reasons.values()) == [["not-found"]]
    no_format = koordinates.Export(crs="EPSG:4326")
    no_format.set_formats(raster="image/jpeg")
    no_format.add_item(client.layers.get(1))
    assert list(client.exports.validate(no_format).get_reasons().values()) == [["no-format"]]


def test_cancel(client):
    export = koordinates.Export(crs="EPSG:4326", name="to-cancel")
    export.set_formats(vector="application/x-ogc-gpkg")
    export.add_item(client.layers.get(2))
    export = client.exports.create(export)
    cancelled = client.exports.cancel(export.id)
    assert cancelled.state == "cancelled"
    export.refresh()
    assert export.state == "cancelled" and export.download_url is None
    with pytest.raises(exceptions.Conflict):
        client.exports.cancel(export.id)


def test_export_error_state(client):
    export = koordinates.Export(crs="EPSG:4326", name="please-fail")
    export.set_formats(vector="application/x-ogc-gpkg")
    export.add_item(client.layers.get(3))
    export = client.exports.create(export)
    wait_done(export)
    assert export.state == "error"
    impossible = koordinates.Export(crs="EPSG:999999", name="bad-crs")
    impossible.set_formats(vector="application/x-ogc-gpkg")
    impossible.add_item(client.layers.get(3))
    impossible = client.exports.create(impossible)
    wait_done(impossible)
    assert impossible.state == "error"
    with pytest.raises(koordinates.exports.DownloadError):
        impossible.download("/tmp/never.zip")


def test_create_rejects_bad_body(client):
    export = koordinates.Export(crs="EPSG:4326")
    export.add_item(client.layers.get(1))
    with pytest.raises(exceptions.BadRequest) as info:
        client.exports.create(export)  # no formats
    assert "formats" in str(info.value)


def test_wrong_token(koordinates_server, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(koordinates_server.ca_file))
    bad = koordinates.Client(host=f"127.0.0.1:{koordinates_server.port}", token="wrong-token")
    with pytest.raises(exceptions.AuthenticationError) as info:
        bad.layers.get(1)
    assert info.value.response.json() == {"error": "Invalid API key."}
    with pytest.raises(exceptions.AuthenticationError):
        list(bad.catalog.list())


def test_faults_reach_the_sdk(client, koordinates_server):
    koordinates_server.fault(status=503, path="/services/api/v1/layers/")
    with pytest.raises(exceptions.ServiceUnvailable):  # sic, the SDK's spelling
        client.layers.get(1)
    koordinates_server.fault(status=429, retry_after=2)
    with pytest.raises(exceptions.RateLimitExceeded) as info:
        client.layers.get(1)
    assert info.value.response.json() == {"error": "Injected fault 429"}
    assert info.value.response.headers["Retry-After"] == "2"
    assert client.layers.get(1).id == 1
