"""The widgets of the SQL console, laid out (the console connects their signals), its tables tree filled, and its
question before a write."""

from __future__ import annotations

from typing import Any

from qgis.gui import QgsCodeEditorSQL
from qgis.PyQt.Qsci import QsciScintilla
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFormLayout,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ....plugin.i18n import tr
from ....plugin.platforms.amigocloud.sql import TableInfo
from ...fit_columns import ColumnFitter
from ...narrow import ButtonGrid
from ...plain_text import plain, plain_label, plain_tooltip

WIDE = 600  # px from which the tables list goes beside the editor


def lay_out(console: Any) -> None:
    """Make the console's widgets as its attributes (combos, tables tree, editor, buttons, results, status)."""
    top = QFormLayout()  # fields under their labels in a narrow window
    top.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    top.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    console.connection_combo = _narrow(QComboBox())
    console.project_combo = _narrow(QComboBox())
    top.addRow(plain_label(tr("Connection")), console.connection_combo)
    top.addRow(plain_label(tr("Project")), console.project_combo)

    console.tables = QTreeWidget()
    # A table's row: its SQL name, then the dataset's name; a column's row: its name, then its type.
    console.tables.setHeaderLabels([tr("Table / column"), tr("Dataset / type")])
    console.table_columns = ColumnFitter(console.tables, 0, (1,), min_stretch=100)

    console.editor = QgsCodeEditorSQL()
    console.editor.setWrapMode(QsciScintilla.WrapMode.WrapWord)  # long lines wrap: no sideways scrolling
    console.editor.SendScintilla(QsciScintilla.SCI_SETHSCROLLBAR, 0)
    console.history_combo = _narrow(QComboBox())
    console.history_combo.setToolTip(tr("Earlier queries"))
    console.run_button = QPushButton(tr("Run"))
    console.run_button.setShortcut("Ctrl+Return")
    console.run_button.setToolTip(tr("Run the query (Ctrl+Return)"))
    console.stop_button = QPushButton(tr("Stop"))
    console.stop_button.setEnabled(False)
    console.add_layer_button = QPushButton(tr("Add as layer"))
    console.add_layer_button.setEnabled(False)
    console.add_layer_button.setToolTip(tr("Load every row of the result as a layer (needs a geometry column)"))
    buttons = ButtonGrid((console.history_combo, console.run_button, console.stop_button, console.add_layer_button))

    console.results = QTableView()
    console.results.setAlternatingRowColors(True)
    console.status = plain_label()
    console.status.setWordWrap(True)
    console.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    editor_box = QWidget()
    editor_layout = QVBoxLayout(editor_box)
    editor_layout.setContentsMargins(0, 0, 0, 0)
    editor_layout.addWidget(console.editor)
    editor_layout.addWidget(buttons)
    right = QSplitter(Qt.Orientation.Vertical)
    right.addWidget(editor_box)
    right.addWidget(console.results)
    right.setStretchFactor(1, 2)
    main = QSplitter(Qt.Orientation.Horizontal)
    main.addWidget(console.tables)
    main.addWidget(right)
    main.setStretchFactor(1, 3)
    console.main_splitter = main
    layout = QVBoxLayout(console)
    layout.addLayout(top)
    layout.addWidget(main, 1)
    layout.addWidget(console.status)
    console.resize(900, 600)


def _narrow(combo: QComboBox) -> QComboBox:
    """A combo whose long items (project names, past queries) do not hold the window wide."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    return combo


def fit_orientation(console: Any) -> None:
    """Tables beside the editor in a wide console, above it in a narrow one."""
    splitter = console.main_splitter
    orientation = Qt.Orientation.Horizontal if console.width() >= WIDE else Qt.Orientation.Vertical
    if orientation != splitter.orientation():
        splitter.setOrientation(orientation)
        if orientation == Qt.Orientation.Vertical:  # the editor and results matter most in a short column
            total = max(sum(splitter.sizes()), 1)
            splitter.setSizes([total // 4, total - total // 4])


def fill_tables(tree: QTreeWidget, tables: list[TableInfo]) -> None:
    """Show ``tables`` with their columns in ``tree`` (each item's data: the name to insert into a query)."""
    tree.clear()
    for table in tables:
        item = QTreeWidgetItem([table.table_name, table.name])
        tip = tr("Dataset {name} (id {id})").format(name=table.name, id=table.dataset_id)
        item.setToolTip(0, plain_tooltip(tip))
        item.setData(0, Qt.ItemDataRole.UserRole, table.table_name)
        for column in table.columns:
            child = QTreeWidgetItem([column.name, column.type])
            child.setData(0, Qt.ItemDataRole.UserRole, column.name)
            item.addChild(child)
        tree.addTopLevelItem(item)


def ask_to_write(parent: QWidget, query: str) -> bool:
    """Ask (modal, Cancel by default) whether to run ``query``, a statement that changes data."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        tr("Run a write statement?"),
        tr("This statement changes data in the project:\n\n{query}\n\nRun it?").format(query=query[:500]),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        parent,
    )
    plain(box)  # the query may hold markup: shown as typed
    box.setObjectName("GeodockSqlWriteConfirm")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Yes
