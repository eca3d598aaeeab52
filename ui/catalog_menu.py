"""The Catalog dock's actions: "Add to map" (and "Add to map as…"), Export, copy id/URL, open on the web, and the
list's context menu. A mixin of :class:`.catalog_dock.CatalogDock`, which holds the list, its model and the
current connection; nothing here names a platform (export is offered when the platform's registry row says so).
"""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QModelIndex, QPoint, Qt, QUrl
from qgis.PyQt.QtGui import QDesktopServices, QGuiApplication
from qgis.PyQt.QtWidgets import QAction, QHBoxLayout, QMenu, QToolButton, QTreeView, QWidget

from ..plugin import log
from ..plugin.connections import Connection
from ..plugin.errors import GeodockError
from ..plugin.gui_hooks import push_message
from ..plugin.html_sanitize import safe_link
from ..plugin.i18n import tr
from ..plugin.platforms import registry
from ..plugin.platforms.base import LayerSource, PlatformAdapter, Resource
from ..plugin.platforms.registry import Capability
from .catalog_model import CatalogModel, ErrorRole
from .layer_loading import add_to_map
from .slot_guard import guarded


class CatalogActions:
    """What the user can do with the Catalog's selected resources (mixed into the dock)."""

    iface: Any
    connection: Optional[Connection]
    adapter: Optional[PlatformAdapter]
    model: CatalogModel
    view: QTreeView

    def _build_actions(self, body: QWidget) -> QHBoxLayout:
        """The actions and the button row under the list ("Add to map", "More", "Refresh")."""
        owner: Any = self  # the dock (a QObject) owns the actions
        self.add_button = QToolButton(body)
        self.add_button.setText(tr("Add to map"))
        self.add_button.setIcon(QgsApplication.getThemeIcon("/mActionAddLayer.svg"))
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.add_as_menu = QMenu(tr("Add to map as…"), self.add_button)
        self.add_button.setMenu(self.add_as_menu)
        self.copy_id_action = QAction(QgsApplication.getThemeIcon("/mActionEditCopy.svg"), tr("Copy id"), owner)
        self.copy_url_action = QAction(tr("Copy URL"), owner)
        self.open_web_action = QAction(tr("Open on the web"), owner)
        self.refresh_action = QAction(QgsApplication.getThemeIcon("/mActionRefresh.svg"), tr("Refresh"), owner)
        self.export_action = QAction(QgsApplication.getThemeIcon("/mActionSharingExport.svg"), tr("Export…"), owner)
        self.export_action.setToolTip(tr("Export the selected items server-side and download them"))
        self.more_button = QToolButton(body)
        self.more_button.setText(tr("More"))
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        more_menu = QMenu(self.more_button)
        for action in (self.export_action, self.copy_id_action, self.copy_url_action, self.open_web_action):
            more_menu.addAction(action)
        self.more_button.setMenu(more_menu)
        refresh_button = QToolButton(body)
        refresh_button.setDefaultAction(self.refresh_action)
        refresh_button.setAutoRaise(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.more_button)
        buttons.addStretch(1)
        buttons.addWidget(refresh_button)
        self.export_action.triggered.connect(lambda _=False: self.export_selected())
        self.add_button.clicked.connect(lambda _=False: self.add_selected())
        self.add_as_menu.aboutToShow.connect(self._fill_add_as_menu)
        self.copy_id_action.triggered.connect(lambda _=False: self.copy_id())
        self.copy_url_action.triggered.connect(lambda _=False: self.copy_url())
        self.open_web_action.triggered.connect(lambda _=False: self.open_on_web())
        self.view.doubleClicked.connect(self._double_clicked)
        self.view.customContextMenuRequested.connect(self._context_menu)
        return buttons

    def selected_resources(self) -> list[Resource]:
        """The selected resources (else the current one)."""
        indexes = self.view.selectionModel().selectedIndexes() or [self.view.currentIndex()]
        return [r for r in (self.model.resource(i) for i in indexes if i.isValid()) if r is not None]

    def current_resource(self) -> Optional[Resource]:
        """The resource at the view's current index."""
        return self.model.resource(self.view.currentIndex())

    def exportable(self, resource: Resource) -> bool:
        """Whether ``resource`` can be exported server-side by its platform."""
        connection = self.connection
        if connection is None or not registry.supports(connection, Capability.EXPORT):
            return False
        return resource.kind in registry.platform(connection.kind).export_kinds

    @guarded
    def export_selected(self) -> Optional[QWidget]:
        """Open the Export dialog for the selected items (non-modal); the dialog, or None with a message."""
        resources = [r for r in self.selected_resources() if self.exportable(r)]
        if self.connection is None or not resources:
            push_message(self.iface.messageBar(), tr("Select one or more layers, tables or datasets to export"))
            return None
        from .export_dialog import ExportDialog

        parent: Any = self
        dialog = ExportDialog(self.iface, self.connection, resources, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    @guarded
    def _update_actions(self, resource: Optional[Resource]) -> None:
        loadable = resource is not None and not resource.has_children
        self.add_button.setEnabled(loadable)
        self.copy_id_action.setEnabled(resource is not None)
        self.copy_url_action.setEnabled(resource is not None and bool(resource.web_url or resource.api_url))
        self.open_web_action.setEnabled(resource is not None and safe_link(resource.web_url) is not None)

    @guarded
    def _double_clicked(self, index: QModelIndex) -> None:
        if self.model.data(index, ErrorRole):
            self.model.retry(index)
            return
        resource = self.model.resource(index)
        if resource is not None and not resource.has_children:
            self.add_resource(resource)

    def layer_sources(self, resource: Resource) -> list[LayerSource]:
        """How ``resource`` can be added to the map (nothing for a container, or when the platform cannot say)."""
        if self.adapter is None or resource.has_children:
            return []
        try:
            return list(self.adapter.layer_sources(resource))
        except (GeodockError, NotImplementedError) as err:
            log.warning(f"Layer sources of {resource.title}: {err}")
            return []

    @guarded
    def add_resource(self, resource: Resource, source: Optional[LayerSource] = None) -> None:
        """Add ``resource`` to the map (its default source unless ``source``), in a task."""
        if self.connection is not None:
            add_to_map(self.iface.messageBar(), self.connection, resource, source)

    @guarded
    def add_selected(self) -> None:
        """Add every selected resource (not containers) to the map."""
        for resource in self.selected_resources():
            if not resource.has_children:
                self.add_resource(resource)

    @guarded
    def _fill_add_as_menu(self) -> None:
        self._fill_sources_menu(self.add_as_menu, self.current_resource())

    def _fill_sources_menu(self, menu: QMenu, resource: Optional[Resource]) -> None:
        menu.clear()
        sources = self.layer_sources(resource) if resource is not None else []
        for source in sources:
            action = menu.addAction(source.label)
            action.triggered.connect(lambda _=False, r=resource, s=source: self.add_resource(r, s))
        if not sources:
            menu.addAction(tr("No way to load this item")).setEnabled(False)

    @guarded
    def copy_id(self) -> None:
        """Copy the current resource's id to the clipboard."""
        resource = self.current_resource()
        if resource is not None:
            QGuiApplication.clipboard().setText(resource.id)

    @guarded
    def copy_url(self) -> None:
        """Copy the current resource's web (else API) URL to the clipboard."""
        resource = self.current_resource()
        if resource is not None:
            QGuiApplication.clipboard().setText(resource.web_url or resource.api_url)

    @guarded
    def open_on_web(self) -> None:
        """Open the current resource's web page in the system browser (only a safe link)."""
        resource = self.current_resource()
        link = safe_link(resource.web_url) if resource is not None else None
        if link:
            QDesktopServices.openUrl(QUrl(link))

    @guarded
    def _context_menu(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        parent: Any = self
        menu = QMenu(parent)
        if self.model.data(index, ErrorRole):
            menu.addAction(tr("Retry")).triggered.connect(lambda _=False: self.model.retry(index))
        resource = self.model.resource(index)
        if resource is not None:
            self._add_resource_entries(menu, resource)
        menu.addSeparator()
        menu.addAction(self.refresh_action)
        menu.exec(self.view.viewport().mapToGlobal(point))

    def _add_resource_entries(self, menu: QMenu, resource: Resource) -> None:
        if not resource.has_children:
            menu.addAction(QgsApplication.getThemeIcon("/mActionAddLayer.svg"), tr("Add to map")).triggered.connect(
                lambda _=False: self.add_resource(resource)
            )
            self._fill_sources_menu(menu.addMenu(tr("Add to map as…")), resource)
        if self.exportable(resource):
            menu.addAction(self.export_action)
        menu.addSeparator()
        menu.addAction(self.copy_id_action)
        menu.addAction(self.copy_url_action)
        menu.addAction(self.open_web_action)
