"""Remote jobs: the manager that watches, saves and fetches them, and the one blocking wait.

:mod:`.schedule` (when to poll), :mod:`.waiting` (:func:`wait_for_job`), :mod:`.watcher` (the polling task),
:mod:`.fetching` (the download task) and :mod:`.manager` (:class:`JobManager`, :func:`manager`).
"""

from .fetching import default_folder
from .manager import JobManager, manager
from .waiting import wait_for_job

__all__ = ["JobManager", "default_folder", "manager", "wait_for_job"]
