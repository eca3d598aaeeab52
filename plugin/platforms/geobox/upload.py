"""Geobox write-back: upload a QGIS layer (or a file) to ``files/``, publish it as a vector layer, and create
empty remote layers.

Everything here blocks (network calls, GeoPackage writing): run it in a QgsTask or a Processing algorithm.
The flow of :func:`upload_layer`: a layer that is not already a GeoPackage file is written to a temporary
GeoPackage; the file is streamed as ``multipart/form-data`` to ``files/`` (progress through the feedback,
cancel aborts the request); ``files/{uuid}/publish/`` starts a task, which is polled until it ends; the
task's ``result.layer_uuid`` is the new remote layer.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from qgis.core import (
    QgsFeedback,
    QgsField,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from ... import log
from ...connections import Connection
from ...errors import CancelledError, GeodockError
from ...i18n import tr
from ...job_model import Job, JobState
from ...jobs import wait_for_job
from ...jobs.follow import follow_in_jobs
from ...layer_files import geopackage_path_of, missing_source_file, safe_layer_name, write_geopackage
from ...net.client import HttpRequest
from ...net.upload import multipart_factory
from .adapter import GeoboxAdapter
from .jobs import GeoboxTaskBackend

#: Share of the progress bar given to the upload itself; publishing takes the rest.
UPLOAD_SHARE = 80.0
#: Geobox layer types by QGIS geometry type (the server's ``LAYER_TYPES``).
#: The ignores: these are QGIS 3.22's names; qgis-stubs describe newer QGIS (Qgis.GeometryType.Point, ...).
LAYER_TYPES = {
    QgsWkbTypes.GeometryType.PointGeometry: "Point",  # type: ignore[attr-defined]
    QgsWkbTypes.GeometryType.LineGeometry: "Polyline",  # type: ignore[attr-defined]
    QgsWkbTypes.GeometryType.PolygonGeometry: "Polygon",  # type: ignore[attr-defined]
}
#: Geobox field datatypes by QVariant type.
FIELD_TYPES = {
    QVariant.Type.Int: "Integer",
    QVariant.Type.UInt: "Integer",
    QVariant.Type.LongLong: "Integer64",
    QVariant.Type.ULongLong: "Integer64",
    QVariant.Type.Double: "Float",
    QVariant.Type.String: "String",
    QVariant.Type.Date: "Date",
    QVariant.Type.DateTime: "DateTime",
    QVariant.Type.Time: "Time",
}


class UploadError(GeodockError):
    """The upload, or the publishing task after it, failed."""


@dataclass
class FieldSpec:
    """A field of a new remote layer."""

    name: str
    datatype: str = "String"  # Geobox names: String, Integer, Integer64, Float, Date, DateTime, Time
    width: Optional[int] = None

    def to_json(self) -> dict[str, Any]:
        """The field as Geobox's ``fields`` entry."""
        data: dict[str, Any] = {"name": self.name, "datatype": self.datatype}
        if self.width:
            data["width"] = self.width
        return data


@dataclass
class UploadedFile:
    """A file record of ``files/``."""

    uuid: str
    name: str
    layers: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UploadedFile:
        """The file record from the server's JSON."""
        layers = data.get("layers") or {}
        items = layers.get("layers", []) if isinstance(layers, dict) else layers
        return cls(str(data.get("uuid", "")), str(data.get("name", "")), list(items or []))


def upload_file(
    connection: Connection,
    path: Union[str, Path],
    feedback: Optional[QgsFeedback] = None,
    progress_share: float = 100.0,
) -> UploadedFile:
    """Stream ``path`` to Geobox ``files/`` (multipart field ``file``); returns the new file record.

    A refused type or size comes back at once with the server's reason (a :class:`ValidationError` or a 413
    :class:`ResponseError`), usually before the body is sent.
    """
    path = Path(path)
    adapter = GeoboxAdapter(connection)
    applier = adapter.authenticated(feedback)
    total = max(path.stat().st_size, 1)

    def progress(done: int, size: int) -> None:
        if feedback is not None:
            feedback.setProgress(min(progress_share, progress_share * done / (size if size > 0 else total)))

    request = HttpRequest(
        adapter.url("files/"),
        "POST",
        multipart=multipart_factory({}, "file", path),
        auth=applier,
        retries=0,
        timeout=120,
        on_upload_progress=progress,
    )
    started = time.monotonic()
    data = adapter.client.send(request, feedback).json()
    log.info(f"Uploaded {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.monotonic() - started:.1f} s")
    if not isinstance(data, dict) or not data.get("uuid"):
        raise UploadError(tr("Geobox accepted {name} but did not say under which id").format(name=path.name))
    return UploadedFile.from_json(data)


def _wait_for_task(
    connection: Connection, job: Job, feedback: Optional[QgsFeedback], progress_from: float
) -> dict[str, Any]:
    """Follow the task of ``job`` to its end (cancelling ``feedback`` aborts it); its result, or UploadError."""
    status = wait_for_job(
        GeoboxTaskBackend(connection), job, feedback, progress=(progress_from, 100.0), cancel_remote=True
    )
    if status.state != JobState.SUCCEEDED:
        raise UploadError(tr("Geobox task {name} ended: {reason}").format(name=job.title, reason=status.message))
    if feedback is not None:
        feedback.setProgress(100.0)
    return job.result


def publish_file(
    connection: Connection,
    file_uuid: str,
    name: str,
    feedback: Optional[QgsFeedback] = None,
    publish_as: str = "vector",
    input_layer: Optional[str] = None,
    input_srid: Optional[int] = None,
    progress_from: float = 0.0,
) -> str:
    """Publish an uploaded file; waits for the task and returns the new remote layer's uuid."""
    adapter = GeoboxAdapter(connection)
    applier = adapter.authenticated(feedback)
    form: dict[str, Any] = {"publish_as": publish_as, "layer_name": name}
    if input_layer:
        form["input_layer"] = input_layer
    if input_srid:
        form["input_srid"] = int(input_srid)
    answer = adapter.client.send(
        HttpRequest(adapter.url(f"files/{file_uuid}/publish/"), "POST", form=form, auth=applier, timeout=60),
        feedback,
    ).json()
    task_id = str((answer or {}).get("task_id") or "")
    if not task_id:
        raise UploadError(tr("Geobox did not start a publishing task"))
    job = Job("geobox", connection.name, task_id, tr("Publish {name}").format(name=name), "task", add_to_project=False)
    follow_in_jobs(job)
    result = _wait_for_task(connection, job, feedback, progress_from)
    uuid = result.get("layer_uuid") or result.get("raster_uuid") or result.get("table_uuid")
    if not uuid:
        raise UploadError(tr("The publishing task succeeded without naming the new layer"))
    return str(uuid)


def upload_layer(
    connection: Connection,
    source: Union[QgsVectorLayer, str, Path],
    name: str,
    feedback: Optional[QgsFeedback] = None,
    publish_as: str = "vector",
    input_srid: Optional[int] = None,
) -> str:
    """Upload ``source`` (a vector layer or a file) to Geobox and publish it as ``name``; returns the remote
    layer's uuid. A layer that is not a GeoPackage table is written to a temporary GeoPackage first."""
    name = name.strip()
    if not name:
        raise UploadError(tr("The remote layer needs a name"))
    folder = Path(tempfile.mkdtemp(prefix="geodock-upload-"))
    try:
        input_layer: Optional[str] = None
        if isinstance(source, QgsVectorLayer):
            if not source.isValid():
                raise UploadError(tr("{name} is not a valid layer").format(name=source.name()))
            missing = missing_source_file(source)
            if missing is not None:
                raise UploadError(
                    tr("{name} cannot be read: its file {file} is no longer there").format(
                        name=source.name(), file=missing.name
                    )
                )
            if input_srid is None and source.crs().isValid() and source.crs().postgisSrid():
                input_srid = source.crs().postgisSrid()
            found = geopackage_path_of(source)
            if found is not None:
                path, input_layer = found
            else:
                path = write_geopackage(source, folder, name, feedback)
                input_layer = safe_layer_name(name)
        else:
            path = Path(source)
            if not path.is_file():
                raise UploadError(tr("Cannot upload {name}: no such file").format(name=path.name))
        if feedback is not None and feedback.isCanceled():
            raise CancelledError()
        uploaded = upload_file(connection, path, feedback, UPLOAD_SHARE)
        return publish_file(
            connection, uploaded.uuid, name, feedback, publish_as, input_layer, input_srid, UPLOAD_SHARE
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def geometry_layer_type(layer: QgsVectorLayer) -> str:
    """The Geobox ``layer_type`` for ``layer``'s geometry (multi-points stay multi)."""
    if QgsWkbTypes.flatType(layer.wkbType()) == QgsWkbTypes.Type.MultiPoint:
        return "MultiPoint"
    return LAYER_TYPES.get(layer.geometryType(), "Point")


def fields_of(layer: QgsVectorLayer) -> list[FieldSpec]:
    """The fields of ``layer`` as Geobox field specs (unknown types become strings; ``fid`` is skipped)."""
    specs = []
    for qfield in layer.fields():  # type: ignore[attr-defined]  # QgsFields is a sequence; stubs lack __iter__
        if qfield.name().lower() == "fid":
            continue
        specs.append(field_spec(qfield))
    return specs


def field_spec(qfield: QgsField) -> FieldSpec:
    """The Geobox field spec of a QGIS field (unknown types become strings)."""
    datatype = FIELD_TYPES.get(qfield.type(), "String")
    width = qfield.length() if datatype == "String" and qfield.length() > 0 else None
    return FieldSpec(qfield.name(), datatype, width)


def create_empty_layer(
    connection: Connection,
    name: str,
    geometry_type: str,
    fields: list[FieldSpec],
    feedback: Optional[QgsFeedback] = None,
) -> str:
    """Create an empty remote vector layer (``POST vectorLayers/``); returns its uuid."""
    if not name.strip():
        raise UploadError(tr("The remote layer needs a name"))
    adapter = GeoboxAdapter(connection)
    applier = adapter.authenticated(feedback)
    payload = {
        "name": name.strip(),
        "display_name": name.strip(),
        "layer_type": geometry_type,
        "has_z": False,
        "temporary": False,
        "fields": [spec.to_json() for spec in fields],
    }
    data = adapter.client.send(
        HttpRequest(adapter.url("vectorLayers/"), "POST", json=payload, auth=applier, timeout=60), feedback
    ).json()
    if not isinstance(data, dict) or not data.get("uuid"):
        raise UploadError(tr("Geobox created the layer without saying under which id"))
    return str(data["uuid"])


class GeoboxUploader:
    """UPLOAD for a Geobox connection: :func:`upload_layer` and :func:`create_empty_layer` bound to it."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def upload_layer(
        self,
        source: Union[QgsVectorLayer, str, Path],
        name: str,
        feedback: Optional[QgsFeedback] = None,
        publish_as: str = "vector",
        input_srid: Optional[int] = None,
    ) -> str:
        """Upload and publish ``source`` as ``name``; the new remote layer's uuid."""
        return upload_layer(self.connection, source, name, feedback, publish_as, input_srid)

    def create_empty_layer(
        self, name: str, geometry_type: str, fields: list[FieldSpec], feedback: Optional[QgsFeedback] = None
    ) -> str:
        """Create an empty remote vector layer; its uuid."""
        return create_empty_layer(self.connection, name, geometry_type, fields, feedback)
