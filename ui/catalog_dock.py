"""The "Geodock Catalog" dock: browse a connection's resources, see their details, add them to the map.

Connection, kind, server-side search (debounced) and sort choose what :class:`.catalog_model.CatalogModel`
lists; pages arrive from tasks, so the dock never waits on the network. Errors go to the message bar in one
line (details in the Geodock log tab) and a failed page shows an error row with Retry. The actions on the
resources are :mod:`.catalog_menu`; layers dropped on the list of a connection that takes uploads are uploaded
there (:mod:`.catalog_drop`).
"""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import Qgis
from qgis.gui import QgsDockWidget, QgsFilterLineEdit
from qgis.PyQt.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt, QTimer
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..plugin import log
from ..plugin.connections import Connection, kind_title, store
from ..plugin.errors import GeodockError
from ..plugin.gui_hooks import push_message
from ..plugin.platforms import adapter_for
from ..plugin.platforms.base import ListQuery, PlatformAdapter, ResourceKind
from .catalog_drop import DROP_EVENTS, CatalogDrops
from .catalog_filters_bar import CatalogFilterBar
from .catalog_menu import CatalogActions
from .catalog_model import CatalogModel, ErrorRole
from .plain_text import plain_label, plain_tooltip
from .resource_details import ResourceDetails
from .slot_guard import guarded

SEARCH_DELAY_MS = 300
PAGE_SIZE = 100


class CatalogDock(CatalogActions, CatalogDrops, CatalogFilterBar, QgsDockWidget):
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
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        filter_button, filter_panel = self._build_filters(body)  # the platform's facets (catalog_filters_bar)
        search_row.addWidget(filter_button)
        layout.addLayout(search_row)
        layout.addWidget(filter_panel)

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
        self._accept_drops()  # layers dropped on the list upload to the connection when it takes uploads
        self.view.viewport().installEventFilter(self)
        self._error_rows: list[QPersistentModelIndex] = []  # rows showing a failed page's message and Retry
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.details = ResourceDetails(body)
        splitter = QSplitter(Qt.Orientation.Vertical, body)
        splitter.addWidget(self.view)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 320])
        layout.addWidget(splitter, 1)

        buttons = self._build_actions(body)
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
        self.view.expanded.connect(self._expanded)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.model.pageLoaded.connect(self._update_status)
        self.model.pageFailed.connect(self._page_failed)
        self.model.loadingChanged.connect(lambda _=False: self._update_status())
        self.model.rowsInserted.connect(self._rows_inserted)
        self.model.rowsRemoved.connect(lambda *_: self._fit_error_rows())
        self.model.modelReset.connect(self._fit_error_rows)
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
            self.connection_combo.addItem(f"{connection.name} ({kind_title(connection.kind)})", connection.id)
        index = max(0, self.connection_combo.findData(current)) if current else 0
        self.connection_combo.setCurrentIndex(index if connections else -1)
        self.connection_combo.blockSignals(False)
        if not connections:
            self.connection = self.adapter = None
            self._connection_filters("")
            self.kind_combo.clear()
            self.model.set_source(None, None, "")
            self.status.setText(self.tr("No connection yet: add one with Geodock ▸ Connections…"))
            return
        chosen = connections[index]
        if self.connection is None or chosen.id != self.connection.id or chosen != self.connection:
            self._connection_chosen(index)

    def select_connection(self, name: str) -> None:
        """Choose the connection called ``name`` (KeyError when there is none)."""
        for row in range(self.connection_combo.count()):
            if self.connection_combo.itemText(row).startswith(f"{name} ("):
                self.connection_combo.setCurrentIndex(row)
                return
        raise KeyError(name)

    def select_kind(self, kind_id: str) -> None:
        """Choose the resource kind ``kind_id`` (KeyError when the platform has none)."""
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
        self._connection_filters(self.kind_combo.currentData() or "")
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
        self._listing_filters(kind.id if kind else "")
        self.reload()

    def current_kind(self) -> Optional[ResourceKind]:
        """The resource kind chosen in the kind combo."""
        kind_id = self.kind_combo.currentData()
        return next((k for k in self.kinds if k.id == kind_id), None)

    def query(self) -> ListQuery:
        """The listing query the search, sort, order and filter widgets describe."""
        query = ListQuery(
            search=self.search.text().strip(),
            sort=self.sort_combo.currentData() or "",
            descending=self.order_button.isChecked(),
            page_size=self.page_size,
        )
        return self.filtered_query(query)

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

    # Selection ---------------------------------------------------------------------------------------------------

    @guarded
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        resource = self.model.resource(current)
        if resource is None:
            self.details.clear()
        else:
            self.details.show_resource(self.adapter, resource)
        self._update_actions(resource)

    @guarded
    def _expanded(self, index: QModelIndex) -> None:
        """A container (a project, say) opened: list its children (views only do this when visible)."""
        if self.model.canFetchMore(index):
            self.model.fetchMore(index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Qt: fit error rows to their new width; drags and drops on the list (see :mod:`.catalog_drop`)."""
        if event.type() == QEvent.Type.Resize and watched.objectName() == "GeodockErrorRow":
            QTimer.singleShot(0, self._fit_error_rows)  # the view placed an error row at a new width
        if watched is self.view.viewport() and event.type() in DROP_EVENTS:
            return self._drop_event(event)
        return super().eventFilter(watched, event)

    # Lifecycle -------------------------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop listening and cancel every request (the plugin is unloading)."""
        self.search_timer.stop()
        self._shutdown_filters()
        try:
            store().changed.disconnect(self.refresh_connections)
        except TypeError:
            pass
        self.model.cancel()
        # Free the rows now: held by the dock's Python wrappers, thousands of them would otherwise wait for
        # Python's cycle collector, whose pass over them holds the GIL for tens of ms (measured in make bench).
        self.model.clear()
        self.details.shutdown()
