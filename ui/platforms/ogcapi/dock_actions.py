"""What the Processes dock does with requests and finished jobs: save the form's request as JSON and open one
(into the form, checked), run a job again (its request, kept in its folder, as a new job), and delete a finished
job on the server (after a confirmation). A mixin of :class:`.processes_dock.ProcessesDock`: it uses the dock's
adapter, form, options, results pane, job manager and task runner."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, Optional

from qgis.core import Qgis, QgsFeedback
from qgis.PyQt.QtWidgets import QFileDialog

from ....plugin import log, settings
from ....plugin.gui_hooks import push_message
from ....plugin.i18n import tr
from ....plugin.job_model import Job
from ....plugin.platforms.ogcapi.adapter import OgcProcessesAdapter, StatusInfo
from ....plugin.platforms.ogcapi.execute_options import (
    allowed_modes,
    build_request,
    check_options,
    options_from_request,
)
from ....plugin.platforms.ogcapi.execution_request import (
    SavedRequest,
    read_request_file,
    request_problems,
    write_request_file,
)
from ...questions import ask_yes_no
from ...slot_guard import guarded
from .dock_parts import REQUEST_FILE_NAME, results_folder, send_request, started_job
from .process_form import encode_layer_inputs
from .request_fill import fill_form

FILE_FILTER = "JSON (*.json)"


def _folder() -> str:
    """The folder the file dialogs start in (Geodock's last folder)."""
    return str(settings.value(settings.LAST_FOLDER, "") or Path.home())


class DockActions:
    """Save / open requests, Run again, Delete on the server (mixed into the Processes dock)."""

    adapter: Optional[OgcProcessesAdapter]
    deleted: set[str]  # remote ids deleted on the server from this dock
    pending_request: Optional[SavedRequest]  # an opened request for a process being described

    # Requests as files ------------------------------------------------------------------------------------

    @guarded
    def save_request(self, path: str = "") -> None:
        """Save the form's request (layers encoded, in a task) as a JSON execution request file."""
        dock: Any = self
        if dock.form is None or dock.description is None:
            return
        values, problems = dock.form.collect()
        problems += dock.options.problems()
        if problems:
            push_message(dock.iface.messageBar(), "; ".join(problems), Qgis.MessageLevel.Warning)
            return
        if not path:
            name = str(Path(_folder()) / f"{dock.description.id}-request.json")
            path, _ = QFileDialog.getSaveFileName(dock, tr("Save Execution Request"), name, FILE_FILTER)
            if not path:
                return
        description, choices = dock.description, dock.options.choices()

        def work(feedback: QgsFeedback) -> str:
            body = build_request(encode_layer_inputs(values, feedback), choices, description)
            write_request_file(Path(path), SavedRequest(description.id, body, choices.asynchronous(description)))
            return path

        def done(written: str) -> None:
            push_message(
                dock.iface.messageBar(), tr("Request saved to {path}").format(path=written), Qgis.MessageLevel.Success
            )

        dock._run(tr("Saving the request of {id}").format(id=description.id), work, done)

    @guarded
    def open_request(self, path: str = "") -> None:
        """Open an execution request file into the form (its process chosen first when it names another)."""
        dock: Any = self
        if not path:
            path, _ = QFileDialog.getOpenFileName(dock, tr("Open Execution Request"), _folder(), FILE_FILTER)
            if not path:
                return
        try:
            saved = read_request_file(Path(path))
        except ValueError as err:
            self._tell_bad_request(str(err), path)
            return
        if dock.description is not None and saved.process_id in ("", dock.description.id):
            self.apply_request(saved, path)
        elif dock.select_process(saved.process_id):
            self.pending_request = saved  # applied once its form is built
        else:
            self._tell_bad_request(
                tr("{file} is for the process {id}, which this server does not list").format(
                    file=Path(path).name, id=saved.process_id or "?"
                ),
                path,
            )

    def apply_request(self, saved: SavedRequest, path: str = "") -> None:
        """Fill the form and the options with ``saved``, and check it (problems on the rows and in the bar)."""
        dock: Any = self
        if dock.form is None or dock.description is None:
            return
        problems = request_problems(saved, dock.description)
        if saved.process_id and saved.process_id != dock.description.id:
            self._tell_bad_request("; ".join(problems), path)
            return
        left = fill_form(dock.form, saved.body.get("inputs") or {})
        mode = "sync" if not saved.asynchronous else ("async" if "async" in allowed_modes(dock.description) else "auto")
        options = options_from_request(saved.body, mode)
        problems += check_options(dock.description, options)
        dock.options.set_choices(options)
        _values, form_problems = dock.form.collect()  # flags what the form cannot take on its rows
        if left:
            problems.append(tr("Choose again: {inputs}").format(inputs=", ".join(left)))
        if problems or form_problems:
            message = "; ".join(dict.fromkeys(problems + form_problems))
            log.warning(f"The request {path} does not fit {dock.description.id} as it is: {message}")
            push_message(dock.iface.messageBar(), message, Qgis.MessageLevel.Warning)
        else:
            push_message(dock.iface.messageBar(), tr("Request opened"), Qgis.MessageLevel.Info)

    def _tell_bad_request(self, message: str, path: str) -> None:
        """A request that cannot be used: a line in the message bar, the details in the log."""
        dock: Any = self
        log.warning(f"Execution request {path} not opened: {message}")
        short = tr("The execution request cannot be opened (details in the Geodock log)")
        push_message(dock.iface.messageBar(), f"{short}: {message}"[:300], Qgis.MessageLevel.Warning)

    # Jobs -------------------------------------------------------------------------------------------------

    def request_file(self, job: Job) -> Optional[Path]:
        """The request a job of this dock was started with, when it is still there."""
        value = job.result.get("request_file")
        path = Path(value) if isinstance(value, str) and value else None
        return path if path is not None and path.is_file() else None

    @guarded
    def run_again(self, job_id: str) -> None:
        """Send the request job ``job_id`` was started with once more, as a new job."""
        dock: Any = self
        job = dock._manager.get(job_id)
        adapter = dock.adapter
        path = self.request_file(job) if job is not None else None
        if job is None or adapter is None or path is None or job.connection != adapter.connection.name:
            return
        folder = results_folder(job.title)

        def work(feedback: QgsFeedback) -> Any:
            saved = read_request_file(path)
            return send_request(adapter, saved, folder, feedback), saved

        def done(result: Any) -> None:
            (outcome, prefetched), saved = result
            again = started_job(adapter, saved.process_id, job.title, outcome, prefetched, folder)
            dock.start_showing(again, prefetched is None)

        dock.start_new_job()
        dock._run(tr("Running {title} again").format(title=job.title), work, done)

    @guarded
    def delete_shown_job(self, job_id: str) -> None:
        """Delete the shown (finished) job on the server, after asking."""
        dock: Any = self
        job = dock._manager.get(job_id)
        if job is None or not job.state.final:
            return
        ref = str(job.result.get("job_url") or job.remote_id)
        self._delete(ref, job.remote_id, job.title)

    @guarded
    def delete_server_job(self) -> None:
        """Delete the job chosen in the Server jobs list (finished), after asking."""
        dock: Any = self
        info: Optional[StatusInfo] = dock.jobs_pane.current_info()
        if info is not None and info.state.final:
            self._delete(info.job_id, info.job_id, info.process_id or info.job_id)

    def _delete(self, ref: str, remote_id: str, title: str) -> None:
        """Ask, then ``DELETE`` the job ``ref`` (in a task)."""
        dock: Any = self
        adapter = dock.adapter
        if adapter is None:
            return
        question = tr(
            "Delete the job {job} ({title}) on {connection}?\n\nThe server forgets the job and its results. "
            "Files Geodock downloaded stay where they are."
        ).format(job=remote_id, title=title, connection=adapter.connection.name)
        if not ask_yes_no(dock, tr("Delete Job on the Server?"), question):
            return

        def done(_info: StatusInfo) -> None:
            self.deleted.add(remote_id)
            dock.jobs_pane.forget(remote_id)
            current = dock._manager.get(dock.current_job) if dock.current_job else None
            if current is not None and current.remote_id == remote_id:
                dock.results.delete_button.setEnabled(False)
            text = tr("The job {job} was deleted on the server").format(job=remote_id)
            dock.results.show_message(text)
            push_message(dock.iface.messageBar(), text, Qgis.MessageLevel.Info)

        work = partial(lambda feedback: adapter.delete_job(ref, feedback))
        dock._run(tr("Deleting the job {job}").format(job=remote_id), work, done)


__all__ = ["REQUEST_FILE_NAME", "DockActions"]
