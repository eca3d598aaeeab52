"""The Connections dialog: list, add, edit, remove, test, import and export Geodock connections.

Testing a connection runs in a QgsTask (:mod:`.connection_check`): the dialog stays usable while the request
is out, and a result that comes back after the dialog was closed or deleted is dropped.
"""

from __future__ import annotations

import html
from functools import partial
from pathlib import Path
from typing import Optional

from qgis.core import Qgis, QgsApplication
from qgis.gui import QgsGui, QgsMessageBar, QgsMessageBarItem
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtGui import QResizeEvent
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..plugin import auth, log, settings
from ..plugin.connections import (
    Connection,
    ConnectionStore,
    certificate_authorities,
    kind_title,
    read_connections_file,
)
from ..plugin.errors import GeodockError
from ..plugin.job_model import DownloadState
from ..plugin.jobs import manager as job_manager
from ..plugin.tasks import FunctionTask
from .connection_check import ConnectionCheck
from .connection_editor import ConnectionEditor
from .fit_columns import ColumnFitter
from .narrow import ButtonGrid, fit_message_items
from .plain_text import plain_tooltip
from .questions import ask_trust, ask_yes_no
from .slot_guard import guarded

NAME, KIND, URL, CREDENTIALS = range(4)
ID_ROLE = Qt.ItemDataRole.UserRole
MESSAGE_SECONDS = 8
NAMED = 2  # connections an import message names (the others are counted: the message must fit a narrow dialog)


class ConnectionsDialog(ConnectionCheck, QDialog):
    """Manage the connections of ``store``; ``message_bar`` is QGIS's own, for results nobody is looking at."""

    def __init__(self, store: ConnectionStore, message_bar: QgsMessageBar, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("GeodockConnectionsDialog")
        self.setWindowTitle(self.tr("Geodock Connections"))
        self.resize(980, 440)  # (no minimum: it fits a 300 px wide screen corner too)
        self.store = store
        self.main_message_bar = message_bar
        self.editor: Optional[ConnectionEditor] = None
        self._test_task: Optional[FunctionTask] = None
        self._test_item: Optional[QgsMessageBarItem] = None

        self.message_bar = QgsMessageBar(self)
        self.message_bar.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)

        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels([self.tr("Name"), self.tr("Kind"), self.tr("URL"), self.tr("Credentials")])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        # The name always; kind, credentials and URL while they fit (the name's tooltip tells them all).
        self.columns = ColumnFitter(self.tree, NAME, (KIND, CREDENTIALS, URL), cap=420)
        self.tree.itemDoubleClicked.connect(lambda _item, _column: self.edit_connection())
        self.tree.itemSelectionChanged.connect(self._update_buttons)

        self.empty_label = QLabel(
            self.tr("No connections yet. Add one with <b>Add…</b>, or load a connections file with <b>Import…</b>."),
            self,
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.add_button = self._button(self.tr("&Add…"), "/symbologyAdd.svg", self.tr("Add a new connection"))
        self.edit_button = self._button(
            self.tr("&Edit…"), "/symbologyEdit.svg", self.tr("Edit the selected connection")
        )
        self.remove_button = self._button(
            self.tr("&Remove"), "/symbologyRemove.svg", self.tr("Remove the selected connection")
        )
        self.test_button = self._button(
            self.tr("&Test Connection"), "/mActionRefresh.svg", self.tr("Make one request with the selected connection")
        )
        self.import_button = self._button(
            self.tr("&Import…"), "/mActionFileOpen.svg", self.tr("Load connections from a JSON file")
        )
        self.export_button = self._button(
            self.tr("E&xport…"),
            "/mActionFileSave.svg",
            self.tr("Save all connections to a JSON file (never their credentials)"),
        )
        self.add_button.clicked.connect(self.add_connection)
        self.edit_button.clicked.connect(self.edit_connection)
        self.remove_button.clicked.connect(self.remove_connection)
        self.test_button.clicked.connect(self.test_connection)
        self.import_button.clicked.connect(self.choose_import_file)
        self.export_button.clicked.connect(self.choose_export_file)

        # Under the list, one row when wide and wrapped onto more when narrow.
        self.buttons = ButtonGrid(
            (
                self.add_button,
                self.edit_button,
                self.remove_button,
                self.test_button,
                self.import_button,
                self.export_button,
            ),
            self,
        )
        body = QVBoxLayout()
        body.addWidget(self.tree, 1)
        body.addWidget(self.empty_label)
        body.addWidget(self.buttons)

        self.button_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        self.button_box.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message_bar)
        layout.addLayout(body, 1)
        layout.addWidget(self.button_box)

        self.store.changed.connect(self.refresh)
        self.refresh()
        QgsGui.enableAutoGeometryRestore(self)

    def _button(self, text: str, icon: str, tip: str) -> QPushButton:
        button = QPushButton(QgsApplication.getThemeIcon(icon), text, self)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        return button

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the messages' text to the new width."""
        super().resizeEvent(event)
        QTimer.singleShot(0, partial(fit_message_items, self.message_bar))

    # The list ----------------------------------------------------------------------------------------

    @guarded
    def refresh(self) -> None:
        """Show the store's connections again, keeping the selection."""
        if sip.isdeleted(self):
            return
        selected = self.selected_connection()
        selected_id = selected.id if selected is not None else None
        self.tree.setSortingEnabled(False)
        self.tree.clear()
        for connection in self.store.all():
            item = QTreeWidgetItem([connection.name, kind_title(connection.kind), connection.url, ""])
            item.setData(NAME, ID_ROLE, connection.id)
            item.setToolTip(URL, plain_tooltip(connection.url))
            item.setToolTip(NAME, plain_tooltip(f"{connection.name}\n{kind_title(connection.kind)} · {connection.url}"))
            self._show_credentials(item, connection)
            self.tree.addTopLevelItem(item)
            if connection.id == selected_id:
                item.setSelected(True)
                self.tree.setCurrentItem(item)
        self.tree.setSortingEnabled(True)
        empty = self.tree.topLevelItemCount() == 0
        self.empty_label.setVisible(empty)
        self.export_button.setEnabled(not empty)
        self._update_buttons()

    def _show_credentials(self, item: QTreeWidgetItem, connection: Connection) -> None:
        if not connection.authcfg:
            item.setText(CREDENTIALS, self.tr("None"))
            item.setToolTip(CREDENTIALS, self.tr("Requests are sent without credentials"))
            return
        configs = QgsApplication.authManager().availableAuthMethodConfigs()
        config = configs.get(connection.authcfg)
        if config is None:
            item.setText(CREDENTIALS, self.tr("Missing ({})").format(connection.authcfg))
            item.setIcon(CREDENTIALS, QgsApplication.getThemeIcon("/mIconWarning.svg"))
            item.setToolTip(
                CREDENTIALS,
                plain_tooltip(
                    self.tr(
                        "Authentication configuration {} is not in this QGIS: edit the connection to pick another"
                    ).format(connection.authcfg)
                ),
            )
            return
        item.setText(CREDENTIALS, self.tr("Yes"))
        item.setIcon(CREDENTIALS, QgsApplication.getThemeIcon("/locked.svg"))
        item.setToolTip(
            CREDENTIALS,
            plain_tooltip(
                self.tr("Authentication configuration “{}” ({}, id {})").format(
                    config.name(), config.method(), connection.authcfg
                )
            ),
        )

    def selected_connection(self) -> Optional[Connection]:
        """The connection selected in the list, read fresh from the store."""
        items = self.tree.selectedItems()
        if not items:
            return None
        connection_id = items[0].data(NAME, ID_ROLE)
        return next((c for c in self.store.all() if c.id == connection_id), None)

    def select(self, connection_id: str) -> None:
        """Select the connection with ``connection_id`` in the list."""
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item.data(NAME, ID_ROLE) == connection_id:
                self.tree.setCurrentItem(item)
                item.setSelected(True)
                self.tree.scrollToItem(item)
                return

    @guarded
    def _update_buttons(self) -> None:
        has_selection = bool(self.tree.selectedItems())
        self.edit_button.setEnabled(has_selection)
        self.remove_button.setEnabled(has_selection)
        self.test_button.setEnabled(has_selection and self._test_task is None)

    # Add, edit, remove -------------------------------------------------------------------------------

    @guarded
    def add_connection(self) -> ConnectionEditor:
        """Open the editor for a new connection (window-modal; the list updates when it is saved)."""
        return self._open_editor(None)

    @guarded
    def edit_connection(self) -> Optional[ConnectionEditor]:
        """Open the editor on the selected connection."""
        connection = self.selected_connection()
        if connection is None:
            return None
        return self._open_editor(connection)

    def _open_editor(self, connection: Optional[Connection]) -> ConnectionEditor:
        if self.editor is not None and not sip.isdeleted(self.editor):
            self.editor.close()
            self.editor.deleteLater()
        editor = ConnectionEditor(self.store, connection, self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.accepted.connect(partial(self._editor_saved, editor))
        self.editor = editor
        # open(), not exec(): no nested event loop, so a running connection test keeps reporting.
        editor.open()
        return editor

    def _editor_saved(self, editor: ConnectionEditor) -> None:
        if sip.isdeleted(self) or editor.saved is None:
            return
        self.select(editor.saved.id)
        self._push(self.tr("Saved connection “{}”").format(editor.saved.name), Qgis.MessageLevel.Success)

    @guarded
    def remove_connection(self) -> None:
        """Remove the selected connection, after asking (its auth config stays: other tools may use it)."""
        connection = self.selected_connection()
        if connection is None:
            return
        question = self.tr("Remove the connection “{}”?").format(connection.name)
        waiting = [
            job.title
            for job in job_manager().jobs()
            if job.connection == connection.name
            and (not job.state.final or job.download in (DownloadState.PENDING, DownloadState.RUNNING))
        ]
        if waiting:
            question += "\n\n" + self.tr(
                "{count} job(s) follow through it ({titles}): they will wait until a connection of this name is "
                "added again."
            ).format(count=len(waiting), titles=", ".join(waiting[:3]))
        if not ask_yes_no(self, self.tr("Remove Connection"), question):
            return
        self.store.remove(connection)
        self._push(self.tr("Removed connection “{}”").format(connection.name), Qgis.MessageLevel.Info)

    # Import and export -------------------------------------------------------------------------------

    def _last_folder(self) -> str:
        return str(settings.value(settings.LAST_FOLDER, str(Path.home())) or Path.home())

    @guarded
    def choose_import_file(self) -> None:
        """Ask for a connections JSON file, then import it."""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import Connections"), self._last_folder(), self.tr("Connections (*.json);;All files (*)")
        )
        if path:
            settings.set_value(settings.LAST_FOLDER, str(Path(path).parent))
            self.import_from(Path(path))

    def import_from(self, path: Path) -> list[Connection]:
        """Import the connections in ``path``; credentials in it go to the QGIS auth database. Certificate
        authorities it names are trusted only when the user says so, after seeing them."""
        before = {c.name for c in self.store.all()}
        try:
            data = read_connections_file(path)
            ca_paths = certificate_authorities(data)
            imported = self.store.import_json(data)
        except GeodockError as err:
            line = log.exception(err, self.tr("Import of {}").format(Path(path).name))
            self._push(line, Qgis.MessageLevel.Critical, title=self.tr("Import failed"))
            return []
        replaced = sum(1 for c in imported if c.name in before)
        text = self.tr("Imported {} connection(s) from {}").format(len(imported), Path(path).name)
        if len(imported) <= NAMED:  # more names would not fit a narrow dialog: the list shows them
            text += ": " + ", ".join(c.name for c in imported)
        if replaced:
            text += " " + self.tr("({} updated)").format(replaced)
        level = Qgis.MessageLevel.Success
        cas = auth.read_certificate_authorities(ca_paths)
        if cas:
            if ask_trust(self, Path(path).name, cas):
                trusted = auth.trust_certificates([ca.certificate for ca in cas])
                text += " " + self.tr("{} certificate authorities trusted.").format(trusted)
            else:
                text += " " + self.tr(
                    "Its {} certificate authorities were not trusted: HTTPS sites that rely on them will fail."
                ).format(len(cas))
                level = Qgis.MessageLevel.Warning
        self._push(text, level)
        if imported:
            self.select(imported[0].id)
        return imported

    @guarded
    def choose_export_file(self) -> None:
        """Ask where to save, then export every connection (never a secret)."""
        default = str(Path(self._last_folder()) / "geodock-connections.json")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export Connections"), default, self.tr("Connections (*.json);;All files (*)")
        )
        if not path:
            return
        if not path.lower().endswith(".json"):
            path += ".json"
        settings.set_value(settings.LAST_FOLDER, str(Path(path).parent))
        self.export_to(Path(path))

    def export_to(self, path: Path) -> int:
        """Write every connection to ``path``; returns how many (0 and a message on failure)."""
        try:
            count = self.store.export_file(path)
        except OSError as err:
            line = log.exception(err, self.tr("Export to {}").format(path))
            self._push(line, Qgis.MessageLevel.Critical, title=self.tr("Export failed"))
            return 0
        self._push(
            self.tr("Exported {} connection(s) to {} (credentials are not exported)").format(count, path.name),
            Qgis.MessageLevel.Success,
        )
        return count

    # Messages and closing ----------------------------------------------------------------------------

    def _push(self, text: str, level: Qgis.MessageLevel, title: str = "") -> None:
        """Show ``text`` in the dialog's bar, or in QGIS's when the dialog is not on screen."""
        bar = self.message_bar if self.isVisible() or sip.isdeleted(self.main_message_bar) else self.main_message_bar
        duration = 0 if level in (Qgis.MessageLevel.Critical, Qgis.MessageLevel.Warning) else MESSAGE_SECONDS
        if any(char in text for char in "<>&"):
            # A message bar shows rich text: names from an imported file must not become markup. With a title,
            # the text is always read as rich text, so the escaped characters show as themselves.
            text, title = html.escape(text, quote=False), title or self.tr("Connections")
        bar.pushMessage(title, text, level, duration)
        QTimer.singleShot(0, partial(fit_message_items, bar))  # the whole text, not QGIS's 1.75 lines
