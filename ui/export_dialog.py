"""The Export dialog: one frame for every platform that can export, and that platform's form piece.

The frame holds what every export has -- the items, the name, the folder, "add to the project", the report and
the Validate/Submit buttons -- and runs every server call in a task. What a platform offers (formats, CRS,
crop, filters) is its form piece (``ui/platforms/<kind>/export_form.py``, the registry row's
``ui.export_form``): ``request(name, items, folder, add)`` builds the platform's
:class:`~plugin.platforms.capabilities.ExportRequest`, which the platform's exporter (the EXPORT capability)
validates and submits. The submitted export is handed to :func:`plugin.jobs.manager`, which watches, downloads
and adds it to the project.
"""

from __future__ import annotations

import html
import os
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, Callable, Optional

from qgis.core import Qgis, QgsTask
from qgis.gui import QgsFileWidget, QgsGui
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QCloseEvent
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..plugin import log, settings
from ..plugin.connections import Connection, kind_title
from ..plugin.errors import GeodockError
from ..plugin.gui_hooks import push_message
from ..plugin.i18n import tr
from ..plugin.job_model import Job
from ..plugin.jobs import manager
from ..plugin.net.download import safe_filename
from ..plugin.platforms.base import Resource
from ..plugin.platforms.capabilities import ExportCheck, ExportChoices, ExportRequest
from ..plugin.platforms.registry import Capability, capability, connections_with, load, platform, platforms
from ..plugin.tasks import FunctionTask, run_in_background
from .plain_text import plain_label, plain_tooltip
from .resource_details import OfflineTextBrowser
from .slot_guard import guarded

_ENDED = (QgsTask.TaskStatus.Complete, QgsTask.TaskStatus.Terminated)


class ExportDialog(QDialog):
    """Export ``resources`` of ``connection`` (any platform with the EXPORT capability)."""

    def __init__(  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
        self,
        iface: Any,
        connection: Connection,
        resources: Optional[list[Resource]] = None,
        parent: Optional[QWidget] = None,
    ) -> None:
        super().__init__(parent)
        self.iface = iface
        self.connection = connection
        self.resources = list(resources or [])
        self.exporter = capability(connection, Capability.EXPORT)
        self.validation: Optional[ExportCheck] = None
        self.validated_request: Optional[ExportRequest] = None
        self.submitted: Optional[Job] = None
        self._tasks: list[FunctionTask] = []
        self._choices_task: Optional[FunctionTask] = None
        self.setObjectName("GeodockExportDialog")
        self.setWindowTitle(
            tr("Export from {platform}: {name}").format(platform=kind_title(connection.kind), name=connection.name)
        )
        self.resize(560, 720)  # the first time: room for the CRS and the hints (then as the user left it)
        QgsGui.enableAutoGeometryRestore(self)
        form_class = load(platform(connection.kind).ui.export_form)
        self.form = form_class(connection, iface, self, resources=self.resources)
        self._build()
        self.form.changed.connect(self._invalidate)
        self._invalidate()
        if self.form.loads_choices:
            self._load_choices()

    # Building ----------------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self._items_box(), 1)
        layout.addWidget(self.form)
        layout.addWidget(self._destination_box())
        # Server text (reasons, licences): escaped, in a browser that loads nothing and opens a link only
        # when it is http(s) and the user clicks it.
        self.report = OfflineTextBrowser(self)
        self.report.setMinimumHeight(90)
        layout.addWidget(self.report)
        self.status_label = plain_label(parent=self)
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self.buttons = QDialogButtonBox(self)
        self.validate_button = self.buttons.addButton(tr("Validate"), QDialogButtonBox.ButtonRole.ActionRole)
        self.validate_button.clicked.connect(self.validate)
        self.submit_button = self.buttons.addButton(tr("Submit export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.submit_button.clicked.connect(self.submit)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        if not self.form.needs_validation:
            self.validate_button.hide()

    def _items_box(self) -> QGroupBox:
        box = QGroupBox(self.form.items_title, self)
        items_layout = QVBoxLayout(box)
        self.items_list = QListWidget(box)
        for resource in self.resources:
            self._add_item(resource.title or resource.id, resource.api_url or resource.id, resource.kind)
        items_layout.addWidget(self.items_list)
        add_row = QHBoxLayout()
        self.item_edit = QLineEdit(box)
        self.item_edit.setPlaceholderText(self.form.item_placeholder)
        self.add_item_button = QPushButton(tr("Add"), box)
        self.add_item_button.clicked.connect(self._add_typed_item)
        self.item_edit.returnPressed.connect(self._add_typed_item)
        self.remove_item_button = QPushButton(tr("Remove"), box)
        self.remove_item_button.clicked.connect(self._remove_items)
        add_row.addWidget(self.item_edit, 1)
        add_row.addWidget(self.add_item_button)
        add_row.addWidget(self.remove_item_button)
        items_layout.addLayout(add_row)
        return box

    def _destination_box(self) -> QGroupBox:
        box = QGroupBox(tr("Destination"), self)
        dest = QFormLayout(box)
        self.name_edit = QLineEdit(self._default_name(), box)
        self.name_edit.textChanged.connect(self._invalidate)
        dest.addRow(tr("Export name"), self.name_edit)
        self.folder_widget = QgsFileWidget(box)
        self.folder_widget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.folder_widget.setFilePath(str(settings.value(settings.LAST_FOLDER, "") or Path.home() / "Geodock"))
        dest.addRow(tr("Folder"), self.folder_widget)
        self.add_to_project = QCheckBox(tr("Add results to the project"), box)
        self.add_to_project.setChecked(True)
        dest.addRow("", self.add_to_project)
        return box

    def _default_name(self) -> str:
        if len(self.resources) == 1:
            return self.resources[0].title or self.resources[0].id
        if self.resources:
            return tr("{title} and {count} more").format(title=self.resources[0].title, count=len(self.resources) - 1)
        return tr("Geodock export")

    def _add_item(self, title: str, ref: str, kind: str = "") -> None:
        item = QListWidgetItem(f"{title}" + (f"  ({kind})" if kind else ""), self.items_list)
        item.setData(Qt.ItemDataRole.UserRole, ref)
        item.setToolTip(plain_tooltip(ref))

    @guarded
    def _add_typed_item(self) -> None:
        text = self.item_edit.text().strip()
        if not text:
            return
        if not self.form.multiple_items:
            self.items_list.clear()
        self._add_item(text, text)
        self.item_edit.clear()
        self._invalidate()

    @guarded
    def _remove_items(self) -> None:
        for item in self.items_list.selectedItems():
            self.items_list.takeItem(self.items_list.row(item))
        self._invalidate()

    # Tasks and server choices ------------------------------------------------------------------------

    def _run(
        self, description: str, work: Any, done: Any, on_failed: Optional[Callable[[], None]] = None
    ) -> FunctionTask:
        def failed(err: GeodockError) -> None:
            if not sip.isdeleted(self):
                self.status_label.setText(log.exception(err, description))
                if on_failed is not None:
                    on_failed()
                self._update_buttons()

        task = run_in_background(
            description, work, lambda result: None if sip.isdeleted(self) else done(result), failed
        )
        self._tasks.append(task)
        return task

    def _load_choices(self) -> None:
        what = tr("Loading the export formats of {name}").format(name=self.connection.name)
        self.status_label.setText(what + "…")
        self._choices_task = self._run(what, self.exporter.choices, self._choices_loaded, self.form.choices_failed)

    def _choices_loaded(self, choices: ExportChoices) -> None:
        self.status_label.clear()
        self.form.apply_choices(choices)
        self._invalidate()

    # The request -------------------------------------------------------------------------------------

    def items(self) -> list[tuple[str, str]]:
        """The items to export, as ``(reference, label)``."""
        rows = [self.items_list.item(i) for i in range(self.items_list.count())]
        return [(row.data(Qt.ItemDataRole.UserRole), row.text()) for row in rows]

    def item_refs(self) -> list[str]:
        """The references (ids or API URLs) of the items to export."""
        return [ref for ref, _label in self.items()]

    @guarded
    def _invalidate(self, *_args: Any) -> None:
        self.validation = None
        self.validated_request = None
        if hasattr(self, "report") and self.form.needs_validation:
            self.report.setHtml(tr("<i>Validate the export to see whether it can be made.</i>"))
        self._update_buttons()

    @guarded
    def _update_buttons(self) -> None:
        if not hasattr(self, "submit_button"):
            return
        ready = self.items_list.count() > 0 and self.form.is_ready()
        if self.form.needs_validation:
            self.validate_button.setEnabled(ready)
            self.submit_button.setEnabled(self.validation is not None and self.validation.is_valid)
        else:
            self.submit_button.setEnabled(ready)

    # Validate and submit -----------------------------------------------------------------------------

    @guarded
    def validate(self) -> None:
        """Ask the server whether the export can be made; show every reason and what the platform adds."""
        try:
            request = self.form.request(self.name_edit.text().strip(), self.items(), "", True)
        except GeodockError as err:
            self.status_label.setText(err.message)
            return
        self.validate_button.setEnabled(False)
        self.status_label.setText(tr("Validating…"))
        work = partial(self.exporter.validate, request)
        self._run(tr("Validating the export"), work, partial(self._validated, request))

    def _validated(self, request: ExportRequest, check: Optional[ExportCheck]) -> None:
        check = check or ExportCheck(True)
        self.validation = check
        self.validated_request = request
        esc = html.escape
        if check.is_valid:
            report = "<p><b>" + esc(tr("The export is valid.")) + "</b></p>"
        else:
            report = "<p><b>" + esc(tr("The export cannot be made:")) + "</b></p><ul>"
            report += "".join(f"<li>{esc(problem)}</li>" for problem in check.problems) + "</ul>"
        report += "".join(f"<p>{esc(note)}</p>" for note in self.form.check_notes(check))
        self.report.setHtml(report)
        self.status_label.setText("")
        self._update_buttons()

    @guarded
    def submit(self) -> None:
        """Create the export on the server (in a task) and hand it to the job manager."""
        folder = self.folder_widget.filePath().strip()
        problem = unwritable(folder) if folder else tr("Choose a destination folder")
        if problem:
            self.status_label.setText(problem)
            return
        if not self.items():
            self.status_label.setText(tr("Choose what to export"))
            return
        name = self.name_edit.text().strip() or self._default_name()
        target = str(Path(folder) / safe_filename(name, "export"))
        add = self.add_to_project.isChecked()
        try:
            if self.validated_request is not None:  # what the server checked, under the name given now
                request = replace(self.validated_request, name=name, folder=target, add_to_project=add)
            else:
                request = self.form.request(name, self.items(), target, add)
        except GeodockError as err:
            self.status_label.setText(err.message)
            return
        settings.set_value(settings.LAST_FOLDER, folder)
        self.submit_button.setEnabled(False)
        self.status_label.setText(tr("Submitting…"))
        work = partial(self.exporter.submit, request)
        self._run(tr("Submitting the export {name}").format(name=name), work, self._submitted)

    def _submitted(self, job: Job) -> None:
        self.submitted = job
        manager().submit(job)
        self.status_label.setText(tr("Submitted: follow it in the Jobs panel."))
        if self.iface is not None:
            text = tr("Export {name} submitted; it is followed in the Jobs panel").format(name=job.title)
            push_message(self.iface.messageBar(), text)
        self.accept()

    def done(self, result: int) -> None:
        """Close: stop loading the choices, and let no task call back into the closed dialog."""
        self._let_go()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closed while hidden (QDialog calls :meth:`done` only when visible): let go of the tasks too."""
        if not self.isVisible():
            self._let_go()
        super().closeEvent(event)

    def _let_go(self) -> None:
        choices = self._choices_task
        if choices is not None and not sip.isdeleted(choices) and choices.status() not in _ENDED:
            choices.cancel()
        for task in self._tasks:
            if not sip.isdeleted(task):
                try:
                    task.on_done = None
                    task.on_error = None
                except RuntimeError:
                    pass


def open_export_dialog(iface: Any, parent: Optional[QWidget] = None) -> Optional[ExportDialog]:  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
    """The toolbar's Export…: pick a connection that can export, then show its Export dialog (non-modal)."""
    from qgis.PyQt.QtWidgets import QInputDialog

    choices = connections_with(Capability.EXPORT)
    if not choices:
        titles = ", ".join(tr(row.title) for row in platforms() if Capability.EXPORT in row.capabilities)
        text = tr("Add a connection that can export ({platforms}) first (Geodock › Connections…)")
        push_message(iface.messageBar(), text.format(platforms=titles), Qgis.MessageLevel.Warning)
        return None
    labels = [f"{c.name} ({kind_title(c.kind)})" for c in choices]
    if len(choices) == 1:
        connection = choices[0]
    else:
        label, ok = QInputDialog.getItem(parent, tr("Export"), tr("Export from"), labels, 0, False)
        if not ok:
            return None
        connection = choices[labels.index(label)]
    dialog = ExportDialog(iface, connection, [], parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.show()
    return dialog


def open_export_for(connection: Connection, resources: list[Resource]) -> ExportDialog:
    """The Browser panel's "Export…": the Export dialog for ``resources`` in QGIS's main window (non-modal)."""
    from qgis.utils import iface

    dialog = ExportDialog(iface, connection, resources, iface.mainWindow())
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def unwritable(folder: str) -> str:
    """Why results cannot be written into ``folder`` (made when missing), or '' when they can."""
    path = Path(folder).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        return tr("Cannot use the folder {folder}: {reason}").format(folder=folder, reason=err.strerror or err)
    if not os.access(path, os.W_OK | os.X_OK):
        return tr("Cannot write into the folder {folder}").format(folder=folder)
    return ""
