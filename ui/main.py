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
from qgis.PyQt.QtGui import QCursor, QIcon
from qgis.PyQt.QtWidgets import QAction, QDockWidget, QMainWindow, QMenu, QToolBar, QWidget

from ..plugin import collector, gui_hooks, log
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
from .dock_tabs import DockTabIcons
from .gui_entry_points import install_gui_hooks
from .slot_guard import guarded
from .upload_chooser import choose_upload, upload_rows

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
        self.tab_icons: Optional[DockTabIcons] = None  # the Geodock icon on the docks' tabs
        self.upload_menu: Optional[QMenu] = None  # the Upload button's choice of platform, while it is shown
        self.sync_watch: Any = None  # issue 17: the project's fetched copies, synced on save (ui/sync_watch.py)

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
            "connections.svg",
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
            "export.svg",
            self.open_export,
            tr("Export layers and tables server-side and download them into the project"),
        )
        self._add_action(
            "GeodockUploadAction",
            tr("Upload…"),
            "upload.svg",
            self.open_upload,
            tr("Upload a layer of the project to a platform that takes uploads"),
        )
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
        from .sync_watch import SyncWatch

        self.sync_watch = SyncWatch(self.iface)
        self.sync_watch.attach()
        self._add_platform_actions()
        collector.freeze_startup_objects()  # and again once every plugin is loaded (see plugin/collector.py)
        self.iface.initializationCompleted.connect(collector.freeze_startup_objects)

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
        try:
            self.iface.initializationCompleted.disconnect(collector.freeze_startup_objects)
        except TypeError:  # initGui did not run: nothing connected
            pass
        collector.thaw()
        if self.sync_watch is not None:
            self.sync_watch.detach()
            self.sync_watch = None
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
        if self.tab_icons is not None:
            self.tab_icons.forget()
            self.tab_icons = None
        if self.upload_menu is not None:
            _dispose(self.upload_menu)
            self.upload_menu = None
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

        catalog = self.docks.get("catalog")  # the connection in use there is the one to export from
        open_export_dialog(self.iface, self.iface.mainWindow(), getattr(catalog, "connection", None))

    @guarded
    def open_upload(self) -> None:
        """Open the upload dialog of the platform that takes uploads (a menu to choose when several do)."""
        button = self.toolbar.widgetForAction(self._action("GeodockUploadAction")) if self.toolbar else None
        at = button.mapToGlobal(button.rect().bottomLeft()) if button is not None else QCursor.pos()
        rows = upload_rows()
        if not rows:
            self._warn(tr("No platform Geodock knows takes uploads"))
            return
        if self.upload_menu is not None:
            _dispose(self.upload_menu)
        self.upload_menu = choose_upload(rows, self.iface.mainWindow(), at, self.open_dialog)

    def _action(self, object_name: str) -> Optional[QAction]:
        return next((action for action in self.actions if action.objectName() == object_name), None)

    def dock(self, key: str) -> QDockWidget:
        """The dock ``key`` (created on first call), titled short, with the Geodock icon on it and its tab."""
        if key not in self.docks:
            ref, title, _icon = all_docks()[key]
            dock = registry.load(ref)(self.iface, self.iface.mainWindow())
            dock.setObjectName(f"Geodock{ref.rpartition(':')[2]}")
            dock.setWindowTitle(tr(title))  # short: "Geodock …" tabs could not be told apart
            dock.setWindowIcon(icon("geodock.svg"))
            window = self.iface.mainWindow()
            if self.tab_icons is None and isinstance(window, QMainWindow):
                self.tab_icons = DockTabIcons(window)
            if self.tab_icons is not None:
                self.tab_icons.add(dock)
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
        uploads = any(ref == row.ui.upload_dialog for row in registry.platforms())
        action = QAction(icon("upload.svg" if uploads else "geodock.svg"), tr(title), self.iface.mainWindow())
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
