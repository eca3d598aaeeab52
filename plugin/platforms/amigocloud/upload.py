"""AmigoCloud upload: a QGIS layer (or a file) to a new dataset of a project.

Blocking (GeoPackage writing, network): run it in a QgsTask or an algorithm. The flow of :func:`upload_layer`:
the layer is written to a temporary GeoPackage (a whole GeoPackage table is sent as it is); a file under 8 MB goes
to ``{project}/datasets/upload`` in one request, a bigger one to ``chunked_upload`` in pieces
(:mod:`.chunked_upload`, with resume); the import job the server answers is shown in the Jobs dock and waited
for, and the new dataset's id returned once it is ready.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Union

from qgis.core import QgsFeedback, QgsVectorLayer

from ... import log
from ...connections import Connection
from ...errors import CancelledError
from ...i18n import tr
from ...job_model import JobState
from ...jobs import wait_for_job
from ...jobs.follow import follow_in_jobs
from ...layer_files import geopackage_path_of, missing_source_file, safe_layer_name, write_geopackage
from ..resource_json import text
from .adapter import AmigoCloudAdapter
from .chunked_upload import (
    CHUNK_SIZE,
    SIMPLE_LIMIT,
    ChunkedUpload,
    UploadError,
    UploadInterruptedError,
    file_md5,
    simple_upload,
)
from .project_root import project_url, read_project
from .upload_job import AmigoCloudUploadBackend, new_upload_job

__all__ = [
    "AmigoCloudUploader",
    "UploadError",
    "UploadInterruptedError",
    "UploadedDataset",
    "resume_upload",
    "upload_layer",
]

#: Share of the progress bar given to sending the file; the import takes the rest.
UPLOAD_SHARE = 85.0


@dataclass
class UploadedDataset:
    """A dataset an upload made: its id, its URL and the import job that made it."""

    dataset_id: str
    url: str
    job_id: str


def project_upload_url(connection: Connection, project: Optional[str], feedback: Optional[QgsFeedback]) -> str:
    """The ``users/{owner}/projects/{id}`` URL of ``project`` (an id), or of the connection's own project."""
    adapter = AmigoCloudAdapter(connection)
    own = project_url(connection.url)
    if not project:
        if own is None:
            raise UploadError(tr("Choose the AmigoCloud project the new dataset goes to"))
        return own
    if not str(project).isdigit():
        raise UploadError(tr("{project} is not an AmigoCloud project id").format(project=str(project)[:40]))
    if own is not None:
        if own.rsplit("/", 1)[-1] != str(project):
            raise UploadError(tr("This connection's token reaches its own project only"))
        return own
    doc = read_project(adapter, adapter.url(f"projects/{project}"), feedback)
    url = text(doc.get("url")).rstrip("/")
    return url or adapter.url(f"users/0/projects/{project}")


def _send(
    connection: Connection,
    base: str,
    path: Path,
    filename: str,
    feedback: Optional[QgsFeedback],
    chunk_size: int,
    simple_limit: int,
) -> tuple[Any, Optional[ChunkedUpload]]:
    adapter = AmigoCloudAdapter(connection)
    size = path.stat().st_size
    if size == 0:
        raise UploadError(tr("{name} is empty: there is nothing to upload").format(name=filename))
    started = time.monotonic()
    if size < min(simple_limit, SIMPLE_LIMIT):
        answer = simple_upload(adapter.client, f"{base}/datasets/upload", path, filename, adapter.auth, feedback)
        upload = None
    else:
        md5 = file_md5(path, feedback)
        upload = ChunkedUpload(f"{base}/datasets/chunked_upload", path, filename, size, md5, chunk_size=chunk_size)
        upload.send(adapter.client, adapter.auth, feedback, UPLOAD_SHARE)
        answer = upload.complete(adapter.client, adapter.auth, feedback)
    log.info(f"Uploaded {filename} ({size / 1e6:.1f} MB) to AmigoCloud in {time.monotonic() - started:.1f} s")
    return answer, upload


def _await_dataset(
    connection: Connection, answer: Any, name: str, feedback: Optional[QgsFeedback], wait: bool
) -> UploadedDataset:
    """Follow the import job ``answer`` names (Jobs dock, and here until it ends when ``wait``)."""
    job_id = text(answer.get("job")) if isinstance(answer, dict) else ""
    if not job_id or len(job_id) > 200:
        raise UploadError(tr("AmigoCloud took the file without naming its import job"), str(answer)[:500])
    job = new_upload_job(connection, job_id, name)
    follow_in_jobs(job)
    if not wait:
        return UploadedDataset("", "", job_id)
    status = wait_for_job(AmigoCloudUploadBackend(connection), job, feedback, progress=(UPLOAD_SHARE, 100.0))
    if status.state != JobState.SUCCEEDED:
        raise UploadError(tr("AmigoCloud could not import {name}: {reason}").format(name=name, reason=status.message))
    if feedback is not None:
        feedback.setProgress(100.0)
    return UploadedDataset(str(job.result.get("dataset", "")), str(job.result.get("dataset_url", "")), job_id)


def _layer_file(source: Union[QgsVectorLayer, str, Path], name: str, folder: Path, feedback: Any) -> Path:
    """The file to send for ``source``: a GeoPackage of the layer (written into ``folder`` when needed)."""
    if not isinstance(source, QgsVectorLayer):
        path = Path(source)
        if not path.is_file():
            raise UploadError(tr("Cannot upload {name}: no such file").format(name=path.name))
        return path
    if not source.isValid():
        raise UploadError(tr("{name} is not a valid layer").format(name=source.name()))
    missing = missing_source_file(source)
    if missing is not None:
        raise UploadError(
            tr("{name} cannot be read: its file {file} is no longer there").format(
                name=source.name(), file=missing.name
            )
        )
    found = geopackage_path_of(source)
    if found is not None and found[1] is None:  # a one-table GeoPackage: as it is, under the dataset's name
        target = folder / f"{safe_layer_name(name)}.gpkg"
        shutil.copyfile(found[0], target)
        return target
    return write_geopackage(source, folder, name, feedback)


def upload_layer(
    connection: Connection,
    source: Union[QgsVectorLayer, str, Path],
    name: str,
    project: Optional[str] = None,
    feedback: Optional[QgsFeedback] = None,
    wait: bool = True,
    chunk_size: int = CHUNK_SIZE,
    simple_limit: int = SIMPLE_LIMIT,
) -> UploadedDataset:
    """Upload ``source`` as a new dataset ``name`` of ``project`` (an id; the connection's own project when
    None); returns it once its import has succeeded (``wait``). A broken chunked upload raises
    :class:`UploadInterruptedError`, whose ``upload`` :func:`resume_upload` continues (its file is kept until then)."""
    name = name.strip()
    if not name:
        raise UploadError(tr("The new dataset needs a name"))
    base = project_upload_url(connection, project, feedback)
    folder = Path(tempfile.mkdtemp(prefix="geodock-amigocloud-"))
    keep = False
    try:
        path = _layer_file(source, name, folder, feedback)
        if feedback is not None and feedback.isCanceled():
            raise CancelledError()
        filename = f"{safe_layer_name(name)}{path.suffix or '.gpkg'}"
        answer, _ = _send(connection, base, path, filename, feedback, chunk_size, simple_limit)
        return _await_dataset(connection, answer, name, feedback, wait)
    except UploadInterruptedError:
        keep = True  # its file stays for resume_upload
        raise
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def resume_upload(
    connection: Connection,
    upload: ChunkedUpload,
    name: str,
    feedback: Optional[QgsFeedback] = None,
    wait: bool = True,
) -> UploadedDataset:
    """Go on with an interrupted chunked upload from where the server stands, complete it and follow its import."""
    adapter = AmigoCloudAdapter(connection)
    if not upload.path.is_file():
        raise UploadError(tr("The file of the interrupted upload is gone: upload the layer again"))
    folder = upload.path.parent
    interrupted = False
    try:
        upload.send(adapter.client, adapter.auth, feedback, UPLOAD_SHARE)
        answer = upload.complete(adapter.client, adapter.auth, feedback)
    except UploadInterruptedError:
        interrupted = True  # still resumable: its file stays
        raise
    finally:
        if not interrupted and folder.name.startswith("geodock-amigocloud-"):  # only a file upload_layer wrote
            shutil.rmtree(folder, ignore_errors=True)
    return _await_dataset(connection, answer, name, feedback, wait)


class AmigoCloudUploader:
    """UPLOAD for an AmigoCloud connection: :func:`upload_layer` bound to it (drops go to its own project)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def upload_layer(
        self,
        source: Union[QgsVectorLayer, str, Path],
        name: str,
        feedback: Optional[QgsFeedback] = None,
        publish_as: str = "vector",
        input_srid: Optional[int] = None,
        project: Optional[str] = None,
    ) -> str:
        """Upload ``source`` as dataset ``name`` of ``project`` (the connection's own project when None); the
        new dataset's id once it is ready."""
        return upload_layer(self.connection, source, name, project, feedback).dataset_id
