"""The Processes dock's side of the jobs it shows: a new job clears the results pane first (no stale failure), a
started or followed job is shown and handed to the job manager, the shown job's state follows the manager (a final
state shown as final), Dismiss cancels it, Add to map adds its layers again. A mixin of
:class:`.processes_dock.ProcessesDock`."""

from __future__ import annotations

from typing import Any

from ....plugin import log
from ....plugin.i18n import tr
from ....plugin.job_model import Job, JobState
from ....plugin.platforms.ogcapi.jobs import PLATFORM
from ...slot_guard import guarded
from .dock_parts import followed_job


class DockJobs:
    """The results pane's job, the server jobs' Follow, Dismiss and Add to map (mixed into the dock)."""

    current_job: str
    job_ids: set[str]
    deleted: set[str]
    adapter: Any
    _manager: Any
    results: Any
    dismiss_button: Any
    job_tabs: Any
    jobs_pane: Any

    def start_new_job(self) -> None:
        """A new job is on its way: the pane shows none of the previous one's state (a failure included)."""
        self._forget_current_job()
        self.results.clear()
        self.results.show_message(tr("Sending…"))
        self.job_tabs.setCurrentWidget(self.results)

    def start_showing(self, job: Job, dismissable: bool) -> None:
        """Show the job just started and hand it to the job manager."""
        self._show(job)
        self.dismiss_button.setEnabled(dismissable and not job.state.final)
        self._manager.submit(job)

    # The server's own jobs ---------------------------------------------------------------------------------

    def load_server_jobs(self) -> None:
        """List the server's jobs (``/jobs``, in a task): id, process, status, progress."""
        self.jobs_pane.load()

    @guarded
    def follow(self) -> None:
        """Hand the chosen server job to the job manager: watched, and its results fetched when it ends."""
        info = self.jobs_pane.current_info()
        if info is None or self.adapter is None:
            return
        connection = self.adapter.connection.name
        for known in self._manager.jobs():
            if known.connection == connection and known.platform == PLATFORM and known.remote_id == info.job_id:
                self._show(known)  # followed already
                return
        job = followed_job(self.adapter, info)
        self._show(job)
        self._manager.submit(job)

    def _show(self, job: Job) -> None:
        """Make ``job`` the one the results pane shows (and Dismiss acts on)."""
        self.current_job = job.id
        self.job_ids.add(job.id)
        self._show_state(job)
        self.job_tabs.setCurrentWidget(self.results)

    def _show_state(self, job: Job) -> None:
        """Show ``job``'s state in the results pane (Run again with its request, Delete while on the server)."""
        on_server = job.remote_id not in self.deleted
        self.results.show_job(job, can_run_again=self.request_file(job) is not None, on_server=on_server)
        self.dismiss_button.setEnabled(not job.state.final)

    @guarded
    def dismiss(self) -> None:
        """Cancel the shown job on the server."""
        if self.current_job:
            self._manager.cancel(self.current_job)

    @guarded
    def _add_to_map(self, job_id: str) -> None:
        """Add job ``job_id``'s result layers to the map."""
        if job_id:
            self._manager.add_to_map(job_id)

    def _forget_current_job(self) -> None:
        """Show no job (Dismiss off)."""
        self.current_job = ""
        self.dismiss_button.setEnabled(False)

    @guarded
    def _job_removed(self, job_id: str) -> None:
        """A job left the Jobs list: stop showing it."""
        self.job_ids.discard(job_id)
        if job_id == self.current_job:
            self._forget_current_job()
            self.results.clear()
            self.results.show_message(tr("Removed from the Jobs list: Geodock no longer follows it"))

    @guarded
    def _job_changed(self, job_id: str) -> None:
        """Show the job's new state when it is the shown one; log a failure."""
        if job_id not in self.job_ids:
            return
        job = self._manager.get(job_id)
        if job is None:
            return
        if job_id == self.current_job:
            self._show_state(job)
        if job.state == JobState.FAILED:
            log.error(f"{job.title} ({job.remote_id}) failed: {job.message}")
