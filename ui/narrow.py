"""Pieces that let a dialog shrink to a narrow panel without cutting anything.

- :class:`ButtonGrid`: buttons in as many columns as fit its width (one row when wide, a grid when narrow);
- :func:`fit_message_items`: a message bar's items tall enough for their whole text. QGIS gives an item's text
  a fixed 1.75 lines (``max-height: 1.75em``), so in a narrow dialog a sentence is cut in half mid-line;
- :class:`GrowForText`: a window that grows when wrapped text in it needs more lines (Qt does not grow a window
  for a label's height-for-width: it squeezes the other labels instead).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Optional, TypeVar

from qgis.gui import QgsMessageBar
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QEvent, QObject, QSize, QTimer
from qgis.PyQt.QtWidgets import QComboBox, QFormLayout, QGridLayout, QTextBrowser, QWidget

MAX_MESSAGE_LINES = 10  # more than this scrolls inside the item
_QGIS_HEIGHT = "max-height: 1.75em; min-height: 1.75em;"  # QgsMessageBarItem's text height (QGIS 3.22-3.34)
_FITTED = re.compile(r"/\*fit\*/[^/]*/\*end\*/")


class ButtonGrid(QWidget):
    """``buttons`` (or other small widgets) left to right, wrapping onto more rows when the width does not hold
    them all."""

    def __init__(self, buttons: Sequence[QWidget], parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.buttons = list(buttons)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.columns = 0
        self.flow(len(self.buttons))

    def _cell_width(self) -> int:
        return max((button.sizeHint().width() for button in self.buttons), default=0)

    def columns_for(self, width: int) -> int:
        """How many buttons fit side by side in ``width`` px (at least one)."""
        cell, gap = self._cell_width(), max(self.grid.horizontalSpacing(), 0)
        fit = max(1, min(len(self.buttons), (width + gap) // max(cell + gap, 1)))
        rows = -(-len(self.buttons) // fit)
        return -(-len(self.buttons) // rows)  # rows as full as each other: 3 + 3, not 5 + 1

    def flow(self, columns: int) -> None:
        """Lay the buttons out in ``columns`` columns."""
        if columns == self.columns:
            return
        self.columns = columns
        for button in self.buttons:
            self.grid.removeWidget(button)
        for index, button in enumerate(self.buttons):
            self.grid.addWidget(button, index // columns, index % columns)
        for column in range(len(self.buttons)):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:
        """One button wide: the grid wraps rather than hold the window wide."""
        rows = -(-len(self.buttons) // max(self.columns, 1))
        height = max((button.sizeHint().height() for button in self.buttons), default=0)
        return QSize(self._cell_width(), rows * height + (rows - 1) * max(self.grid.verticalSpacing(), 0))

    def sizeHint(self) -> QSize:
        """As wide as one row of every button."""
        return QSize(self._cell_width() * len(self.buttons), self.minimumSizeHint().height())

    def resizeEvent(self, event: object) -> None:
        """Wrap to the new width."""
        super().resizeEvent(event)
        self.flow(self.columns_for(self.width()))


def fit_message_items(bar: QgsMessageBar) -> None:
    """Make the text of ``bar``'s items as tall as its wrapped text (up to :data:`MAX_MESSAGE_LINES` lines)."""
    if sip.isdeleted(bar):
        return
    for item in bar.items():
        for browser in item.findChildren(QTextBrowser):
            fit_text_browser(browser)


def fit_text_browser(browser: QTextBrowser) -> None:
    """Fit one message item's text browser to its document at its current width."""
    document = browser.document()
    document.setTextWidth(max(browser.viewport().width(), 40))
    lines = browser.fontMetrics().lineSpacing()
    height = min(int(document.size().height()) + 2, lines * MAX_MESSAGE_LINES)
    height = max(height, lines + 4)
    fitted = f"/*fit*/max-height: {height}px; min-height: {height}px;/*end*/"
    sheet = browser.styleSheet()
    if _QGIS_HEIGHT in sheet:
        sheet = sheet.replace(_QGIS_HEIGHT, fitted)
    elif _FITTED.search(sheet):
        sheet = _FITTED.sub(fitted, sheet)
    else:
        return  # not the QGIS message item this knows: leave it alone
    if sheet != browser.styleSheet():
        browser.setStyleSheet(sheet)


class GrowForText(QObject):
    """Watches ``window``: when its contents ask for a new layout (a status line got text), the window grows
    to the height its layout needs at its width, within the screen."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.watched = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Grow after a layout request, once Qt has laid the window out."""
        if watched is getattr(self, "watched", None) and event.type() == QEvent.Type.LayoutRequest:
            QTimer.singleShot(0, self.grow)
        return False

    def grow(self) -> int:
        """Grow the window to the height its layout needs at its width; returns that height."""
        window = getattr(self, "watched", None)  # (a timer may fire after the window and this watcher are gone)
        if window is None or sip.isdeleted(self) or sip.isdeleted(window):
            return 0
        layout = window.layout()
        if layout is None or not window.isVisible():
            return 0
        width = window.width()
        needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
        screen = window.screen()
        if screen is not None:
            needed = min(needed, screen.availableGeometry().height())
        if needed > window.height():
            window.resize(width, needed)
        return needed


_Combo = TypeVar("_Combo", bound=QComboBox)


def narrow_combo(combo: Optional[_Combo] = None, length: int = 10) -> QComboBox:
    """``combo`` (a new QComboBox by default) whose long items (layer, connection names) do not hold a narrow
    dock or dialog wide: its width does not follow its longest item, which elides."""
    combo = combo if combo is not None else QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(length)
    return combo


def narrow_form() -> QFormLayout:
    """A form whose fields go under their labels when the dialog is too narrow for both side by side."""
    form = QFormLayout()
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form
