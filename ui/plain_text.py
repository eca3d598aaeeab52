"""Server text shown as text: never as live markup.

Qt guesses whether a label's, tooltip's or message box's text is rich text (``Qt::mightBeRichText``), and
rich text is live: ``<img src="/dev/zero">`` makes Qt read that file, ``<a href="smb://...">`` is a link.
Titles, descriptions, job and error messages come from servers, so every widget that can show one goes
through here: labels and message boxes are set to plain text, tooltips are escaped, and message-bar text
goes through :func:`plugin.gui_hooks.push_message`. Only the sanitised details pane renders server HTML.
"""

from __future__ import annotations

import html
from typing import Optional, TypeVar

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QLabel, QMessageBox, QWidget

from ..plugin.gui_hooks import bar_text, push_message

__all__ = ["bar_text", "plain", "plain_label", "plain_tooltip", "push_message"]

Shown = TypeVar("Shown", QLabel, QMessageBox)


def plain(widget: Shown) -> Shown:
    """``widget`` (a label or a message box) made to show its text as plain text, whatever it holds."""
    widget.setTextFormat(Qt.TextFormat.PlainText)
    return widget


def plain_label(text: str = "", parent: Optional[QWidget] = None) -> QLabel:
    """A label that shows ``text`` (and any text set later) as plain text."""
    label = plain(QLabel(parent))
    label.setText(text)
    return label


def plain_tooltip(text: str) -> str:
    """``text`` as a tooltip that shows exactly that text (escaped rich text: tooltips have no format switch)."""
    if not text:
        return ""
    return "<p>" + html.escape(text, quote=False).replace("\n", "<br>") + "</p>"
