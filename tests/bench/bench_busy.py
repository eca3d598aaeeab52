"""GUI stalls on a busy machine: the stall measures again while another process keeps one core busy.

:class:`measure.Spinner` spins on one of the machine's cores; meanwhile, five times over, Geodock

* lists a 10,000-item Koordinates catalog in 1,000-item pages, then loads a 100,000-feature Geobox layer
  (``bench_catalog``; measured apart),
* pages through the same catalog in the Catalog dock, as a scrolling user (``bench_browse``),
* watches a 10 s export to its end with the job manager (``bench_exports``, shortened from 60 s),
* watches twenty OGC API processes jobs to their end (``bench_processes``),

and the GUI thread's longest stall of each is taken; the worst of the five runs is reported (goal ≤ 50 ms),
beside the median run. The idle machine's figures are the other modules' lines of the same ``make bench``.

The objects alive at start are frozen out of Python's full collections, as the plugin does when QGIS starts
(:mod:`plugin.collector`). The paging runs twice more, frozen and not, for the longest full collection on any
thread: every full collection holds the GIL, so the GUI thread waits at least that long.
"""

from __future__ import annotations

import gc
import statistics
import time
from typing import Callable

from helpers import StallProbe, run_task, spin, wait_until
from measure import Spinner

from geodock.plugin.collector import freeze_startup_objects, thaw

RUNS = 5
CATALOG_SIZE = 10000
BIG_LAYER = 100000
EXPORT_SECONDS = 10.0
JOBS, JOB_SECONDS = 20, 5


def run(bench) -> None:
    measures: dict[str, Callable[[], float]] = {
        **_catalog(bench),
        "catalog_dock_paging": _paging(bench),
        "export_watched": _export_watch(bench),
        "processes_20_jobs": _processes(bench),
    }
    freeze_startup_objects()
    stalls: dict[str, list[float]] = {name: [] for name in measures}
    collections: dict[str, list[float]] = {"frozen": [], "not_frozen": []}
    paging = _paging(bench)
    with Spinner():
        for _ in range(RUNS):
            for name, measure in measures.items():
                stalls[name].append(measure())
            collections["frozen"].append(_longest_full_collection(paging))
            thaw()
            collections["not_frozen"].append(_longest_full_collection(paging))
            freeze_startup_objects()
    thaw()
    for state, values in collections.items():
        bench.report(f"busy_catalog_dock_paging_longest_full_collection_{state}", max(values), "ms", "ref", 0)
    for name, values in stalls.items():
        print(f"# busy {name}: the longest stall of each run, in order: {', '.join(f'{v:.0f}' for v in values)} ms")
        bench.report(f"busy_{name}_gui_longest_stall_worst_of_{RUNS}", max(values), "ms", "<=", 50)
        bench.report(f"busy_{name}_gui_longest_stall_median", statistics.median(values), "ms", "ref", 0)


_connections: dict[tuple[int, str], object] = {}


def _connection(bench, server, **entry):
    """One Geodock connection per server (importing it again would clash with the first)."""
    key = (id(server), str(entry.get("name", "")))
    if key not in _connections:
        _connections[key] = bench.connection(server, **entry)
    return _connections[key]


def _longest_full_collection(measure: Callable[[], float]) -> float:
    """The longest full (generation 2) cycle collection, on any thread, while ``measure`` runs; ms."""
    longest, started = [0.0], [0.0]

    def timed(phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            longest[0] = max(longest[0], (time.perf_counter() - started[0]) * 1000)

    gc.callbacks.append(timed)
    try:
        measure()
    finally:
        gc.callbacks.remove(timed)
    return longest[0]


def _probed(work: Callable[[], None]) -> float:
    probe = StallProbe()
    probe.start()
    work()
    return probe.stop()


def _catalog(bench) -> dict[str, Callable[[], float]]:
    from servers.launch import GEOBOX_APIKEY

    from geodock.plugin.layers import load_resource
    from geodock.plugin.platforms import adapter_for
    from geodock.plugin.platforms.base import ListQuery

    catalog = adapter_for(_connection(bench, bench.server("koordinates", "--catalog-size", str(CATALOG_SIZE))))
    server = bench.server("geobox", "--big-layer", str(BIG_LAYER))
    geobox = _connection(bench, server, name="Bench busy Geobox", credentials={"apikey": GEOBOX_APIKEY})
    layers = adapter_for(geobox)
    found = bench.task(lambda fb: layers.list_page("vectors", ListQuery(search="points"), None, None, fb))
    resource = bench.task(lambda fb: layers.get_details(found.items[0], fb))
    source = next(s for s in layers.layer_sources(resource) if s.default)

    def everything(feedback) -> int:
        count, token = 0, None
        while True:
            page = catalog.list_page("data", ListQuery(page_size=1000), token, None, feedback)
            count += len(page.items)
            token = page.next
            if token is None:
                return count

    def load(feedback) -> None:
        layer = load_resource(geobox, resource, source, feedback)
        assert layer.isValid() and layer.featureCount() == resource.feature_count

    return {
        "catalog_list_10000_in_1000_item_pages": lambda: _probed(lambda: bench.task(everything)),
        "catalog_load_100000_feature_layer": lambda: _probed(lambda: bench.task(load, timeout=900)),
    }


def _paging(bench) -> Callable[[], float]:
    from bench_browse import BenchWindow
    from qgis.core import QgsApplication

    from geodock.plugin.connections import store
    from geodock.plugin.provider_auth import ProviderAuth
    from geodock.ui.catalog_dock import CatalogDock

    connection = _connection(bench, bench.server("koordinates", "--catalog-size", str(CATALOG_SIZE)))

    def work() -> None:
        provider_auth = ProviderAuth(store())
        provider_auth.install()
        window = BenchWindow()
        dock = CatalogDock(window, window)
        window.setCentralWidget(dock)
        window.show()
        try:
            dock.select_connection(connection.name)
            dock.select_kind("data")
            wait_until(lambda: dock.model.rowCount() > 0, 60, "the first page")
            while dock.model.canFetchMore() or dock.model.loading:
                if not dock.model.loading:
                    dock.model.fetchMore()
                dock.view.scrollToBottom()
                QgsApplication.processEvents()
                time.sleep(0.002)
            assert dock.model.rowCount() >= CATALOG_SIZE
        finally:
            dock.shutdown()
            window.close()
            provider_auth.uninstall()

    return lambda: _probed(work)


def _export_watch(bench) -> Callable[[], float]:
    from geodock.plugin import settings
    from geodock.plugin.jobs import JobManager
    from geodock.plugin.platforms.koordinates.exports import KoordinatesExports, export_body

    server = bench.server("koordinates", "--catalog-size", str(CATALOG_SIZE))
    connection = _connection(bench, server)
    api = KoordinatesExports(connection)

    def work() -> None:
        settings.remove(settings.JOBS)
        manager = JobManager()
        manager.start(None, resume_delay=3600)
        body = export_body([api.item_url(3)], "EPSG:4326", {"vector": "application/x-ogc-gpkg"}, name="busy")
        server.export_timing(EXPORT_SECONDS)
        export = run_task(lambda fb: api.create(body, fb))
        job = export.to_job(connection, "", add_to_project=False)
        job.download = None
        told: list[float] = []
        manager.job_finished.connect(lambda jid: told.append(time.time()))
        try:
            manager.submit(job)
            wait_until(lambda: told, EXPORT_SECONDS + 60, "export end noticed")
        finally:
            manager.stop()
            settings.remove(settings.JOBS)
            spin(0.2)

    return lambda: _probed(work)


def _processes(bench) -> Callable[[], float]:
    from geodock.plugin import settings
    from geodock.plugin.job_model import Job
    from geodock.plugin.jobs import manager as job_manager
    from geodock.plugin.platforms.ogcapi.adapter import OgcProcessesAdapter
    from geodock.plugin.platforms.ogcapi.jobs import KIND, PLATFORM

    connection = _connection(bench, bench.server("wraptile"))
    adapter = OgcProcessesAdapter(connection)

    def work() -> None:
        settings.remove(settings.JOBS)
        manager = job_manager()
        manager.start(None, resume_delay=3600)
        told: set[str] = set()
        on_finished = told.add
        manager.job_finished.connect(on_finished)
        body = {"inputs": {"seconds": JOB_SECONDS}}
        try:
            outcomes = run_task(lambda fb: [adapter.execute("slow_job", body, fb) for _ in range(JOBS)])
            for outcome in outcomes:
                manager.submit(
                    Job(
                        platform=PLATFORM,
                        connection=connection.name,
                        remote_id=outcome.job_id,
                        title=f"slow_job {outcome.job_id}",
                        kind=KIND,
                        state=outcome.status.state,
                        progress=outcome.status.progress,
                        result={"job_url": outcome.job_url, "process": "slow_job"},
                        add_to_project=False,
                    )
                )
            wait_until(lambda: len(told) >= JOBS, JOB_SECONDS * JOBS + 120, "all processes jobs noticed")
        finally:
            manager.job_finished.disconnect(on_finished)
            for job in manager.jobs():
                manager.remove(job.id)
            manager.stop()
            settings.remove(settings.JOBS)

    return lambda: _probed(work)
