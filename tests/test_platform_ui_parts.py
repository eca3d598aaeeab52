"""The plugin's toolbar, docks, Web-menu and layer actions come from the platforms' registry rows: a row
registered from outside the plugin gets its dock toggle (in toolbar order), its dialogs (one of each) and its
unload hook, and unloading removes them all and imports nothing new."""

from __future__ import annotations

import sys

import pytest
from qgis.PyQt.QtWidgets import QAction, QApplication, QDialog, QDockWidget, QWidget

import geodock
from geodock.plugin.platforms import registry
from geodock.plugin.platforms.registry import Platform, UiParts

KIND = "ui-parts-toy"
NEVER_IMPORTED = "toy_platform.never_imported"  # an on_unload ref whose module nobody imported
unloaded: list[str] = []


class ToyDock(QDockWidget):
    """A platform dock: built with (iface, parent) like the shipped ones."""

    def __init__(self, iface: object, parent: QWidget | None = None) -> None:  # noqa: QGS105 - as the shipped docks and dialogs
        super().__init__("Toys", parent)
        self.iface = iface


class ToyDialog(QDialog):
    """A platform dialog of the Web menu and of layers' context menu: built with (iface, parent=...)."""

    def __init__(self, iface: object, parent: QWidget | None = None) -> None:  # noqa: QGS105 - as the shipped docks and dialogs
        super().__init__(parent)
        self.iface = iface


def on_unload() -> None:
    """The row's unload hook (its module, this one, is imported)."""
    unloaded.append(KIND)


@pytest.fixture
def toy_row():
    here = __name__
    row = Platform(
        kind=KIND,
        title="UI parts toy",
        url_example="https://toys.example.com/",
        adapter="toy_platform.adapter:ToyAdapter",
        on_unload=(f"{here}:on_unload", f"{NEVER_IMPORTED}:stop"),
        ui=UiParts(
            docks=(("toys", f"{here}:ToyDock", "Toys", "catalog.svg"),),
            menu_actions=(("GeodockToyMenuAction", "Toy dialog…", f"{here}:ToyDialog"),),
            layer_actions=(("GeodockToyLayerAction", "Toy layer dialog…", f"{here}:ToyDialog"),),
        ),
    )
    registry.register(row)
    unloaded.clear()
    try:
        yield row
    finally:
        registry.unregister(KIND)


def _action(qgis_iface, name: str) -> QAction:
    (action,) = qgis_iface.mainWindow().findChildren(QAction, name)
    return action


def test_a_rows_dock_and_dialogs_are_added_and_removed(toy_row, qgis_iface):
    plugin = geodock.classFactory(qgis_iface)
    plugin.initGui()
    try:
        names = [action.objectName() for action in plugin.toolbar.actions()]
        assert names[0] == "GeodockConnectionsAction" and names[-2] == "GeodockExportAction" and names[-1] == "GeodockUploadAction"
        assert names.index("GeodockCatalogAction") < names.index("GeodockJobsAction") < names.index("GeodockToysAction")
        plugin.toggle_dock("toys", True)
        dock = plugin.docks["toys"]
        assert isinstance(dock, ToyDock) and dock.objectName() == "GeodockToyDock" and dock.iface is qgis_iface

        menu_action = _action(qgis_iface, "GeodockToyMenuAction")
        assert menu_action.text() == "Toy dialog…"
        qgis_iface.addPluginToWebMenu.assert_any_call("&Geodock", menu_action)
        layer_action = _action(qgis_iface, "GeodockToyLayerAction")
        assert qgis_iface.addCustomActionForLayerType.call_args_list[-1].args[0] is layer_action
        menu_action.trigger()
        (dialog,) = [w for w in qgis_iface.mainWindow().findChildren(ToyDialog) if w.isVisible()]
        assert dialog.iface is qgis_iface and dialog.parent() is qgis_iface.mainWindow()
        layer_action.trigger()  # the same dialog class: the earlier one makes way
        shown = [w for w in qgis_iface.mainWindow().findChildren(ToyDialog) if w.isVisible()]
        assert len(shown) == 1 and shown[0] is not dialog
    finally:
        plugin.unload()
        QApplication.processEvents()
    assert unloaded == [KIND]
    assert NEVER_IMPORTED not in sys.modules  # the hook of a module never used is not imported at unload
    assert qgis_iface.mainWindow().findChildren(QAction, "GeodockToyMenuAction") == []
    assert qgis_iface.mainWindow().findChildren(QAction, "GeodockToyLayerAction") == []
    assert qgis_iface.mainWindow().findChildren(ToyDock) == []
