"""The plugin object QGIS loads: toolbar, Web menu, Processing provider, provider authentication.

Start-up makes no network call and imports little; dialogs and docks are created on first use.
``unload()`` removes everything ``initGui()`` added, so load → unload → load leaves one of each.
"""

from __future__ import annotations

from typing import Callable, Optional

from qgis.core import QgsApplication
from qgis.gui import QgisInterface
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QToolBar, QWidget

from ..plugin.connections import store
from ..plugin.net.client import install_user_agent, uninstall_user_agent
from ..plugin.processing.provider import GeodockProvider
from ..plugin.provider_auth import ProviderAuth
from ..plugin.version import PLUGIN_DIR

MENU = "&Geodock"
TOOLBAR_NAME = "GeodockToolbar"


def icon(name: str) -> QIcon:
    return QIcon(str(PLUGIN_DIR / "resources" / "icons" / name))


class GeodockPlugin:
    """What QGIS's plugin manager holds while Geodock is loaded."""

    def __init__(self, iface: QgisInterface) -> None:
        self.iface = iface
        self.actions: list[QAction] = []
        self.toolbar: Optional[QToolBar] = None
        self.provider: Optional[GeodockProvider] = None
        self.provider_auth: Optional[ProviderAuth] = None
        self._connections_dialog: Optional[QWidget] = None

    @staticmethod
    def tr(text: str) -> str:
        return QCoreApplication.translate("GeodockPlugin", text)

    # Loading -----------------------------------------------------------------------------------------

    def initProcessing(self) -> None:
        if self.provider is None:
            self.provider = GeodockProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

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
        self.provider_auth = ProviderAuth(store())
        self.provider_auth.install()
        install_user_agent()

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
        if self.provider_auth is not None:
            self.provider_auth.uninstall()
            self.provider_auth = None
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
