"""The plugin object QGIS loads: toolbar, Web menu, Processing provider, provider authentication.

Start-up makes no network call and imports little; dialogs and docks are created on first use.
``unload()`` removes everything ``initGui()`` added, so load → unload → load leaves one of each.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any, Callable, Optional

from qgis.core import Qgis, QgsApplication, QgsMapLayerType
from qgis.gui import QgisInterface, QgsGui
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QDockWidget, QMainWindow, QToolBar, QWidget

from ..plugin import gui_hooks, log
from ..plugin.connections import store
from ..plugin.net.client import install_user_agent, uninstall_user_agent
from ..plugin.platforms.ogcapi.process_algorithms import unwatch_connections
from ..plugin.processing.provider import GeodockProvider
from ..plugin.project_auth import ProjectAuth
from ..plugin.provider_auth import ProviderAuth
from ..plugin.version import PLUGIN_DIR
from .slot_guard import guarded

MENU = "&Geodock"
TOOLBAR_NAME = "GeodockToolbar"

# Docks: key -> (module in ui/, class, action object name, title, icon). Created on first use.
DOCKS = {
    "catalog": ("catalog_dock", "CatalogDock", "GeodockCatalogAction", "Catalog", "catalog.svg"),
    "jobs": ("jobs_dock", "JobsDock", "GeodockJobsAction", "Jobs", "jobs.svg"),
    "processes": (
        "platforms.ogcapi.processes_dock",
        "ProcessesDock",
        "GeodockProcessesAction",
        "Processes",
        "processes.svg",
    ),
}


def icon(name: str) -> QIcon:
    return QIcon(str(PLUGIN_DIR / "resources" / "icons" / name))


def install_gui_hooks() -> None:
    """Give plugin/ the GUI's entry points (:mod:`plugin.gui_hooks`). Their modules are imported on first
    use, keeping start-up light."""

    def add_to_map(connection: Any, resource: Any, source: Any) -> Any:
        from .layer_loading import add_to_map as load

        return load(None, connection, resource, source)

    def add_reference_to_map(message_bar: Any, reference: Any) -> Any:
        from .layer_loading import add_reference_to_map as load

        return load(message_bar, reference)

    def open_export(connection: Any, resources: Any) -> Any:
        from .export_dialog import open_export_for

        return open_export_for(connection, resources)

    def notify_job_end(jobs: Any, job: Any) -> None:
        from .jobs_dock import notify_job_end as notify

        notify(jobs, job)

    gui_hooks.hooks.add_to_map = add_to_map
    gui_hooks.hooks.add_reference_to_map = add_reference_to_map
    gui_hooks.hooks.open_export = open_export
    gui_hooks.hooks.notify_job_end = notify_job_end


class GeodockPlugin:
    """What QGIS's plugin manager holds while Geodock is loaded."""

    def __init__(self, iface: QgisInterface) -> None:  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
        self.iface = iface
        self.actions: list[QAction] = []
        self.toolbar: Optional[QToolBar] = None
        self.provider: Optional[GeodockProvider] = None
        self.provider_auth: Optional[ProviderAuth] = None
        self.project_auth: Optional[ProjectAuth] = None
        self._connections_dialog: Optional[QWidget] = None
        self.docks: dict[str, QDockWidget] = {}
        self.dock_actions: dict[str, QAction] = {}
        self.browser_provider: Any = None
        self.drop_handler: Any = None
        self.browser_gui_provider: Any = None
        self.job_manager: Any = None
        self.write_actions: list[QAction] = []  # Geobox upload, SQL console, live layers
        self._write_dialogs: dict[str, QWidget] = {}

    @staticmethod
    def tr(text: str) -> str:
        return QCoreApplication.translate("GeodockPlugin", text)

    # Loading -----------------------------------------------------------------------------------------

    def initProcessing(self) -> None:
        if self.provider is None:
            provider = GeodockProvider()
            if QgsApplication.processingRegistry().addProvider(provider):
                self.provider = provider
            else:  # QGIS refuses a second "geodock" provider (and deletes it); say so instead of failing later
                log.warning("A Processing provider named geodock is already registered: Geodock's is not added")

    def initGui(self) -> None:
        self.initProcessing()
        self.toolbar = self.iface.addToolBar(self.tr("Geodock"))
        self.toolbar.setObjectName(TOOLBAR_NAME)
        self._add_action(
            "GeodockConnectionsAction",
            self.tr("Connections…"),
            "geodock.svg",
            self.open_connections,
            self.tr("Add, edit, test, import and export Geodock connections"),
        )
        for key, (_module, _cls, object_name, title, icon_name) in DOCKS.items():
            action = self._add_action(
                object_name, self.tr(title), icon_name, lambda _=False, k=key: self.toggle_dock(k)
            )
            action.setCheckable(True)
            self.dock_actions[key] = action
        self._add_action(  # issue 5: server-side exports
            "GeodockExportAction",
            self.tr("Export…"),
            "jobs.svg",
            self.open_export,
            self.tr("Export layers and tables server-side and download them into the project"),
        ).setIcon(QgsApplication.getThemeIcon("/mActionSharingExport.svg"))
        self.provider_auth = ProviderAuth(store())
        self.provider_auth.install()
        self.project_auth = ProjectAuth(store(), self._warn)
        self.project_auth.attach()  # logs in (in the background) only when a project with Geodock layers is read
        install_user_agent()
        install_gui_hooks()
        self.browser_provider = _optional("..plugin.browser.provider", "create_provider")
        if self.browser_provider is not None:
            QgsApplication.dataItemProviderRegistry().addProvider(self.browser_provider)
        self.browser_gui_provider = _optional(".browser_drop", "create_gui_provider")
        if self.browser_gui_provider is not None:
            QgsGui.dataItemGuiProviderRegistry().addProvider(self.browser_gui_provider)
        handler_class = _optional("..plugin.browser.drop_handler", "handler_class")
        if handler_class is not None and hasattr(self.iface, "registerCustomDropHandler"):
            self.drop_handler = handler_class(self.iface.messageBar())
            self.iface.registerCustomDropHandler(self.drop_handler)
        manager_factory = _optional("..plugin.jobs", "manager")
        if manager_factory is not None:
            self.job_manager = manager_factory
            self.job_manager.start(self.iface)
        self._add_write_actions()

    def _warn(self, line: str) -> None:
        """A warning in QGIS's message bar (plain text)."""
        gui_hooks.push_message(self.iface.messageBar(), line, Qgis.MessageLevel.Warning)

    def _add_action(
        self, object_name: str, text: str, icon_name: str, slot: Callable[[], None], tip: str = ""
    ) -> QAction:
        action = QAction(icon(icon_name), text, self.iface.mainWindow())
        action.setObjectName(object_name)
        action.setToolTip(tip or text)
        action.triggered.connect(slot)
        assert self.toolbar is not None
        self.toolbar.addAction(action)
        self.iface.addPluginToWebMenu(MENU, action)
        self.actions.append(action)
        return action

    def unload(self) -> None:
        uninstall_user_agent()
        gui_hooks.clear()
        self._remove_write_actions()
        if self.job_manager is not None:
            self.job_manager.stop()
            self.job_manager = None
        if self.browser_provider is not None:
            QgsApplication.dataItemProviderRegistry().removeProvider(self.browser_provider)
            self.browser_provider = None
        if self.browser_gui_provider is not None:
            QgsGui.dataItemGuiProviderRegistry().removeProvider(self.browser_gui_provider)
            self.browser_gui_provider = None
        if self.drop_handler is not None:
            self.iface.unregisterCustomDropHandler(self.drop_handler)
            self.drop_handler = None
        for dock in self.docks.values():
            if hasattr(dock, "shutdown"):
                dock.shutdown()
            self.iface.removeDockWidget(dock)
            dock.setParent(None)
            dock.deleteLater()
        self.docks.clear()
        self.dock_actions.clear()
        if self.project_auth is not None:
            self.project_auth.detach()
            self.project_auth = None
        if self.provider_auth is not None:
            self.provider_auth.uninstall()
            self.provider_auth = None
        unwatch_connections()
        for action in self.actions:
            self.iface.removePluginWebMenu(MENU, action)
            if self.toolbar is not None:
                self.toolbar.removeAction(action)
            action.setParent(None)
            action.deleteLater()
        self.actions.clear()
        if self.toolbar is not None:
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.setParent(None)
            self.toolbar.deleteLater()
            self.toolbar = None
        if self._connections_dialog is not None:
            self._connections_dialog.close()
            self._connections_dialog.setParent(None)
            self._connections_dialog.deleteLater()
            self._connections_dialog = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None

    # Actions -----------------------------------------------------------------------------------------

    def open_connections(self) -> None:
        from .connections_dialog import ConnectionsDialog

        if self._connections_dialog is None:
            self._connections_dialog = ConnectionsDialog(store(), self.iface.messageBar(), self.iface.mainWindow())
        self._connections_dialog.show()
        self._connections_dialog.raise_()
        self._connections_dialog.activateWindow()

    def open_export(self) -> None:
        from .export_dialog import open_export_dialog

        open_export_dialog(self.iface, self.iface.mainWindow())

    def dock(self, key: str) -> Optional[QDockWidget]:
        """The dock ``key`` (created on first call), or None when it cannot be built."""
        if key not in self.docks:
            module_name, class_name, _action, title, _icon = DOCKS[key]
            try:
                cls = getattr(import_module(f"{__package__}.{module_name}"), class_name)
            except (ImportError, AttributeError) as err:
                log.error(f"The {title} panel is not available: {err}")
                self._warn(self.tr("The {title} panel is not available").format(title=title))
                return None
            dock = cls(self.iface, self.iface.mainWindow())
            dock.setObjectName(f"Geodock{class_name}")
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            self._tabify_with_siblings(dock)
            action = self.dock_actions.get(key)
            if action is not None:
                dock.visibilityChanged.connect(action.setChecked)
            self.docks[key] = dock
        return self.docks[key]

    def _tabify_with_siblings(self, dock: QDockWidget) -> None:
        """Put a new Geodock dock in tabs with the ones already open (three stacked docks are too cramped)."""
        window = self.iface.mainWindow()
        if not isinstance(window, QMainWindow):
            return
        for sibling in self.docks.values():
            if sibling is not dock and window.dockWidgetArea(sibling) == Qt.DockWidgetArea.RightDockWidgetArea:
                window.tabifyDockWidget(sibling, dock)
                return

    @guarded
    def toggle_dock(self, key: str, visible: Optional[bool] = None) -> None:
        dock = self.dock(key)
        if dock is None:
            return
        show = (not dock.isVisible()) if visible is None else visible
        dock.setVisible(show)
        if show:
            dock.raise_()

    # Write-back and live data (upload to Geobox, SQL console, live layers) -------------------------------

    def _add_write_actions(self) -> None:
        upload = QAction(icon("geodock.svg"), self.tr("Upload to Geobox…"), self.iface.mainWindow())
        upload.setObjectName("GeodockUploadToGeoboxAction")
        upload.triggered.connect(lambda _=False: self.open_upload())
        self.iface.addCustomActionForLayerType(upload, "Geodock", QgsMapLayerType.VectorLayer, True)
        self.write_actions.append(upload)
        for object_name, text, slot in (
            ("GeodockUploadMenuAction", self.tr("Upload Layer to Geobox…"), self.open_upload),
            ("GeodockCreateRemoteLayerAction", self.tr("Create Empty Geobox Layer…"), self.open_create_remote_layer),
            ("GeodockSqlConsoleAction", self.tr("AmigoCloud SQL Console…"), self.open_sql_console),
            ("GeodockLiveLayerAction", self.tr("Add Live AmigoCloud Layer…"), self.open_live_layer_dialog),
        ):
            action = QAction(icon("geodock.svg"), text, self.iface.mainWindow())
            action.setObjectName(object_name)
            action.triggered.connect(lambda _=False, f=slot: f())
            self.iface.addPluginToWebMenu(MENU, action)
            self.write_actions.append(action)

    def _remove_write_actions(self) -> None:
        realtime = f"{__package__.rpartition('.')[0]}.plugin.platforms.amigocloud.realtime"
        live_layers = sys.modules.get(f"{realtime}.live_layer")
        if live_layers is not None:  # only when live layers were used: unloading imports nothing new
            live_layers.stop_all()
        for action in self.write_actions:
            if action.objectName() == "GeodockUploadToGeoboxAction":
                self.iface.removeCustomActionForLayerType(action)
            else:
                self.iface.removePluginWebMenu(MENU, action)
            action.setParent(None)
            action.deleteLater()
        self.write_actions.clear()
        for dialog in self._write_dialogs.values():
            if hasattr(dialog, "shutdown"):
                dialog.shutdown()
            dialog.close()
            dialog.setParent(None)
            dialog.deleteLater()
        self._write_dialogs.clear()

    def _show_dialog(self, key: str, dialog: QWidget) -> None:
        old = self._write_dialogs.pop(key, None)
        if old is not None:
            old.close()
            old.deleteLater()
        self._write_dialogs[key] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    @guarded
    def open_upload(self, layer: Any = None) -> None:
        from qgis.core import QgsVectorLayer

        from .platforms.geobox.upload_dialog import UploadDialog

        layer = layer or self.iface.activeLayer()
        self._show_dialog(
            "upload",
            UploadDialog(
                self.iface, layer if isinstance(layer, QgsVectorLayer) else None, None, self.iface.mainWindow()
            ),
        )

    def open_create_remote_layer(self) -> None:
        from .platforms.geobox.upload_dialog import CreateEmptyLayerDialog

        self._show_dialog("create", CreateEmptyLayerDialog(self.iface, None, self.iface.mainWindow()))

    def open_sql_console(self, connection: Any = None, project_id: Optional[str] = None) -> None:
        from .platforms.amigocloud.sql_console import SqlConsole

        self._show_dialog("sql", SqlConsole(self.iface, connection, project_id, self.iface.mainWindow()))

    def open_live_layer_dialog(self) -> None:
        from .platforms.amigocloud.live_layer_dialog import LiveLayerDialog

        self._show_dialog("live", LiveLayerDialog(self.iface, self.iface.mainWindow()))


def _optional(module: str, attribute: str) -> Any:
    """``attribute`` of ``module`` (relative to this package) called without arguments; None if absent."""
    try:
        target = getattr(import_module(module, __package__), attribute)
    except (ImportError, AttributeError):
        return None
    return target()
