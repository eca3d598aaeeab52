"""The Jobs dock's table: the manager's jobs as rows (newest first), and the progress-bar column."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QModelIndex, Qt
from qgis.PyQt.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionProgressBar, QWidget

from ..plugin.connections import kind_title
from ..plugin.i18n import tr
from ..plugin.job_model import Job
from ..plugin.jobs import JobManager
from .plain_text import plain_tooltip
from .slot_guard import guarded

COLUMNS = (
    QT_TRANSLATE_NOOP("@default", "Platform"),
    QT_TRANSLATE_NOOP("@default", "Name"),
    QT_TRANSLATE_NOOP("@default", "State"),
    QT_TRANSLATE_NOOP("@default", "Progress"),
    QT_TRANSLATE_NOOP("@default", "Message"),
    QT_TRANSLATE_NOOP("@default", "Started"),
    QT_TRANSLATE_NOOP("@default", "Finished"),
)
PROGRESS_COLUMN = 3


def short_time(value: Optional[float]) -> str:
    """A time as the table shows it: the hour today, the date and hour otherwise ('' for none)."""
    if not value:
        return ""
    when = dt.datetime.fromtimestamp(value)
    return when.strftime("%H:%M:%S" if when.date() == dt.date.today() else "%Y-%m-%d %H:%M")


def _cell(job: Job, column: int) -> Any:
    """What column ``column`` shows for ``job``."""
    values = (
        lambda: kind_title(job.platform),
        lambda: job.title,
        lambda: tr(job.state.value.capitalize()),
        lambda: job.progress,
        lambda: job.message,
        lambda: short_time(job.created),
        lambda: short_time(job.finished),
    )
    return values[column]() if 0 <= column < len(values) else None


class JobsModel(QAbstractTableModel):
    """The manager's jobs as table rows (newest first)."""

    def __init__(self, jobs: JobManager, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.manager = jobs
        self.ids: list[str] = [job.id for job in sorted(jobs.jobs(), key=lambda j: -j.created)]
        jobs.job_added.connect(self._added)
        jobs.job_changed.connect(self._changed)
        jobs.job_removed.connect(self._removed)

    def disconnect_manager(self) -> None:
        """Stop following the manager (the dock is going away)."""
        for signal, slot in (
            (self.manager.job_added, self._added),
            (self.manager.job_changed, self._changed),
            (self.manager.job_removed, self._removed),
        ):
            try:
                signal.disconnect(slot)
            except TypeError:
                pass

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        """One row per job."""
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        """The :data:`COLUMNS`."""
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The column titles, translated."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section])
        return None

    def job(self, row: int) -> Optional[Job]:
        """The job of ``row``, or None."""
        return self.manager.get(self.ids[row]) if 0 <= row < len(self.ids) else None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell's text (or progress); the whole row as its tooltip; the job id as UserRole."""
        job = self.job(index.row())
        if job is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return job.id
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole row, for a dock too narrow to show it
            head = f"{job.title}\n{kind_title(job.platform)} · {tr(job.state.value.capitalize())}"
            return plain_tooltip(f"{head}\n{job.message}" if job.message else head)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return _cell(job, index.column())

    @guarded
    def _added(self, job_id: str) -> None:
        if job_id in self.ids:
            return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.ids.insert(0, job_id)
        self.endInsertRows()

    @guarded
    def _changed(self, job_id: str) -> None:
        if job_id in self.ids:
            row = self.ids.index(job_id)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    @guarded
    def _removed(self, job_id: str) -> None:
        if job_id in self.ids:
            row = self.ids.index(job_id)
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.ids[row]
            self.endRemoveRows()


class ProgressDelegate(QStyledItemDelegate):
    """Draws the progress column as a progress bar (busy-looking at 0 when unknown)."""

    def paint(self, painter: Any, option: Any, index: QModelIndex) -> None:
        """Draw the cell's progress as a bar."""
        value = index.data(Qt.ItemDataRole.DisplayRole)
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum, bar.maximum = 0, 100
        bar.progress = int(value) if isinstance(value, (int, float)) else 0
        bar.text = f"{bar.progress}%" if isinstance(value, (int, float)) else ""
        bar.textVisible = True
        bar.state = option.state
        QApplication.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)
