"""The AmigoCloud SQL console: an editor with history, the project's tables and columns, a results table
paging through the cursor, "Add as layer", confirmed writes, and engine errors placed at their line.

Whatever is not provably a single read (:func:`plugin.platforms.amigocloud_sql.is_write`) asks first.
Server text (names, values, messages) is shown as plain text: labels in plain-text format, tooltips escaped."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, Optional

from qgis.core import Qgis, QgsFeedback, QgsProject, QgsVectorLayer
from qgis.gui import QgisInterface, QgsCodeEditorSQL, QgsGui
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ....plugin import log, settings
from ....plugin.connections import Connection, store
from ....plugin.errors import CancelledError, GeodockError
from ....plugin.gui_hooks import push_message
from ....plugin.platforms.amigocloud.adapter import AmigoCloudAdapter
from ....plugin.platforms.amigocloud.postgres_sql import editor_identifier
from ....plugin.platforms.amigocloud.sql import (
    DEFAULT_PAGE_SIZE,
    SqlError,
    SqlPage,
    TableInfo,
    execute_write,
    geometry_column,
    is_write,
    list_tables,
    next_page,
    query_to_geopackage,
    run_select,
)
from ....plugin.tasks import FunctionTask, run_in_background
from ...plain_text import plain, plain_label, plain_tooltip
from ...slot_guard import guarded

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
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
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
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return self.columns[section].name
            return section + 1
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return plain_tooltip(self.columns[section].type)
        return None

    def canFetchMore(self, parent: QModelIndex = _ROOT) -> bool:
        return not parent.isValid() and bool(self.next_url) and self.loading is None

    def fetchMore(self, parent: QModelIndex = _ROOT) -> None:
        if not self.canFetchMore(parent):
            return
        url, connection, query = self.next_url, self.connection, self.query
        assert url is not None
        self.loading = run_in_background(
            "Geodock: next page of the SQL result",
            lambda feedback: next_page(connection, url, query, feedback),
            self._append,
            self._failed,
        )

    def _append(self, page: SqlPage) -> None:
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
        if sip.isdeleted(self):
            return
        self.loading = None
        self.next_url = None
        self.fetchFailed.emit(log.exception(error, "SQL result"))

    def cancel(self) -> None:
        if self.loading is not None:
            self.loading.cancel()
            self.loading = None


class SqlConsole(QDialog):
    """The SQL console of one AmigoCloud project (modeless)."""

    queryFinished = pyqtSignal(str)  # the status line once a query or write is done (for tests and scripts)

    def __init__(  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
        self,
        iface: Optional[QgisInterface],
        connection: Optional[Connection] = None,
        project_id: Optional[str] = None,
        parent: Optional[QWidget] = None,
    ) -> None:
        super().__init__(parent)
        self.iface = iface
        self.setObjectName("GeodockSqlConsole")
        self.setWindowTitle(self.tr("AmigoCloud SQL console"))
        self.page_size = DEFAULT_PAGE_SIZE
        self.model: Optional[SqlResultModel] = None
        self.current: Optional[FunctionTask] = None
        self._tables_task: Optional[FunctionTask] = None
        self._projects_task: Optional[FunctionTask] = None
        self._build()
        self._fill_connections(connection)
        if project_id is not None:
            self._pending_project = str(project_id)
        self._load_projects()
        QgsGui.enableAutoGeometryRestore(self)

    def tr(self, text: str) -> str:
        return QCoreApplication.translate("SqlConsole", text)

    # Building ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self._pending_project: Optional[str] = None
        top = QHBoxLayout()
        self.connection_combo = QComboBox()
        self.project_combo = QComboBox()
        self.project_combo.setMinimumContentsLength(16)
        top.addWidget(plain_label(self.tr("Connection")))
        top.addWidget(self.connection_combo, 1)
        top.addWidget(plain_label(self.tr("Project")))
        top.addWidget(self.project_combo, 1)

        self.tables = QTreeWidget()
        self.tables.setHeaderLabels([self.tr("Table / column"), self.tr("Type")])
        self.tables.itemDoubleClicked.connect(self._insert_name)

        self.editor = QgsCodeEditorSQL()
        self.history_combo = QComboBox()
        self.history_combo.setToolTip(self.tr("Earlier queries"))
        self.history_combo.activated.connect(self._recall)
        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.setShortcut("Ctrl+Return")
        self.run_button.setToolTip(self.tr("Run the query (Ctrl+Return)"))
        self.run_button.clicked.connect(self.run_query)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.add_layer_button = QPushButton(self.tr("Add as layer"))
        self.add_layer_button.setEnabled(False)
        self.add_layer_button.setToolTip(self.tr("Load every row of the result as a layer (needs a geometry column)"))
        self.add_layer_button.clicked.connect(self.add_as_layer)
        buttons = QHBoxLayout()
        buttons.addWidget(self.history_combo, 1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.add_layer_button)

        self.results = QTableView()
        self.results.setAlternatingRowColors(True)
        self.status = plain_label()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        editor_box = QWidget()
        editor_layout = QVBoxLayout(editor_box)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.editor)
        editor_layout.addLayout(buttons)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(editor_box)
        right.addWidget(self.results)
        right.setStretchFactor(1, 2)
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(self.tables)
        main.addWidget(right)
        main.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(main, 1)
        layout.addWidget(self.status)
        self.resize(900, 600)
        self._fill_history(load_history())
        self.connection_combo.currentIndexChanged.connect(self._load_projects)
        self.project_combo.currentIndexChanged.connect(self._load_tables)

    @guarded
    def _fill_connections(self, selected: Optional[Connection]) -> None:
        self.connection_combo.blockSignals(True)
        for connection in store().all():
            if connection.kind == "amigocloud":
                self.connection_combo.addItem(connection.name, connection.name)
        if selected is not None:
            index = self.connection_combo.findData(selected.name)
            if index >= 0:
                self.connection_combo.setCurrentIndex(index)
        self.connection_combo.blockSignals(False)
        if self.connection_combo.count() == 0:
            self._show_status(self.tr("Add an AmigoCloud connection first (Geodock ▸ Connections…)"), error=True)

    def _fill_history(self, history: list[str]) -> None:
        self.history_combo.clear()
        self.history_combo.addItem(self.tr("History…"), "")
        for query in history:
            self.history_combo.addItem(" ".join(query.split())[:100], query)

    # State ---------------------------------------------------------------------------------------------

    def connection(self) -> Optional[Connection]:
        name = self.connection_combo.currentData()
        return store().get(name) if name else None

    def project_id(self) -> Optional[str]:
        value = self.project_combo.currentData()
        return str(value) if value not in (None, "") else None

    @guarded
    def _show_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b00020;" if error else "")

    def _busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)

    # Projects and tables -------------------------------------------------------------------------------

    @guarded
    def _load_projects(self) -> None:
        connection = self.connection()
        self.project_combo.clear()
        if connection is None:
            return
        adapter = AmigoCloudAdapter(connection)

        def work(feedback: QgsFeedback) -> list[tuple[str, str]]:
            url: Optional[str] = adapter.url("me/projects")
            projects: list[tuple[str, str]] = []
            while url:
                data = adapter.client.get_json(url, auth=adapter.auth, feedback=feedback) or {}
                projects += [(str(p.get("id")), str(p.get("name"))) for p in data.get("results") or []]
                url = data.get("next")
            return projects

        self._projects_task = run_in_background(
            "Geodock: AmigoCloud projects", work, self._projects_loaded, self._background_failed
        )

    def _projects_loaded(self, projects: list[tuple[str, str]]) -> None:
        if sip.isdeleted(self):
            return
        self.project_combo.blockSignals(True)
        self.project_combo.clear()
        for pid, name in projects:
            self.project_combo.addItem(f"{name} ({pid})", pid)
        wanted = self._pending_project
        if wanted is not None:
            index = self.project_combo.findData(wanted)
            if index < 0:
                self.project_combo.addItem(self.tr("Project {id}").format(id=wanted), wanted)
                index = self.project_combo.count() - 1
            self.project_combo.setCurrentIndex(index)
        self.project_combo.blockSignals(False)
        self._load_tables()

    @guarded
    def _load_tables(self) -> None:
        connection, project = self.connection(), self.project_id()
        self.tables.clear()
        if connection is None or project is None:
            return
        self._tables_task = run_in_background(
            "Geodock: AmigoCloud tables",
            lambda feedback: list_tables(connection, project, feedback),
            self._tables_loaded,
            self._background_failed,
        )

    def _tables_loaded(self, tables: list[TableInfo]) -> None:
        if sip.isdeleted(self):
            return
        self.tables.clear()
        for table in tables:
            item = QTreeWidgetItem([table.table_name, table.name])
            tip = self.tr("Dataset {name} (id {id})").format(name=table.name, id=table.dataset_id)
            item.setToolTip(0, plain_tooltip(tip))
            item.setData(0, Qt.ItemDataRole.UserRole, table.table_name)
            for column in table.columns:
                child = QTreeWidgetItem([column.name, column.type])
                child.setData(0, Qt.ItemDataRole.UserRole, column.name)
                item.addChild(child)
            self.tables.addTopLevelItem(item)
        self.tables.resizeColumnToContents(0)

    def _background_failed(self, error: GeodockError) -> None:
        if not sip.isdeleted(self):
            self._show_status(log.exception(error, "SQL console"), error=True)

    @guarded
    def _insert_name(self, item: QTreeWidgetItem, _column: int) -> None:
        # A server-given name goes into the query quoted unless it is a plain one (postgres_sql).
        self.editor.insert(editor_identifier(str(item.data(0, Qt.ItemDataRole.UserRole) or item.text(0))))
        self.editor.setFocus()

    @guarded
    def _recall(self, index: int) -> None:
        query = self.history_combo.itemData(index)
        if query:
            self.editor.setText(query)
        self.history_combo.setCurrentIndex(0)

    # Running -------------------------------------------------------------------------------------------

    @guarded
    def run_query(self) -> None:
        """Run the editor's query: a read fills the results table; a write asks first, then reports rows."""
        connection, project = self.connection(), self.project_id()
        query = self.editor.text().strip()
        if connection is None or project is None:
            self._show_status(self.tr("Choose an AmigoCloud connection and project first"), error=True)
            return
        if not query:
            self._show_status(self.tr("Type a query first"), error=True)
            return
        self.editor.clearWarnings()
        self._fill_history(remember_query(query))
        if is_write(query):
            if not self.confirm_write(query):
                self._show_status(self.tr("Write cancelled"))
                return
            self._clear_result()  # never the rows of an earlier query beside this one's outcome
            self._busy(True)
            self._show_status(self.tr("Running…"))
            self.current = run_in_background(
                "Geodock: AmigoCloud SQL write",
                lambda feedback: execute_write(connection, project, query, feedback),
                self._written,
                self._failed,
            )
            return
        self._clear_result()
        self._busy(True)
        self._show_status(self.tr("Running…"))
        size = self.page_size
        self.current = run_in_background(
            "Geodock: AmigoCloud SQL query",
            lambda feedback: (query, run_select(connection, project, query, feedback, size)),
            self._selected,
            self._failed,
        )

    def confirm_write(self, query: str) -> bool:
        """Ask before a statement that changes data."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Run a write statement?"),
            self.tr("This statement changes data in the project:\n\n{query}\n\nRun it?").format(query=query[:500]),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        plain(box)  # the query may hold markup: shown as typed
        box.setObjectName("GeodockSqlWriteConfirm")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _selected(self, outcome: tuple[str, SqlPage]) -> None:
        if sip.isdeleted(self):
            return
        query, page = outcome
        self.current = None
        self._busy(False)
        if self.model is not None:
            self.model.cancel()
        connection = self.connection()
        assert connection is not None
        self.model = SqlResultModel(connection, query, page, self)
        self.model.pageLoaded.connect(self._rows_status)
        self.model.fetchFailed.connect(lambda message: self._show_status(message, error=True))
        self.results.setModel(self.model)
        self.add_layer_button.setEnabled(self.model.geometry is not None)
        self._rows_status(len(page.rows))

    @guarded
    def _rows_status(self, held: int) -> None:
        if self.model is None:
            return
        total = self.model.count
        text = (
            self.tr("{held} of {total} rows").format(held=held, total=total)
            if total is not None
            else self.tr("{held} rows").format(held=held)
        )
        if self.model.next_url:
            text += " " + self.tr("(scroll for more)")
        self._show_status(text)
        self.queryFinished.emit(text)

    def _written(self, count: int) -> None:
        if sip.isdeleted(self):
            return
        self.current = None
        self._busy(False)
        text = self.tr("{n} rows affected").format(n=count)
        self._show_status(text)
        if self.iface is not None:
            push_message(self.iface.messageBar(), text, Qgis.MessageLevel.Success)
        self.queryFinished.emit(text)

    def _clear_result(self) -> None:
        old, self.model = self.model, None
        self.results.setModel(None)
        if old is not None:
            old.cancel()
            old.deleteLater()
        self.add_layer_button.setEnabled(False)

    def _failed(self, error: GeodockError) -> None:
        if sip.isdeleted(self):
            return
        self.current = None
        self._busy(False)
        self.add_layer_button.setEnabled(self.model is not None and self.model.geometry is not None)
        if isinstance(error, CancelledError):  # the user pressed Stop: not an error
            self._show_status(self.tr("Stopped"))
            return
        message = log.exception(error, "SQL")
        if isinstance(error, SqlError) and error.line is not None:
            # QScintilla counts from 0; the engine from 1.
            self.editor.addWarning(error.line - 1, error.engine_message)
            self.editor.setCursorPosition(error.line - 1, max(0, (error.column or 1) - 1))
            self.editor.ensureLineVisible(error.line - 1)
        self._show_status(message, error=True)
        self.queryFinished.emit(message)

    @guarded
    def stop(self) -> None:
        if self.current is not None:
            self.current.cancel()
            self.current = None
        self._busy(False)
        self._show_status(self.tr("Stopped"))

    # Add as layer --------------------------------------------------------------------------------------

    @guarded
    def add_as_layer(self) -> None:
        """Load all rows of the current result as a GeoPackage layer (the path ``geodock:amigocloudsql`` takes)."""
        connection, project = self.connection(), self.project_id()
        if self.model is None or connection is None or project is None:
            return
        query = self.model.query
        output = Path(tempfile.mkdtemp(prefix="geodock-sql-")) / "query.gpkg"
        self.add_layer_button.setEnabled(False)
        self._show_status(self.tr("Loading every row…"))
        self.current = run_in_background(
            "Geodock: AmigoCloud query as a layer",
            lambda feedback: query_to_geopackage(connection, project, query, output, feedback),
            self._layer_written,
            self._failed,
        )

    def _layer_written(self, path: Path) -> None:
        if sip.isdeleted(self):
            return
        self.current = None
        self.add_layer_button.setEnabled(True)
        name = self.tr("SQL result ({project})").format(project=self.project_combo.currentText())
        layer = QgsVectorLayer(f"{path}|layername=query", name, "ogr")
        if not layer.isValid():
            self._show_status(self.tr("The result could not be loaded as a layer"), error=True)
            return
        QgsProject.instance().addMapLayer(layer)
        text = self.tr("Added {name}: {n} features").format(name=name, n=layer.featureCount())
        self._show_status(text)
        self.queryFinished.emit(text)

    def closeEvent(self, event: Any) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Cancel whatever is still running."""
        for task in (self.current, self._tables_task, self._projects_task):
            if task is not None and not sip.isdeleted(task):
                try:
                    task.cancel()
                except RuntimeError:
                    pass
        if self.model is not None:
            self.model.cancel()
