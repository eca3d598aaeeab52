"""The Catalog dock's list: one platform's resources of one kind, paged in as the user scrolls.

Every page is fetched by the adapter in a ``QgsTask``; the GUI thread only appends rows. A new connection,
kind, search or sort bumps a generation counter and cancels the running requests, so a late reply for an
earlier query is dropped. A failed page becomes an error row (with the message) that :meth:`retry` reloads.
Resources with children (a project's datasets, say) get a "Loading…" placeholder child; expanding them pages in
their children the same way.

A ``QStandardItemModel`` on purpose: views lay out every row again when rows are appended at the top level,
and with a Python ``index()``/``flags()``/``hasChildren()`` that costs ~10 µs a row (over 100 ms per page at
10,000 rows). Here only ``canFetchMore``/``fetchMore`` run Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from qgis.core import QgsMimeDataUtils
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QMimeData, QModelIndex, QObject, Qt, pyqtSignal
from qgis.PyQt.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel

from ..plugin import log
from ..plugin.browser.uris import default_source, mime_uri
from ..plugin.connections import Connection
from ..plugin.errors import CancelledError, GeodockError, url_hint
from ..plugin.icons import resource_icon
from ..plugin.icons import theme_icon as _theme_icon
from ..plugin.net.paging import Page, PageToken
from ..plugin.platforms.base import ListQuery, PlatformAdapter, Resource
from ..plugin.tasks import FunctionTask, run_in_background
from .plain_text import plain_tooltip
from .slot_guard import guarded

ResourceRole = Qt.ItemDataRole.UserRole + 1
ErrorRole = Qt.ItemDataRole.UserRole + 2
StateRole = Qt.ItemDataRole.UserRole + 3  # the PageState of a container row
PlaceholderRole = Qt.ItemDataRole.UserRole + 4


@dataclass(eq=False)
class PageState:
    """Paging state of a listing (the top level, or a container's children)."""

    next: PageToken = None
    started: bool = False  # a first page arrived
    loading: bool = False
    failed: bool = False  # an error row ends the listing
    total: Optional[int] = None
    skipped: int = 0  # unreadable items the server listed (logged with their page's URL)

    def can_fetch_more(self) -> bool:
        """Whether another page may be asked for (none is on its way and the listing has not ended)."""
        if self.loading or self.failed:
            return False
        return not self.started or self.next is not None


class CatalogModel(QStandardItemModel):
    """Pages of ``adapter.list_page(kind, query)``; ``set_source`` starts over with the first page at once."""

    pageLoaded = pyqtSignal()  # rows arrived (or the total changed)
    pageFailed = pyqtSignal(str)  # one-line message of a failed page
    loadingChanged = pyqtSignal(bool)

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.state = PageState()
        self.connection: Optional[Connection] = None
        self.adapter: Optional[PlatformAdapter] = None
        self.kind = ""
        self.query = ListQuery()
        self.generation = 0
        self._tasks: set[FunctionTask] = set()

    # Source --------------------------------------------------------------------------------------------

    def set_source(
        self,
        connection: Optional[Connection],
        adapter: Optional[PlatformAdapter],
        kind: str,
        query: Optional[ListQuery] = None,
    ) -> None:
        """List ``kind`` of ``adapter`` for ``query``: drops everything shown or on its way, loads page one."""
        self.cancel()
        self.clear()
        self.state = PageState()
        self.connection, self.adapter, self.kind = connection, adapter, kind
        self.query = query or ListQuery(page_size=self.query.page_size)
        if adapter is not None and kind:
            self._request(None, self.state)

    def cancel(self) -> None:
        """Forget every request on its way (their replies will be dropped) and cancel them."""
        self.generation += 1
        tasks, self._tasks = self._tasks, set()
        for task in tasks:
            try:
                task.cancel()
            except RuntimeError:  # already finished and deleted by the task manager
                pass
        self.loadingChanged.emit(False)

    @guarded
    def refresh(self) -> None:
        """List the same source again from the first page."""
        self.set_source(self.connection, self.adapter, self.kind, self.query)

    @property
    def loading(self) -> bool:
        """Whether a page is on its way."""
        return bool(self._tasks)

    @property
    def total(self) -> Optional[int]:
        """The server's total of the top level, when it gives one."""
        return self.state.total

    @property
    def shown(self) -> int:
        """How many resources the top level shows (the error row not counted)."""
        return self.rowCount() - (1 if self.state.failed else 0)

    def has_containers(self) -> bool:
        """Whether some top-level resource has children (projects, say): the view then shows branches."""
        for row in range(min(self.rowCount(), 20)):
            resource = self.resource(self.index(row, 0))
            if resource is not None and resource.has_children:
                return True
        return False

    # Paging ----------------------------------------------------------------------------------------------

    def _listing(self, parent: QModelIndex) -> tuple[Optional[QStandardItem], Optional[PageState]]:
        """The container item (None: the top level) and its paging state (None: not a listing)."""
        if not parent.isValid():
            return None, self.state
        item = self.itemFromIndex(parent)
        state = item.data(StateRole) if item is not None else None
        return item, state if isinstance(state, PageState) else None

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: B008
        """Qt: whether ``parent``'s listing has more pages."""
        if self.adapter is None or not self.kind:
            return False
        _item, state = self._listing(parent)
        return state is not None and state.can_fetch_more()

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: B008
        """Qt: ask for ``parent``'s next page (in a task)."""
        item, state = self._listing(parent)
        if state is not None and self.canFetchMore(parent):
            self._request(item, state)

    def retry(self, index: QModelIndex) -> None:
        """Drop the error row at ``index`` (or the last row under it) and ask again for the page that failed."""
        if not index.data(ErrorRole):
            last = self.index(self.rowCount(index) - 1, 0, index)
            if not last.data(ErrorRole):
                return
            index = last
        owner = self.itemFromIndex(index.parent()) if index.parent().isValid() else None
        _item, state = self._listing(index.parent())
        if state is None:
            return
        self.removeRow(index.row(), index.parent())
        state.failed = False
        self._request(owner, state)

    def _request(self, owner: Optional[QStandardItem], state: PageState) -> None:
        assert self.adapter is not None
        adapter, query = self.adapter, self.query
        parent_resource = owner.data(ResourceRole) if owner is not None else None
        kind = self.kind if parent_resource is None else adapter.child_kind(parent_resource)
        token = state.next if state.started else None
        state.loading = True

        def work(feedback: Any) -> Page:
            return adapter.list_page(kind, query, token, parent_resource, feedback)

        generation = self.generation
        holder: list[FunctionTask] = []
        task = run_in_background(
            self.tr("Listing {what}").format(what=parent_resource.title if parent_resource else kind),
            work,
            lambda page: self._page_done(generation, owner, state, holder, page),
            lambda error: self._page_failed(generation, owner, state, holder, error),
        )
        holder.append(task)
        self._tasks.add(task)
        self.loadingChanged.emit(True)

    def _finish(self, holder: list[FunctionTask]) -> None:
        for task in holder:
            self._tasks.discard(task)
        if not self._tasks:
            self.loadingChanged.emit(False)

    def _current(self, generation: int, owner: Optional[QStandardItem]) -> bool:
        if sip.isdeleted(self) or generation != self.generation:
            return False
        return owner is None or (not sip.isdeleted(owner) and owner.model() is self)

    def _append(self, owner: Optional[QStandardItem], items: list[QStandardItem]) -> None:
        target = owner if owner is not None else self.invisibleRootItem()
        if owner is not None:  # the "Loading…" placeholder goes once real rows arrive
            for row in reversed(range(owner.rowCount())):
                if owner.child(row).data(PlaceholderRole):
                    owner.removeRow(row)
        if items:
            target.appendRows(items)

    @guarded
    def _page_done(
        self, generation: int, owner: Optional[QStandardItem], state: PageState, holder: list[FunctionTask], page: Page
    ) -> None:
        if not self._current(generation, owner):
            return  # a reply for an earlier query
        self._finish(holder)
        state.loading = False
        state.started = True
        state.next = page.next
        if page.total is not None:
            state.total = page.total
        state.skipped += page.skipped
        self._append(owner, [self._resource_item(item) for item in page.items if isinstance(item, Resource)])
        self.pageLoaded.emit()

    @guarded
    def _page_failed(
        self,
        generation: int,
        owner: Optional[QStandardItem],
        state: PageState,
        holder: list[FunctionTask],
        error: GeodockError,
    ) -> None:
        if not self._current(generation, owner):
            return
        self._finish(holder)
        state.loading = False
        state.failed = True
        what = owner.text() if owner is not None else self.kind
        if isinstance(error, CancelledError):
            message = self.tr("Listing cancelled")
        else:
            message = log.exception(url_hint(error), self.tr("Listing {what}").format(what=what))
        self._append(owner, [self._error_item(message)])
        if not isinstance(error, CancelledError):
            self.pageFailed.emit(message)

    # Rows ------------------------------------------------------------------------------------------------

    def _resource_item(self, resource: Resource) -> QStandardItem:
        item = QStandardItem(resource_icon(resource), resource.title or resource.id)
        item.setToolTip(plain_tooltip(f"{resource.title}\n{resource.kind} · {resource.id}"))
        item.setData(resource, ResourceRole)
        item.setEditable(False)
        if resource.has_children:
            item.setData(PageState(), StateRole)
            item.setDragEnabled(False)
            placeholder = QStandardItem(self.tr("Loading…"))
            placeholder.setData(True, PlaceholderRole)
            placeholder.setEditable(False)
            placeholder.setSelectable(False)
            item.appendRow(placeholder)
        else:
            item.setDragEnabled(True)
        return item

    def _error_item(self, message: str) -> QStandardItem:
        item = QStandardItem(
            _theme_icon("/mIconWarning.svg"), self.tr("Could not load: {message}").format(message=message)
        )
        tip = self.tr("{message}\nDouble-click or press Retry to try again").format(message=message)
        item.setToolTip(plain_tooltip(tip))
        item.setData(message, ErrorRole)
        item.setForeground(QBrush(QColor("#b00020")))
        item.setEditable(False)
        item.setDragEnabled(False)
        return item

    def resource(self, index: QModelIndex) -> Optional[Resource]:
        """The resource shown at ``index`` (None for an error or placeholder row)."""
        value = index.data(ResourceRole) if index.isValid() else None
        return value if isinstance(value, Resource) else None

    # Drag and drop ---------------------------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        """Qt: drags carry QGIS layer URIs."""
        return ["application/x-vnd.qgis.qgis.uri"]

    def mime_uris(self, indexes: list[QModelIndex]) -> list[QgsMimeDataUtils.Uri]:
        """The drag URIs (same as the Browser's) of the resources at ``indexes``."""
        uris: list[QgsMimeDataUtils.Uri] = []
        if self.adapter is None or self.connection is None:
            return uris
        for index in indexes:
            resource = self.resource(index)
            if resource is None or resource.has_children:
                continue
            try:
                source = default_source(self.adapter.layer_sources(resource))
            except (GeodockError, NotImplementedError, AttributeError):
                source = None
            if source is not None:
                uris.append(mime_uri(self.connection, resource, source))
        return uris

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        """Qt: the drag data of ``indexes`` (see :meth:`mime_uris`)."""
        return QgsMimeDataUtils.encodeUriList(self.mime_uris(indexes))
