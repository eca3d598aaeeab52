"""The results of an SQL console query: a table model paging through the cursor, and the query history."""

from __future__ import annotations

import json
from typing import Any, Optional

from qgis.PyQt import sip
from qgis.PyQt.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, pyqtSignal

from ....plugin import log, settings
from ....plugin.connections import Connection
from ....plugin.errors import GeodockError
from ....plugin.platforms.amigocloud.sql import AmigoCloudSql, SqlPage, geometry_column
from ....plugin.tasks import FunctionTask, run_in_background
from ...plain_text import plain_tooltip

HISTORY_SIZE = 50
_ROOT = QModelIndex()  # the invalid index: the table's root


def load_history() -> list[str]:
    """Past queries, newest first (settings key :data:`plugin.settings.SQL_HISTORY`)."""
    raw = settings.value(settings.SQL_HISTORY, "[]")
    try:
        items = json.loads(raw) if isinstance(raw, str) else list(raw or [])
    except ValueError:
        items = []
    return [str(item) for item in items if str(item).strip()]


def remember_query(query: str) -> list[str]:
    """Put ``query`` first in the history (no duplicates, at most HISTORY_SIZE); returns the history."""
    history = [query] + [q for q in load_history() if q.strip() != query.strip()]
    history = history[:HISTORY_SIZE]
    settings.set_value(settings.SQL_HISTORY, json.dumps(history))
    return history


class SqlResultModel(QAbstractTableModel):
    """Rows of a query; more pages come through ``fetchMore`` (a background request per page)."""

    fetchFailed = pyqtSignal(str)
    pageLoaded = pyqtSignal(int)  # rows now held

    def __init__(self, connection: Connection, query: str, page: SqlPage, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.connection = connection
        self.query = query
        self.columns = page.columns
        self.rows: list[list[Any]] = list(page.rows)
        self.count = page.count
        self.next_url = page.next
        self.loading: Optional[FunctionTask] = None
        self.geometry = geometry_column(page)

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:
        """Rows held so far."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = _ROOT) -> int:
        """The result's columns."""
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A value as text (NULL, JSON for objects, long text cut with the whole in the tooltip)."""
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return "NULL"
            text = value if isinstance(value, str) else json.dumps(value) if isinstance(value, (dict, list)) else value
            return text[:200] + "…" if isinstance(text, str) and len(text) > 200 else text
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(value, str) and len(value) > 200:
            return plain_tooltip(value[:2000])
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column names (types as tooltips) and row numbers."""
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return self.columns[section].name
            return section + 1
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return plain_tooltip(self.columns[section].type)
        return None

    def canFetchMore(self, parent: QModelIndex = _ROOT) -> bool:
        """Whether the cursor has another page and none is loading."""
        return not parent.isValid() and bool(self.next_url) and self.loading is None

    def fetchMore(self, parent: QModelIndex = _ROOT) -> None:
        """Load the next page in a task."""
        if not self.canFetchMore(parent):
            return
        url, connection, query = self.next_url, self.connection, self.query
        assert url is not None
        self.loading = run_in_background(
            "Geodock: next page of the SQL result",
            lambda feedback: AmigoCloudSql(connection).next_page(url, query, feedback),
            self._append,
            self._failed,
        )

    def _append(self, page: SqlPage) -> None:
        """Add a loaded page's rows."""
        if sip.isdeleted(self):
            return
        self.loading = None
        if page.rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()
        self.next_url = page.next
        self.pageLoaded.emit(len(self.rows))

    def _failed(self, error: GeodockError) -> None:
        """Paging failed: stop paging and tell the console."""
        if sip.isdeleted(self):
            return
        self.loading = None
        self.next_url = None
        self.fetchFailed.emit(log.exception(error, "SQL result"))

    def cancel(self) -> None:
        """Cancel the page being loaded."""
        if self.loading is not None:
            self.loading.cancel()
            self.loading = None
