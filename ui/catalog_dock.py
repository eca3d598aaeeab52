"""The "Geodock Catalog" dock: browse a connection's resources, see their details, add them to the map.

Connection, kind, server-side search (debounced) and sort choose what :class:`.catalog_model.CatalogModel`
lists; pages arrive from tasks, so the dock never waits on the network. Errors go to the message bar in one
line (details in the Geodock log tab) and a failed page shows an error row with Retry. Layers dropped on the
list of a Geobox connection are uploaded there (:mod:`.browser_drop`).
"""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import Qgis, QgsApplication
from qgis.gui import QgsDockWidget, QgsFilterLineEdit
from qgis.PyQt import sip
from qgis.PyQt.QtCore import (
    QEvent,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    QTimer,
    QUrl,
)
from qgis.PyQt.QtGui import QDesktopServices, QGuiApplication
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QAction,
    QComboBox,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QSplitter,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..plugin import log
from ..plugin.connections import KIND_TITLES, Connection, store
from ..plugin.errors import GeodockError
from ..plugin.gui_hooks import push_message
from ..plugin.html_sanitize import safe_link
from ..plugin.platforms import EXPORTABLE_KINDS, adapter_for
from ..plugin.platforms.base import LayerSource, ListQuery, PlatformAdapter, Resource, ResourceKind
from .browser_drop import can_decode, start_uploads
from .catalog_model import CatalogModel, ErrorRole
from .layer_loading import add_to_map
from .plain_text import plain_label, plain_tooltip
from .resource_details import ResourceDetails
from .slot_guard import guarded

SEARCH_DELAY_MS = 300
PAGE_SIZE = 100


class CatalogDock(QgsDockWidget):
    """Browse, inspect and load the resources of Geodock connections."""

    def __init__(self, iface: Any, parent: Optional[QWidget] = None) -> None:  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
        super().__init__(parent)
        self.setWindowTitle(self.tr("Geodock Catalog"))
        self.iface = iface
        self.adapter: Optional[PlatformAdapter] = None
        self.connection: Optional[Connection] = None
        self.kinds: list[ResourceKind] = []
        self.page_size = PAGE_SIZE

        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)

        self.connection_combo = QComboBox(body)
        self.connection_combo.setToolTip(self.tr("Connection"))
        self.connection_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.connection_combo.setMinimumContentsLength(12)
        layout.addWidget(self.connection_combo)

        self.kind_combo = QComboBox(body)
        self.kind_combo.setToolTip(self.tr("Kind of resource"))
        self.sort_combo = QComboBox(body)
        self.sort_combo.setToolTip(self.tr("Sort by"))
        for combo in (self.kind_combo, self.sort_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        self.order_button = QToolButton(body)
        self.order_button.setCheckable(True)
        self.order_button.setAutoRaise(True)
        self._update_order_button()
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.kind_combo, 1)
        kind_row.addWidget(self.sort_combo, 1)
        kind_row.addWidget(self.order_button)
        layout.addLayout(kind_row)

        self.search = QgsFilterLineEdit(body)
        self.search.setShowSearchIcon(True)
        self.search.setPlaceholderText(self.tr("Search on the server…"))
        layout.addWidget(self.search)

        self.status = plain_label(parent=body)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)

        self.model = CatalogModel(self)
        self.model.query.page_size = self.page_size
        self.view = QTreeView(body)
        self.view.setModel(self.model)
        self.view.setHeaderHidden(True)
        self.view.setUniformRowHeights(True)
        self.view.setRootIsDecorated(False)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        # Layers dropped on the list upload to the connection when it is Geobox (see upload_dropped).
        self.view.setAcceptDrops(True)
        self.view.viewport().setAcceptDrops(True)
        self.view.viewport().installEventFilter(self)
        self._error_rows: list[QPersistentModelIndex] = []  # rows showing a failed page's message and Retry
        self.uploads: list[Any] = []  # upload tasks started by drops, newest last (tests wait on them)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.details = ResourceDetails(body)
        splitter = QSplitter(Qt.Orientation.Vertical, body)
        splitter.addWidget(self.view)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 320])
        layout.addWidget(splitter, 1)

        self.add_button = QToolButton(body)
        self.add_button.setText(self.tr("Add to map"))
        self.add_button.setIcon(QgsApplication.getThemeIcon("/mActionAddLayer.svg"))
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.add_as_menu = QMenu(self.tr("Add to map as…"), self.add_button)
        self.add_button.setMenu(self.add_as_menu)
        self.copy_id_action = QAction(QgsApplication.getThemeIcon("/mActionEditCopy.svg"), self.tr("Copy id"), self)
        self.copy_url_action = QAction(self.tr("Copy URL"), self)
        self.open_web_action = QAction(self.tr("Open on the web"), self)
        self.refresh_action = QAction(QgsApplication.getThemeIcon("/mActionRefresh.svg"), self.tr("Refresh"), self)
        self.export_action = QAction(QgsApplication.getThemeIcon("/mActionSharingExport.svg"), self.tr("Export…"), self)
        self.export_action.setToolTip(self.tr("Export the selected items server-side and download them"))
        self.export_action.triggered.connect(lambda _=False: self.export_selected())
        self.more_button = QToolButton(body)
        self.more_button.setText(self.tr("More"))
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
        layout.addLayout(buttons)
        self.setWidget(body)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.reload)

        store().changed.connect(self.refresh_connections)
        self.connection_combo.currentIndexChanged.connect(self._connection_chosen)
        self.kind_combo.currentIndexChanged.connect(self._kind_chosen)
        self.sort_combo.currentIndexChanged.connect(lambda _=0: self.reload())
        self.order_button.toggled.connect(self._order_toggled)
        self.search.textChanged.connect(lambda _="": self.search_timer.start())
        self.search.returnPressed.connect(self.reload)
        self.view.doubleClicked.connect(self._double_clicked)
        self.view.expanded.connect(self._expanded)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.model.pageLoaded.connect(self._update_status)
        self.model.pageFailed.connect(self._page_failed)
        self.model.loadingChanged.connect(lambda _=False: self._update_status())
        self.model.rowsInserted.connect(self._rows_inserted)
        self.model.rowsRemoved.connect(lambda *_: self._fit_error_rows())
        self.model.modelReset.connect(self._fit_error_rows)
        self.add_button.clicked.connect(lambda _=False: self.add_selected())
        self.add_as_menu.aboutToShow.connect(self._fill_add_as_menu)
        self.copy_id_action.triggered.connect(lambda _=False: self.copy_id())
        self.copy_url_action.triggered.connect(lambda _=False: self.copy_url())
        self.open_web_action.triggered.connect(lambda _=False: self.open_on_web())
        self.refresh_action.triggered.connect(lambda _=False: self.reload())
        self._update_actions(None)
        self.refresh_connections()

    # Connection, kind, query ---------------------------------------------------------------------------------

    @guarded
    def refresh_connections(self) -> None:
        """Fill the connection combo from the store, keeping the current connection when it still exists."""
        current = self.connection.id if self.connection else None
        connections = store().all()
        self.connection_combo.blockSignals(True)
        self.connection_combo.clear()
        for connection in connections:
            self.connection_combo.addItem(
                f"{connection.name} ({KIND_TITLES.get(connection.kind, connection.kind)})", connection.id
            )
        index = max(0, self.connection_combo.findData(current)) if current else 0
        self.connection_combo.setCurrentIndex(index if connections else -1)
        self.connection_combo.blockSignals(False)
        if not connections:
            self.connection = self.adapter = None
            self.kind_combo.clear()
            self.model.set_source(None, None, "")
            self.status.setText(self.tr("No connection yet: add one with Geodock ▸ Connections…"))
            return
        chosen = connections[index]
        if self.connection is None or chosen.id != self.connection.id or chosen != self.connection:
            self._connection_chosen(index)

    def select_connection(self, name: str) -> None:
        for row in range(self.connection_combo.count()):
            if self.connection_combo.itemText(row).startswith(f"{name} ("):
                self.connection_combo.setCurrentIndex(row)
                return
        raise KeyError(name)

    def select_kind(self, kind_id: str) -> None:
        row = self.kind_combo.findData(kind_id)
        if row < 0:
            raise KeyError(kind_id)
        self.kind_combo.setCurrentIndex(row)

    @guarded
    def _connection_chosen(self, _index: int = 0) -> None:
        connection_id = self.connection_combo.currentData()
        self.connection = next((c for c in store().all() if c.id == connection_id), None)
        self.adapter = None
        self.kinds = []
        if self.connection is not None:
            try:
                self.adapter = adapter_for(self.connection)
                self.kinds = self.adapter.browse_kinds()
            except (GeodockError, KeyError, ImportError) as err:
                self._error(log.exception(err if isinstance(err, GeodockError) else GeodockError(str(err))))
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        for kind in self.kinds:
            self.kind_combo.addItem(kind.title, kind.id)
        self.kind_combo.blockSignals(False)
        self._kind_chosen()

    @guarded
    def _kind_chosen(self, _index: int = 0) -> None:
        kind = self.current_kind()
        self.sort_combo.blockSignals(True)
        self.sort_combo.clear()
        self.sort_combo.addItem(self.tr("Default order"), "")
        for sort in kind.sortable if kind else ():
            self.sort_combo.addItem(sort.replace("_", " ").capitalize(), sort)
        self.sort_combo.setEnabled(bool(kind and kind.sortable))
        self.order_button.setEnabled(bool(kind and kind.sortable))
        self.sort_combo.blockSignals(False)
        searchable = bool(kind is None or kind.searchable)
        self.search.setEnabled(searchable)
        self.search.setPlaceholderText(
            self.tr("Search on the server…") if searchable else self.tr("No search for this kind")
        )
        self.reload()

    def current_kind(self) -> Optional[ResourceKind]:
        kind_id = self.kind_combo.currentData()
        return next((k for k in self.kinds if k.id == kind_id), None)

    def query(self) -> ListQuery:
        return ListQuery(
            search=self.search.text().strip(),
            sort=self.sort_combo.currentData() or "",
            descending=self.order_button.isChecked(),
            page_size=self.page_size,
        )

    @guarded
    def _order_toggled(self, _checked: bool) -> None:
        self._update_order_button()
        if self.sort_combo.currentData():
            self.reload()

    def _update_order_button(self) -> None:
        descending = self.order_button.isChecked()
        self.order_button.setArrowType(Qt.ArrowType.DownArrow if descending else Qt.ArrowType.UpArrow)
        self.order_button.setToolTip(self.tr("Descending") if descending else self.tr("Ascending"))

    @guarded
    def reload(self) -> None:
        """List the current connection's current kind for the current query, from the first page."""
        self.search_timer.stop()
        kind = self.current_kind()
        self.details.clear()
        self.model.set_source(self.connection, self.adapter, kind.id if kind else "", self.query())
        self._update_status()

    # Status and errors -----------------------------------------------------------------------------------------

    @guarded
    def _update_status(self) -> None:
        if self.connection is None:
            return
        shown = self.model.shown
        total = self.model.total
        if self.model.loading and shown == 0:
            text = self.tr("Loading…")
        elif self.model.state.failed:  # the error row below says why
            text = self.tr("{shown:,} shown, then an error").format(shown=shown) if shown else self.tr("Nothing listed")
        elif total is not None:
            text = self.tr("{shown:,} of {total:,}").format(shown=shown, total=total)
        else:
            text = self.tr("{shown:,} shown").format(shown=shown) + (
                self.tr(", more below") if self.model.canFetchMore() else ""
            )
        if self.model.state.skipped:
            text += " · " + self.tr("{n:,} unreadable skipped").format(n=self.model.state.skipped)
        if self.model.loading and shown:
            text += " · " + self.tr("loading more…")
        self.status.setText(text)
        self.view.setRootIsDecorated(self.model.has_containers())

    def _error(self, message: str) -> None:
        push_message(self.iface.messageBar(), message, Qgis.MessageLevel.Critical, 10)

    @guarded
    def _page_failed(self, message: str) -> None:
        self._error(message)
        self._update_status()

    @guarded
    def _rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        for row in range(first, last + 1):
            index = self.model.index(row, 0, parent)
            message = self.model.data(index, ErrorRole)
            if message:
                self.view.setIndexWidget(index, self._error_widget(index, message))
                self._error_rows.append(QPersistentModelIndex(index))
        self._fit_error_rows()

    @guarded
    def _fit_error_rows(self) -> None:
        """Give each error row the height its wrapped message needs at the view's current width.

        Rows are of one height while nothing failed (fast with thousands of rows); a listing stops at its error
        row, so the few rows before one can afford their own heights."""
        self._error_rows = [row for row in self._error_rows if row.isValid()]
        self.view.setUniformRowHeights(not self._error_rows)
        changed = False
        for row in self._error_rows:
            index = QModelIndex(row)
            widget = self.view.indexWidget(index)
            if widget is None:
                continue
            # The view places the widget beside the row's icon, and it tells us when it does (see eventFilter)
            height = max(widget.heightForWidth(widget.width()), widget.minimumSizeHint().height())
            if index.data(Qt.ItemDataRole.SizeHintRole) != QSize(-1, height):
                self.model.setData(index, QSize(-1, height), Qt.ItemDataRole.SizeHintRole)
                changed = True
        if changed:
            self.view.doItemsLayout()  # the view keeps row heights it measured before: measure again

    def _error_widget(self, index: QModelIndex, message: str) -> QWidget:
        widget = QWidget(self.view)
        widget.setObjectName("GeodockErrorRow")
        widget.installEventFilter(self)
        widget.setAutoFillBackground(True)  # over the row's own text, which says the same for screen readers
        row = QHBoxLayout(widget)
        row.setContentsMargins(2, 0, 2, 0)
        label = plain_label(self.tr("Could not load: {message}").format(message=message), widget)
        label.setToolTip(plain_tooltip(message))
        label.setWordWrap(True)  # the whole message, on as many lines as it needs (see _fit_error_rows)
        label.setStyleSheet("color: #b00020;")
        button = QPushButton(self.tr("Retry"), widget)
        button.setObjectName("GeodockRetryButton")
        persistent = QPersistentModelIndex(index)
        button.clicked.connect(lambda _=False, i=persistent: self.model.retry(QModelIndex(i)))
        row.addWidget(label, 1)
        row.addWidget(button)
        return widget

    # Selection and actions ---------------------------------------------------------------------------------------

    def selected_resources(self) -> list[Resource]:
        indexes = self.view.selectionModel().selectedIndexes() or [self.view.currentIndex()]
        return [r for r in (self.model.resource(i) for i in indexes if i.isValid()) if r is not None]

    def exportable(self, resource: Resource) -> bool:
        """Whether ``resource`` can be exported server-side by its platform."""
        kinds = EXPORTABLE_KINDS.get(self.connection.kind if self.connection else "", ())
        return resource.kind in kinds

    @guarded
    def export_selected(self) -> Optional[QWidget]:
        """Open the Export dialog for the selected items (non-modal); the dialog, or None with a message."""
        resources = [r for r in self.selected_resources() if self.exportable(r)]
        if self.connection is None or not resources:
            push_message(self.iface.messageBar(), self.tr("Select one or more layers, tables or datasets to export"))
            return None
        from .export_dialog import ExportDialog

        dialog = ExportDialog(self.iface, self.connection, resources, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def current_resource(self) -> Optional[Resource]:
        return self.model.resource(self.view.currentIndex())

    @guarded
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        resource = self.model.resource(current)
        if resource is None:
            self.details.clear()
        else:
            self.details.show_resource(self.adapter, resource)
        self._update_actions(resource)

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

    @guarded
    def _expanded(self, index: QModelIndex) -> None:
        """A container (AmigoCloud project) opened: list its children (views only do this when visible)."""
        if self.model.canFetchMore(index):
            self.model.fetchMore(index)

    def layer_sources(self, resource: Resource) -> list[LayerSource]:
        if self.adapter is None or resource.has_children:
            return []
        try:
            return list(self.adapter.layer_sources(resource))
        except (GeodockError, NotImplementedError, AttributeError) as err:
            log.warning(f"Layer sources of {resource.title}: {err}")
            return []

    @guarded
    def add_resource(self, resource: Resource, source: Optional[LayerSource] = None) -> None:
        if self.connection is not None:
            add_to_map(self.iface.messageBar(), self.connection, resource, source)

    @guarded
    def add_selected(self) -> None:
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
            menu.addAction(self.tr("No way to load this item")).setEnabled(False)

    @guarded
    def copy_id(self) -> None:
        resource = self.current_resource()
        if resource is not None:
            QGuiApplication.clipboard().setText(resource.id)

    @guarded
    def copy_url(self) -> None:
        resource = self.current_resource()
        if resource is not None:
            QGuiApplication.clipboard().setText(resource.web_url or resource.api_url)

    @guarded
    def open_on_web(self) -> None:
        resource = self.current_resource()
        link = safe_link(resource.web_url) if resource is not None else None
        if link:
            QDesktopServices.openUrl(QUrl(link))

    @guarded
    def _context_menu(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        menu = QMenu(self)
        if self.model.data(index, ErrorRole):
            menu.addAction(self.tr("Retry")).triggered.connect(lambda _=False: self.model.retry(index))
        resource = self.model.resource(index)
        if resource is not None:
            if not resource.has_children:
                menu.addAction(
                    QgsApplication.getThemeIcon("/mActionAddLayer.svg"), self.tr("Add to map")
                ).triggered.connect(lambda _=False: self.add_resource(resource))
                self._fill_sources_menu(menu.addMenu(self.tr("Add to map as…")), resource)
            if self.exportable(resource):
                menu.addAction(self.export_action)
            menu.addSeparator()
            menu.addAction(self.copy_id_action)
            menu.addAction(self.copy_url_action)
            menu.addAction(self.open_web_action)
        menu.addSeparator()
        menu.addAction(self.refresh_action)
        menu.exec(self.view.viewport().mapToGlobal(point))

    # Drops: upload to Geobox -----------------------------------------------------------------------------------

    def accepts_drop(self, mime: Optional[QMimeData], source: Optional[QObject] = None) -> bool:
        """Whether a drop of ``mime`` uploads: the connection is Geobox and the drag did not start in this list."""
        return (
            self.connection is not None
            and self.connection.kind == "geobox"
            and source is not self.view
            and can_decode(mime)
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched.objectName() == "GeodockErrorRow":
            QTimer.singleShot(0, self._fit_error_rows)  # the view placed an error row at a new width
        if watched is self.view.viewport() and event.type() in (
            QEvent.Type.DragEnter,
            QEvent.Type.DragMove,
            QEvent.Type.Drop,
        ):
            if not self.accepts_drop(event.mimeData(), event.source()):
                event.ignore()
                return True
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            if event.type() == QEvent.Type.Drop:
                self.upload_dropped(event.mimeData())
            return True
        return super().eventFilter(watched, event)

    def upload_dropped(self, mime: QMimeData) -> list[Any]:
        """Upload the vector layers in ``mime`` to the current (Geobox) connection; list again after each."""
        connection = self.connection
        if connection is None or connection.kind != "geobox":
            return []

        def uploaded(_uuid: str) -> None:
            if not sip.isdeleted(self) and self.connection is not None and self.connection.id == connection.id:
                self.reload()

        tasks = start_uploads(connection, mime, self.iface.messageBar() if self.iface else None, uploaded)
        self.uploads = [*self.uploads[-20:], *tasks]
        return tasks

    # Lifecycle -------------------------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop listening and cancel every request (the plugin is unloading)."""
        self.search_timer.stop()
        try:
            store().changed.disconnect(self.refresh_connections)
        except TypeError:
            pass
        self.model.cancel()
        # Free the rows now: held by the dock's Python wrappers, thousands of them would otherwise wait for
        # Python's cycle collector, whose pass over them holds the GIL for tens of ms (measured in make bench).
        self.model.clear()
        self.details.shutdown()
