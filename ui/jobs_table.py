"""The Jobs dock's table: the manager's jobs as rows (newest first), the progress-bar column, and the details
pane that shows the whole of the selected job (a narrow dock shows only some columns)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QModelIndex, Qt
from qgis.PyQt.QtGui import QTextOption
from qgis.PyQt.QtWidgets import (
    QApplication,
    QFrame,
    QPlainTextEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QWidget,
)

from ..plugin.connections import kind_title
from ..plugin.i18n import tr
from ..plugin.job_model import DownloadState, Job, JobState
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
PLATFORM, NAME, STATE, PROGRESS_COLUMN, MESSAGE, STARTED, FINISHED = range(len(COLUMNS))
# Shown beside the name, in this order, while the dock is wide enough (the details pane shows them all).
PRIORITY = (STATE, PROGRESS_COLUMN, MESSAGE, FINISHED, STARTED, PLATFORM)


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
        lambda: "–" if job.state.final and job.state != JobState.SUCCEEDED else job.progress,  # no stale bar
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
        """Draw the cell's progress as a bar (as text when there is no progress to show: a failed job)."""
        value = index.data(Qt.ItemDataRole.DisplayRole)
        if isinstance(value, str):
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum, bar.maximum = 0, 100
        bar.progress = int(value) if isinstance(value, (int, float)) else 0
        bar.text = f"{bar.progress}%" if isinstance(value, (int, float)) else ""
        bar.textVisible = True
        bar.state = option.state
        QApplication.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


def details_text(job: Job) -> str:
    """Everything about ``job`` as plain text, for the details pane (server text stays text)."""
    state = tr(job.state.value.capitalize())
    if job.progress is not None and not job.state.final:
        state += f" ({int(job.progress)} %)"
    lines = [
        job.title,
        f"{kind_title(job.platform)} · {job.connection}",
        tr("State: {state}").format(state=state),
        tr("Message: {message}").format(message=job.message) if job.message else "",
        tr("Started: {time}").format(time=short_time(job.created)),
        tr("Finished: {time}").format(time=short_time(job.finished)) if job.finished else "",
        tr("Results: {folder}").format(folder=job.folder) if job.folder and job.outputs else "",
        tr("Download failed: {error}").format(error=job.download_error) if job.download == DownloadState.FAILED else "",
    ]
    return "\n".join(line for line in lines if line)


class JobDetails(QPlainTextEdit):
    """The selected job in full, wrapped to the dock's width (read-only, plain text, selectable)."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("GeodockJobDetails")
        self.setReadOnly(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)  # long paths and URLs wrap too
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setPlaceholderText(tr("Select a job to see its details"))
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)

    def show_job(self, job: Optional[Job]) -> None:
        """Show ``job`` (None: nothing)."""
        text = details_text(job) if job is not None else ""
        if text != self.toPlainText():
            self.setPlainText(text)
