"""Browsing through the Catalog dock: first page shown, paging through 10,000 items, GUI thread stalls.

Against the local Koordinates server with a 10,000-item ``/data/`` catalog:

* time from choosing the kind in the dock to the first page SHOWN in the dock's model (``rowCount() > 0``),
  beside the adapter's own first-page request timed inside its task (the floor the dock cannot beat);
* paging through everything as a scrolling user does (``fetchMore`` + scroll to the bottom, the view shown),
  beside the adapter listing the same pages back to back in one task;
* selecting items (details fetched, description sanitised, thumbnail fetched);
* the GUI thread's longest stall throughout.
"""

from __future__ import annotations

import time

from helpers import StallProbe, spin, wait_until
from qgis.core import QgsApplication
from qgis.gui import QgsMessageBar
from qgis.PyQt.QtWidgets import QMainWindow

from geodock.plugin.connections import store
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.base import ListQuery
from geodock.plugin.provider_auth import ProviderAuth
from geodock.ui.catalog_dock import CatalogDock

CATALOG_SIZE = 10000


class BenchWindow(QMainWindow):
    """What the dock needs of ``iface`` here: a main window with a real QGIS message bar (and no map canvas)."""

    def __init__(self) -> None:
        super().__init__()
        self.bar = QgsMessageBar(self)
        self.resize(1000, 800)

    def messageBar(self) -> QgsMessageBar:
        return self.bar

    def mapCanvas(self) -> None:  # no map here: the dock's "in the map view" filter is not measured
        return None


def run(bench) -> None:
    server = bench.server("koordinates", "--catalog-size", str(CATALOG_SIZE))
    connection = bench.connection(server)
    provider_auth = ProviderAuth(store())
    provider_auth.install()
    window = BenchWindow()
    dock = CatalogDock(window, window)
    window.setCentralWidget(dock)
    window.show()
    adapter = adapter_for(connection)
    page_size = dock.page_size
    try:
        # Reference: the adapter alone, timed inside its task (warm: TLS session and server cache).
        def first_page(feedback):
            start = time.perf_counter()
            page = adapter.list_page("data", ListQuery(page_size=page_size), None, None, feedback)
            return time.perf_counter() - start, page.total

        bench.task(first_page)
        adapter_seconds, total = bench.task(first_page)
        assert total is not None and total >= CATALOG_SIZE, total

        def all_pages(feedback):
            start = time.perf_counter()
            count, token = 0, None
            while True:
                page = adapter.list_page("data", ListQuery(page_size=page_size), token, None, feedback)
                count += len(page.items)
                token = page.next
                if token is None:
                    return time.perf_counter() - start, count

        adapter_all_seconds, adapter_count = bench.task(all_pages, timeout=900)

        probe = StallProbe()
        probe.start()
        phase = StallProbe()
        phase.start()
        dock.select_connection(connection.name)
        dock.select_kind("layers")
        wait_until(lambda: not dock.model.loading, 60, "the layers kind")
        start = time.perf_counter()
        dock.select_kind("data")  # the moment the user picks the kind
        wait_until(lambda: dock.model.rowCount() > 0, 60, "the first page")
        first_shown = time.perf_counter() - start
        bench.report(
            f"browse: first page shown in the dock ({page_size} of {total})", first_shown * 1000, "ms", "<=", 300
        )
        bench.report("browse: adapter first page alone (reference)", adapter_seconds * 1000, "ms", "ref", 0)
        stalls = {"connection, kinds and first page": phase.stop()}
        phase = StallProbe()
        phase.start()

        start = time.perf_counter()
        while dock.model.canFetchMore() or dock.model.loading:
            if not dock.model.loading:
                dock.model.fetchMore()
            dock.view.scrollToBottom()
            QgsApplication.processEvents()
            time.sleep(0.002)
        shown = dock.model.rowCount()
        dock_all_seconds = time.perf_counter() - start + first_shown
        assert shown == total == adapter_count, (shown, total, adapter_count)
        bench.report(
            f"browse: dock pages through all {shown} items",
            dock_all_seconds,
            "s",
            "<=",
            round(1.5 * adapter_all_seconds, 3),
        )
        bench.report(
            f"browse: adapter lists the same {adapter_count} items (reference)", adapter_all_seconds, "s", "ref", 0
        )

        stalls["paging"] = phase.stop()
        phase = StallProbe()
        phase.start()
        for row in (0, shown // 2, shown - 1):  # a user clicking through items: details + thumbnails
            dock.view.setCurrentIndex(dock.model.index(row, 0))
            wait_until(lambda: dock.details.complete, 30, "the details")
            spin(0.2)
        stalls["details"] = phase.stop()
        stall = probe.stop()
        for name, value in stalls.items():
            bench.report(f"browse: GUI thread longest stall during {name}", value, "ms", "<=", 50)
        bench.report("browse: GUI thread longest stall (browse, page, details)", stall, "ms", "<=", 50)
    finally:
        dock.shutdown()
        window.close()
        provider_auth.uninstall()
