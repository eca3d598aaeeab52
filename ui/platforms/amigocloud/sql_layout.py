"""The widgets of the SQL console, laid out (the console connects their signals), its tables tree filled, and its
question before a write."""

from __future__ import annotations

from typing import Any

from qgis.gui import QgsCodeEditorSQL
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QComboBox,
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

from ....plugin.i18n import tr
from ....plugin.platforms.amigocloud.sql import TableInfo
from ...plain_text import plain, plain_label, plain_tooltip


def lay_out(console: Any) -> None:
    """Make the console's widgets as its attributes (combos, tables tree, editor, buttons, results, status)."""
    top = QHBoxLayout()
    console.connection_combo = QComboBox()
    console.project_combo = QComboBox()
    console.project_combo.setMinimumContentsLength(16)
    top.addWidget(plain_label(tr("Connection")))
    top.addWidget(console.connection_combo, 1)
    top.addWidget(plain_label(tr("Project")))
    top.addWidget(console.project_combo, 1)

    console.tables = QTreeWidget()
    console.tables.setHeaderLabels([tr("Table / column"), tr("Type")])

    console.editor = QgsCodeEditorSQL()
    console.history_combo = QComboBox()
    console.history_combo.setToolTip(tr("Earlier queries"))
    console.run_button = QPushButton(tr("Run"))
    console.run_button.setShortcut("Ctrl+Return")
    console.run_button.setToolTip(tr("Run the query (Ctrl+Return)"))
    console.stop_button = QPushButton(tr("Stop"))
    console.stop_button.setEnabled(False)
    console.add_layer_button = QPushButton(tr("Add as layer"))
    console.add_layer_button.setEnabled(False)
    console.add_layer_button.setToolTip(tr("Load every row of the result as a layer (needs a geometry column)"))
    buttons = QHBoxLayout()
    buttons.addWidget(console.history_combo, 1)
    buttons.addWidget(console.run_button)
    buttons.addWidget(console.stop_button)
    buttons.addWidget(console.add_layer_button)

    console.results = QTableView()
    console.results.setAlternatingRowColors(True)
    console.status = plain_label()
    console.status.setWordWrap(True)
    console.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    editor_box = QWidget()
    editor_layout = QVBoxLayout(editor_box)
    editor_layout.setContentsMargins(0, 0, 0, 0)
    editor_layout.addWidget(console.editor)
    editor_layout.addLayout(buttons)
    right = QSplitter(Qt.Orientation.Vertical)
    right.addWidget(editor_box)
    right.addWidget(console.results)
    right.setStretchFactor(1, 2)
    main = QSplitter(Qt.Orientation.Horizontal)
    main.addWidget(console.tables)
    main.addWidget(right)
    main.setStretchFactor(1, 3)
    layout = QVBoxLayout(console)
    layout.addLayout(top)
    layout.addWidget(main, 1)
    layout.addWidget(console.status)
    console.resize(900, 600)


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
    tree.resizeColumnToContents(0)


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
