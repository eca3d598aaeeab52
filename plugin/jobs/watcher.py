"""The watcher: ONE ``QgsTask`` that polls every running job, each on its own adaptive schedule."""

from __future__ import annotations

import queue
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from qgis.core import QgsFeedback, QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from .. import log
from ..errors import CancelledError, GeodockError, NetworkError, NotFoundError, ResponseError, unexpected
from ..i18n import tr
from ..job_model import Job, JobBackend, JobState, JobStatus
from ..net.client import wait
from .schedule import PollSchedule, retry_delay
from .waiting import copy_job, merge


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
        """Stop at once (the wait between polls ends too)."""
        self.feedback.cancel()
        super().cancel()

    def run(self) -> bool:
        """Poll the job due next until none is left (True) or the task is cancelled (False)."""
        try:
            while not self.feedback.isCanceled():
                if not self._step():
                    return True
            return False
        except CancelledError:
            return False
        except Exception:  # a bug: keep QGIS alive; the manager re-watches what is left after a pause
            log.error(f"The job watcher stopped\n{traceback.format_exc()}")
            return False

    def _step(self) -> bool:
        """One turn: wait for the next due job or poll it; False when nothing is left to watch."""
        self._drain()
        if not self._watched:
            wait(0.2, self.feedback)  # a job added just now still gets watched by this task
            self._drain()
            return bool(self._watched)
        entry = min(self._watched.values(), key=lambda w: w.due)
        delay = entry.due - time.time()
        if delay > 0:
            wait(min(delay, 0.25), self.feedback)
        else:
            self._poll(entry)
        return True

    def _failed(self, entry: _Watched, err: GeodockError, now: float) -> None:
        """A poll gave no usable status: tell the job why, and poll it again later (never at once)."""
        entry.failures += 1
        delay = retry_delay(entry.failures, getattr(err, "retry_after", None))
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
        merge(job, status)
        self.polled.emit(job.id, status)
        delay = entry.schedule.observe(status)
        if status.state.final:
            del self._watched[job.id]
        else:
            entry.due = time.time() + delay
        progress = [w.job.progress for w in self._watched.values() if w.job.progress is not None]
        if progress:
            self.setProgress(max(0.0, min(100.0, sum(progress) / len(progress))))
