"""The plugin object QGIS loads: toolbar, Web menu, Processing provider, provider authentication.

Start-up makes no network call and imports little; dialogs and docks are created on first use.
Platform docks and menu actions come from the platform registry (:mod:`plugin.platforms.registry`): this
module names no platform. ``unload()`` removes everything ``initGui()`` added, so load → unload → load leaves
one of each.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from qgis.core import Qgis, QgsApplication, QgsMapLayerType
from qgis.gui import QgisInterface, QgsGui
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QDockWidget, QMainWindow, QToolBar, QWidget

from ..plugin import gui_hooks, log
from ..plugin.browser.drop_handler import GeodockDropHandler
from ..plugin.browser.provider import create_provider
from ..plugin.connections import store
from ..plugin.i18n import install_translator, remove_translator, tr
from ..plugin.jobs import manager
from ..plugin.net.client import install_user_agent, uninstall_user_agent
from ..plugin.platforms import registry
from ..plugin.processing.provider import GeodockProvider
from ..plugin.project_auth import ProjectAuth
from ..plugin.provider_auth import ProviderAuth
from ..plugin.version import PLUGIN_DIR
from .browser_drop import create_gui_provider
from .slot_guard import guarded

MENU = "&Geodock"
TOOLBAR_NAME = "GeodockToolbar"

# The docks every platform shares: (key, dock class, title, icon), like a registry row's ``ui.docks``.
# Created on first use; the toggle action is "Geodock<Key>Action", the dock "Geodock<Class>".
DOCKS: tuple[tuple[str, registry.Ref, str, str], ...] = (
    ("catalog", ".ui.catalog_dock:CatalogDock", QT_TRANSLATE_NOOP("@default", "Catalog"), "catalog.svg"),
    ("jobs", ".ui.jobs_dock:JobsDock", QT_TRANSLATE_NOOP("@default", "Jobs"), "jobs.svg"),
)


def all_docks() -> dict[str, tuple[registry.Ref, str, str]]:
    """Every dock by key: the shared ones, then each platform's, in toolbar order."""
    rows = [dock for row in registry.platforms() for dock in row.ui.docks]
    return {key: (ref, title, icon_name) for key, ref, title, icon_name in (*DOCKS, *rows)}


def icon(name: str) -> QIcon:
    """An icon of ``resources/icons``."""
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
        install_translator()  # QGIS's language, before any title is translated
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
        self.platform_actions: list[QAction] = []  # the platforms' Web-menu and layer actions
        self.layer_actions: list[QAction] = []  # those of them on vector layers' context menu
        self._dialogs: dict[str, QWidget] = {}  # the platforms' dialogs, by dialog class ref (one of each)

    # Loading -----------------------------------------------------------------------------------------

    def initProcessing(self) -> None:
        """Register Geodock's Processing provider (once)."""
        if self.provider is None:
            provider = GeodockProvider()
            if QgsApplication.processingRegistry().addProvider(provider):
                self.provider = provider
            else:  # QGIS refuses a second "geodock" provider (and deletes it); say so instead of failing later
                log.warning("A Processing provider named geodock is already registered: Geodock's is not added")

    def initGui(self) -> None:
        """Add the toolbar, the Web menu, the Browser providers and the job manager."""
        self.initProcessing()
        self.toolbar = self.iface.addToolBar(tr("Geodock"))
        self.toolbar.setObjectName(TOOLBAR_NAME)
        self._add_action(
            "GeodockConnectionsAction",
            tr("Connections…"),
            "geodock.svg",
            self.open_connections,
            tr("Add, edit, test, import and export Geodock connections"),
        )
        for key, (_ref, title, icon_name) in all_docks().items():
            object_name = f"Geodock{key.capitalize()}Action"
            action = self._add_action(object_name, tr(title), icon_name, lambda _=False, k=key: self.toggle_dock(k))
            action.setCheckable(True)
            self.dock_actions[key] = action
        self._add_action(  # issue 5: server-side exports
            "GeodockExportAction",
            tr("Export…"),
            "jobs.svg",
            self.open_export,
            tr("Export layers and tables server-side and download them into the project"),
        ).setIcon(QgsApplication.getThemeIcon("/mActionSharingExport.svg"))
        self.provider_auth = ProviderAuth(store())
        self.provider_auth.install()
        self.project_auth = ProjectAuth(store(), self._warn)
        self.project_auth.attach()  # logs in (in the background) only when a project with Geodock layers is read
        install_user_agent()
        install_gui_hooks()
        self.browser_provider = create_provider()
        QgsApplication.dataItemProviderRegistry().addProvider(self.browser_provider)
        self.browser_gui_provider = create_gui_provider()
        QgsGui.dataItemGuiProviderRegistry().addProvider(self.browser_gui_provider)
        self.drop_handler = GeodockDropHandler(self.iface.messageBar())
        self.iface.registerCustomDropHandler(self.drop_handler)
        self.job_manager = manager()
        self.job_manager.start(self.iface)
        self._add_platform_actions()

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

    # Unloading ---------------------------------------------------------------------------------------

    def unload(self) -> None:
        """Remove everything :meth:`initGui` added and stop what runs (QGIS closes or reloads the plugin)."""
        uninstall_user_agent()
        gui_hooks.clear()
        self._call_platforms_on_unload()
        self._remove_platform_actions()
        self._stop_services()
        self._remove_docks()
        if self.project_auth is not None:
            self.project_auth.detach()
            self.project_auth = None
        if self.provider_auth is not None:
            self.provider_auth.uninstall()
            self.provider_auth = None
        self._remove_toolbar()
        if self._connections_dialog is not None:
            _dispose(self._connections_dialog)
            self._connections_dialog = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        remove_translator()

    @staticmethod
    def _call_platforms_on_unload() -> None:
        """Each platform's ``on_unload`` whose module was used (unloading imports nothing new)."""
        for row in registry.platforms():
            for ref in row.on_unload:
                function = registry.loaded(ref)
                if function is not None:
                    function()

    def _stop_services(self) -> None:
        """The job manager, the Browser providers and the drop handler."""
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

    def _remove_docks(self) -> None:
        for dock in self.docks.values():
            if hasattr(dock, "shutdown"):
                dock.shutdown()
            self.iface.removeDockWidget(dock)
            dock.setParent(None)
            dock.deleteLater()
        self.docks.clear()
        self.dock_actions.clear()

    def _remove_toolbar(self) -> None:
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

    # Actions -----------------------------------------------------------------------------------------

    def open_connections(self) -> None:
        """Show the Connections dialog (one, kept while the plugin is loaded)."""
        from .connections_dialog import ConnectionsDialog

        if self._connections_dialog is None:
            self._connections_dialog = ConnectionsDialog(store(), self.iface.messageBar(), self.iface.mainWindow())
        self._connections_dialog.show()
        self._connections_dialog.raise_()
        self._connections_dialog.activateWindow()

    def open_export(self) -> None:
        """Open the Export dialog."""
        from .export_dialog import open_export_dialog

        open_export_dialog(self.iface, self.iface.mainWindow())

    def dock(self, key: str) -> QDockWidget:
        """The dock ``key`` (created on first call)."""
        if key not in self.docks:
            ref, _title, _icon = all_docks()[key]
            dock = registry.load(ref)(self.iface, self.iface.mainWindow())
            dock.setObjectName(f"Geodock{ref.rpartition(':')[2]}")
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
        """Show or hide the dock ``key`` (``visible`` None: the other way round)."""
        dock = self.dock(key)
        show = (not dock.isVisible()) if visible is None else visible
        dock.setVisible(show)
        if show:
            dock.raise_()

    # The platforms' own dialogs (Web menu and layer context menu), from their registry rows ---------------

    def _add_platform_actions(self) -> None:
        for row in registry.platforms():
            for object_name, title, ref in row.ui.layer_actions:
                action = self._platform_action(object_name, title, ref)
                self.iface.addCustomActionForLayerType(action, "Geodock", QgsMapLayerType.VectorLayer, True)
                self.layer_actions.append(action)
        for row in registry.platforms():
            for object_name, title, ref in row.ui.menu_actions:
                self.iface.addPluginToWebMenu(MENU, self._platform_action(object_name, title, ref))

    def _platform_action(self, object_name: str, title: str, ref: registry.Ref) -> QAction:
        action = QAction(icon("geodock.svg"), tr(title), self.iface.mainWindow())
        action.setObjectName(object_name)
        action.triggered.connect(lambda _=False, r=ref: self.open_dialog(r))
        self.platform_actions.append(action)
        return action

    def _remove_platform_actions(self) -> None:
        for action in self.platform_actions:
            if action in self.layer_actions:
                self.iface.removeCustomActionForLayerType(action)
            else:
                self.iface.removePluginWebMenu(MENU, action)
            action.setParent(None)
            action.deleteLater()
        self.platform_actions.clear()
        self.layer_actions.clear()
        for dialog in self._dialogs.values():
            if hasattr(dialog, "shutdown"):
                dialog.shutdown()
            _dispose(dialog)
        self._dialogs.clear()

    @guarded
    def open_dialog(self, ref: registry.Ref) -> QWidget:
        """Show the platform dialog ``ref`` names (a class taking ``iface`` and ``parent``), replacing an
        earlier one of the same class."""
        dialog = registry.load(ref)(self.iface, parent=self.iface.mainWindow())
        self._show_dialog(ref, dialog)
        return dialog

    def _show_dialog(self, key: str, dialog: QWidget) -> None:
        old = self._dialogs.pop(key, None)
        if old is not None:
            old.close()
            old.deleteLater()
        self._dialogs[key] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()


def _dispose(widget: QWidget) -> None:
    """Close ``widget`` and let Qt delete it."""
    widget.close()
    widget.setParent(None)
    widget.deleteLater()
