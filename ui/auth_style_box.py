"""The connection editor's auth-style part: how the credentials go out, and the one setting a style needs.

The style and its setting (header name, query parameter name, login URL) are not secrets and are stored with
the connection; the secret itself is in the QGIS auth config picked below it. The platform's own way is
described from the platform's applier, so this widget names no platform.
"""

from __future__ import annotations

from qgis.PyQt.QtCore import QObject, pyqtSignal
from qgis.PyQt.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from ..plugin import auth_styles
from ..plugin.connections import Connection
from ..plugin.errors import GeodockError
from ..plugin.platforms import adapter_for, registry
from .plain_text import plain_label
from .slot_guard import guarded


class AuthStyleBox(QObject):
    """A style combo box, the style's setting (when it has one) and a line saying what goes out: rows the
    connection editor puts in its own form (:meth:`add_rows`), so that every label lines up."""

    changed = pyqtSignal()  # the rows' heights may have changed (the setting shown or hidden, a longer hint)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._kind = ""
        self._url = ""
        self._settings: dict[str, str] = {}
        self.style_combo = QComboBox(parent)
        for style in auth_styles.STYLES:
            self.style_combo.addItem(auth_styles.title(style), style)
        self.style_label = plain_label(self.tr("&Authentication"), parent)
        self.style_label.setBuddy(self.style_combo)
        self.setting_label = plain_label("", parent)
        self.setting_edit = QLineEdit(parent)
        self.setting_edit.setClearButtonEnabled(True)
        self.hint = plain_label("", parent)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("authStyleHint")

        self.style_combo.currentIndexChanged.connect(self._style_changed)
        self.setting_edit.textEdited.connect(self._setting_edited)
        self._style_changed()

    def add_rows(self, form: QFormLayout) -> None:
        """Put the style, its setting and the hint into ``form``."""
        form.addRow(self.style_label, self.style_combo)
        form.addRow(self.setting_label, self.setting_edit)
        form.addRow(self.hint)

    # State -----------------------------------------------------------------------------------------------

    def set_target(self, kind: str, url: str) -> None:
        """The connection's platform and URL changed: describe the platform's own way again."""
        self._kind, self._url = kind, url
        self._update_hint()

    def set_style(self, style: str, settings: dict[str, str]) -> None:
        """Show ``style`` with ``settings``."""
        self._settings = dict(settings)
        index = self.style_combo.findData(style)
        self.style_combo.setCurrentIndex(max(index, 0))
        self._style_changed()

    def style(self) -> str:
        """The chosen style."""
        return str(self.style_combo.currentData() or "")

    def settings(self) -> dict[str, str]:
        """The chosen style's setting (only the one it uses)."""
        key = auth_styles.SETTING_OF.get(self.style())
        value = self.setting_edit.text().strip()
        return {key: value} if key and value else {}

    # Slots -----------------------------------------------------------------------------------------------

    @guarded
    def _setting_edited(self, text: str) -> None:
        key = auth_styles.SETTING_OF.get(self.style())
        if key:
            self._settings[key] = text.strip()

    @guarded
    def _style_changed(self, *_args: object) -> None:
        style = self.style()
        key = auth_styles.SETTING_OF.get(style)
        labels = {
            auth_styles.HEADER: (self.tr("Header name"), auth_styles.DEFAULT_HEADER),
            auth_styles.PARAMETER: (self.tr("Parameter name"), auth_styles.DEFAULT_PARAMETER),
            auth_styles.LOGIN_URL: (self.tr("Login URL"), self.tr("token URL, e.g. https://example.com/auth/token")),
        }
        shown = key is not None
        self.setting_label.setVisible(shown)
        self.setting_edit.setVisible(shown)
        if key is not None:
            text, placeholder = labels[key]
            self.setting_label.setText(text)
            self.setting_edit.setPlaceholderText(placeholder)
            self.setting_edit.setText(self._settings.get(key, ""))
        self._update_hint()

    def _update_hint(self) -> None:
        self.hint.setText(self._hint_text(self.style()))
        self.changed.emit()

    def _hint_text(self, style: str) -> str:
        hints = {
            auth_styles.NONE: self.tr("Nothing is sent, whatever the credentials below hold."),
            auth_styles.BASIC: self.tr("The credentials below: a Basic configuration's user name and password."),
            auth_styles.BEARER: self.tr("The token in the password field of the Basic configuration below."),
            auth_styles.APIKEY_HEADER: self.tr("The key in the password field of the Basic configuration below."),
            auth_styles.APIKEY_QUERY: self.tr(
                "The key in the password field of the Basic configuration below. A key in a URL can end up in "
                "server logs: prefer a header where the server takes one."
            ),
            auth_styles.LOGIN: self.tr(
                "The user name and password of the Basic configuration below go to the login URL; the token it "
                "answers is kept in memory only, goes to this connection's server only, and is renewed on a 401."
            ),
            auth_styles.QGIS: self.tr("QGIS applies the configuration below itself (Basic, OAuth2, PKI…)."),
        }
        if style in hints:
            return hints[style]
        return self.tr("Sends {what}.").format(what=self._own_way())

    def _own_way(self) -> str:
        """What the platform of the chosen kind sends by default (from its applier; no network)."""
        if self._kind not in registry.kinds():
            return self.tr("what the platform expects")
        url = self._url if "://" in self._url else registry.platform(self._kind).url_example
        try:
            applier = adapter_for(Connection("", self._kind, url)).auth
        except (GeodockError, KeyError, ValueError):
            return self.tr("what the platform expects")
        describe = getattr(applier, "describe", None)
        return describe() if callable(describe) else self.tr("what the platform expects")
