"""Columns that fit the view's width: no horizontal scrolling in a narrow dock, every column in a wide one.

One column stretches (and elides its text); the others take the width of their contents, capped, and are shown
in order of priority while they fit; those that do not are hidden until the view is wide enough again. A view
that hides columns should say what they hold elsewhere (a tooltip, a details pane).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Optional, Union

from qgis.PyQt import sip
from qgis.PyQt.QtCore import QEvent, QObject, Qt, QTimer
from qgis.PyQt.QtWidgets import QHeaderView, QTableView, QTreeView

from .slot_guard import guarded

View = Union[QTableView, QTreeView]
HEADER_MARGIN = 24  # the section's padding and sort indicator
CELL_MARGIN = 12  # the cell's padding
MEASURED_ROWS = 200  # enough rows to judge a column by; a long list is not measured row by row


class ColumnFitter(QObject):
    """Keeps ``view``'s columns within its width: ``stretch`` always shown, then ``priority`` while they fit."""

    def __init__(
        self,
        view: View,
        stretch: int,
        priority: Sequence[int],
        fixed: Optional[Mapping[int, int]] = None,
        min_stretch: int = 120,
        cap: int = 260,
    ) -> None:
        super().__init__(view)
        self.view = view
        self.stretch = stretch
        self.priority = list(priority)
        self.fixed = dict(fixed or {})
        self.min_stretch = min_stretch
        self.cap = cap
        self.header = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
        self.header.setStretchLastSection(False)
        self.header.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        view.viewport().installEventFilter(self)
        self.watch_model()

    def watch_model(self) -> None:
        """Fit again when the model's rows change (call after ``setModel``)."""
        model = self.view.model()
        if model is None:
            return
        for signal in (model.modelReset, model.rowsInserted, model.dataChanged, model.layoutChanged):
            signal.connect(self.later)
        self.later()

    @guarded
    def later(self, *_args: object) -> None:
        """Fit once the current events are handled (many changes, one fit)."""
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Fit when the view's viewport changes size."""
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.later()
        return False

    def wanted(self, column: int) -> int:
        """The width ``column`` would like: its fixed width, else its title's and cells' text widths, capped.

        Measured from the text, not from the header's section hints: those shrink to nothing while a column is
        hidden, so a second fit would show every column again."""
        if column in self.fixed:
            return self.fixed[column]
        model = self.view.model()
        title = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        width = self.header.fontMetrics().horizontalAdvance(str(title or "")) + HEADER_MARGIN
        cells = self.view.fontMetrics()
        for row in range(min(model.rowCount(), MEASURED_ROWS)):
            text = model.index(row, column).data(Qt.ItemDataRole.DisplayRole)
            width = max(width, cells.horizontalAdvance(str(text or "")) + CELL_MARGIN)
        return min(width, self.cap)

    @guarded
    def fit(self) -> list[int]:
        """Show the columns that fit, hide the others; returns the shown columns (stretch first)."""
        if sip.isdeleted(self.view) or self.view.model() is None:
            return []
        budget = self.view.viewport().width() - self.min_stretch
        shown = [self.stretch]
        for column in range(self.header.count()):
            if column != self.stretch:
                self.header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        for column in self.priority:
            width = self.wanted(column)
            fits = width <= budget
            self.view.setColumnHidden(column, not fits)
            if fits:
                budget -= width
                self.header.resizeSection(column, width)
                shown.append(column)
        for column in range(self.header.count()):
            if column != self.stretch and column not in self.priority:
                self.view.setColumnHidden(column, True)
        self.view.setColumnHidden(self.stretch, False)
        self.header.setSectionResizeMode(self.stretch, QHeaderView.ResizeMode.Stretch)
        return shown
