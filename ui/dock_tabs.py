"""Geodock's docks tell themselves apart when tabbed: a short title and the Geodock icon on the dock and its tab.

Qt 5 draws a tabbed dock's tab with its title only (no window icon), so the icon is put on the tab each time
Qt may have made it again (the dock shown, moved, floated or tabbed).
"""

from __future__ import annotations

from qgis.PyQt import sip
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QDockWidget, QMainWindow, QTabBar

from .slot_guard import guarded


class DockTabIcons:
    """Keeps the window icon of the docks it was given on their tabs in ``window``."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.docks: list[QDockWidget] = []

    def add(self, dock: QDockWidget) -> None:
        """Put ``dock``'s window icon on its tab whenever it is tabbed."""
        self.docks.append(dock)
        for signal in (dock.visibilityChanged, dock.dockLocationChanged, dock.topLevelChanged):
            signal.connect(self.later)
        self.later()

    def forget(self) -> None:
        """Stop following the docks (they are going away)."""
        self.docks = []

    @guarded
    def later(self, *_args: object) -> None:
        """Put the icons on the tabs once Qt has finished laying the docks out."""
        QTimer.singleShot(0, self.apply)

    @guarded
    def apply(self) -> int:
        """Put each dock's icon on its tab now; returns how many tabs got one."""
        if sip.isdeleted(self.window):
            return 0
        by_address = {sip.unwrapinstance(d): d for d in self.docks if not sip.isdeleted(d)}
        done = 0
        for bar in self.window.findChildren(QTabBar):
            for index in range(bar.count()):
                dock = by_address.get(bar.tabData(index))  # Qt keeps the dock's address as the tab's data
                if dock is not None:
                    bar.setTabIcon(index, dock.windowIcon())
                    done += 1
        return done


def tab_of(window: QMainWindow, dock: QDockWidget) -> tuple[QTabBar, int] | None:
    """The tab bar and index of ``dock``'s tab in ``window`` (None when it is not tabbed)."""
    address = sip.unwrapinstance(dock)
    for bar in window.findChildren(QTabBar):
        for index in range(bar.count()):
            if bar.tabData(index) == address:
                return bar, index
    return None
