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
    QLineEdit,
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
from ..plugin.jobs.fetching import new_job_folder
from ..plugin.platforms.base import Resource
from ..plugin.platforms.capabilities import ExportCheck, ExportChoices, ExportRequest
from ..plugin.platforms.registry import Capability, capability, connections_with, load, platform, platforms
from ..plugin.tasks import FunctionTask, run_in_background
from .export_parts import ItemsBox
from .plain_text import plain_label
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
        self._asked = 0  # counts the requests the form has held: a verdict counts only for the one still shown
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

    def _items_box(self) -> ItemsBox:
        # An id typed in is looked up (in a task) by the platform's exporter, when it can tell what an id names.
        box = self.items_box = ItemsBox(self.form, self.exporter.describe, self.resources, self)
        self.items_list, self.item_edit = box.items_list, box.item_edit
        self.add_item_button, self.remove_item_button = box.add_item_button, box.remove_item_button
        box.changed.connect(self._items_changed)
        box.relabelled.connect(self._follow_titles)
        box.message.connect(lambda text: self.status_label.setText(text))
        return box

    def _destination_box(self) -> QGroupBox:
        box = QGroupBox(tr("Destination"), self)
        dest = QFormLayout(box)
        self._auto_name = self._default_name()
        # The name labels the export: a validation still holds when it changes (Submit sends the name given then).
        self.name_edit = QLineEdit(self._auto_name, box)
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
        """The first item's title; "<title> and N more" for several items ("Geodock export" for none yet)."""
        titles = self.items_box.titles()
        if len(titles) > 1:
            return tr("{title} and {count} more").format(title=titles[0], count=len(titles) - 1)
        return titles[0] if titles else tr("Geodock export")

    @guarded
    def _items_changed(self) -> None:
        self._follow_titles()
        self._invalidate()

    @guarded
    def _follow_titles(self) -> None:
        # The name follows the items until the user writes one of their own.
        if self.name_edit.text() == self._auto_name:
            self._auto_name = self._default_name()
            self.name_edit.setText(self._auto_name)

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
        return self.items_box.items()

    def item_refs(self) -> list[str]:
        """The references (ids or API URLs) of the items to export."""
        return [ref for ref, _label in self.items()]

    @guarded
    def _invalidate(self, *_args: Any) -> None:
        self._asked += 1  # a validation under way is for a request that is no more
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
        self._run(tr("Validating the export"), work, partial(self._validated, request, self._asked))

    def _validated(self, request: ExportRequest, asked: int, check: Optional[ExportCheck]) -> None:
        if asked != self._asked:  # changed while the server was asked: this verdict is not about what is shown
            self.status_label.setText(tr("Changed while validating: validate again."))
            self._update_buttons()
            return
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
        try:  # one new folder per job, <folder>/<name> (<name> (1) ... only when that is taken)
            target = str(new_job_folder(Path(folder).expanduser(), name))
        except (OSError, GeodockError) as err:
            self.status_label.setText(getattr(err, "message", "") or str(err))
            return
        add = self.add_to_project.isChecked()
        try:
            if self.validated_request is not None:  # what the server checked, under the name given now
                request = replace(self.validated_request, name=name, folder=target, add_to_project=add)
            else:
                request = self.form.request(name, self.items(), target, add)
        except GeodockError as err:
            _drop_empty(target)
            self.status_label.setText(err.message)
            return
        settings.set_value(settings.LAST_FOLDER, folder)
        self.submit_button.setEnabled(False)
        self.status_label.setText(tr("Submitting…"))
        work = partial(self.exporter.submit, request)
        description = tr("Submitting the export {name}").format(name=name)
        self._run(description, work, self._submitted, partial(_drop_empty, target))

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
        self.items_box.let_go()
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


def open_export_dialog(  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
    iface: Any, parent: Optional[QWidget] = None, current: Optional[Connection] = None
) -> Optional[ExportDialog]:
    """The toolbar's Export…: pick a connection that can export -- the one in use (``current``, e.g. the Catalog's)
    preselected -- then show its Export dialog (non-modal)."""
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
        at = next((i for i, c in enumerate(choices) if current is not None and c.id == current.id), 0)
        label, ok = QInputDialog.getItem(parent, tr("Export"), tr("Export from"), labels, at, False)
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


def _drop_empty(folder: str) -> None:
    """Remove the job folder made for an export that was not made (only while it is empty)."""
    try:
        Path(folder).rmdir()
    except OSError:
        pass


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
