"""JSON schemas of OGC API – Processes inputs boiled down: which kind of value an input takes, and what its
``oneOf``/``anyOf``/``allOf`` options accept. :mod:`.process_description` builds its inputs from these.
"""

from __future__ import annotations

from typing import Any, Optional

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


class InputKind:
    """The kinds of input values (what widget / Processing parameter they get)."""

    STRING = "string"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    ENUM = "enum"
    ARRAY = "array"
    DATE = "date"  # format: date, sent as YYYY-MM-DD
    DATETIME = "datetime"  # format: date-time, sent as ISO 8601 in UTC
    BBOX = "bbox"
    FEATURES = "features"  # a GeoJSON FeatureCollection
    GEOMETRY = "geometry"  # a GeoJSON geometry
    FILE = "file"  # a complex value by value or by link
    JSON = "json"  # any other object


def concrete_schema(schema: Any) -> tuple[dict[str, Any], bool]:
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
                inner, inner_nullable = concrete_schema(_preferred(others))
                merged.update({k: v for k, v in inner.items() if k not in merged})
                return merged, nullable or inner_nullable
    options = schema.get("allOf")
    if isinstance(options, list) and options:
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for option in options:
            inner, inner_nullable = concrete_schema(option)
            merged.update({k: v for k, v in inner.items() if k not in merged})
            nullable = nullable or inner_nullable
        return merged, nullable
    kind = schema.get("type")
    if isinstance(kind, list):
        others = [t for t in kind if t != "null"]
        schema = dict(schema, type=others[0] if others else "string")
        nullable = nullable or len(others) < len(kind)
    return schema, nullable


def _preferred(options: list[dict[str, Any]]) -> dict[str, Any]:
    """The option a form offers first: a geodata one (GeoJSON, bbox) when there is one, else the first."""
    for option in options:
        if schema_kind(concrete_schema(option)[0]) in (InputKind.FEATURES, InputKind.GEOMETRY, InputKind.BBOX):
            return option
    return options[0]


def media_types(schema: Any) -> list[str]:
    """Every media type a (``oneOf``/``anyOf``) schema accepts, GeoJSON named for GeoJSON options."""
    found: list[str] = []
    options = [schema]
    while options:
        option = options.pop(0)
        if not isinstance(option, dict):
            continue
        for key in ("oneOf", "anyOf", "allOf"):
            inner = option.get(key)
            options.extend(inner if isinstance(inner, list) else [])
        media = option.get("contentMediaType")
        if not media and schema_kind(option) == InputKind.FEATURES:
            media = GEOJSON_TYPES[0]
        if isinstance(media, str) and media and media not in found:
            found.append(media)
    return found


def takes_href(schema: dict[str, Any]) -> bool:
    """Whether a schema (or one of its options) is a link object (``href`` among its properties)."""
    options = [schema] + [o for k in ("oneOf", "anyOf") for o in (schema.get(k) or []) if isinstance(o, dict)]
    return any(isinstance(o.get("properties"), dict) and "href" in o["properties"] for o in options)


def as_number(value: Any) -> Optional[float]:
    """A JSON number as a float (None for anything else, booleans included)."""
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
    if fmt in ("date", "date-time") and schema.get("type", "string") == "string":
        return InputKind.DATE if fmt == "date" else InputKind.DATETIME
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
