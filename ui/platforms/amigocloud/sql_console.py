"""The AmigoCloud SQL console: an editor with history, the project's tables and columns, a results table
paging through the cursor, "Add as layer", confirmed writes, and engine errors placed at their line.

Whatever is not provably a single read (:func:`plugin.platforms.amigocloud_sql.is_write`) asks first.
Server text (names, values, messages) is shown as plain text: labels in plain-text format, tooltips escaped."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Optional

from qgis.core import Qgis, QgsFeedback, QgsProject, QgsVectorLayer
from qgis.gui import QgisInterface, QgsGui
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QDialog,
    QTreeWidgetItem,
    QWidget,
)

from ....plugin import log
from ....plugin.connections import Connection, store
from ....plugin.errors import CancelledError, GeodockError
from ....plugin.gui_hooks import push_message
from ....plugin.platforms.amigocloud.adapter import AmigoCloudAdapter
from ....plugin.platforms.amigocloud.postgres_sql import editor_identifier
from ....plugin.platforms.amigocloud.sql import (
    DEFAULT_PAGE_SIZE,
    AmigoCloudSql,
    SqlError,
    SqlPage,
    TableInfo,
    is_write,
)
from ....plugin.platforms.registry import Capability, connections_with
from ....plugin.tasks import FunctionTask, run_in_background
from ...slot_guard import guarded
from .sql_layout import ask_to_write, fill_tables, fit_orientation, lay_out
from .sql_results import SqlResultModel, remember_query
from .sql_results import load_history as load_history  # (re-exported: tests import it from here)


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

    # Building ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        """The widgets (see :func:`.sql_layout.lay_out`) and their signals."""
        self._pending_project: Optional[str] = None
        lay_out(self)
        self.tables.itemDoubleClicked.connect(self._insert_name)
        self.history_combo.activated.connect(self._recall)
        self.run_button.clicked.connect(self.run_query)
        self.stop_button.clicked.connect(self.stop)
        self.add_layer_button.clicked.connect(self.add_as_layer)
        self._fill_history(load_history())
        self.connection_combo.currentIndexChanged.connect(self._load_projects)
        self.project_combo.currentIndexChanged.connect(self._load_tables)

    @guarded
    def _fill_connections(self, selected: Optional[Connection]) -> None:
        """List the connections with SQL, choosing ``selected``; say so when there are none."""
        self.connection_combo.blockSignals(True)
        for connection in connections_with(Capability.SQL):
            self.connection_combo.addItem(connection.name, connection.name)
        if selected is not None:
            index = self.connection_combo.findData(selected.name)
            if index >= 0:
                self.connection_combo.setCurrentIndex(index)
        self.connection_combo.blockSignals(False)
        if self.connection_combo.count() == 0:
            self._show_status(self.tr("Add an AmigoCloud connection first (Geodock ▸ Connections…)"), error=True)

    def _fill_history(self, history: list[str]) -> None:
        """Refill the history chooser with ``history`` (newest first)."""
        self.history_combo.clear()
        self.history_combo.addItem(self.tr("History…"), "")
        for query in history:
            self.history_combo.addItem(" ".join(query.split())[:100], query)

    # State ---------------------------------------------------------------------------------------------

    def connection(self) -> Optional[Connection]:
        """The chosen connection, or None."""
        name = self.connection_combo.currentData()
        return store().get(name) if name else None

    def project_id(self) -> Optional[str]:
        """The chosen project's id, or None."""
        value = self.project_combo.currentData()
        return str(value) if value not in (None, "") else None

    @guarded
    def _show_status(self, text: str, error: bool = False) -> None:
        """Show ``text`` in the status line (red for an error)."""
        self.status.setText(text)
        self.status.setStyleSheet("color: #b00020;" if error else "")

    def _busy(self, busy: bool) -> None:
        """Allow Stop while a query runs, Run otherwise."""
        self.run_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)

    # Projects and tables -------------------------------------------------------------------------------

    @guarded
    def _load_projects(self) -> None:
        """List the connection's projects (every page, in a task)."""
        connection = self.connection()
        self.project_combo.clear()
        if connection is None:
            return
        adapter = AmigoCloudAdapter(connection)

        def work(feedback: QgsFeedback) -> list[tuple[str, str]]:
            """The projects as (id, name), following ``next`` links."""
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
        """Fill the project chooser (keeping a project asked for), then load its tables."""
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
        """List the project's tables and columns (in a task)."""
        connection, project = self.connection(), self.project_id()
        self.tables.clear()
        if connection is None or project is None:
            return
        self._tables_task = run_in_background(
            "Geodock: AmigoCloud tables",
            lambda feedback: AmigoCloudSql(connection).list_tables(project, feedback),
            self._tables_loaded,
            self._background_failed,
        )

    def _tables_loaded(self, tables: list[TableInfo]) -> None:
        """Show the tables with their columns in the tree."""
        if not sip.isdeleted(self):
            fill_tables(self.tables, tables)

    def _background_failed(self, error: GeodockError) -> None:
        """A listing failed: say why in the status line."""
        if not sip.isdeleted(self):
            self._show_status(log.exception(error, "SQL console"), error=True)

    @guarded
    def _insert_name(self, item: QTreeWidgetItem, _column: int) -> None:
        """Insert the double-clicked table or column name into the query (quoted when needed)."""
        # A server-given name goes into the query quoted unless it is a plain one (postgres_sql).
        self.editor.insert(editor_identifier(str(item.data(0, Qt.ItemDataRole.UserRole) or item.text(0))))
        self.editor.setFocus()

    @guarded
    def _recall(self, index: int) -> None:
        """Put the chosen past query back into the editor."""
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
                lambda feedback: AmigoCloudSql(connection).execute_write(project, query, feedback),
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
            lambda feedback: (query, AmigoCloudSql(connection).run_select(project, query, feedback, size)),
            self._selected,
            self._failed,
        )

    def confirm_write(self, query: str) -> bool:
        """Ask before a statement that changes data."""
        return ask_to_write(self, query)

    def _selected(self, outcome: tuple[str, SqlPage]) -> None:
        """Show a read's first page in the results table."""
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
        """Say how many rows are shown (and of how many)."""
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
        """Say how many rows a write changed."""
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
        """Drop the shown result (its paging stops)."""
        old, self.model = self.model, None
        self.results.setModel(None)
        if old is not None:
            old.cancel()
            old.deleteLater()
        self.add_layer_button.setEnabled(False)

    def _failed(self, error: GeodockError) -> None:
        """Show a failed query's error (placed at its line when the engine says where)."""
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
        """Cancel the running query."""
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
            lambda feedback: AmigoCloudSql(connection).query_to_geopackage(project, query, output, feedback),
            self._layer_written,
            self._failed,
        )

    def _layer_written(self, path: Path) -> None:
        """Add the written GeoPackage as a layer."""
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

    def resizeEvent(self, event: Any) -> None:
        """Tables above the editor when the console is narrow, beside it when wide."""
        super().resizeEvent(event)
        fit_orientation(self)

    def closeEvent(self, event: Any) -> None:
        """Stop what runs before the console closes."""
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
