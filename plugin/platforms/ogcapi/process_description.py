"""An OGC API – Processes process description as dataclasses, and how input values are encoded and checked.

:class:`ProcessDescription` is parsed from ``GET /processes/{id}``; each :class:`ProcessInput` knows which
kind of value it takes (:attr:`ProcessInput.value_kind`: number, enum, bbox, feature collection, file, ...),
so the execution form, the Processing parameters and the validation all read the same model and never the
raw JSON. The encoders turn QGIS things into request values: an extent into an OGC bounding box
``{"bbox": [...], "crs": ...}``, a vector layer (or its selection) into a GeoJSON FeatureCollection in the
CRS the process expects, a file into a qualified value (by value) or a link (by reference).

Nothing here makes a network call; :func:`collection_from_source` may be run on a worker thread with a
``QgsFeatureSource`` made on the GUI thread.
"""

from __future__ import annotations

import base64
import json
import math
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

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

from ...errors import UnreadableResponseError

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GEOJSON_TYPES = ("application/geo+json", "application/vnd.geo+json")
GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/geo+json")


class InputKind:
    """The kinds of input values (what widget / Processing parameter they get)."""

    STRING = "string"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    ENUM = "enum"
    ARRAY = "array"
    BBOX = "bbox"
    FEATURES = "features"  # a GeoJSON FeatureCollection
    GEOMETRY = "geometry"  # a GeoJSON geometry
    FILE = "file"  # a complex value by value or by link
    JSON = "json"  # any other object


def _concrete_schema(schema: Any) -> tuple[dict[str, Any], bool]:
    """The schema without ``oneOf``/``anyOf`` wrappers (first non-null option), and whether null is allowed."""
    if not isinstance(schema, dict):
        return {}, False
    nullable = bool(schema.get("nullable"))
    for key in ("oneOf", "anyOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            others = [o for o in options if isinstance(o, dict) and o.get("type") != "null"]
            nullable = nullable or len(others) < len(options)
            if others:
                merged = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
                inner, inner_nullable = _concrete_schema(others[0])
                merged.update({k: v for k, v in inner.items() if k not in merged})
                return merged, nullable or inner_nullable
    options = schema.get("allOf")
    if isinstance(options, list) and options:
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for option in options:
            inner, inner_nullable = _concrete_schema(option)
            merged.update({k: v for k, v in inner.items() if k not in merged})
            nullable = nullable or inner_nullable
        return merged, nullable
    kind = schema.get("type")
    if isinstance(kind, list):
        others = [t for t in kind if t != "null"]
        schema = dict(schema, type=others[0] if others else "string")
        nullable = nullable or len(others) < len(kind)
    return schema, nullable


def _occurs(data: dict[str, Any], key: str, name: str) -> Optional[int]:
    """``minOccurs``/``maxOccurs`` as a count (None for ``unbounded`` or null); anything else is unreadable."""
    value = data.get(key)
    if value is None or value == "unbounded":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise UnreadableResponseError(f"input {name!r}: {key} is not a count ({str(value)[:40]!r})")


def _strings(value: Any) -> list[str]:
    """The strings of a JSON list (anything else gives none)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _number(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def schema_kind(schema: dict[str, Any]) -> str:
    """The :class:`InputKind` of a (concrete) JSON schema."""
    ref = str(schema.get("$ref", "")).lower()
    fmt = str(schema.get("format", "")).lower()
    media = str(schema.get("contentMediaType", "")).lower()
    raw_properties = schema.get("properties")
    properties = raw_properties if isinstance(raw_properties, dict) else {}
    if fmt == "ogc-bbox" or "bbox.yaml" in ref or ("bbox" in properties and schema.get("type") == "object"):
        return InputKind.BBOX
    if (
        fmt in ("geojson-feature-collection", "geojson-features")
        or "featurecollection" in ref
        or media in GEOJSON_TYPES
    ):
        return InputKind.FEATURES
    if fmt in ("geojson-geometry", "geojson") or "geometrygeojson" in ref:
        return InputKind.GEOMETRY
    if media or schema.get("contentEncoding") or fmt in ("binary", "byte"):
        return InputKind.FILE
    if "enum" in schema and isinstance(schema["enum"], list):
        return InputKind.ENUM
    kind = schema.get("type")
    if kind == "boolean":
        return InputKind.BOOLEAN
    if kind == "integer":
        return InputKind.INTEGER
    if kind == "number":
        return InputKind.NUMBER
    if kind == "array":
        return InputKind.ARRAY
    if kind == "object":
        return InputKind.JSON
    return InputKind.STRING


@dataclass
class ProcessInput:
    """One input of a process: its schema boiled down to what a form and a validator need."""

    name: str
    title: str = ""
    description: str = ""
    kind: str = InputKind.STRING
    schema: dict[str, Any] = field(default_factory=dict)
    min_occurs: int = 1
    max_occurs: Optional[int] = 1  # None: unbounded
    nullable: bool = False
    default: Any = None
    has_default: bool = False
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    enum: list[Any] = field(default_factory=list)
    format: str = ""
    media_type: str = ""
    item: Optional[ProcessInput] = None  # for arrays: the schema of one item
    min_items: Optional[int] = None
    max_items: Optional[int] = None
    keywords: list[str] = field(default_factory=list)
    ui: dict[str, Any] = field(default_factory=dict)  # x-ui-* hints, without the prefix

    @classmethod
    def from_json(cls, name: str, data: dict[str, Any]) -> ProcessInput:
        """An input from its entry in a description's ``inputs`` (or a bare schema for array items)."""
        if not isinstance(data, dict):
            raise UnreadableResponseError(f"input {name!r} is not an object")
        raw_schema = data.get("schema", data)
        schema, nullable = _concrete_schema(raw_schema)
        item_input = cls._from_schema(name, schema, data, nullable)
        min_occurs = _occurs(data, "minOccurs", name)
        item_input.min_occurs = 1 if min_occurs is None else min_occurs
        item_input.max_occurs = _occurs(data, "maxOccurs", name) if "maxOccurs" in data else 1
        item_input.keywords = _strings(data.get("keywords"))
        if item_input.max_occurs is None or item_input.max_occurs > 1:
            # Several occurrences: the value is a list of values of this schema.
            single = cls._from_schema(name, schema, data, nullable)
            item_input = cls(
                name=name,
                title=single.title,
                description=single.description,
                kind=InputKind.ARRAY,
                schema=schema,
                min_occurs=item_input.min_occurs,
                max_occurs=item_input.max_occurs,
                nullable=single.nullable,
                default=single.default,
                has_default=single.has_default,
                item=single,
                min_items=item_input.min_occurs,
                max_items=item_input.max_occurs,
                keywords=item_input.keywords,
                ui=single.ui,
            )
        return item_input

    @classmethod
    def _from_schema(cls, name: str, schema: dict[str, Any], data: dict[str, Any], nullable: bool) -> ProcessInput:
        kind = schema_kind(schema)
        ui = {}
        for source in (schema, data):
            for key, value in source.items():
                if isinstance(key, str) and key.startswith("x-ui-"):
                    ui[key[5:]] = value
        minimum = _number(schema.get("minimum"))
        maximum = _number(schema.get("maximum"))
        exclusive_minimum = exclusive_maximum = False
        if _number(schema.get("exclusiveMinimum")) is not None:
            minimum, exclusive_minimum = _number(schema.get("exclusiveMinimum")), True
        elif schema.get("exclusiveMinimum") is True:
            exclusive_minimum = True
        if _number(schema.get("exclusiveMaximum")) is not None:
            maximum, exclusive_maximum = _number(schema.get("exclusiveMaximum")), True
        elif schema.get("exclusiveMaximum") is True:
            exclusive_maximum = True
        item = None
        if kind == InputKind.ARRAY and isinstance(schema.get("items"), dict):
            item = cls.from_json(f"{name}[]", {"schema": schema["items"], "minOccurs": 1, "maxOccurs": 1})
        title = str(data.get("title") or schema.get("title") or name)
        description = str(data.get("description") or schema.get("description") or "")
        return cls(
            name=name,
            title=title,
            description=description,
            kind=kind,
            schema=schema,
            nullable=nullable,
            default=schema.get("default"),
            has_default="default" in schema,
            minimum=minimum,
            maximum=maximum,
            exclusive_minimum=exclusive_minimum,
            exclusive_maximum=exclusive_maximum,
            enum=list(schema.get("enum") or []),
            format=str(schema.get("format", "")),
            media_type=str(schema.get("contentMediaType", "")),
            item=item,
            min_items=schema.get("minItems"),
            max_items=schema.get("maxItems"),
            ui=ui,
        )

    @property
    def required(self) -> bool:
        """The request must carry a value (``minOccurs >= 1``, no default)."""
        return self.min_occurs >= 1 and not self.has_default

    @property
    def optional(self) -> bool:
        return not self.required

    def type_label(self) -> str:
        """A short human description of the value type, for description panes and tooltips."""
        label = self.kind
        if self.kind == InputKind.ARRAY and self.item is not None:
            label = f"array of {self.item.type_label()}"
        if self.minimum is not None or self.maximum is not None:
            low = "" if self.minimum is None else f"{'>' if self.exclusive_minimum else '≥'} {self.minimum:g}"
            high = "" if self.maximum is None else f"{'<' if self.exclusive_maximum else '≤'} {self.maximum:g}"
            label += f" ({', '.join(p for p in (low, high) if p)})"
        if self.enum:
            label += ": " + " | ".join(str(v) for v in self.enum)
        if self.media_type:
            label += f" [{self.media_type}]"
        return label

    def expected_crs(self) -> str:
        """The CRS geometries are sent in: an ``x-ui-crs`` hint, else EPSG:4326 (GeoJSON's lon/lat)."""
        crs = self.ui.get("crs") or self.schema.get("x-crs")
        return str(crs) if crs else "EPSG:4326"

    def bbox_crs_options(self) -> list[str]:
        """The CRS URIs a bbox input accepts (its ``crs`` enum), CRS84 when it does not say."""
        crs_schema = (self.schema.get("properties") or {}).get("crs") or {}
        crs_schema, _ = _concrete_schema(crs_schema)
        options = [str(v) for v in crs_schema.get("enum") or []]
        default = crs_schema.get("default")
        if default and str(default) not in options:
            options.insert(0, str(default))
        return options or [CRS84]


@dataclass
class ProcessOutput:
    name: str
    title: str = ""
    description: str = ""
    schema: dict[str, Any] = field(default_factory=dict)
    kind: str = InputKind.JSON

    @classmethod
    def from_json(cls, name: str, data: dict[str, Any]) -> ProcessOutput:
        schema, _ = _concrete_schema(data.get("schema", {}))
        return cls(
            name=name,
            title=str(data.get("title") or name),
            description=str(data.get("description") or ""),
            schema=schema,
            kind=schema_kind(schema),
        )


@dataclass
class ProcessDescription:
    id: str
    title: str = ""
    description: str = ""
    version: str = ""
    keywords: list[str] = field(default_factory=list)
    job_control_options: list[str] = field(default_factory=list)
    inputs: list[ProcessInput] = field(default_factory=list)
    outputs: list[ProcessOutput] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProcessDescription:
        """A description; :class:`UnreadableResponseError` when its inputs or outputs have the wrong shape."""
        if not isinstance(data, dict):
            raise UnreadableResponseError("the process description is not an object")
        inputs = data.get("inputs") or {}
        outputs = data.get("outputs") or {}
        # OGC API - Processes 1.0 uses maps; early drafts (and some servers) lists with "id".
        if isinstance(inputs, list):
            inputs = {str(i.get("id")): i for i in inputs if isinstance(i, dict)}
        if isinstance(outputs, list):
            outputs = {str(o.get("id")): o for o in outputs if isinstance(o, dict)}
        if not isinstance(inputs, dict) or not isinstance(outputs, dict):
            raise UnreadableResponseError("the process description's inputs or outputs are not a map")
        if not all(isinstance(v, dict) or v is None for v in list(inputs.values()) + list(outputs.values())):
            raise UnreadableResponseError("an input or output of the process description is not an object")
        return cls(
            id=str(data.get("id", "")),
            title=str(data.get("title") or data.get("id") or ""),
            description=str(data.get("description") or ""),
            version=str(data.get("version") or ""),
            keywords=_strings(data.get("keywords")),
            job_control_options=_strings(data.get("jobControlOptions")),
            inputs=[ProcessInput.from_json(name, value or {}) for name, value in inputs.items()],
            outputs=[ProcessOutput.from_json(name, value or {}) for name, value in outputs.items()],
            raw=data,
        )

    def input(self, name: str) -> Optional[ProcessInput]:
        return next((i for i in self.inputs if i.name == name), None)


# Validation ---------------------------------------------------------------------------------------------


def _type_error(spec: ProcessInput, value: Any) -> Optional[str]:
    kind = spec.kind
    if kind == InputKind.BOOLEAN and not isinstance(value, bool):
        return "must be true or false"
    if kind in (InputKind.NUMBER, InputKind.INTEGER):
        number = _number(value)
        if number is None or math.isnan(number):
            return "must be a number"
        if kind == InputKind.INTEGER and not float(number).is_integer():
            return "must be a whole number"
        if spec.minimum is not None and (number < spec.minimum or (spec.exclusive_minimum and number == spec.minimum)):
            return f"must be {'above' if spec.exclusive_minimum else 'at least'} {spec.minimum:g}"
        if spec.maximum is not None and (number > spec.maximum or (spec.exclusive_maximum and number == spec.maximum)):
            return f"must be {'below' if spec.exclusive_maximum else 'at most'} {spec.maximum:g}"
    if kind == InputKind.ENUM and value not in spec.enum:
        return "must be one of " + ", ".join(str(v) for v in spec.enum)
    if kind == InputKind.STRING:
        if not isinstance(value, str):
            return "must be text"
        if spec.schema.get("minLength") and len(value) < int(spec.schema["minLength"]):
            return f"must have at least {spec.schema['minLength']} characters"
        if spec.schema.get("maxLength") and len(value) > int(spec.schema["maxLength"]):
            return f"must have at most {spec.schema['maxLength']} characters"
    if kind == InputKind.ARRAY:
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
    if kind == InputKind.BBOX:
        box = value.get("bbox") if isinstance(value, dict) else value
        if not isinstance(box, list) or len(box) not in (4, 6) or any(_number(v) is None for v in box):
            return "must be a bounding box of 4 numbers"
        half = len(box) // 2
        if any(box[i] >= box[i + half] for i in range(half)):
            return "must have its minimum below its maximum"
    if kind == InputKind.FEATURES:
        features = value.get("value", value) if isinstance(value, dict) else value
        if isinstance(features, dict) and "href" in features:
            return None
        if not isinstance(features, dict) or features.get("type") != "FeatureCollection":
            return "must be a GeoJSON FeatureCollection"
    if kind == InputKind.GEOMETRY:
        geometry = value.get("value", value) if isinstance(value, dict) else value
        if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
            return "must be a GeoJSON geometry"
    if kind == InputKind.JSON and not isinstance(value, dict):
        return "must be a JSON object"
    return None


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


def execute_request(values: dict[str, Any]) -> dict[str, Any]:
    """The body of ``POST /processes/{id}/execution`` (optional inputs left out stay out: server defaults)."""
    return {"inputs": values}


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
            raise ValueError(f"{path.name} is not valid JSON: {err}") from None
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
