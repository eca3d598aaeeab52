"""Remote jobs started by a blocking call (an upload in Processing or a task) shown in the Jobs dock as well."""

from __future__ import annotations

from typing import Callable, Optional

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QObject, Qt, pyqtSignal

from .. import log
from ..job_model import Job
from .manager import manager
from .waiting import copy_job


class _GuiDispatcher(QObject):
    """Runs callables on the GUI thread (the job manager's), whichever thread emits ``call``."""

    call = pyqtSignal(object)

    def __init__(self) -> None:
        super().__init__()
        self.moveToThread(QgsApplication.instance().thread())
        self.call.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def _run(self, function: Callable[[], None]) -> None:
        try:
            function()
        except Exception as err:  # the Jobs dock is a nicety here: never fail the work over it
            log.warning(f"Could not show a job in the Jobs dock: {err}")


_dispatcher: Optional[_GuiDispatcher] = None


def follow_in_jobs(job: Job) -> None:
    """Show a copy of ``job`` in the Jobs dock when a GUI session follows jobs (headless Processing does not);
    the caller goes on waiting for it itself."""
    global _dispatcher
    jobs = manager()
    if not jobs.is_running():
        return
    if _dispatcher is None:
        _dispatcher = _GuiDispatcher()
    _dispatcher.call.emit(lambda: jobs.submit(copy_job(job)))
