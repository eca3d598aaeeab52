"""Running blocking work (network calls) off the GUI thread, the QGIS way: a ``QgsTask``.

:func:`run_in_background` hands a function to QGIS's task manager (so the user sees it, with progress
and cancel, in the status bar) and calls back on the GUI thread with its result or its error.
"""

from __future__ import annotations

import traceback
from typing import Any, Callable, Optional

from qgis.core import QgsApplication, QgsFeedback, QgsTask

from . import log
from .errors import CancelledError, GeodockError, unexpected
from .html_sanitize import inert_text

Work = Callable[[QgsFeedback], Any]

# Python wrappers of running tasks, kept alive until their finished() ran (the task manager only owns the C++ side).
_running: set[FunctionTask] = set()


class FunctionTask(QgsTask):
    """A QgsTask that runs ``work(feedback)`` on a worker thread; callbacks run on the GUI thread."""

    def __init__(
        self,
        description: str,
        work: Work,
        on_done: Optional[Callable[[Any], None]] = None,
        on_error: Optional[Callable[[GeodockError], None]] = None,
        flags: QgsTask.Flags | QgsTask.Flag = QgsTask.Flag.CanCancel,
    ) -> None:
        """A task called ``description`` running ``work``; ``on_done``/``on_error`` get its outcome."""
        super().__init__(inert_text(description), flags)  # QGIS shows it in a rich-text tooltip
        self.work = work
        self.on_done = on_done
        self.on_error = on_error
        self.feedback = QgsFeedback()
        self.feedback.progressChanged.connect(self.setProgress)
        self.result: Any = None
        self.error: Optional[GeodockError] = None

    def run(self) -> bool:
        """Run the work on the worker thread; a GeodockError (or a bug) is kept for :meth:`finished`."""
        try:
            self.result = self.work(self.feedback)
            return True
        except GeodockError as err:
            self.error = err
        except Exception as err:  # a bug: keep QGIS alive, log the traceback, tell the user in one line
            self.error = unexpected(err)
        return False

    def cancel(self) -> None:
        """Cancel the work's feedback, then the task."""
        self.feedback.cancel()
        super().cancel()

    def finished(self, result: bool) -> None:
        """Hand the result or the error to the callbacks (GUI thread); a failing callback is logged."""
        _running.discard(self)
        try:
            if result:
                if self.on_done is not None:
                    self.on_done(self.result)
                return
            error = self.error or CancelledError()
            if self.on_error is not None:
                self.on_error(error)
            elif not isinstance(error, CancelledError):
                log.exception(error, self.description())
        except Exception:  # a failing callback must not take QGIS down
            log.error(f"{self.description()}: callback failed\n{traceback.format_exc()}")
        finally:
            # QGIS deletes the C++ task now; what the Python side holds (the work, the callbacks and their
            # owners, the result -- often a layer) must not wait for the garbage collector, which may run only
            # after QGIS has shut down (then deleting a layer crashes).
            self.work = self.on_done = self.on_error = None  # type: ignore[assignment]
            self.result = self.error = None


def run_in_background(
    description: str,
    work: Work,
    on_done: Optional[Callable[[Any], None]] = None,
    on_error: Optional[Callable[[GeodockError], None]] = None,
) -> FunctionTask:
    """Start ``work`` in QGIS's task manager and return the task (``task.cancel()`` to stop it)."""
    task = FunctionTask(description, work, on_done, on_error)
    _running.add(task)
    QgsApplication.taskManager().addTask(task)
    return task
