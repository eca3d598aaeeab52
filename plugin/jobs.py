"""The one job manager: every remote job (exports, process jobs, server tasks) is watched, saved and fetched here.

:func:`manager` is the process-wide :class:`JobManager`. ``submit(job)`` adds a :class:`~.job_model.Job`,
saves it (settings key :data:`.settings.JOBS`, JSON, never a secret) and hands it to the :class:`WatchTask`
-- one ``QgsTask`` for all running jobs, visible in QGIS's task manager -- that polls each job's backend on
its own adaptive schedule:
about once a second at first, then less often, and often again when the server's progress says the end is
near (so a long job costs few requests and its end is still noticed within a second or two). The server's
``Retry-After`` is honoured. When the job ends, its results are downloaded into ``job.folder`` (resuming an
interrupted download, also after a restart), archives are unpacked safely, and with ``add_to_project`` every
layer goes into the project in a group named after the job; the user is told in the message bar.

The GUI thread never waits on the network: polls, cancels and downloads run in tasks; the manager only
merges what they report, on the GUI thread.
"""

from __future__ import annotations

import json
import queue
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from qgis.core import QgsApplication, QgsFeedback, QgsProject, QgsTask
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QCoreApplication, QObject, QTimer, pyqtSignal

from . import job_store, log, settings
from .connections import Connection, store
from .errors import CancelledError, ConflictError, GeodockError, NetworkError, NotFoundError, ResponseError, unexpected
from .gui_hooks import bar_text, hooks
from .html_sanitize import inert_text
from .job_model import Job, JobBackend, JobState, JobStatus, backend_for
from .net.client import wait
from .tasks import run_in_background

RESUME_DELAY = 3.0  # seconds after start() before saved jobs are watched again (no network at start-up)
FIRST_POLLS = 1.0  # seconds between polls at first
FAST_PERIOD = 6.0  # seconds during which polls stay fast (then they space out)
MAX_INTERVAL = 15.0  # cap between polls of a long job
NEAR_END = 1.0  # poll interval when the server's progress says the end is near
ERROR_CAP = 60.0  # cap between polls while the server cannot be reached
SAVE_DELAY_MS = 250  # jobs are saved at most this often (and at stop)

# Keys of Job.result the manager itself uses (platform keys are the backends' business).
DOWNLOAD = "geodock_download"  # "pending" | "running" | "done" | "failed"
DOWNLOAD_ERROR = "geodock_download_error"

Notifier = Callable[["JobManager", Job], None]


def tr(text: str) -> str:
    return QCoreApplication.translate("JobManager", text)


def next_poll_delay(elapsed: float, samples: list[tuple[float, float]], retry_after: Optional[float] = None) -> float:
    """Seconds to wait before the next poll of a job running for ``elapsed`` s.

    ``samples`` are (time first seen, progress 0-100) pairs of each new progress value: with two of them the
    end is estimated, and polls close in on it (about ``NEAR_END`` s apart around the expected end, then
    spacing out again when the job is late).
    """
    if elapsed < FAST_PERIOD / 2:
        delay = FIRST_POLLS / 2  # many jobs are short: catch their progress and end quickly
    elif elapsed < FAST_PERIOD:
        delay = FIRST_POLLS
    else:
        delay = min(MAX_INTERVAL, FIRST_POLLS + (elapsed - FAST_PERIOD) / 6.0)
    eta = estimate_remaining(samples)
    if eta is not None:
        if eta > 2 * NEAR_END:
            delay = min(delay, eta / 2.0)
        elif eta >= -2 * NEAR_END:
            delay = NEAR_END
        else:  # later than expected: space the polls out again
            delay = min(delay, NEAR_END - eta / 4.0)
    if retry_after is not None:
        delay = max(delay, min(retry_after, 300.0))
    return max(0.2, delay)


def add_sample(samples: list[tuple[float, float]], progress: float, previous_poll: float) -> list[tuple[float, float]]:
    """``samples`` with a newly seen ``progress`` value (the last 8 values).

    The server reached that value some time after the previous poll: that time is recorded, so estimates err
    early (a few more polls) rather than late (the user told late).
    """
    if not samples or progress != samples[-1][1]:
        samples.append((previous_poll, progress))
    return samples[-8:]


def estimate_remaining(samples: list[tuple[float, float]]) -> Optional[float]:
    """Seconds left (negative: overdue) from the progress rate of the samples; None without rising progress."""
    if len(samples) < 2:
        return None
    (t0, p0), (t1, p1) = samples[0], samples[-1]
    if p1 <= p0 or t1 <= t0:
        return None
    rate = (p1 - p0) / (t1 - t0)
    return (100.0 - p1) / rate - (time.time() - t1)


def default_folder(job: Job) -> Path:
    """Where a job's results go when it has no folder: ``<last folder or home>/<job title>``."""
    from .net.download import safe_filename

    base = Path(settings.value(settings.LAST_FOLDER, "") or Path.home() / "Geodock")
    return base / safe_filename(job.title or job.remote_id, "job")


def copy_job(job: Job) -> Job:
    return Job.from_json(json.loads(json.dumps(job.to_json())))


def wait_for_job(
    backend: JobBackend, job: Job, feedback: Optional[QgsFeedback] = None, timeout: Optional[float] = None
) -> JobStatus:
    """Poll ``job`` until it ends (blocking: Processing algorithms and tasks); returns the final status.

    Uses the same adaptive delays as the manager's watchers; ``feedback`` gets the server's progress.
    """
    started = time.time()
    schedule = PollSchedule()
    while True:
        status = backend.poll(job, feedback)
        _merge(job, status)
        if status.progress is not None and feedback is not None:
            feedback.setProgress(status.progress)
        delay = schedule.observe(status)
        if status.state.final:
            return status
        if timeout is not None and time.time() - started > timeout:
            raise GeodockError(
                tr("{title} did not finish within {seconds:g} s").format(title=job.title, seconds=timeout)
            )
        wait(delay, feedback)
        if feedback is not None and feedback.isCanceled():
            raise CancelledError()


@dataclass
class PollSchedule:
    """When to poll one remote job next, from what its polls have shown so far."""

    started: float = field(default_factory=time.time)  # when the job was first seen (or seen running)
    previous: float = field(default_factory=time.time)  # the previous poll
    running: bool = False
    samples: list[tuple[float, float]] = field(default_factory=list)

    def observe(self, status: JobStatus, now: Optional[float] = None) -> float:
        """Take in a poll's answer; return the seconds to wait before the next poll."""
        now = time.time() if now is None else now
        if status.state == JobState.RUNNING and not self.running:
            # Time spent queued says nothing of how long the job will run: polls are fast again as it starts
            # (a server running a few jobs at a time would otherwise see short jobs end unnoticed for seconds).
            self.running = True
            self.started = now
        if status.progress is not None:
            self.samples = add_sample(self.samples, status.progress, self.previous)
        self.previous = now
        return next_poll_delay(now - self.started, self.samples, status.retry_after)


@dataclass
class _Watched:
    """A job the watcher polls: its own copy of the job and its polling schedule."""

    job: Job
    backend: JobBackend
    schedule: PollSchedule = field(default_factory=PollSchedule)
    due: float = 0.0
    failures: int = 0


class WatchTask(QgsTask):
    """ONE task that polls every running job, each on its own adaptive schedule.

    Why one and not one per job: QGIS runs tasks on a thread pool as big as the machine has cores, and a
    watcher spends its life waiting between polls. A task per job would hold a worker thread per running job
    -- with two cores, two running exports would leave no thread for the Catalog, downloads or Processing.
    Jobs are added and removed while it runs (thread-safe queue); it ends when no job is left to watch.
    Every poll is reported through :attr:`polled` (queued to the manager on the GUI thread).
    """

    polled = pyqtSignal(str, object)  # job id, JobStatus
    unreachable = pyqtSignal(str, str)  # job id, what went wrong (the job's message until a poll works again)

    def __init__(self) -> None:
        super().__init__(tr("Geodock: watching remote jobs"), QgsTask.Flag.CanCancel)
        self.feedback = QgsFeedback()
        self._commands: queue.Queue[tuple[str, Any, Any]] = queue.Queue()
        self._watched: dict[str, _Watched] = {}
        self.polls = 0

    def add(self, job: Job, backend: JobBackend) -> None:
        """Watch ``job`` (any thread)."""
        self._commands.put(("add", copy_job(job), backend))

    def forget(self, job_id: str) -> None:
        """Stop watching ``job_id`` (any thread)."""
        self._commands.put(("forget", job_id, None))

    def cancel(self) -> None:
        self.feedback.cancel()
        super().cancel()

    def run(self) -> bool:
        try:
            while not self.feedback.isCanceled():
                self._drain()
                if not self._watched:
                    wait(0.2, self.feedback)  # a job added just now still gets watched by this task
                    self._drain()
                    if not self._watched:
                        return True
                    continue
                entry = min(self._watched.values(), key=lambda w: w.due)
                delay = entry.due - time.time()
                if delay > 0:
                    wait(min(delay, 0.25), self.feedback)
                    continue
                self._poll(entry)
            return False
        except CancelledError:
            return False
        except Exception:  # a bug: keep QGIS alive; the manager re-watches what is left after a pause
            log.error(f"The job watcher stopped\n{traceback.format_exc()}")
            return False

    def _failed(self, entry: _Watched, err: GeodockError, now: float) -> None:
        """A poll gave no usable status: tell the job why, and poll it again later (never at once)."""
        entry.failures += 1
        delay = max(min(ERROR_CAP, FIRST_POLLS * 2**entry.failures), getattr(err, "retry_after", None) or 0.0)
        entry.due = now + delay
        details = f"\n{err.details}" if err.details and entry.failures == 1 else ""  # once, not at every poll
        log.warning(f"Polling {entry.job.title}: {err.message} (attempt {entry.failures}){details}")
        if isinstance(err, (NetworkError, ResponseError)):
            text = tr("The server does not answer ({why}); trying again (attempt {n})")
        else:  # it answered, but not with a job status (or reading it hit a bug)
            text = tr("{why}. Asking again in {seconds:.0f} s (attempt {n})")
        self.unreachable.emit(entry.job.id, text.format(why=err.message, n=entry.failures, seconds=delay))

    def _drain(self) -> None:
        while True:
            try:
                command, value, backend = self._commands.get_nowait()
            except queue.Empty:
                return
            if command == "add":
                self._watched[value.id] = _Watched(value, backend)
            else:
                self._watched.pop(value, None)

    def _poll(self, entry: _Watched) -> None:
        job = entry.job
        now = time.time()
        try:
            status = entry.backend.poll(job, self.feedback)
            self.polls += 1
            entry.failures = 0
        except CancelledError:
            raise
        except NotFoundError as err:
            status = JobStatus(
                JobState.FAILED, message=tr("The job is gone from the server ({error})").format(error=err.message)
            )
        except Exception as err:  # no answer, an unreadable one, or a bug reading it: this job waits, others go on
            self._failed(entry, err if isinstance(err, GeodockError) else unexpected(err), now)
            return
        _merge(job, status)
        self.polled.emit(job.id, status)
        delay = entry.schedule.observe(status)
        if status.state.final:
            del self._watched[job.id]
        else:
            entry.due = time.time() + delay
        progress = [w.job.progress for w in self._watched.values() if w.job.progress is not None]
        if progress:
            self.setProgress(max(0.0, min(100.0, sum(progress) / len(progress))))


class FetchTask(QgsTask):
    """Downloads (and safely unpacks) one finished job's results, on a private copy of the job."""

    downloading = pyqtSignal(str, float)  # job id, percent

    def __init__(self, job: Job, backend: JobBackend) -> None:
        super().__init__(tr("Geodock: downloading {title}").format(title=inert_text(job.title)), QgsTask.Flag.CanCancel)
        self.job = copy_job(job)
        self.backend = backend
        self.feedback = QgsFeedback()
        self.files: list[str] = []
        self.error: Optional[GeodockError] = None

    def cancel(self) -> None:
        self.feedback.cancel()
        super().cancel()

    def run(self) -> bool:
        from .results import expand_results

        try:
            folder = Path(self.job.folder) if self.job.folder else default_folder(self.job)
            folder.mkdir(parents=True, exist_ok=True)
            self.job.folder = str(folder)
            self.feedback.progressChanged.connect(self._download_progress)
            try:
                paths = self.backend.fetch_results(self.job, folder, self.feedback)
            finally:
                self.feedback.progressChanged.disconnect(self._download_progress)
            self.files = [str(p) for p in expand_results(paths, folder)]
            return True
        except CancelledError:
            return False
        except GeodockError as err:
            self.error = err
            return False
        except Exception as err:  # a bug: keep QGIS alive, keep the details for the log
            self.error = unexpected(err)
            return False

    def _download_progress(self, percent: float) -> None:
        self.setProgress(percent)
        self.downloading.emit(self.job.id, percent)


def _merge(job: Job, status: JobStatus) -> None:
    """A poll's answer into ``job``, with the time it was learned."""
    job.apply(status)
    job.updated = time.time()
    if status.state.final and job.finished is None:
        job.finished = job.updated


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

    # Life cycle --------------------------------------------------------------------------------------

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
        for task in list(self._tasks.values()):
            if not sip.isdeleted(task):
                task.cancel()
        self._tasks.clear()
        if self._watcher is not None and not sip.isdeleted(self._watcher):
            self._watcher.cancel()
        self._watcher = None
        self._watched.clear()
        for task in list(self._others):
            if not sip.isdeleted(task):
                task.cancel()
        self._others.clear()
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
                self._watch(job)
            elif job.state == JobState.SUCCEEDED and job.result.get(DOWNLOAD) in ("pending", "running"):
                self._watch(job, watch=False)

    # Queries -----------------------------------------------------------------------------------------

    def jobs(self) -> list[Job]:
        return list(self._jobs.values())

    def get(self, job_id: str) -> Optional[Job]:
        return self._jobs.get(job_id)

    def is_busy(self, job_id: str) -> bool:
        """The job is being watched or its results downloaded."""
        return job_id in self._tasks or job_id in self._watched

    # Actions -----------------------------------------------------------------------------------------

    def submit(self, job: Job) -> None:
        """Add ``job`` (already created on the server), save it and start watching it."""
        if job.add_to_project or job.folder:
            job.result.setdefault(DOWNLOAD, "pending")
        self._jobs[job.id] = job
        self._save()
        self.job_added.emit(job.id)
        if job.state.final and job.state != JobState.SUCCEEDED:
            # It ended before it reached us (a process that failed at once): say so as for one that ends later.
            self.job_finished.emit(job.id)
            self._notify(job)
            return
        self._watch(job)

    def cancel(self, job_id: str) -> None:
        """Ask the server to cancel (abort, dismiss) the job, in a task; the state follows the answer."""
        job = self._jobs.get(job_id)
        if job is None:
            return
        connection = self._connection(job)
        if connection is None:
            return
        backend = backend_for(job, connection)
        snapshot = copy_job(job)

        def work(feedback: QgsFeedback) -> JobStatus:
            return backend.cancel(snapshot, feedback)

        def done(status: JobStatus) -> None:
            self._unwatch(job_id)
            self._apply(job_id, status)

        def failed(err: GeodockError) -> None:
            if isinstance(err, ConflictError):
                self._tell(
                    job, tr("{title} could not be cancelled: {error}").format(title=job.title, error=err.message)
                )
            elif not isinstance(err, CancelledError):
                self._tell(job, log.exception(err, tr("Cancelling {title}").format(title=job.title)))

        self._background(tr("Cancelling {title}").format(title=job.title), work, done, failed)

    def fetch_results(self, job_id: str, add_to_project: Optional[bool] = None) -> None:
        """Download the job's results (again) into its folder; add them to the project when asked."""
        job = self._jobs.get(job_id)
        if job is None or job.state != JobState.SUCCEEDED or self.is_busy(job_id):
            return
        if add_to_project is not None:
            job.add_to_project = add_to_project
        job.result[DOWNLOAD] = "pending"
        self._save()
        self._watch(job, watch=False)

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

    # Watching ----------------------------------------------------------------------------------------

    def _connection(self, job: Job) -> Optional[Connection]:
        connection = self._lookup(job.connection) if self._lookup else store().get(job.connection)
        if connection is None:
            job.message = tr("No connection named {name}: add it again to go on following this job").format(
                name=job.connection
            )
            self.job_changed.emit(job.id)
        return connection

    def _watch(self, job: Job, watch: bool = True) -> None:
        """Hand ``job`` to the watcher (starting one when none runs), or download its results (``watch=False``)."""
        connection = self._connection(job)
        if connection is None:
            return
        try:
            backend = backend_for(job, connection)
        except KeyError as err:
            job.message = str(err)
            self.job_changed.emit(job.id)
            return
        if not watch:
            self._fetch(job, backend)
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
                self._watch(job)
        elif self._timer is not None:  # it failed: watch them again after a pause, never in a tight loop
            self._restarts += 1
            self._timer.start(int(1000 * min(ERROR_CAP, FIRST_POLLS * 2**self._restarts)))

    def _fetch(self, job: Job, backend: JobBackend) -> None:
        task = FetchTask(job, backend)
        task.downloading.connect(self._on_downloading)
        task.taskCompleted.connect(lambda jid=job.id, t=task: self._on_task_end(jid, t, True))
        task.taskTerminated.connect(lambda jid=job.id, t=task: self._on_task_end(jid, t, False))
        self._tasks[job.id] = task
        QgsApplication.taskManager().addTask(task)

    def _on_unreachable(self, job_id: str, message: str) -> None:
        job = self._jobs.get(job_id)
        if job is None or job.state.final:
            return
        self._unreachable.add(job_id)
        job.message = message
        self.job_changed.emit(job_id)

    def _on_polled(self, job_id: str, status: JobStatus) -> None:
        self.polls += 1
        if job_id in self._unreachable:
            self._unreachable.discard(job_id)
            job = self._jobs.get(job_id)
            if job is not None and not status.message:
                job.message = ""  # it answers again: no stale "does not answer"
        self._apply(job_id, status)
        job = self._jobs.get(job_id)
        if status.state.final:
            self._watched.discard(job_id)
            if job is not None and status.state == JobState.SUCCEEDED and job.result.get(DOWNLOAD) == "running":
                self._watch(job, watch=False)

    def _apply(self, job_id: str, status: JobStatus) -> None:
        job = self._jobs.get(job_id)
        if job is None:
            return
        was_final = job.state.final
        if was_final and not status.state.final:
            return  # a poll answered before a cancel (or another end) was applied: final states stay final
        _merge(job, status)
        if status.state == JobState.SUCCEEDED and job.result.get(DOWNLOAD) == "pending":
            job.result[DOWNLOAD] = "running"
            job.message = tr("Downloading…")
        self._save()
        self.job_changed.emit(job_id)
        if status.state.final and not was_final:
            self.job_finished.emit(job_id)
            if status.state != JobState.SUCCEEDED or job.result.get(DOWNLOAD) not in ("running", "pending"):
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
        if job.folder != task.job.folder:
            job.folder = task.job.folder
        if completed and job.state == JobState.SUCCEEDED:
            job.outputs = task.files
            job.result[DOWNLOAD] = "done"
            job.result.pop(DOWNLOAD_ERROR, None)
            job.message = (
                tr("Downloaded {count} file(s)").format(count=len(task.files))
                if task.files
                else tr("No files to download")  # results that are values only (an OGC process's numbers, text)
            )
            self._save()
            self.job_changed.emit(job_id)
            if job.add_to_project and task.files:
                self._add_layers(job, task.files)
            self.results_ready.emit(job_id)
            self._notify(job)
        elif task.error is not None and job.state == JobState.SUCCEEDED:
            job.result[DOWNLOAD] = "failed"
            job.result[DOWNLOAD_ERROR] = task.error.message
            job.message = tr("Download failed: {error}").format(error=task.error.message)
            log.exception(task.error, job.title)
            self._save()
            self.job_changed.emit(job_id)
            self._notify(job)
        elif task.error is not None:
            job.message = task.error.message
            log.exception(task.error, job.title)
            self.job_changed.emit(job_id)

    def _add_layers(self, job: Job, files: list[str]) -> None:
        from .results import add_to_project

        try:
            layers = add_to_project([Path(f) for f in files], job.title, QgsProject.instance())
        except GeodockError as err:
            self._tell(job, log.exception(err, job.title))
            return
        job.message = tr("{count} layer(s) added to the project").format(count=len(layers))
        self.job_changed.emit(job.id)

    # Telling the user --------------------------------------------------------------------------------

    def _notify(self, job: Job) -> None:
        if self.notifier is not None:
            try:
                self.notifier(self, job)
                return
            except Exception as err:  # a notification must never break the manager
                log.error(f"Job notification failed: {err}")
        if job.state == JobState.SUCCEEDED:
            self._tell(job, tr("{title} finished. {message}").format(title=job.title, message=job.message), True)
        else:
            self._tell(
                job,
                tr("{title}: {state}. {message}").format(title=job.title, state=job.state.value, message=job.message),
            )

    def _tell(self, job: Job, text: str, success: bool = False) -> None:
        if self.iface is None:
            log.info(text)
            return
        bar = self.iface.messageBar()
        if success:
            bar.pushSuccess("Geodock", bar_text(text))  # server text (titles, messages): shown as text
        else:
            bar.pushWarning("Geodock", bar_text(text))

    # Persistence -------------------------------------------------------------------------------------

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
