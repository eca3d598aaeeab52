"""The one job manager: every remote job (exports, process jobs, server tasks) is watched, saved and fetched here.

:func:`manager` is the process-wide :class:`JobManager`. ``submit(job)`` adds a :class:`~..job_model.Job`,
saves it (:mod:`..job_store`, never a secret) and hands it to the :class:`~.watcher.WatchTask`. When the job
ends, its results are downloaded into ``job.folder`` by a :class:`~.fetching.FetchTask` (resuming an
interrupted download, also after a restart), and with ``add_to_project`` every layer goes into the project in
a group named after the job; the user is told in the message bar (through :mod:`..gui_hooks`).

The GUI thread never waits on the network: polls, cancels and downloads run in tasks; the manager only
merges what they report, on the GUI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from qgis.core import QgsApplication, QgsFeedback, QgsProject
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QCoreApplication, QObject, QTimer, pyqtSignal

from .. import job_store, log
from ..connections import Connection, store
from ..errors import CancelledError, ConflictError, GeodockError
from ..gui_hooks import hooks, tell
from ..i18n import tr
from ..job_model import DownloadState, Job, JobBackend, JobState, JobStatus
from ..platforms.registry import job_backend
from ..tasks import run_in_background
from .fetching import FetchTask, record_download, record_failure
from .messages import job_end_text
from .schedule import ERROR_CAP, FIRST_POLLS, RESUME_DELAY, SAVE_DELAY_MS
from .waiting import copy_job, merge
from .watcher import WatchTask

Notifier = Callable[["JobManager", Job], None]
UNFINISHED_DOWNLOADS = (DownloadState.PENDING, DownloadState.RUNNING)


class JobManager(QObject):
    """All remote jobs of this QGIS session: what the Jobs dock shows; saved in settings between sessions."""

    job_added = pyqtSignal(str)
    job_changed = pyqtSignal(str)
    job_removed = pyqtSignal(str)
    job_finished = pyqtSignal(str)  # the job reached a final state on the server (emitted once per watch)
    results_ready = pyqtSignal(str)  # results downloaded (and added to the project when asked)

    def __init__(self, parent: Optional[QObject] = None, connection_lookup: Optional[Callable[[str], Any]] = None):
        super().__init__(parent)
        self.iface: Any = None
        self._jobs: dict[str, Job] = {}
        self._tasks: dict[str, FetchTask] = {}  # downloads in progress
        self._watcher: Optional[WatchTask] = None
        self._watched: set[str] = set()  # ids handed to the current watcher
        self._unreachable: set[str] = set()  # ids whose last poll could not reach the server
        self._others: set[Any] = set()
        self._timer: Optional[QTimer] = None
        self._started = False
        self._lookup = connection_lookup
        self.notifier: Optional[Notifier] = None
        self.polls = 0  # requests made by watchers (for the polling-cost benchmark)
        self._restarts = 0  # watchers that failed in a row (each restart waits longer)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush)

    def start(self, iface: Any = None, resume_delay: float = RESUME_DELAY) -> None:  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
        """Load the saved jobs (no network) and resume watching them ``resume_delay`` s later."""
        self.iface = iface
        self._started = True
        if self.notifier is None:
            self.notifier = hooks.notify_job_end
        for job in job_store.load():  # what cannot be read is moved aside: start with the rest
            if job.id not in self._jobs:
                self._jobs[job.id] = job
                self.job_added.emit(job.id)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.resume)
        self._timer.start(int(resume_delay * 1000))
        store().changed.connect(self._connections_changed)

    def is_running(self) -> bool:
        """Started and not stopped: a GUI session follows jobs (headless Processing and scripts do not)."""
        return self._started

    def stop(self) -> None:
        """Stop watching (jobs stay saved, to be resumed next time) and forget the interface."""
        self._started = False
        try:
            store().changed.disconnect(self._connections_changed)
        except TypeError:  # not connected
            pass
        if self._timer is not None:
            self._timer.stop()
            self._timer.deleteLater()
            self._timer = None
        self.flush()
        tasks = [*self._tasks.values(), *self._others]
        if self._watcher is not None:
            tasks.append(self._watcher)
        for task in tasks:
            if not sip.isdeleted(task):
                task.cancel()
        self._tasks.clear()
        self._others.clear()
        self._watcher = None
        self._watched.clear()
        self.iface = None

    def _connections_changed(self) -> None:
        """A connection came (back): follow the jobs that waited for it (once start-up's delay is over)."""
        if self._started and (self._timer is None or not self._timer.isActive()):
            self.resume()  # (jobs already followed are left as they are)

    def resume(self) -> None:
        """Watch every saved job that is still running; finish interrupted downloads."""
        for job in list(self._jobs.values()):
            if self.is_busy(job.id):
                continue
            if not job.state.final:
                self.watch(job)
            elif job.state == JobState.SUCCEEDED and job.download in UNFINISHED_DOWNLOADS:
                self._download(job)

    def jobs(self) -> list[Job]:
        """Every job, in the order they were added."""
        return list(self._jobs.values())

    def get(self, job_id: str) -> Optional[Job]:
        """The job of ``job_id``, or None."""
        return self._jobs.get(job_id)

    def is_busy(self, job_id: str) -> bool:
        """The job is being watched or its results downloaded."""
        return job_id in self._tasks or job_id in self._watched

    def submit(self, job: Job) -> None:
        """Add ``job`` (already created on the server), save it and start watching it."""
        if (job.add_to_project or job.folder) and job.download is None:
            job.download = DownloadState.PENDING
        self._jobs[job.id] = job
        self._save()
        self.job_added.emit(job.id)
        if job.state.final and job.state != JobState.SUCCEEDED:
            # It ended before it reached us (a process that failed at once): say so as for one that ends later.
            self.job_finished.emit(job.id)
            self._notify(job)
            return
        self.watch(job)

    def cancel(self, job_id: str) -> None:
        """Ask the server to cancel (abort, dismiss) the job, in a task; the state follows the answer."""
        job = self._jobs.get(job_id)
        backend = self._backend(job) if job is not None else None
        if job is None or backend is None:
            return
        snapshot = copy_job(job)
        title = tr("Cancelling {title}").format(title=job.title)

        def work(feedback: QgsFeedback) -> JobStatus:
            return backend.cancel(snapshot, feedback)

        def done(status: JobStatus) -> None:
            self._unwatch(job_id)
            self._apply(job_id, status)

        def failed(err: GeodockError) -> None:
            if isinstance(err, ConflictError):
                text = tr("{title} could not be cancelled: {error}").format(title=job.title, error=err.message)
                tell(self.iface, text)
            elif not isinstance(err, CancelledError):
                tell(self.iface, log.exception(err, title))

        self._background(title, work, done, failed)

    def fetch_results(self, job_id: str, add_to_project: Optional[bool] = None) -> None:
        """Download the job's results (again) into its folder; add them to the project when asked."""
        job = self._jobs.get(job_id)
        if job is None or job.state != JobState.SUCCEEDED or self.is_busy(job_id):
            return
        if add_to_project is not None:
            job.add_to_project = add_to_project
        job.download = DownloadState.PENDING
        self._save()
        self._download(job)

    def add_to_map(self, job_id: str) -> None:
        """Add the job's downloaded results to the project (downloading them first when needed)."""
        job = self._jobs.get(job_id)
        if job is None:
            return
        existing = [path for path in job.outputs if Path(path).exists()]
        if existing:
            self._add_layers(job, existing)
        else:
            self.fetch_results(job_id, add_to_project=True)

    def remove(self, job_id: str) -> None:
        """Forget the job (stops watching it; nothing is cancelled on the server, no file is deleted)."""
        self._unwatch(job_id)
        if self._jobs.pop(job_id, None) is not None:
            self._save()
            self.job_removed.emit(job_id)

    def _backend(self, job: Job) -> Optional[JobBackend]:
        """The job's backend; None (and the job says why) without its connection or a backend."""
        connection: Optional[Connection] = self._lookup(job.connection) if self._lookup else store().get(job.connection)
        if connection is None:
            job.message = tr("No connection named {name}: add it again to go on following this job").format(
                name=job.connection
            )
        else:
            try:
                return job_backend(job, connection)
            except GeodockError as err:
                job.message = err.message
        self.job_changed.emit(job.id)
        return None

    def watch(self, job: Job) -> None:
        """Hand ``job`` to the watcher (starting one when none runs)."""
        backend = self._backend(job)
        if backend is None:
            return
        if self._watcher is None or sip.isdeleted(self._watcher):
            watcher = WatchTask()
            watcher.polled.connect(self._on_polled)
            watcher.unreachable.connect(self._on_unreachable)
            watcher.taskCompleted.connect(lambda w=watcher: self._on_watcher_end(w, True))
            watcher.taskTerminated.connect(lambda w=watcher: self._on_watcher_end(w, False))
            self._watcher = watcher
            QgsApplication.taskManager().addTask(watcher)
        self._watched.add(job.id)
        self._watcher.add(job, backend)

    def _download(self, job: Job) -> None:
        """Download the finished job's results in a task."""
        backend = self._backend(job)
        if backend is None:
            return
        task = FetchTask(job, backend)
        task.downloading.connect(self._on_downloading)
        task.taskCompleted.connect(lambda jid=job.id, t=task: self._on_task_end(jid, t, True))
        task.taskTerminated.connect(lambda jid=job.id, t=task: self._on_task_end(jid, t, False))
        self._tasks[job.id] = task
        QgsApplication.taskManager().addTask(task)

    def _unwatch(self, job_id: str) -> None:
        if job_id in self._watched:
            self._watched.discard(job_id)
            if self._watcher is not None and not sip.isdeleted(self._watcher):
                self._watcher.forget(job_id)
        task = self._tasks.pop(job_id, None)
        if task is not None and not sip.isdeleted(task):
            task.cancel()

    def _on_watcher_end(self, watcher: WatchTask, completed: bool) -> None:
        if watcher is not self._watcher:
            return
        self._watcher = None
        left = [self._jobs[jid] for jid in self._watched if jid in self._jobs and not self._jobs[jid].state.final]
        self._watched.clear()
        if not self._started or not left:
            return
        if completed:  # added too late for the ending watcher: watch them again
            self._restarts = 0
            for job in left:
                self.watch(job)
        elif self._timer is not None:  # it failed: watch them again after a pause, never in a tight loop
            self._restarts += 1
            self._timer.start(int(1000 * min(ERROR_CAP, FIRST_POLLS * 2**self._restarts)))

    def _on_unreachable(self, job_id: str, message: str) -> None:
        job = self._jobs.get(job_id)
        if job is None or job.state.final:
            return
        self._unreachable.add(job_id)
        job.message = message
        self.job_changed.emit(job_id)

    def _on_polled(self, job_id: str, status: JobStatus) -> None:
        self.polls += 1
        job = self._jobs.get(job_id)
        if job_id in self._unreachable:
            self._unreachable.discard(job_id)
            if job is not None and not status.message:
                job.message = ""  # it answers again: no stale "does not answer"
        self._apply(job_id, status)
        if status.state.final:
            self._watched.discard(job_id)
            if job is not None and status.state == JobState.SUCCEEDED and job.download == DownloadState.RUNNING:
                self._download(job)

    def _apply(self, job_id: str, status: JobStatus) -> None:
        job = self._jobs.get(job_id)
        if job is None:
            return
        was_final = job.state.final
        if was_final and not status.state.final:
            return  # a poll answered before a cancel (or another end) was applied: final states stay final
        merge(job, status)
        if status.state == JobState.SUCCEEDED and job.download == DownloadState.PENDING:
            job.download = DownloadState.RUNNING
            job.message = tr("Downloading…")
        self._save()
        self.job_changed.emit(job_id)
        if status.state.final and not was_final:
            self.job_finished.emit(job_id)
            if status.state != JobState.SUCCEEDED or job.download not in UNFINISHED_DOWNLOADS:
                self._notify(job)

    def _on_downloading(self, job_id: str, percent: float) -> None:
        job = self._jobs.get(job_id)
        if job is not None:
            job.message = tr("Downloading… {percent:.0f}%").format(percent=percent)
            self.job_changed.emit(job_id)

    def _on_task_end(self, job_id: str, task: FetchTask, completed: bool) -> None:
        if self._tasks.get(job_id) is task:
            del self._tasks[job_id]
        job = self._jobs.get(job_id)
        if job is None or (not self._started and not completed):
            return
        job.folder = task.job.folder or job.folder
        if completed and job.state == JobState.SUCCEEDED:
            record_download(job, task.files)
        elif task.error is not None:
            record_failure(job, task.error)
            log.exception(task.error, job.title)
        else:
            return
        self._save()
        self.job_changed.emit(job_id)
        if job.download == DownloadState.DONE:
            if job.add_to_project and task.files:
                self._add_layers(job, task.files)
            self.results_ready.emit(job_id)
        if job.download in (DownloadState.DONE, DownloadState.FAILED) and job.state == JobState.SUCCEEDED:
            self._notify(job)

    def _add_layers(self, job: Job, files: list[str]) -> None:
        from ..results import add_files_to_project

        try:
            layers = add_files_to_project([Path(f) for f in files], job.title, QgsProject.instance())
        except GeodockError as err:
            tell(self.iface, log.exception(err, job.title))
            return
        job.message = tr("{count} layer(s) added to the project").format(count=len(layers))
        self.job_changed.emit(job.id)

    def _notify(self, job: Job) -> None:
        if self.notifier is not None:
            try:
                self.notifier(self, job)
                return
            except Exception as err:  # a notification must never break the manager
                log.error(f"Job notification failed: {err}")
        tell(self.iface, job_end_text(job), job.state == JobState.SUCCEEDED)

    def _save(self) -> None:
        """Save the jobs soon: changes that come in bursts (twenty submits, every poll) are written once."""
        self._save_timer.start()

    def flush(self) -> None:
        """Save the jobs now (stop() does; so do tests that read the settings)."""
        self._save_timer.stop()
        job_store.save(self._jobs.values())

    def _background(self, description: str, work: Any, done: Any, failed: Any) -> None:
        task = run_in_background(description, work, done, failed)
        self._others.add(task)
        task.taskCompleted.connect(lambda t=task: self._others.discard(t))
        task.taskTerminated.connect(lambda t=task: self._others.discard(t))


_manager: Optional[JobManager] = None


def manager() -> JobManager:
    """The process-wide job manager."""
    global _manager
    if _manager is None or sip.isdeleted(_manager):
        _manager = JobManager()
        app = QCoreApplication.instance()
        if app is not None and _manager.thread() is not app.thread():
            # First asked for from a worker thread (a task): it still belongs to the GUI thread, where its
            # slots must run (they touch the project and the message bar).
            _manager.moveToThread(app.thread())
    return _manager
