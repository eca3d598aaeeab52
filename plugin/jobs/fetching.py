"""The download of one finished job's results, in a ``QgsTask`` (archives unpacked safely)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from qgis.core import QgsFeedback, QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from .. import settings
from ..errors import CancelledError, GeodockError, unexpected
from ..html_sanitize import inert_text
from ..i18n import tr
from ..job_model import DownloadState, Job, JobBackend, JobState
from .waiting import copy_job


def default_folder(job: Job) -> Path:
    """Where a job's results go when it has no folder: ``<last folder or home>/<job title>``."""
    from ..net.download import safe_filename

    base = Path(settings.value(settings.LAST_FOLDER, "") or Path.home() / "Geodock")
    return base / safe_filename(job.title or job.remote_id, "job")


def new_job_folder(base: Path, name: str) -> Path:
    """A new, empty folder ``<base>/<name>`` for one job's results, made now (atomically: two jobs of one name get
    two folders); ``<name> (1)``, ``<name> (2)`` ... only when the name is taken. The name is made safe first."""
    from ..net.filenames import MAX_CANDIDATES, safe_filename

    base, name = Path(base), safe_filename(name, "export")
    base.mkdir(parents=True, exist_ok=True)
    for index in range(MAX_CANDIDATES):  # (no extension split: "v1.2" is not a suffix here)
        candidate = base / (name if index == 0 else f"{name} ({index})")
        try:
            candidate.mkdir()  # fails when anything (a folder, a file) has the name: never reused
            return candidate
        except FileExistsError:
            continue
    raise GeodockError(tr("Could not find a free folder name for {name} in {folder}").format(name=name, folder=base))


def to_follow(job: Job) -> Job:
    """``job`` (listed by its server) ready to follow: a results folder and its download pending."""
    job.folder = str(default_folder(job))
    if job.download is None:
        job.download = DownloadState.PENDING
    return job


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
        """Stop the download at once."""
        self.feedback.cancel()
        super().cancel()

    def run(self) -> bool:
        """Download into the job's folder (made when missing); the files end up in :attr:`files`."""
        from ..results import expand_results

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


def record_download(job: Job, files: list[str]) -> None:
    """The results of ``job`` are on disk as ``files``: its outputs, download state and message say so."""
    job.outputs = files
    job.download = DownloadState.DONE
    job.download_error = ""
    job.message = (
        tr("Downloaded {count} file(s)").format(count=len(files))
        if files
        else tr("No files to download")  # results that are values only (an OGC process's numbers, text)
    )


def record_failure(job: Job, error: GeodockError) -> None:
    """Fetching the results of ``job`` failed with ``error`` (a download of a job that succeeded: state FAILED)."""
    if job.state == JobState.SUCCEEDED:
        job.download = DownloadState.FAILED
        job.download_error = error.message
        job.message = tr("Download failed: {error}").format(error=error.message)
    else:
        job.message = error.message
