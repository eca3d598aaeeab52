"""Input values of an OGC API – Processes process: how they are checked against a :class:`ProcessInput`, and how
QGIS things are encoded as values.

The encoders turn an extent into an OGC bounding box ``{"bbox": [...], "crs": ...}``, a vector layer (or its
selection) into a GeoJSON FeatureCollection in the CRS the process expects, a file into a qualified value (by value)
or a link (by reference). Nothing here makes a network call; :func:`collection_from_source` may be run on a worker
thread with a ``QgsFeatureSource`` made on the GUI thread.
"""

from __future__ import annotations

import base64
import datetime
import json
import math
import mimetypes
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeedback,
    QgsJsonExporter,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QDate, QDateTime, Qt

from ...i18n import tr
from .process_description import (
    CRS84,
    GEOJSON_TYPES,
    GEOMETRY_TYPES,
    InputKind,
    ProcessDescription,
    ProcessInput,
    as_number,
)

TEXT_TYPES = ("text/", "application/json", "application/xml", "application/geo+json")

# Validation ---------------------------------------------------------------------------------------------


def _boolean_error(spec: ProcessInput, value: Any) -> Optional[str]:
    """A boolean input takes true or false only."""
    return None if isinstance(value, bool) else "must be true or false"


def _number_error(spec: ProcessInput, value: Any) -> Optional[str]:
    """A number (or whole number) within the input's minimum and maximum."""
    number = as_number(value)
    if number is None or math.isnan(number):
        return "must be a number"
    if spec.kind == InputKind.INTEGER and not float(number).is_integer():
        return "must be a whole number"
    if spec.minimum is not None and (number < spec.minimum or (spec.exclusive_minimum and number == spec.minimum)):
        return f"must be {'above' if spec.exclusive_minimum else 'at least'} {spec.minimum:g}"
    if spec.maximum is not None and (number > spec.maximum or (spec.exclusive_maximum and number == spec.maximum)):
        return f"must be {'below' if spec.exclusive_maximum else 'at most'} {spec.maximum:g}"
    return None


def _enum_error(spec: ProcessInput, value: Any) -> Optional[str]:
    """One of the input's enumerated values."""
    return None if value in spec.enum else "must be one of " + ", ".join(str(v) for v in spec.enum)


def _string_error(spec: ProcessInput, value: Any) -> Optional[str]:
    """Text within the schema's minLength and maxLength."""
    if not isinstance(value, str):
        return "must be text"
    if spec.schema.get("minLength") and len(value) < int(spec.schema["minLength"]):
        return f"must have at least {spec.schema['minLength']} characters"
    if spec.schema.get("maxLength") and len(value) > int(spec.schema["maxLength"]):
        return f"must have at most {spec.schema['maxLength']} characters"
    return None


def _array_error(spec: ProcessInput, value: Any) -> Optional[str]:
    """A list with an allowed number of values, each fine for the item input."""
    if not isinstance(value, list):
        return "must be a list"
    if spec.min_items is not None and len(value) < spec.min_items:
        return f"needs at least {spec.min_items} values"
    if spec.max_items is not None and len(value) > spec.max_items:
        return f"takes at most {spec.max_items} values"
    if spec.item is not None:
        for index, item in enumerate(value):
            problem = _type_error(spec.item, item)
            if problem:
                return f"value {index + 1} {problem}"
    return None


def _bbox_error(spec: ProcessInput, value: Any) -> Optional[str]:
    """An OGC bbox value (or a bare list) of 4 or 6 numbers, minimum below maximum."""
    box = value.get("bbox") if isinstance(value, dict) else value
    if not isinstance(box, list) or len(box) not in (4, 6) or any(as_number(v) is None for v in box):
        return "must be a bounding box of 4 numbers"
    half = len(box) // 2
    if any(box[i] >= box[i + half] for i in range(half)):
        return "must have its minimum below its maximum"
    return None


def _features_error(spec: ProcessInput, value: Any) -> Optional[str]:
    """A GeoJSON FeatureCollection (possibly as a qualified value), or a link."""
    features = value.get("value", value) if isinstance(value, dict) else value
    if isinstance(features, dict) and "href" in features:
        return None
    if not isinstance(features, dict) or features.get("type") != "FeatureCollection":
        return "must be a GeoJSON FeatureCollection"
    return None


def _geometry_error(spec: ProcessInput, value: Any) -> Optional[str]:
    """A GeoJSON geometry (possibly as a qualified value)."""
    geometry = value.get("value", value) if isinstance(value, dict) else value
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        return "must be a GeoJSON geometry"
    return None


def _date_error(spec: ProcessInput, value: Any) -> Optional[str]:
    """An ISO 8601 date (``YYYY-MM-DD``) or date-time with its offset (``2024-05-01T12:00:00Z``)."""
    text = value if isinstance(value, str) else ""
    try:
        if spec.kind == InputKind.DATE:
            datetime.date.fromisoformat(text)
        elif datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00")).tzinfo is None:
            return "must be a date and time with its UTC offset (e.g. 2024-05-01T12:00:00Z)"
    except ValueError:
        return "must be a date (e.g. 2024-05-01)" if spec.kind == InputKind.DATE else "must be a date and time"
    return None


def _json_error(spec: ProcessInput, value: Any) -> Optional[str]:
    """Any JSON object."""
    return None if isinstance(value, dict) else "must be a JSON object"


_TYPE_CHECKS: dict[str, Callable[[ProcessInput, Any], Optional[str]]] = {
    InputKind.BOOLEAN: _boolean_error,
    InputKind.NUMBER: _number_error,
    InputKind.INTEGER: _number_error,
    InputKind.ENUM: _enum_error,
    InputKind.STRING: _string_error,
    InputKind.DATE: _date_error,
    InputKind.DATETIME: _date_error,
    InputKind.ARRAY: _array_error,
    InputKind.BBOX: _bbox_error,
    InputKind.FEATURES: _features_error,
    InputKind.GEOMETRY: _geometry_error,
    InputKind.JSON: _json_error,
}


def _type_error(spec: ProcessInput, value: Any) -> Optional[str]:
    """What is wrong with a (non-null) ``value`` for the kind of ``spec``, or None (files are not checked)."""
    check = _TYPE_CHECKS.get(spec.kind)
    return check(spec, value) if check is not None else None


def validate_value(spec: ProcessInput, value: Any) -> Optional[str]:
    """What is wrong with ``value`` for input ``spec``, as "<title> <problem>", or None when it is fine."""
    if value is None:
        if spec.nullable:
            return None
        return f"{spec.title} is required" if spec.required else f"{spec.title} cannot be empty"
    problem = _type_error(spec, value)
    return f"{spec.title} {problem}" if problem else None


def validate_inputs(description: ProcessDescription, values: dict[str, Any]) -> list[str]:
    """Every problem with ``values`` (an execute request's ``inputs``) for ``description``, one line each."""
    problems = []
    for name in values:
        if description.input(name) is None:
            problems.append(f"{description.title} has no input named {name!r}")
    for spec in description.inputs:
        if spec.name in values:
            problem = validate_value(spec, values[spec.name])
            if problem:
                problems.append(problem)
        elif spec.required:
            problems.append(f"{spec.title} is required")
    return problems


# Encoders -------------------------------------------------------------------------------------------------


def crs_uri(crs: QgsCoordinateReferenceSystem) -> str:
    """The OGC URI of ``crs`` (``http://www.opengis.net/def/crs/EPSG/0/<code>``)."""
    auth_id = crs.authid()
    if auth_id.upper() == "OGC:CRS84":
        return CRS84
    authority, _, code = auth_id.partition(":")
    return f"http://www.opengis.net/def/crs/{authority.upper()}/0/{code}" if code else auth_id


def qgis_crs(value: str) -> QgsCoordinateReferenceSystem:
    """A QGIS CRS from an OGC CRS URI or an ``AUTH:CODE`` id (CRS84 → EPSG:4326 with lon/lat order)."""
    text = value.strip()
    if "CRS84" in text.upper():
        return QgsCoordinateReferenceSystem("EPSG:4326")
    if "/def/crs/" in text:
        parts = text.rstrip("/").split("/")
        text = f"{parts[-3]}:{parts[-1]}"
    return QgsCoordinateReferenceSystem(text)


def encode_date(value: QDate) -> str:
    """A date as ISO 8601 (``YYYY-MM-DD``)."""
    return value.toString(Qt.DateFormat.ISODate)


def encode_datetime(value: QDateTime) -> str:
    """A date-time as ISO 8601 in UTC (``YYYY-MM-DDTHH:MM:SSZ``; what JSON schema's ``date-time`` asks)."""
    return value.toUTC().toString("yyyy-MM-ddTHH:mm:ss") + "Z"


def encode_bbox(
    spec: Optional[ProcessInput],
    extent: QgsRectangle,
    crs: QgsCoordinateReferenceSystem,
    context: Optional[QgsCoordinateTransformContext] = None,
) -> dict[str, Any]:
    """``extent`` (in ``crs``) as an OGC bbox value in a CRS the input accepts (CRS84 unless it says else)."""
    options = spec.bbox_crs_options() if spec is not None else [CRS84]
    own = crs_uri(crs)
    target_uri = own if own in options else options[0]
    target = qgis_crs(target_uri)
    if target != crs:
        transform = QgsCoordinateTransform(crs, target, context or QgsCoordinateTransformContext())
        extent = transform.transformBoundingBox(extent)
    box = [extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()]
    if target.hasAxisInverted() and "CRS84" not in target_uri.upper():
        box = [box[1], box[0], box[3], box[2]]  # EPSG:4326 itself is lat/lon in OGC URIs
    return {"bbox": [round(v, 10) for v in box], "crs": target_uri}


def collection_from_source(
    features: Iterable[QgsFeature],
    source_crs: QgsCoordinateReferenceSystem,
    target_crs: QgsCoordinateReferenceSystem,
    context: Optional[QgsCoordinateTransformContext] = None,
    feedback: Optional[QgsFeedback] = None,
    total: int = 0,
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of ``features`` with geometries reprojected to ``target_crs``.

    ``features`` is any feature iterator (``source.getFeatures(request)`` of a ``QgsFeatureSource``): run it on
    a worker thread with a ``QgsVectorLayerFeatureSource`` made on the GUI thread, never with a layer.
    """
    transform = None
    if source_crs.isValid() and target_crs.isValid() and source_crs != target_crs:
        transform = QgsCoordinateTransform(source_crs, target_crs, context or QgsCoordinateTransformContext())
    exporter = QgsJsonExporter()
    exporter.setTransformGeometries(False)
    exporter.setPrecision(10)
    out: list[dict[str, Any]] = []
    for index, feature in enumerate(features):
        if feedback is not None:
            if feedback.isCanceled():
                break
            if total:
                feedback.setProgress(100.0 * index / total)
        if transform is not None and feature.hasGeometry():
            geometry = feature.geometry()
            geometry.transform(transform)
            feature.setGeometry(geometry)
        out.append(json.loads(exporter.exportFeature(feature)))
    return {"type": "FeatureCollection", "features": out}


def feature_request(selected_ids: Optional[Iterable[int]] = None) -> QgsFeatureRequest:
    """All features, or only ``selected_ids`` (a layer's selection when "selected features only" is on)."""
    request = QgsFeatureRequest()
    if selected_ids is not None:
        request.setFilterFids(list(selected_ids))
    return request


def media_type_of(path: Path) -> str:
    """The media type of a local file, from its suffix (``application/octet-stream`` when unknown)."""
    suffix = path.suffix.lower()
    known = {
        ".geojson": "application/geo+json",
        ".json": "application/json",
        ".tif": "image/tiff; application=geotiff",
        ".tiff": "image/tiff; application=geotiff",
        ".gpkg": "application/geopackage+sqlite3",
        ".csv": "text/csv",
    }
    return known.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def encode_file(spec: Optional[ProcessInput], path: Path) -> Any:
    """A local file as an input value by value: JSON/GeoJSON as the object itself, text as a qualified value,
    anything else base64-encoded (``{"value", "mediaType", "encoding": "base64"}``)."""
    media = (spec.media_type if spec is not None and spec.media_type else "") or media_type_of(path)
    data = path.read_bytes()
    if media in GEOJSON_TYPES or media == "application/json" or path.suffix.lower() in (".json", ".geojson"):
        try:
            return json.loads(data.decode("utf-8"))
        except ValueError as err:
            raise ValueError(tr("{file} is not valid JSON: {error}").format(file=path.name, error=err)) from None
    if media.startswith(TEXT_TYPES):
        return {"value": data.decode("utf-8", errors="replace"), "mediaType": media}
    return {"value": base64.b64encode(data).decode("ascii"), "mediaType": media, "encoding": "base64"}


def encode_link(spec: Optional[ProcessInput], url: str) -> dict[str, Any]:
    """A file or complex value by reference: ``{"href": url, "type": media type}``."""
    link: dict[str, Any] = {"href": url}
    media = spec.media_type if spec is not None else ""
    if media:
        link["type"] = media
    return link
