"""The data behind the local Geobox server: catalog records, list filtering, and OGR/GDAL work.

Everything here is synchronous (OGR calls are run in worker threads by ``geobox.py``). Records live in
memory; geometries live in GeoPackages under ``<data-dir>/store/`` (a fresh copy of the prepared data at
every start, so edits never leak into the next run).

UUIDs are stable: ``uuid5(NAMESPACE, "<kind>:<name>")`` for everything made at start-up, so the same
server command line always serves the same uuids; things made at run time (uploads, tasks, new layers)
get random ``uuid4`` values.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import uuid as _uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

NAMESPACE = _uuid.UUID("5f0c3c52-3c4e-4c0a-9d1e-6b1f0e3a7a10")

#: Geobox layer types (the SDK's ``LayerType`` enum) and the OGR geometry type we store them as.
LAYER_TYPES = {
    "Point": ogr.wkbPoint,
    "MultiPoint": ogr.wkbMultiPoint,
    "Polygon": ogr.wkbMultiPolygon,
    "Polyline": ogr.wkbMultiLineString,
}

#: OGR field types -> the SDK's ``FieldType`` values, and back.
FIELD_TYPES = {
    ogr.OFTInteger: "Integer",
    ogr.OFTInteger64: "Long",
    ogr.OFTReal: "Float",
    ogr.OFTString: "String",
    ogr.OFTDate: "Date",
    ogr.OFTTime: "Time",
    ogr.OFTDateTime: "DateTime",
}
OGR_FIELD_TYPES = {value: key for key, value in FIELD_TYPES.items()}

#: Export formats (the SDK's ``FileOutputFormat``): GDAL driver, file extension, single-file or not.
EXPORT_FORMATS = {
    "Shapefile": ("ESRI Shapefile", ".shp"),
    "GPKG": ("GPKG", ".gpkg"),
    "GeoJSON": ("GeoJSON", ".geojson"),
    "CSV": ("CSV", ".csv"),
    "KML": ("KML", ".kml"),
    "DXF": ("DXF", ".dxf"),
}

#: Upload extensions accepted, with the ``file_type`` they get (the SDK's ``FileType``).
UPLOAD_TYPES = {
    ".gpkg": "GPKG",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".shp": "Shapefile",
    ".kml": "KML",
    ".csv": "CSV",
    ".dxf": "DXF",
    ".gpx": "GPX",
    ".zip": "Compressed",
    ".tif": "GeoTIFF",
    ".tiff": "GeoTIFF",
    ".xlsx": "XLSX",
    ".glb": "GLB",
    ".png": "Image",
    ".jpg": "Image",
    ".jpeg": "Image",
    ".pdf": "Document",
    ".txt": "Document",
}

DRIVER_FILE_TYPES = {
    "ESRI Shapefile": "Shapefile",
    "GPKG": "GPKG",
    "GeoJSON": "GeoJSON",
    "KML": "KML",
    "LIBKML": "KML",
    "CSV": "CSV",
    "DXF": "DXF",
    "GPX": "GPX",
    "OpenFileGDB": "FileGDB",
    "FileGDB": "FileGDB",
}


class ApiError(Exception):
    """An error to answer with ``status`` and a FastAPI-style ``detail``."""

    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(str(detail))
        self.status = status
        self.detail = detail


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


def stable_uuid(kind: str, name: str) -> str:
    return str(_uuid.uuid5(NAMESPACE, f"{kind}:{name}"))


def srs_from_epsg(code: int) -> osr.SpatialReference:
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(int(code))
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return srs


def transform(source: osr.SpatialReference, target_epsg: int) -> Optional[osr.CoordinateTransformation]:
    """A transformation from ``source`` to EPSG:``target_epsg`` (``None`` when they are the same)."""
    target = srs_from_epsg(target_epsg)
    if source.IsSame(target):
        return None
    source = source.Clone()
    source.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return osr.CoordinateTransformation(source, target)


def epsg_of(srs: Optional[osr.SpatialReference]) -> int:
    if srs is None:
        return 0
    srs = srs.Clone()
    srs.AutoIdentifyEPSG()
    code = srs.GetAuthorityCode(None)
    return int(code) if code else 0


# --------------------------------------------------------------------------------------------- records


@dataclass
class Layer:
    """A vector layer or a view (``view_of`` set) backed by ``source_layer`` of the GeoPackage ``path``."""

    id: int
    uuid: str
    name: str
    layer_type: str
    path: Path
    source_layer: str
    display_name: str = ""
    description: str = ""
    feature_count: int = 0
    extent: list[float] = field(default_factory=lambda: [-180.0, -90.0, 180.0, 90.0])
    srid: int = 4326
    view_of: Optional[Layer] = None
    view_filter: Optional[str] = None
    created_at: str = field(default_factory=now)
    owner_id: int = 1  # 1: the demo user's own; another user's layer is one shared with the demo user
    _json: Optional[dict] = None

    @property
    def is_view(self) -> bool:
        return self.view_of is not None

    def where(self, extra: Optional[str] = None) -> Optional[str]:
        """The OGR attribute filter: the view's filter and ``extra``, ANDed."""
        parts = [f"({part})" for part in (self.view_filter, extra) if part]
        return " AND ".join(parts) or None

    def as_json(self) -> dict:
        if self._json is None:
            bbox = list(self.extent)
            self._json = {
                "id": self.id,
                "uuid": self.uuid,
                "name": self.name,
                "display_name": self.display_name or self.name,
                "description": self.description,
                "layer_type": self.layer_type,
                "feature_count": self.feature_count,
                "srid": self.srid,
                "extent": bbox,
                "bbox": bbox,
                "is_view": self.is_view,
                "has_z": False,
                "temporary": False,
                "owner_id": self.owner_id,
                "owner_username": "demo" if self.owner_id == 1 else "partner",
                "created_at": self.created_at,
                "last_modified_at": self.created_at,
                "tags": [],
            }
            if self.view_of is not None:
                self._json["vector_layer"] = self.view_of.as_json()
                self._json["view_filter"] = self.view_filter
        return self._json

    def touch(self) -> None:
        """Forget the cached JSON (after an edit)."""
        self._json = None


@dataclass
class Raster:
    id: int
    uuid: str
    name: str
    path: Path
    info: dict
    created_at: str = field(default_factory=now)

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "uuid": self.uuid,
            "name": self.name,
            "display_name": self.name,
            "description": "",
            "is_terrain": False,
            "owner_id": 1,
            "created_at": self.created_at,
            **self.info,
        }


@dataclass
class Tileset:
    id: int
    uuid: str
    name: str
    layers: list[Layer]
    min_zoom: int = 0
    max_zoom: int = 14
    description: str = ""

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "uuid": self.uuid,
            "name": self.name,
            "display_name": self.name,
            "description": self.description,
            "min_zoom": self.min_zoom,
            "max_zoom": self.max_zoom,
            "layers": [
                {"layer_uuid": layer.uuid, "layer_type": "view" if layer.is_view else "vector"} for layer in self.layers
            ],
        }


@dataclass
class FileRecord:
    id: int
    uuid: str
    name: str
    path: Path
    size: int
    file_type: str
    layers: list[dict] = field(default_factory=list)
    created_at: str = field(default_factory=now)

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "uuid": self.uuid,
            "name": self.name,
            "size": self.size,
            "file_type": self.file_type,
            "extension": self.path.suffix,
            "layers": {"layers": self.layers},
            "owner_id": 1,
            "created_at": self.created_at,
        }


@dataclass
class Task:
    id: int
    uuid: str
    name: str
    state: str = "PENDING"
    result: dict = field(default_factory=dict)
    current: int = 0
    total: int = 100
    created_at: str = field(default_factory=now)
    finished_at: Optional[str] = None
    abort_requested: bool = False

    @property
    def final(self) -> bool:
        return self.state in ("SUCCESS", "FAILURE", "ABORTED")

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "uuid": self.uuid,
            "name": self.name,
            "state": self.state,
            "result": self.result,
            "created_at": self.created_at,
            "finished_at": self.finished_at,
            "owner_id": 1,
            "progress": int(100 * self.current / self.total) if self.total else 0,
        }


# ----------------------------------------------------------------------------------------- list filters

_CLAUSE = re.compile(
    r"^\s*(?P<field>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>=|!=|<>|>=|<=|>|<|NOT\s+LIKE|NOT\s+ILIKE|LIKE|ILIKE)\s*"
    r"(?P<value>'(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false)\s*$",
    re.IGNORECASE,
)


def _like(pattern: str, case: bool) -> re.Pattern:
    parts = [(".*" if ch == "%" else "." if ch == "_" else re.escape(ch)) for ch in pattern]
    return re.compile("^" + "".join(parts) + "$", 0 if case else re.IGNORECASE | re.DOTALL)


def cql_predicate(text: str) -> Callable[[dict], bool]:
    """A predicate over item dicts for a simple CQL ``q``: clauses ``field OP value`` joined by AND/OR.

    OPs: ``= != <> > >= < <= LIKE ILIKE NOT LIKE`` (AND binds tighter than OR; no parentheses).
    Raises :class:`ApiError` 422 for anything else.
    """
    alternatives = []
    for alt in re.split(r"\s+OR\s+", text.strip(), flags=re.IGNORECASE):
        clauses = []
        for clause in re.split(r"\s+AND\s+", alt, flags=re.IGNORECASE):
            match = _CLAUSE.match(clause)
            if not match:
                raise ApiError(
                    422,
                    [
                        {
                            "loc": ["query", "q"],
                            "msg": f"unsupported CQL expression: {clause.strip()}",
                            "type": "value_error",
                        }
                    ],
                )
            clauses.append(
                _clause(match.group("field"), re.sub(r"\s+", " ", match.group("op").upper()), match.group("value"))
            )
        alternatives.append(clauses)
    return lambda item: any(all(clause(item) for clause in clauses) for clauses in alternatives)


def _clause(name: str, op: str, raw: str) -> Callable[[dict], bool]:
    if raw.startswith("'"):
        value: Any = raw[1:-1].replace("''", "'")
    elif raw.lower() in ("true", "false"):
        value = raw.lower() == "true"
    else:
        value = float(raw)
    if op.endswith("LIKE"):
        pattern = _like(str(value), case=op.endswith(" LIKE") or op == "LIKE")
        negate = op.startswith("NOT")
        return lambda item: (item.get(name) is not None and bool(pattern.match(str(item.get(name))))) != negate

    def compare(item: dict) -> bool:
        current = item.get(name)
        if current is None:
            return op in ("!=", "<>")
        if isinstance(value, float) and not isinstance(current, bool):
            try:
                current = float(current)
            except (TypeError, ValueError):
                return False
        elif isinstance(value, str):
            current = str(current)
        try:
            return {
                "=": current == value,
                "!=": current != value,
                "<>": current != value,
                ">": current > value,
                ">=": current >= value,
                "<": current < value,
                "<=": current <= value,
            }[op]
        except TypeError:
            return False

    return compare


#: ``GEOBOX_COUNT_SHAPE``: how a ``return_count=true`` answer looks. The contract allows both ``{"count": N}``
#: (``object``, the default) and a bare integer (``integer``); the SDK reads both (``Base._get_count``).
COUNT_SHAPES = ("object", "integer")


def count_answer(count: int) -> Any:
    """The body of a ``return_count=true`` answer, in the shape ``GEOBOX_COUNT_SHAPE`` names."""
    shape = os.environ.get("GEOBOX_COUNT_SHAPE") or "object"
    if shape not in COUNT_SHAPES:
        raise ValueError(f"GEOBOX_COUNT_SHAPE must be one of {', '.join(COUNT_SHAPES)}, not {shape!r}")
    return count if shape == "integer" else {"count": count}


def filter_items(items: Iterable[dict], params: dict[str, str], default_limit: int = 10) -> Any:
    """Apply the Geobox list params (``q``, ``search``, ``search_fields``, ``shared``, ``order_by``, ``skip``,
    ``limit``, ``return_count``) to ``items``; returns a list, or the count (:func:`count_answer`)."""
    result = list(items)
    q = params.get("q")
    if q:
        predicate = cql_predicate(q)
        result = [item for item in result if predicate(item)]
    elif params.get("search"):
        needle = params["search"].lower()
        fields = [f.strip() for f in params.get("search_fields", "").split(",") if f.strip()] or [
            "name",
            "display_name",
            "description",
        ]
        result = [item for item in result if any(needle in str(item.get(f) or "").lower() for f in fields)]
    # ``shared=true``: only what other users shared with the demo user; otherwise only the demo user's own
    shared = as_bool(params.get("shared"))
    result = [item for item in result if (item.get("owner_id", 1) != 1) == shared]
    if as_bool(params.get("return_count")):
        return count_answer(len(result))
    order_by = params.get("order_by")
    if order_by:
        for part in reversed([p.strip() for p in order_by.split(",") if p.strip()]):
            bits = part.split()
            key = bits[0]
            descending = len(bits) > 1 and bits[1].upper().startswith("D")
            result.sort(
                key=lambda item: (
                    item.get(key) is None,
                    item.get(key) if not isinstance(item.get(key), str) else item.get(key).lower(),
                ),
                reverse=descending,
            )
    skip = as_int(params.get("skip"), 0, "skip")
    limit = as_int(params.get("limit"), default_limit, "limit")
    return result[skip : skip + limit]


def as_bool(value: Any) -> bool:
    return str(value).lower() in ("1", "true", "yes", "on") if value is not None else False


def as_int(value: Any, default: int, name: str) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApiError(
            422, [{"loc": ["query", name], "msg": "value is not a valid integer", "type": "type_error.integer"}]
        )
    if number < 0:
        raise ApiError(
            422,
            [{"loc": ["query", name], "msg": "ensure this value is greater than or equal to 0", "type": "value_error"}],
        )
    return number


def parse_bbox(value: Any) -> Optional[list[float]]:
    """``"minx,miny,maxx,maxy"`` (or a list of 4 numbers / strings) -> floats; 422 when malformed."""
    if value in (None, "", []):
        return None
    parts = value if isinstance(value, list) else str(value).strip("[]").split(",")
    if len(parts) == 1 and isinstance(value, list):
        parts = str(parts[0]).strip("[]").split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4:
        raise ApiError(
            422, [{"loc": ["query", "bbox"], "msg": "bbox must be minx,miny,maxx,maxy", "type": "value_error"}]
        )
    return numbers


# ------------------------------------------------------------------------------------------- OGR layers


def open_layer(layer: Layer, update: bool = False) -> tuple[ogr.DataSource, ogr.Layer]:
    ds = ogr.Open(str(layer.path), 1 if update else 0)
    return ds, ds.GetLayerByName(layer.source_layer)


def describe(path: Path, layer_name: str) -> dict:
    """Feature count, extent, SRID and Geobox layer type of an OGR layer."""
    ds = ogr.Open(str(path))
    lyr = ds.GetLayerByName(layer_name)
    flat = ogr.GT_Flatten(lyr.GetGeomType())
    layer_type = {
        ogr.wkbPoint: "Point",
        ogr.wkbMultiPoint: "MultiPoint",
        ogr.wkbLineString: "Polyline",
        ogr.wkbMultiLineString: "Polyline",
        ogr.wkbPolygon: "Polygon",
        ogr.wkbMultiPolygon: "Polygon",
    }.get(flat, "Polygon")
    count = lyr.GetFeatureCount()
    try:
        minx, maxx, miny, maxy = lyr.GetExtent()
        extent = [minx, miny, maxx, maxy]
    except Exception:  # empty layer
        extent = [0.0, 0.0, 0.0, 0.0]
    return {
        "feature_count": count,
        "extent": extent,
        "srid": epsg_of(lyr.GetSpatialRef()) or 4326,
        "layer_type": layer_type,
    }


def fields_of(layer: Layer) -> list[dict]:
    _ds, lyr = open_layer(layer)
    defn = lyr.GetLayerDefn()
    result = []
    for index in range(defn.GetFieldCount()):
        fd = defn.GetFieldDefn(index)
        result.append(
            {
                "id": index + 1,
                "name": fd.GetName(),
                "display_name": fd.GetName(),
                "description": None,
                "datatype": FIELD_TYPES.get(fd.GetType(), "String"),
                "width": fd.GetWidth() or None,
                "domain": None,
                "hyperlink": False,
                "layer_id": layer.id,
            }
        )
    return result


def _properties(feature: ogr.Feature, names: Optional[list[str]]) -> dict:
    props = {}
    for index in range(feature.GetFieldCount()):
        name = feature.GetFieldDefnRef(index).GetName()
        if names is None or name in names:
            props[name] = feature.GetField(index) if feature.IsFieldSetAndNotNull(index) else None
    return props


def _geometry_json(geom: Optional[ogr.Geometry], ct: Optional[osr.CoordinateTransformation]) -> Optional[dict]:
    if geom is None:
        return None
    geom = geom.Clone()
    if ct is not None:
        geom.Transform(ct)
    return json.loads(geom.ExportToJson())


def apply_filters(layer: Layer, lyr: ogr.Layer, params: dict) -> Optional[str]:
    """Set ``lyr``'s attribute and spatial filters from Geobox params (``q``, ``search``, ``feature_ids``, ``bbox``)."""
    extra = []
    if params.get("q"):
        extra.append(params["q"])
    elif params.get("search"):
        defn = lyr.GetLayerDefn()
        wanted = [f.strip() for f in (params.get("search_fields") or "").split(",") if f.strip()]
        names = [
            defn.GetFieldDefn(i).GetName()
            for i in range(defn.GetFieldCount())
            if defn.GetFieldDefn(i).GetType() == ogr.OFTString
        ]
        names = [n for n in names if not wanted or n in wanted]
        needle = params["search"].replace("'", "''")
        extra.append(" OR ".join(f"\"{n}\" LIKE '%{needle}%'" for n in names) or "0 = 1")
    ids = params.get("feature_ids")
    if ids:
        numbers = [int(x) for x in re.findall(r"-?\d+", ",".join(ids) if isinstance(ids, list) else str(ids))]
        fid = lyr.GetFIDColumn() or "fid"
        extra.append(f"{fid} IN ({','.join(str(n) for n in numbers) or '-1'})")
    where = layer.where(" AND ".join(f"({e})" for e in extra) if extra else None)
    try:
        lyr.SetAttributeFilter(where)
        if extra:  # GeoPackage checks the SQL lazily: make it fail here, on the user's filter
            lyr.GetNextFeature()
            lyr.ResetReading()
    except RuntimeError as exc:
        raise ApiError(422, [{"loc": ["query", "q"], "msg": f"invalid filter: {exc}", "type": "value_error"}])
    bbox = parse_bbox(params.get("bbox"))
    if bbox:
        bbox_srid = as_int(params.get("bbox_srid"), 3857, "bbox_srid")
        ring = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in (
            (bbox[0], bbox[1]),
            (bbox[2], bbox[1]),
            (bbox[2], bbox[3]),
            (bbox[0], bbox[3]),
            (bbox[0], bbox[1]),
        ):
            ring.AddPoint_2D(x, y)
        poly = ogr.Geometry(ogr.wkbPolygon)
        poly.AddGeometry(ring)
        ct = transform(srs_from_epsg(bbox_srid), epsg_of(lyr.GetSpatialRef()) or 4326)
        if ct is not None:
            poly = poly.Clone()
            poly.Segmentize((bbox[2] - bbox[0]) / 16 or 1)
            poly.Transform(ct)
        lyr.SetSpatialFilter(poly)
    return where


def validate_filters(layer: Layer, params: dict) -> None:
    """Raise :class:`ApiError` 422 when ``q``/``bbox``/``feature_ids`` are not usable on ``layer``."""
    _ds, lyr = open_layer(layer)  # keep ``ds`` referenced while ``lyr`` is used (GDAL would free it)
    apply_filters(layer, lyr, params)


def query_features(layer: Layer, params: dict) -> dict:
    """The GeoJSON FeatureCollection (or the count, :func:`count_answer`) for ``vectorLayers/{uuid}/features/``."""
    ds, lyr = open_layer(layer)
    where = apply_filters(layer, lyr, params)
    if as_bool(params.get("return_count")):
        return count_answer(lyr.GetFeatureCount())
    sorted_layer = _ordered(ds, lyr, where, params.get("order_by"))
    if sorted_layer is not None:
        try:
            return _collect(sorted_layer, params)
        finally:
            ds.ReleaseResultSet(sorted_layer)
    return _collect(lyr, params)


def _ordered(ds: ogr.DataSource, lyr: ogr.Layer, where: Optional[str], order_by: Optional[str]) -> Optional[ogr.Layer]:
    """``lyr`` with its current filters, sorted by ``order_by`` ("field A, other D"), as an SQL result set."""
    if not order_by:
        return None
    defn = lyr.GetLayerDefn()
    names = {
        defn.GetFieldDefn(i).GetName().lower(): defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())
    }
    names[(lyr.GetFIDColumn() or "fid").lower()] = lyr.GetFIDColumn() or "fid"
    keys = []
    for part in [p.strip() for p in order_by.split(",") if p.strip()]:
        bits = part.split()
        if (
            bits[0].lower() not in names
            or len(bits) > 2
            or (len(bits) == 2 and bits[1].upper() not in ("A", "D", "ASC", "DESC"))
        ):
            raise ApiError(
                422, [{"loc": ["query", "order_by"], "msg": f"cannot order by {part!r}", "type": "value_error"}]
            )
        keys.append(
            f'"{names[bits[0].lower()]}" {"DESC" if len(bits) == 2 and bits[1].upper().startswith("D") else "ASC"}'
        )
    sql = f'SELECT * FROM "{lyr.GetName()}"' + (f" WHERE {where}" if where else "") + " ORDER BY " + ", ".join(keys)
    return ds.ExecuteSQL(sql, spatialFilter=lyr.GetSpatialFilter())


def _collect(lyr: ogr.Layer, params: dict) -> dict:
    """One page (``skip``/``limit``) of ``lyr`` as a GeoJSON FeatureCollection in ``out_srid``."""
    skip = as_int(params.get("skip"), 0, "skip")
    limit = as_int(params.get("limit"), 100, "limit")
    out_srid = as_int(params.get("out_srid"), 3857, "out_srid")
    try:
        ct = transform(lyr.GetSpatialRef() or srs_from_epsg(4326), out_srid)
    except RuntimeError:
        raise ApiError(422, [{"loc": ["query", "out_srid"], "msg": f"unknown SRID {out_srid}", "type": "value_error"}])
    select = params.get("select_fields")
    names = None if not select or select == "[ALL]" else [n.strip() for n in select.split(",") if n.strip()]
    skip_fields = {n.strip() for n in (params.get("skip_fields") or "").split(",") if n.strip()}
    skip_geometry = as_bool(params.get("skip_geometry"))
    features = []
    lyr.ResetReading()
    if skip:
        lyr.SetNextByIndex(skip)  # (iterating ``for f in lyr`` would reset reading: use GetNextFeature)
    while len(features) < limit:
        feature = lyr.GetNextFeature()
        if feature is None:
            break
        props = {k: v for k, v in _properties(feature, names).items() if k not in skip_fields}
        geometry = None if skip_geometry else _geometry_json(feature.GetGeometryRef(), ct)
        features.append({"type": "Feature", "id": feature.GetFID(), "geometry": geometry, "properties": props})
    return {
        "type": "FeatureCollection",
        "features": features,
        "crs": {"type": "name", "properties": {"name": f"EPSG:{out_srid}"}},
    }


def get_feature(layer: Layer, fid: int) -> dict:
    _ds, lyr = open_layer(layer)
    feature = lyr.GetFeature(fid)
    if feature is None or (layer.view_filter and not _in_view(layer, lyr, fid)):
        raise ApiError(404, f"Feature {fid} not found")
    ct = transform(lyr.GetSpatialRef() or srs_from_epsg(4326), 3857)
    return {
        "type": "Feature",
        "id": fid,
        "geometry": _geometry_json(feature.GetGeometryRef(), ct),
        "properties": _properties(feature, None),
    }


def _in_view(layer: Layer, lyr: ogr.Layer, fid: int) -> bool:
    lyr.SetAttributeFilter(layer.where(f"{lyr.GetFIDColumn() or 'fid'} = {int(fid)}"))
    return lyr.GetFeatureCount() > 0


def write_feature(layer: Layer, body: dict, in_srid: int, fid: Optional[int] = None) -> dict:
    """Create (``fid`` None) or replace feature ``fid`` from a GeoJSON Feature in EPSG:``in_srid``."""
    if not isinstance(body, dict) or body.get("type") not in (None, "Feature"):
        raise ApiError(422, [{"loc": ["body"], "msg": "a GeoJSON Feature is required", "type": "value_error"}])
    ds, lyr = open_layer(layer, update=True)
    if fid is not None and lyr.GetFeature(fid) is None:
        raise ApiError(404, f"Feature {fid} not found")
    feature = ogr.Feature(lyr.GetLayerDefn())
    if fid is not None:
        feature.SetFID(fid)
    geometry = body.get("geometry")
    if geometry:
        try:
            geom = ogr.CreateGeometryFromJson(json.dumps(geometry))
        except RuntimeError as exc:
            raise ApiError(
                422, [{"loc": ["body", "geometry"], "msg": f"invalid geometry: {exc}", "type": "value_error"}]
            )
        ct = transform(srs_from_epsg(in_srid), epsg_of(lyr.GetSpatialRef()) or 4326)
        if ct is not None:
            geom.Transform(ct)
        target = lyr.GetGeomType()
        if target == ogr.wkbMultiPolygon:
            geom = ogr.ForceToMultiPolygon(geom)
        elif target == ogr.wkbMultiLineString:
            geom = ogr.ForceToMultiLineString(geom)
        elif target == ogr.wkbMultiPoint:
            geom = ogr.ForceToMultiPoint(geom)
        feature.SetGeometry(geom)
    defn = lyr.GetLayerDefn()
    for key, value in (body.get("properties") or {}).items():
        index = defn.GetFieldIndex(key)
        if index < 0:
            raise ApiError(
                422, [{"loc": ["body", "properties", key], "msg": f"unknown field {key}", "type": "value_error"}]
            )
        if value is None:
            feature.SetFieldNull(index)
        else:
            feature.SetField(index, value)
    if fid is None:
        lyr.CreateFeature(feature)
    else:
        lyr.SetFeature(feature)
    new_fid = feature.GetFID()
    del ds
    refresh(layer)
    return get_feature(layer, new_fid)


def delete_feature(layer: Layer, fid: int) -> None:
    ds, lyr = open_layer(layer, update=True)
    if lyr.GetFeature(fid) is None:
        raise ApiError(404, f"Feature {fid} not found")
    lyr.DeleteFeature(fid)
    del ds
    refresh(layer)


def refresh(layer: Layer) -> None:
    """Re-read the feature count and extent after an edit."""
    info = describe(layer.path, layer.source_layer)
    layer.feature_count = info["feature_count"]
    if info["feature_count"]:
        layer.extent = info["extent"]
    layer.touch()


def create_layer_file(path: Path, name: str, layer_type: str, fields: list[dict]) -> None:
    """A new GeoPackage ``path`` with an empty EPSG:4326 layer ``name``."""
    driver = ogr.GetDriverByName("GPKG")
    ds = driver.CreateDataSource(str(path))
    lyr = ds.CreateLayer(name, srs_from_epsg(4326), LAYER_TYPES[layer_type])
    for item in fields:
        fd = ogr.FieldDefn(item["name"], OGR_FIELD_TYPES[item.get("datatype", "String")])
        if item.get("width"):
            fd.SetWidth(int(item["width"]))
        lyr.CreateField(fd)
    ds = None
