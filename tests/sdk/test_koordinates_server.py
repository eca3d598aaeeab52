"""Smoke tests of the local Koordinates server for what the official SDK does not cover.

Plain ``requests``: ranged and dropped downloads, the 409 cancel body, error shapes, WFS and XYZ tiles through the
``qgis_mapserver`` proxy (key in the path and key in a header), QGIS's own WFS provider reading through the proxy,
and a 10,000-item catalog paged quickly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest
import requests
from servers import launch

TOKEN = "demo-koordinates-token"


@pytest.fixture(autouse=True)
def trust_local_ca(koordinates_server, monkeypatch):
    """requests lets REQUESTS_CA_BUNDLE (set on this machine) override ``Session.verify``: point it at our CA."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(koordinates_server.ca_file))


@pytest.fixture
def api(koordinates_server):
    session = requests.Session()
    session.verify = str(koordinates_server.ca_file)
    session.headers["Authorization"] = f"key {TOKEN}"
    return session


def finished_export(server, api, name="smoke", layer=1, **extra) -> dict:
    """POST an export (GeoPackage, EPSG:4326 unless ``extra`` says otherwise); wait until it stops processing."""
    body = {
        "crs": "EPSG:4326",
        "formats": {"vector": "application/x-ogc-gpkg"},
        "name": name,
        "items": [{"item": f"{server.url}layers/{layer}/"}],
        **extra,
    }
    server.export_timing(0.2)
    reply = api.post(server.url + "exports/", json=body, timeout=30)
    assert reply.status_code == 201, reply.text
    assert reply.headers["Location"] == reply.json()["url"]
    url = reply.headers["Location"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        export = api.get(url, timeout=10).json()
        if export["state"] != "processing":
            return export
        time.sleep(0.1)
    raise AssertionError("export did not finish")


def test_error_shapes(koordinates_server, api):
    url = koordinates_server.url + "layers/1/"
    reply = requests.get(url, verify=str(koordinates_server.ca_file), timeout=10)
    assert reply.status_code == 401 and set(reply.json()) == {"error"}
    reply = requests.get(url, headers={"Authorization": "key nope"}, verify=str(koordinates_server.ca_file), timeout=10)
    assert reply.status_code == 401 and reply.json() == {"error": "Invalid API key."}
    reply = api.get(koordinates_server.url + "layers/999/", timeout=10)
    assert reply.status_code == 404 and reply.json() == {"error": "Not found."}
    reply = api.post(koordinates_server.url + "exports/", json={"formats": {"vector": "text/csv"}}, timeout=10)
    assert reply.status_code == 400 and reply.json() == {"crs": ["This field is required."]}
    koordinates_server.fault(status=409, path="/services/api/v1/layers/")
    reply = api.get(url, timeout=10)
    assert reply.status_code == 409 and reply.json() == {"errors": ["Injected fault 409"]}


def test_paging_headers(koordinates_server, api):
    reply = api.get(koordinates_server.url + "data/", params={"page_size": 2, "sort": "name"}, timeout=10)
    assert reply.headers["X-Resource-Range"] == "1-2/5"
    assert "page-next" in reply.links and "page=2" in reply.links["page-next"]["url"]
    assert "sort=name" in reply.links["page-next"]["url"]
    last = api.get(koordinates_server.url + "data/", params={"page_size": 2, "page": 3}, timeout=10)
    assert last.headers["X-Resource-Range"] == "5-5/5" and "page-next" not in last.links
    assert "data" in api.get(koordinates_server.url + "layers/", headers={"Expand": "list"}, timeout=10).json()[0]


def test_range_download(koordinates_server, api):
    export = finished_export(koordinates_server, api)
    assert export["state"] == "complete"
    whole = api.get(export["download_url"], timeout=30)
    assert whole.status_code == 200 and whole.content[:2] == b"PK"
    assert whole.headers["Content-Disposition"] == 'attachment; filename="smoke.zip"'
    assert whole.headers["Accept-Ranges"] == "bytes"
    first = api.get(export["download_url"], headers={"Range": "bytes=0-99"}, timeout=30)
    assert first.status_code == 206 and first.content == whole.content[:100]
    assert first.headers["Content-Range"] == f"bytes 0-99/{len(whole.content)}"
    rest = api.get(export["download_url"], headers={"Range": "bytes=100-"}, timeout=30)
    assert first.content + rest.content == whole.content


def test_drop_fault_cuts_download(koordinates_server, api):
    export = finished_export(koordinates_server, api, name="dropped")
    path = export["download_url"].split(str(koordinates_server.port), 1)[1]
    full = api.get(export["download_url"], timeout=30)
    koordinates_server.fault(drop_after=1000, path=path)
    try:  # urllib3 2 raises on the short body; urllib3 1.26 (Debian's) returns it short
        cut = api.get(export["download_url"], timeout=30)
        assert cut.headers["Content-Length"] == str(len(full.content)) and len(cut.content) == 1000
    except requests.exceptions.RequestException:
        pass
    # A new connection (the pooled one was cut; urllib3 1.26 would hand it out again).
    again = requests.get(export["download_url"], headers={"Authorization": f"key {TOKEN}"}, timeout=30)
    assert again.content == full.content


def test_cancel_finished_is_409(koordinates_server, api):
    export = finished_export(koordinates_server, api, name="done")
    reply = api.delete(export["url"], timeout=10)
    assert reply.status_code == 409 and reply.json() == {"errors": ["Can't cancel"]}
    koordinates_server.hold_exports()  # still processing when the DELETE comes, however slow the machine
    pending = api.post(
        koordinates_server.url + "exports/",
        timeout=10,
        json={
            "crs": "EPSG:4326",
            "formats": {"vector": "text/csv"},
            "items": [{"item": koordinates_server.url + "layers/3/"}],
        },
    )
    assert koordinates_server.held_exports() == [pending.json()["id"]]
    reply = api.delete(pending.json()["url"], timeout=10)
    assert reply.status_code == 202 and reply.json()["state"] == "cancelled"
    assert api.get(pending.json()["url"] + "download/", timeout=10).status_code == 404


def test_error_export_reports_state_error(koordinates_server, api):
    export = finished_export(koordinates_server, api, name="fail-on-purpose")
    assert export["state"] == "error" and export["download_url"] is None and "fail" in export["error"]


def test_test_only_export_control(koordinates_server, api):
    """Tests hold exports on the server (``/__exports__/...``, no token): processing until released, or gone."""
    server = koordinates_server
    body = {"crs": "EPSG:4326", "formats": {"vector": "text/csv"}, "items": [{"item": server.url + "layers/3/"}]}

    def create() -> str:
        reply = api.post(server.url + "exports/", json=body, timeout=30)
        assert reply.status_code == 201, reply.text
        return reply.json()["url"]

    def finished(url: str) -> dict:
        deadline = time.monotonic() + 60
        while (export := api.get(url, timeout=10).json())["state"] == "processing":
            assert time.monotonic() < deadline, "export did not finish"
            time.sleep(0.05)
        return export

    server.export_timing(0)
    server.hold_exports()
    first, second = create(), create()
    ids = [int(url.rstrip("/").rsplit("/", 1)[1]) for url in (first, second)]
    assert server.held_exports() == ids
    assert api.get(first, timeout=10).json()["state"] == "processing"
    assert server.release_exports(ids[0]) == [ids[0]]
    assert finished(first)["state"] == "complete"
    assert server.held_exports() == [ids[1]] and api.get(second, timeout=10).json()["state"] == "processing"
    server.forget_export(ids[1])  # gone from the platform
    reply = api.get(second, timeout=10)
    assert reply.status_code == 404 and reply.json() == {"error": "Not found."}
    assert api.get(second + "download/", timeout=10).status_code == 404
    third = create()  # still held ...
    assert server.held_exports() == [int(third.rstrip("/").rsplit("/", 1)[1])]
    server.clear_faults()  # ... until a test's clean-up, which lets everything go
    assert server.held_exports() == [] and finished(third)["state"] == "complete"


def _wfs_urls(server) -> list[tuple[str, dict]]:
    """Both key styles: key in the path, or the header on the key-free URL."""
    return [
        (f"{server.root}/services;key={TOKEN}/wfs/", {}),
        (f"{server.root}/services/wfs/", {"Authorization": f"key {TOKEN}"}),
    ]


@pytest.mark.parametrize("style", [0, 1], ids=["key-in-path", "key-in-header"])
def test_wfs_through_proxy(koordinates_server, style):
    url, headers = _wfs_urls(koordinates_server)[style]
    verify = str(koordinates_server.ca_file)
    caps = requests.get(
        url,
        params={"service": "WFS", "request": "GetCapabilities", "version": "2.0.0"},
        headers=headers,
        verify=verify,
        timeout=60,
    )
    assert caps.status_code == 200, caps.text[:300]
    root = ET.fromstring(caps.content)
    names = {el.text for el in root.iter() if el.tag.endswith("}Name") and el.text and el.text.startswith("layer-")}
    assert {"layer-1", "layer-2", "layer-3"} <= names and "layer-4" not in names
    hrefs = {value for el in root.iter() for key, value in el.attrib.items() if key.endswith("href")}
    assert hrefs and all(href.startswith(url) for href in hrefs), hrefs
    features = requests.get(
        url,
        params={
            "service": "WFS",
            "version": "2.0.0",
            "request": "GetFeature",
            "typeNames": "layer-3",
            "outputFormat": "application/json",
        },
        headers=headers,
        verify=verify,
        timeout=60,
    ).json()
    assert len(features["features"]) == 46
    one = requests.get(
        url + "layer-1/",
        params={
            "service": "WFS",
            "version": "2.0.0",
            "request": "GetFeature",
            "count": 5,
            "outputFormat": "application/json",
        },
        headers=headers,
        verify=verify,
        timeout=60,
    ).json()
    assert len(one["features"]) == 5 and one["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_wfs_and_tiles_need_a_key(koordinates_server):
    verify = str(koordinates_server.ca_file)
    params = {"service": "WFS", "request": "GetCapabilities"}
    assert (
        requests.get(f"{koordinates_server.root}/services/wfs/", params=params, verify=verify, timeout=10).status_code
        == 401
    )
    assert (
        requests.get(
            f"{koordinates_server.root}/services;key=wrong/wfs/", params=params, verify=verify, timeout=10
        ).status_code
        == 403
    )
    tile = f"{koordinates_server.root}/services/tiles/v4/layer=1/EPSG:3857/0/0/0.png"
    assert requests.get(tile, headers={"Authorization": "key wrong"}, verify=verify, timeout=10).status_code == 403


@pytest.mark.parametrize("layer", [1, 4])
def test_xyz_tile_is_png(koordinates_server, layer):
    verify = str(koordinates_server.ca_file)
    reply = requests.get(
        f"{koordinates_server.root}/services;key={TOKEN}/tiles/v4/layer={layer}/EPSG:3857/2/3/2.png",
        verify=verify,
        timeout=60,
    )
    assert reply.status_code == 200 and reply.headers["Content-Type"] == "image/png"
    assert reply.content.startswith(b"\x89PNG\r\n\x1a\n") and len(reply.content) > 100
    header = requests.get(
        f"{koordinates_server.root}/services/tiles/v4/layer={layer}/EPSG:3857/0/0/0.png",
        headers={"Authorization": f"key {TOKEN}"},
        verify=verify,
        timeout=60,
    )
    assert header.status_code == 200 and header.content.startswith(b"\x89PNG")


QGIS_WFS_SCRIPT = """
import sys
from qgis.core import QgsApplication, QgsVectorLayer
from qgis.PyQt.QtNetwork import QSslCertificate, QSslConfiguration
app = QgsApplication([], False)
app.initQgis()
conf = QSslConfiguration.defaultConfiguration()
conf.setCaCertificates(conf.caCertificates() + QSslCertificate.fromPath(sys.argv[2]))
QSslConfiguration.setDefaultConfiguration(conf)
layer = QgsVectorLayer("url='" + sys.argv[1] + "' typename='layer-3' version='2.0.0'", "borders", "WFS")
print("RESULT", layer.isValid(), layer.crs().authid(), sum(1 for _ in layer.getFeatures()))
"""


def test_qgis_wfs_provider_reads_through_proxy(koordinates_server, tmp_path):
    assert shutil.which("qgis_mapserver"), "QGIS is not installed: run `make deps`"
    script = tmp_path / "wfs.py"
    script.write_text(QGIS_WFS_SCRIPT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_RUNTIME_DIR=str(tmp_path))
    url = f"{koordinates_server.root}/services;key={TOKEN}/wfs/"
    out = subprocess.run(
        ["/usr/bin/python3", str(script), url, str(koordinates_server.ca_file)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    line = [row for row in out.stdout.splitlines() if row.startswith("RESULT")]
    assert line == ["RESULT True EPSG:4326 46"], out.stdout + out.stderr[-2000:]


def test_big_catalog_pages_quickly(tmp_path, monkeypatch):
    server = launch.start("koordinates", tmp_path, extra_args=("--catalog-size", "10000"))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.ca_file))
    try:
        session = requests.Session()
        session.verify = str(server.ca_file)
        session.headers["Authorization"] = f"key {TOKEN}"
        url = server.url + "data/?page_size=100&sort=name"
        seen: list[int] = []
        timings = []
        while url:
            started = time.perf_counter()
            reply = session.get(url, timeout=10)
            timings.append(time.perf_counter() - started)
            assert reply.status_code == 200
            seen += [item["id"] for item in reply.json()]
            url = reply.links.get("page-next", {}).get("url")
        assert len(seen) == len(set(seen)) == 10005
        assert len(timings) == 101
        timings.sort()
        assert timings[len(timings) // 2] < 0.1, f"median page time {timings[len(timings) // 2]:.3f} s"
        reply = session.get(server.url + "data/", params={"q": "aerial auckland", "kind": "vector"}, timeout=10)
        assert reply.headers["X-Resource-Range"].endswith(
            "/" + str(len([i for i in range(10000) if i % 12 == 0 and i % 5 == 0 and (i // 12) % 10 == 0]))
        )
        assert all("Aerial Auckland" in item["title"] for item in reply.json())
        kinds = {
            item["type"]
            for item in session.get(
                server.url + "data/", params={"page_size": 20, "sort": "-created_at"}, timeout=10
            ).json()
        }
        assert kinds >= {"layer", "table"}
        assert session.get(server.url + "sets/1004/", timeout=10).json()["type"] == "set"
    finally:
        server.stop()


VECTOR_CASES = [
    ("application/x-ogc-gpkg", "disputed-borders/disputed-borders.gpkg"),
    ("application/x-zipped-shp", "disputed-borders/disputed-borders.shp"),
    ("text/csv", "disputed-borders/disputed-borders.csv"),
    ("application/geo+json", "disputed-borders/disputed-borders.geojson"),
    ("application/vnd.google-earth.kml+xml", "disputed-borders/disputed-borders.kml"),
    ("application/x-ogc-mapinfo_file", "disputed-borders/disputed-borders.tab"),
    ("applicaton/x-ogc-filegdb", "disputed-borders/disputed-borders.gdb"),
]


@pytest.mark.parametrize("fmt,member", VECTOR_CASES, ids=[case[0].split("/")[-1] for case in VECTOR_CASES])
def test_every_vector_format_builds(koordinates_server, api, tmp_path, fmt, member):
    export = finished_export(koordinates_server, api, name="fmt", layer=3, formats={"vector": fmt})
    assert export["state"] == "complete", export.get("error")
    archive = tmp_path / "export.zip"
    archive.write_bytes(api.get(export["download_url"], timeout=30).content)
    info = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", f"/vsizip/{archive}/{member}"], capture_output=True, text=True
    ).stdout
    assert "Feature Count: 46" in info, info[-500:]


@pytest.mark.parametrize(
    "fmt,kind,ext",
    [
        ("image/tiff;subtype=geotiff", "raster", "tif"),
        ("image/jpeg", "raster", "jpg"),
        ("application/x-ogc-aaigrid", "grid", "asc"),
        ("application/x-erdas-hfa", "grid", "img"),
    ],
)
def test_raster_formats_build(koordinates_server, api, tmp_path, fmt, kind, ext):
    export = finished_export(
        koordinates_server,
        api,
        name="raster",
        layer=4,
        formats={kind: fmt},
        crs="EPSG:2193",
        extent=f"{koordinates_server.url}exports/croplayers/1/cropfeatures/1/",
    )
    assert export["state"] == "complete", export.get("error")
    archive = tmp_path / "export.zip"
    archive.write_bytes(api.get(export["download_url"], timeout=30).content)
    info = subprocess.run(
        ["gdalinfo", f"/vsizip/{archive}/world-relief/world-relief.{ext}"], capture_output=True, text=True
    ).stdout
    assert "NZGD2000" in info or "New Zealand" in info, info[:500]
