"""The one blocking wait for a remote job (Processing algorithms, uploads, tasks), on the shared schedule.

:func:`wait_for_job` polls a job through its :class:`~..job_model.JobBackend` until it ends, with the same
adaptive delays as the job manager's watcher (:mod:`.schedule`). It never runs on the GUI thread.
"""

from __future__ import annotations

import json
import time
from typing import Optional

from qgis.core import QgsFeedback

from .. import log
from ..errors import CancelledError, GeodockError
from ..i18n import tr
from ..job_model import Job, JobBackend, JobStatus
from ..net.client import wait
from .schedule import PollSchedule


def copy_job(job: Job) -> Job:
    """An independent copy of ``job`` (a task works on its own copy; the manager's stays on the GUI thread)."""
    return Job.from_json(json.loads(json.dumps(job.to_json())))


def merge(job: Job, status: JobStatus) -> None:
    """A poll's answer into ``job``, with the time it was learned."""
    job.apply(status)
    job.updated = time.time()
    if status.state.final and job.finished is None:
        job.finished = job.updated


def wait_for_job(
    backend: JobBackend,
    job: Job,
    feedback: Optional[QgsFeedback] = None,
    timeout: Optional[float] = None,
    progress: tuple[float, float] = (0.0, 100.0),
    cancel_remote: bool = False,
) -> JobStatus:
    """Poll ``job`` until it ends (blocking); returns the final status.

    The server's progress goes to ``feedback`` scaled into the ``progress`` range. Past ``timeout`` seconds a
    GeodockError is raised. Cancelling ``feedback`` raises :class:`CancelledError`; with ``cancel_remote`` the
    job is cancelled on the server first (its backend's ``cancel``).
    """
    try:
        return _poll_to_end(backend, job, feedback, timeout, progress)
    except CancelledError:
        if cancel_remote:
            _cancel_remote(backend, job)
        raise


def _poll_to_end(
    backend: JobBackend,
    job: Job,
    feedback: Optional[QgsFeedback],
    timeout: Optional[float],
    progress: tuple[float, float],
) -> JobStatus:
    started = time.time()
    schedule = PollSchedule()
    low, high = progress
    while True:
        status = backend.poll(job, feedback)
        merge(job, status)
        if status.progress is not None and feedback is not None:
            feedback.setProgress(low + (high - low) * status.progress / 100.0)
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


def _cancel_remote(backend: JobBackend, job: Job) -> None:
    """Cancel ``job`` on the server after the wait was cancelled (a failure is logged, never raised)."""
    try:
        backend.cancel(job, QgsFeedback())
        log.info(f"Cancelled {job.title} ({job.remote_id}) on the server")
    except GeodockError as err:
        log.warning(f"Could not cancel {job.title} ({job.remote_id}) on the server: {err.message}")
