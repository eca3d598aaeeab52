"""Loading, unloading and loading Geodock again leaves exactly one of everything it adds."""

from __future__ import annotations

import time

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
    manager.requestAboutToBeCreated.connect(lambda request: seen.append(request))
    start = time.perf_counter()
    plugin = geodock.classFactory(qgis_iface)
    plugin.initGui()
    elapsed = time.perf_counter() - start
    QgsApplication.processEvents()
    try:
        assert seen == []
        assert elapsed < 5  # a sanity bound only; `make bench` measures start-up against its 100 ms goal
    finally:
        plugin.unload()
