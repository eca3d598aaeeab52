"""Catalog listing and big-layer loading: Geodock's adapters beside the official SDK and QGIS's own provider.

* a 10,000-item Koordinates catalog: time to the first page, and to page through everything, with the
  ``koordinates`` SDK listing the same ``/data/`` catalog in the same run (a subprocess, timed inside it);
* a 100,000-feature Geobox layer: Geodock's fetch to a valid rendered layer, beside QGIS's OGR GeoJSON reader
  opening the same ``features/`` URL (one request for all features);
* the GUI thread's longest stall throughout (everything runs in QgsTasks while the event loop turns).
"""

from __future__ import annotations

import os
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from helpers import StallProbe, wait_until
from qgis.core import QgsMapRendererParallelJob, QgsMapSettings, QgsVectorLayer
from qgis.PyQt.QtCore import QSize
from servers.launch import GEOBOX_APIKEY

from geodock.plugin.layers import load_resource
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.base import ListQuery

ROOT = Path(__file__).resolve().parents[2]
SDK_LISTING = """
import sys, time, koordinates
client = koordinates.Client(host=sys.argv[1], token=sys.argv[2])
start = time.perf_counter()
count = sum(1 for _ in client.catalog.list())
print(count, time.perf_counter() - start)
"""


def _render(layer: QgsVectorLayer) -> None:
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(layer.extent())
    settings.setOutputSize(QSize(512, 512))
    job = QgsMapRendererParallelJob(settings)  # renders off the GUI thread, which keeps turning meanwhile
    job.start()
    wait_until(lambda: not job.isActive(), 600, "rendering")


PROBE = StallProbe()


@contextmanager
def _probe_paused():
    """The bench's own blocking set-up is not Geodock's stall: starting a server (generating its data), setting
    the throw-away profile's auth DB master password and importing the connection, the SDK subprocess."""
    PROBE.stop()
    try:
        yield
    finally:
        PROBE.start()


def run(bench) -> None:
    # The GUI-thread probe runs while Geodock works; it is paused while the reference (QGIS's OGR provider
    # reading the whole GeoJSON answer, which holds Python's GIL inside one long C++ call) runs.
    PROBE.start()
    catalog(bench)
    big_layer(bench)
    bench.report("catalog: GUI thread longest stall while Geodock lists and loads", PROBE.longest_ms, "ms", "<=", 50)


def catalog(bench) -> None:
    with _probe_paused():
        server = bench.server("koordinates", "--catalog-size", "10000")
        adapter = adapter_for(bench.connection(server))

    def first_page(feedback):
        start = time.perf_counter()
        page = adapter.list_page("data", ListQuery(page_size=50), None, None, feedback)
        return time.perf_counter() - start, page.total

    bench.task(first_page)  # warm the connection (TLS handshake) and the server's page cache alike
    seconds, total = bench.task(first_page)
    bench.report("catalog: first page (50 of 10,000)", seconds * 1000, "ms", "<=", 300)

    def everything(feedback):
        start = time.perf_counter()
        count, token = 0, None
        while True:
            page = adapter.list_page("data", ListQuery(page_size=1000), token, None, feedback)
            count += len(page.items)
            token = page.next
            if token is None:
                return time.perf_counter() - start, count

    geodock_seconds, count = bench.task(everything)
    env = dict(os.environ, REQUESTS_CA_BUNDLE=str(server.ca_file))
    host = server.root.split("://", 1)[1]
    with _probe_paused():
        out = subprocess.run(
            [str(ROOT / ".venv-servers" / "bin" / "python"), "-c", SDK_LISTING, host, server.credentials["token"]],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    sdk_count, sdk_seconds = int(out[0]), float(out[1])
    assert count == sdk_count == total, (count, sdk_count, total)
    bench.report(f"catalog: Geodock lists all {count} items", geodock_seconds, "s", "<=", round(sdk_seconds, 3))
    bench.report(f"catalog: koordinates SDK lists all {sdk_count} items", sdk_seconds, "s", "ref", 0)


def big_layer(bench) -> None:
    with _probe_paused():
        server = bench.server("geobox", "--big-layer", "100000")
        connection = bench.connection(server)
    adapter = adapter_for(connection)
    found = bench.task(lambda fb: adapter.list_page("vectors", ListQuery(search="points"), None, None, fb))
    resource = bench.task(lambda fb: adapter.get_details(found.items[0], fb))
    source = next(s for s in adapter.layer_sources(resource) if s.default)

    def geodock(feedback):
        start = time.perf_counter()
        layer = load_resource(connection, resource, source, feedback)
        assert layer.isValid() and layer.featureCount() == resource.feature_count, layer.featureCount()
        return time.perf_counter() - start, layer

    geodock_seconds, layer = bench.task(geodock, timeout=900)
    start = time.perf_counter()
    _render(layer)
    geodock_seconds += time.perf_counter() - start

    # QGIS alone: OGR's GeoJSON reader on the same endpoint, all features in one answer (the key in the URL
    # is only for this reference measurement; Geodock never puts it there).
    url = (
        f"{server.url}vectorLayers/{resource.id}/features/?f=json&out_srid=4326&skip=0"
        f"&limit={resource.feature_count}&apikey={GEOBOX_APIKEY}"
    )

    PROBE.stop()

    def native(feedback):
        start = time.perf_counter()
        native_layer = QgsVectorLayer(url, "native", "ogr")
        assert native_layer.isValid() and native_layer.featureCount() == resource.feature_count
        return time.perf_counter() - start, native_layer

    native_seconds, native_layer = bench.task(native, timeout=900)
    start = time.perf_counter()
    _render(native_layer)
    native_seconds += time.perf_counter() - start
    bench.report(
        f"big layer: Geodock fetch + render {resource.feature_count} features",
        geodock_seconds,
        "s",
        "<=",
        round(1.5 * native_seconds, 3),
    )
    bench.report("big layer: QGIS OGR GeoJSON from the URL + render (reference)", native_seconds, "s", "ref", 0)
