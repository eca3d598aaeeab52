"""The results pane of the Processes dock: plain values shown readably and copyable, layers listed, failures
with the server's message (the traceback goes to the Geodock log)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QApplication, QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

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


class ProcessResults(QWidget):
    """The results pane: the shown job's state, its outputs as text, Copy and Add to map."""

    addToMapRequested = pyqtSignal(str)  # job id: add the job's layers to the map (again)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.job_id = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.status = plain_label()
        self.status.setWordWrap(True)
        self.status.setObjectName("status")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setObjectName("values")
        buttons = QHBoxLayout()
        self.copy_button = QPushButton(tr("Copy"))
        self.copy_button.clicked.connect(self.copy)
        self.add_button = QPushButton(tr("Add to map"))
        self.add_button.setToolTip(tr("Add the job's result layers to the map"))
        self.add_button.setEnabled(False)
        self.add_button.clicked.connect(lambda _=False: self.addToMapRequested.emit(self.job_id))
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.copy_button)
        layout.addWidget(self.status)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)

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
        self.job_id = ""
        self.add_button.setEnabled(False)

    def show_job(self, job: Job) -> None:
        """The job's state, and its outputs once they are written."""
        self.job_id = job.id
        self.add_button.setEnabled(job.state == JobState.SUCCEEDED and bool(job.outputs))
        progress = f" {job.progress:.0f}%" if job.progress is not None and not job.state.final else ""
        head = f"{job.title}: {job.state.value}{progress}"
        self.status.setText(f"{head} — {job.message}" if job.message else head)
        if job.state == JobState.FAILED:
            self.text.setPlainText(job.message or tr("The process failed"))
            return
        if job.state != JobState.SUCCEEDED or not job.folder:
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
