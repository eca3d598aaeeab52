"""Layout checks for task f1: what a user would see cut, squeezed or scrolled sideways in a widget on screen."""

from __future__ import annotations

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QLineEdit, QScrollBar, QWidget

NARROW = (300, 500)


def settle(rounds: int = 10) -> None:
    """Let Qt lay out, fit columns and repaint (zero-delay timers included)."""
    for _ in range(rounds):
        QApplication.processEvents()


def show_at(widget: QWidget, size: tuple[int, int] = NARROW) -> QWidget:
    """Show ``widget`` as a window of ``size`` and let it settle."""
    widget.show()
    widget.resize(*size)
    settle()
    return widget


def _name(widget: QWidget) -> str:
    text = widget.text() if hasattr(widget, "text") and callable(widget.text) else ""
    return f"{type(widget).__name__}({widget.objectName() or text[:40]!r})"


def _label_problem(label: QLabel) -> str:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return ""
    room = label.contentsRect()
    if label.wordWrap():
        needed = label.heightForWidth(room.width())
        return f"needs {needed} px of height, has {room.height()}" if needed > room.height() + 1 else ""
    if label.textFormat() == Qt.TextFormat.RichText or Qt.mightBeRichText(text):
        needed = label.sizeHint().width() - (label.width() - room.width())
    else:
        needed = max(label.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
    return f"needs {needed} px of width, has {room.width()}" if needed > room.width() + 1 else ""


def layout_problems(root: QWidget) -> list[str]:
    """Every visible horizontal scroll bar, cut label and widget squeezed below its minimum size under ``root``."""
    problems = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or widget.window() is not root.window():
            continue
        if isinstance(widget, QScrollBar) and widget.orientation() == Qt.Orientation.Horizontal:
            problems.append(f"horizontal scroll bar in {_name(widget.parentWidget().parentWidget())}")
        elif isinstance(widget, QLabel):
            problem = _label_problem(widget)
            if problem:
                problems.append(f"{_name(widget)} is cut: {problem}")
        elif isinstance(widget, (QAbstractButton, QComboBox, QLineEdit)):
            wanted = widget.minimumSizeHint().width()
            if isinstance(widget, QAbstractButton) and widget.text():
                wanted = max(wanted, widget.sizeHint().width())
            if widget.width() < wanted:
                problems.append(f"{_name(widget)} squeezed to {widget.width()} px (needs {wanted})")
    return problems
