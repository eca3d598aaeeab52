"""Loading, unloading and loading Geodock again leaves exactly one of everything it adds."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from helpers import run_task, wait_until
from qgis.core import QgsApplication, QgsNetworkAccessManager
from qgis.PyQt.QtWidgets import QAction, QToolBar

import geodock
from geodock.ui.main import TOOLBAR_NAME


def _count(qgis_iface, cls, name):
    return len([w for w in qgis_iface.mainWindow().findChildren(cls, name)])


def _providers():
    return [p for p in QgsApplication.processingRegistry().providers() if p.id() == "geodock"]


def test_load_unload_load_leaves_one_of_each(qgis_iface, qgis_app):
    first = geodock.classFactory(qgis_iface)
    first.initGui()
    assert _count(qgis_iface, QToolBar, TOOLBAR_NAME) == 1
    assert _count(qgis_iface, QAction, "GeodockConnectionsAction") == 1
    assert len(_providers()) == 1
    assert first.provider_auth is not None and first.provider_auth.installed

    first.unload()
    QgsApplication.processEvents()
    assert _count(qgis_iface, QToolBar, TOOLBAR_NAME) == 0
    assert _count(qgis_iface, QAction, "GeodockConnectionsAction") == 0
    assert _providers() == []
    assert first.provider_auth is None

    second = geodock.classFactory(qgis_iface)
    second.initGui()
    try:
        assert _count(qgis_iface, QToolBar, TOOLBAR_NAME) == 1
        assert _count(qgis_iface, QAction, "GeodockConnectionsAction") == 1
        assert len(_providers()) == 1
        algorithm_ids = {a.id() for a in _providers()[0].algorithms()}
        assert "geodock:importconnections" in algorithm_ids
    finally:
        second.unload()


def test_startup_makes_no_network_request(qgis_iface):
    seen = []
    manager = QgsNetworkAccessManager.instance()
    manager.requestAboutToBeCreated.connect(seen.append)
    plugin = None
    try:
        start = time.perf_counter()
        plugin = geodock.classFactory(qgis_iface)
        plugin.initGui()
        elapsed = time.perf_counter() - start
        QgsApplication.processEvents()
        assert seen == []
        assert elapsed < 5  # a sanity bound only; `make bench` measures start-up against its 100 ms goal
    finally:
        manager.requestAboutToBeCreated.disconnect(seen.append)
        if plugin is not None:
            plugin.unload()


def test_unload_while_listing_and_watching_then_load_again_resumes(qgis_iface, kx, koordinates_server, tmp_path):
    """QGIS closing (or a plugin reload) in the middle of work: a catalog page on its way and a remote export
    being watched. Nothing reaches Python's error hook, every task ends, and the next load picks the job up
    and downloads its result."""
    from geodock.plugin import settings
    from geodock.plugin.job_model import JobState
    from geodock.plugin.jobs import manager
    from geodock.plugin.platforms.koordinates.exports import KoordinatesExports, export_body

    settings.remove(settings.JOBS)
    errors: list = []
    hook, sys.excepthook = sys.excepthook, lambda *exc: errors.append(exc)
    plugin = geodock.classFactory(qgis_iface)
    try:
        plugin.initGui()
        api = KoordinatesExports(kx)
        body = export_body([api.item_url(3)], "EPSG:4326", {"vector": "application/x-ogc-gpkg"}, name="Reloaded")
        koordinates_server.export_timing(3)
        export = run_task(lambda fb: api.create(body, fb))
        job = export.to_job(kx, str(tmp_path / "out"), add_to_project=False)
        manager().submit(job)
        wait_until(lambda: manager().is_busy(job.id), 10, "the export to be watched")
        plugin.toggle_dock("catalog", True)
        dock = plugin.docks["catalog"]
        koordinates_server.fault(path="/services/api/v1/layers/", hold="page")
        dock.refresh_connections()
        dock.select_connection(kx.name)
        dock.select_kind("layers")
        dock.reload()
        wait_until(lambda: koordinates_server.held("page") == 1, 30, "the page request to reach the server")

        plugin.unload()  # the page and the watcher are on their way
        koordinates_server.release("page")  # the held-back page arrives for a dock that is gone
        wait_until(lambda: not QgsApplication.taskManager().activeTasks(), 30, "every task to end")
        assert errors == []
        saved = json.loads(settings.value(settings.JOBS))
        assert [entry["id"] for entry in saved] == [job.id] and saved[0]["state"] in ("running", "succeeded")

        plugin = geodock.classFactory(qgis_iface)  # the next session
        plugin.initGui()
        again = manager().get(job.id)
        wait_until(lambda: again.download == "done", 60, "the result downloaded after the reload")
        assert again.state == JobState.SUCCEEDED and again.outputs
        assert all(Path(output).is_file() for output in again.outputs)
        assert errors == []
    finally:
        plugin.unload()
        sys.excepthook = hook
        settings.remove(settings.JOBS)


def test_objects_of_a_started_qgis_are_left_out_of_full_collections(qgis_iface):
    import gc

    class Marker:
        pass

    def walked(marker: Marker) -> bool:
        return any(obj is marker for obj in gc.get_objects())

    before = Marker()
    assert gc.get_freeze_count() == 0 and walked(before)
    plugin = geodock.classFactory(qgis_iface)
    plugin.initGui()
    try:
        assert gc.get_freeze_count() > 1000
        assert not walked(before)  # a collection no longer walks it (gc.get_objects lists what they walk)
        assert walked(Marker())  # made after start-up: walked as before
    finally:
        plugin.unload()
    assert gc.get_freeze_count() == 0 and walked(before)
