"""The results pane of the Processes dock: the shown job's state and progress (a final state is final: no bar
left standing), plain values shown readably and copyable, layers listed, failures with the server's message (the
traceback goes to the Geodock log). Add to map is offered only while none of the job's layers is in the project
(the job manager adds them by itself): never a second identical group. Run again and Delete (on the server)
act on the shown job."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QPlainTextEdit,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ....plugin.i18n import tr
from ....plugin.job_model import Job, JobState
from ....plugin.platforms.ogcapi.jobs import results_file_name
from ...plain_text import plain_label
from ...slot_guard import guarded


def readable(outputs: dict[str, Any]) -> str:
    """Outputs as text: files as paths, plain values as indented JSON."""
    lines = []
    for name, value in outputs.items():
        if isinstance(value, dict) and "file" in value:
            lines.append(f"{name}: {value['file']}")
        elif isinstance(value, (dict, list)):
            lines.append(f"{name}:\n{json.dumps(value, indent=2, ensure_ascii=False)}")
        else:
            lines.append(f"{name}: {value}")
    return "\n".join(lines)


def in_project(files: list[str]) -> bool:
    """Whether a layer of the project reads one of ``files``."""
    if not files:
        return False
    sources = [layer.source() for layer in QgsProject.instance().mapLayers().values()]
    return any(source == path or source.startswith(path + "|") for path in files for source in sources)


def _button(text: str, tip: str, icon: str = "", with_text: bool = False) -> QToolButton:
    """A compact button: an icon (its text as tooltip and accessible name), the text beside it when asked."""
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(text)
    if icon:
        button.setIcon(QgsApplication.getThemeIcon(icon))
        style = Qt.ToolButtonStyle.ToolButtonTextBesideIcon if with_text else Qt.ToolButtonStyle.ToolButtonIconOnly
        button.setToolButtonStyle(style)
    return button


class ProcessResults(QWidget):
    """The results pane: the shown job's state, its outputs as text, Run again, Delete, Add to map and Copy."""

    addToMapRequested = pyqtSignal(str)  # job id: add the job's layers to the map (again)
    runAgainRequested = pyqtSignal(str)  # job id: send its request once more, as a new job
    deleteRequested = pyqtSignal(str)  # job id: delete the finished job on the server

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.job_id = ""
        self.files: list[str] = []  # the shown job's result files (layers)
        self.can_add = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.status = plain_label()
        self.status.setWordWrap(True)
        self.status.setObjectName("status")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumHeight(14)
        self.progress.hide()
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setObjectName("values")
        buttons = QHBoxLayout()
        self.run_again_button = _button(
            tr("Run again"), tr("Run again: the same request, as a new job"), "mActionRefresh.svg"
        )
        self.run_again_button.clicked.connect(lambda _=False: self.runAgainRequested.emit(self.job_id))
        self.delete_button = _button(
            tr("Delete"), tr("Delete the finished job on the server"), "mActionDeleteSelected.svg"
        )
        self.delete_button.clicked.connect(lambda _=False: self.deleteRequested.emit(self.job_id))
        self.copy_button = _button(tr("Copy"), tr("Copy the results as text"), "mActionEditCopy.svg")
        self.copy_button.clicked.connect(self.copy)
        self.add_button = _button(
            tr("Add to map"), tr("Add the job's result layers to the map again"), "mActionAddLayer.svg", True
        )
        self.add_button.clicked.connect(lambda _=False: self.addToMapRequested.emit(self.job_id))
        buttons.addStretch(1)
        for button in (self.run_again_button, self.delete_button, self.add_button, self.copy_button):
            button.setEnabled(button is self.copy_button)
            buttons.addWidget(button)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        project = QgsProject.instance()
        project.layersAdded.connect(self._project_changed)
        project.layersRemoved.connect(self._project_changed)

    def shutdown(self) -> None:
        """Stop following the project's layers."""
        project = QgsProject.instance()
        for signal in (project.layersAdded, project.layersRemoved):
            try:
                signal.disconnect(self._project_changed)
            except TypeError:
                pass

    @guarded
    def _project_changed(self, *_args: object) -> None:
        """Offer Add to map again once the job's layers left the project (and not while they are in it)."""
        self.add_button.setEnabled(self.can_add and not in_project(self.files))

    @guarded
    def copy(self) -> None:
        """Copy the outputs' text to the clipboard."""
        QApplication.clipboard().setText(self.text.toPlainText())

    def show_message(self, text: str) -> None:
        """Show ``text`` as the pane's status line."""
        self.status.setText(text)

    def clear(self) -> None:
        """Show nothing (no job, no message)."""
        self.status.clear()
        self.text.clear()
        self.progress.hide()
        self.job_id = ""
        self.files = []
        self.can_add = False
        for button in (self.run_again_button, self.delete_button, self.add_button):
            button.setEnabled(False)

    def show_job(self, job: Job, can_run_again: bool = False, on_server: bool = True) -> None:
        """The job's state and progress, and its outputs once they are written (another job's are cleared)."""
        if job.id != self.job_id:
            self.text.clear()
        self.job_id = job.id
        self.files = list(job.outputs)
        self.can_add = job.state == JobState.SUCCEEDED and bool(job.outputs)
        self.add_button.setEnabled(self.can_add and not in_project(self.files))
        self.run_again_button.setEnabled(can_run_again)
        self.delete_button.setEnabled(job.state.final and on_server and bool(job.result.get("job_url")))
        self.progress.setVisible(not job.state.final)
        self.progress.setRange(0, 0 if job.progress is None else 100)  # unknown: busy
        self.progress.setValue(int(job.progress or 0))
        head = f"{job.title}: {tr(job.state.value.capitalize())}"
        self.status.setText(f"{head} — {job.message}" if job.message else head)
        if job.state == JobState.FAILED:
            self.text.setPlainText(job.message or tr("The process failed"))
            return
        if job.state != JobState.SUCCEEDED or not job.folder:
            self.text.clear()
            return
        path = Path(job.folder) / results_file_name(job.remote_id)
        try:
            outputs = json.loads(path.read_text(encoding="utf-8")).get("outputs", {})
        except FileNotFoundError:
            return  # not written yet
        except (OSError, ValueError, AttributeError) as err:  # said in the pane, where the user looks for results
            self.text.setPlainText(tr("The results file {path} cannot be read: {error}").format(path=path, error=err))
            return
        self.show_outputs(outputs)

    def show_outputs(self, outputs: dict[str, Any]) -> None:
        """Show ``outputs`` (the results file's ``outputs``) readably."""
        self.text.setPlainText(readable(outputs))
