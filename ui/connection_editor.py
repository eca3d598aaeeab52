"""The Add / Edit connection dialog: name, kind, URL, the auth style and the QGIS auth config holding the secret.

A URL typed without a scheme is taken as ``https://`` (the dialog says so).

The dialog saves through the :class:`~geodock.plugin.connections.ConnectionStore` itself when the user
presses Save, and stays open with the reason in its own message bar when the connection is invalid, so
the user can correct it without retyping anything.
"""

from __future__ import annotations

import html
from typing import Optional

from qgis.core import Qgis
from qgis.gui import QgsAuthConfigSelect, QgsGui, QgsMessageBar
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..plugin.connections import Connection, ConnectionStore, kind_title
from ..plugin.errors import GeodockError
from ..plugin.platforms import registry
from .auth_style_box import AuthStyleBox
from .plain_text import plain
from .slot_guard import guarded


class ConnectionEditor(QDialog):
    """Create a new connection (``connection=None``) or edit an existing one, then save it in ``store``."""

    def __init__(
        self, store: ConnectionStore, connection: Optional[Connection] = None, parent: Optional[QWidget] = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("GeodockConnectionEditor")
        self.store = store
        self._original = connection
        self.saved: Optional[Connection] = None

        self.setWindowTitle(
            self.tr("Edit Connection — {}").format(connection.name) if connection else self.tr("New Connection")
        )
        self.setMinimumWidth(640)

        self.message_bar = QgsMessageBar(self)
        self.message_bar.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)

        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText(self.tr("A name to recognise this connection by"))

        self.kind_combo = QComboBox(self)
        for kind in registry.kinds():
            self.kind_combo.addItem(kind_title(kind), kind)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)

        self.url_edit = QLineEdit(self)
        self.url_edit.setClearButtonEnabled(True)
        self.url_edit.editingFinished.connect(self._url_finished)

        self.auth_style = AuthStyleBox(self)

        # "" = no data provider: any auth method QGIS offers can be picked or created here.
        self.auth_select = QgsAuthConfigSelect(self, "")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("&Name"), self.name_edit)
        form.addRow(self.tr("&Kind"), self.kind_combo)
        form.addRow(self.tr("&URL"), self.url_edit)
        self.auth_style.add_rows(form)
        form.addRow(self.tr("Credentials"), self.auth_select)
        for field in (self.name_edit, self.kind_combo, self.url_edit, self.auth_select):
            label = form.labelForField(field)
            if isinstance(label, QLabel):
                plain(label)

        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message_bar)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.button_box)

        if connection is not None:
            self.name_edit.setText(connection.name)
            index = self.kind_combo.findData(connection.kind)
            self.kind_combo.setCurrentIndex(max(index, 0))
            self.url_edit.setText(connection.url)
            self.auth_select.setConfigId(connection.authcfg)
            self.auth_style.set_style(connection.auth_style, connection.auth_settings)
        self._kind_changed()

        self.auth_style.changed.connect(self._fit_height)
        QgsGui.enableAutoGeometryRestore(self)

    @guarded
    def _fit_height(self) -> None:
        """Grow to show a longer hint or another row whole (never narrower than the user made it)."""
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    @guarded
    def _kind_changed(self) -> None:
        kind = self.kind_combo.currentData()
        example = registry.platform(kind).url_example if kind in registry.kinds() else "https://"
        self.url_edit.setPlaceholderText(self.tr("e.g. {}").format(example))
        self.auth_style.set_target(kind or "", self.url_edit.text().strip())

    @guarded
    def _url_finished(self) -> None:
        """A URL without a scheme becomes https (and the dialog says so)."""
        url, added = with_scheme(self.url_edit.text())
        if added:
            self.url_edit.setText(url)
            self.message_bar.clearWidgets()
            self.message_bar.pushMessage(
                self.tr("No scheme given: the URL is taken as https://"), Qgis.MessageLevel.Info, 0
            )
        self.auth_style.set_target(self.kind_combo.currentData() or "", url)

    def connection(self) -> Connection:
        """The connection as the fields describe it now (keeping the edited connection's id and options)."""
        connection = Connection(
            name=self.name_edit.text().strip(),
            kind=self.kind_combo.currentData() or "",
            url=with_scheme(self.url_edit.text())[0],
            authcfg=self.auth_select.configId() or "",
            auth_style=self.auth_style.style(),
            auth_settings=self.auth_style.settings(),
        )
        if self._original is not None:
            connection.id = self._original.id
            connection.options = dict(self._original.options)
        return connection

    @guarded
    def accept(self) -> None:
        """Validate and save; on a problem, say why in the dialog's message bar and stay open."""
        connection = self.connection()
        try:
            self.store.save(connection)  # validates, and refuses a duplicate name
        except GeodockError as err:
            message = err.message
            prefix = f"{connection.name}: "
            if connection.name and message.startswith(prefix):  # the name is on screen already
                message = message[len(prefix) :]
                message = message[:1].upper() + message[1:]
            self.message_bar.clearWidgets()
            if any(char in message for char in "<>&"):
                # The message may quote the name or URL (from an imported file): never live markup. With a
                # title the bar always reads rich text, so the escaped characters show as themselves.
                self.message_bar.pushMessage(
                    self.tr("Not saved"), html.escape(message, quote=False), Qgis.MessageLevel.Warning, 0
                )
            else:
                self.message_bar.pushMessage(message, Qgis.MessageLevel.Warning, 0)
            return
        self.saved = connection
        super().accept()


def with_scheme(text: str) -> tuple[str, bool]:
    """``text`` stripped, with ``https://`` in front when it names no scheme; and whether it was added."""
    url = text.strip()
    if not url or "://" in url:
        return url, False
    return f"https://{url.lstrip('/')}", True
