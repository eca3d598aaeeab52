"""Geodock demo processes for wraptile (OGC API - Processes): processes that take and return geodata.

Run by ``wraptile_server.py`` (in-process uvicorn, the default service), or stand-alone with the wraptile CLI::

    PYTHONPATH=tests/servers/ogc GEODOCK_DEMO_FILES_DIR=/tmp/files \\
        GEODOCK_DEMO_FILES_URL=http://127.0.0.1:8000/files \\
        .venv-wraptile/bin/wraptile run --port 8000 geodock_demo:service

(with the bare CLI nothing serves ``/files``: ``export_file``'s links then only work through the launcher).

Processes (ids): ``buffer``, ``clip_summary``, ``slow_job``, ``fail_job``, ``export_file``. Data comes from
QGIS's ``world_map.gpkg`` (layers ``countries``, ``states_provinces``) through the GDAL command line tools
(``ogr2ogr``, ``gdal_rasterize``); geometry work uses shapely.
"""

import json
import os
import subprocess
import tempfile
import time
import uuid
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

from gavicore.models import Bbox, InputDescription, Link, OutputDescription, Schema
from procodile import JobContext
from pydantic import Field
from wraptile.services.local import LocalService

WORLD_MAP = Path(os.environ.get("GEODOCK_DEMO_WORLD_MAP", "/usr/share/qgis/resources/data/world_map.gpkg"))

service = LocalService(
    title="Geodock demo processes",
    description=(
        "Local OGC API - Processes server with geodata demo processes for Geodock "
        "(buffer, clip_summary, slow_job, fail_job, export_file)."
    ),
)
registry = service.process_registry


class _JobTable(dict):
    """wraptile 0.3 names a new job ``job_{len(jobs)}``: after DELETE of a finished job (which removes it) the
    next job would reuse, and overwrite, the id of the newest job. ``len()`` here counts every job ever added,
    so ids stay unique (job_0, job_1, ... never reused)."""

    def __init__(self) -> None:
        super().__init__()
        self._added = 0

    def __setitem__(self, key: str, value: Any) -> None:
        if key not in self:
            self._added += 1
        super().__setitem__(key, value)

    def __len__(self) -> int:
        return self._added


service.jobs = _JobTable()

# Where export_file writes, and the URL that folder is served at (set by wraptile_server.py).
_files: dict[str, str] = {
    "dir": os.environ.get("GEODOCK_DEMO_FILES_DIR", str(Path(tempfile.gettempdir()) / "geodock-demo-files")),
    "url": os.environ.get("GEODOCK_DEMO_FILES_URL", "http://127.0.0.1:8000/files"),
}


def configure_files(directory: str | Path, base_url: str) -> None:
    """Set the folder ``export_file`` writes to and the URL prefix it is served at (no trailing slash)."""
    _files["dir"] = str(directory)
    _files["url"] = base_url.rstrip("/")


GEOJSON_SCHEMA_EXTRA = {
    "format": "geojson-feature-collection",
    "contentMediaType": "application/geo+json",
}


def _unwrap(value: Any) -> Any:
    """Accept an OGC qualified value ``{"value": ..., "mediaType": ...}`` as well as the bare value."""
    if isinstance(value, dict) and "value" in value and "type" not in value:
        return value["value"]
    return value


def _feature_collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _set_min_occurs(process_id: str, **min_occurs: int) -> None:
    """procodile drops minOccurs for inputs given as InputDescription: put it back (before first use)."""
    for process in registry.get_workflow(process_id).registry.main.values():
        for name, value in min_occurs.items():
            process.description.inputs[name].minOccurs = value


def _ogr_geojson(layer: str, spat: tuple[float, float, float, float] | None = None) -> dict[str, Any]:
    """Read a world_map.gpkg layer as GeoJSON (EPSG:4326) through ``ogr2ogr ... /vsistdout/``."""
    args = ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", str(WORLD_MAP), layer]
    if spat is not None:
        args[1:1] = ["-spat", *(repr(float(v)) for v in spat)]
    done = subprocess.run(args, capture_output=True, check=False, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"ogr2ogr failed: {done.stderr.decode(errors='replace').strip()}")
    return json.loads(done.stdout)


# ---------------------------------------------------------------------------------------------- buffer


@registry.process(
    id="buffer",
    title="Buffer features",
    version="1.0.0",
    description=(
        "Buffers every feature of a GeoJSON FeatureCollection by `distance` (in the units of its CRS: "
        "degrees for EPSG:4326/CRS84) and returns the buffered features as a GeoJSON FeatureCollection "
        "(properties are kept)."
    ),
    outputs={
        "result": Field(
            title="Buffered features",
            description="GeoJSON FeatureCollection of the buffered features.",
            json_schema_extra=GEOJSON_SCHEMA_EXTRA,
        )
    },
)
def buffer(
    features: Annotated[
        dict[str, Any],
        Field(
            title="Features",
            description="GeoJSON FeatureCollection to buffer.",
            json_schema_extra=GEOJSON_SCHEMA_EXTRA,
        ),
    ],
    distance: Annotated[
        float,
        Field(title="Distance", description="Buffer distance in CRS units (degrees for EPSG:4326).", ge=0, le=10),
    ] = 1.0,
    segments: Annotated[
        int,
        Field(title="Segments", description="Segments per quarter circle.", ge=1, le=32),
    ] = 8,
) -> dict[str, Any]:
    from shapely.geometry import mapping, shape

    ctx = JobContext.get()
    collection = _unwrap(features)
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ValueError("Input 'features' must be a GeoJSON FeatureCollection")
    items = collection.get("features") or []
    out: list[dict[str, Any]] = []
    for index, feature in enumerate(items):
        geometry = feature.get("geometry")
        buffered = shape(geometry).buffer(distance, quad_segs=segments) if geometry else None
        out.append(
            {
                "type": "Feature",
                "id": feature.get("id", index),
                "properties": dict(feature.get("properties") or {}),
                "geometry": mapping(buffered) if buffered is not None else None,
            }
        )
        ctx.report_progress(
            progress=int(100 * (index + 1) / max(len(items), 1)), message=f"Buffered {index + 1} of {len(items)}"
        )
    result = _feature_collection(out)
    if "crs" in collection:
        result["crs"] = collection["crs"]
    return result


# ---------------------------------------------------------------------------------------------- clip_summary


class WorldLayer(str, Enum):
    countries = "countries"
    states_provinces = "states_provinces"


@registry.process(
    id="clip_summary",
    title="Clip and summarise a world layer",
    version="1.0.0",
    description=(
        "Clips the QGIS world map layer `layer` to the bounding box `bbox` (CRS84 lon/lat) and returns a "
        "summary (number of intersecting features, total clipped area in square degrees) and the clipped "
        "features as a GeoJSON FeatureCollection."
    ),
    inputs={
        # InputDescriptions: their titles win over the model/enum class names procodile would use.
        "bbox": InputDescription(
            title="Bounding box",
            description="OGC bounding box {bbox: [minx, miny, maxx, maxy], crs} in CRS84 (lon/lat degrees).",
            schema=Schema(**{"format": "ogc-bbox"}),
        ),
        "layer": InputDescription(title="Layer", description="World map layer to clip.", schema=Schema()),
    },
    outputs={
        "summary": Field(title="Summary", description="{layer, bbox, count, area, area_units, names}"),
        "features": Field(
            title="Clipped features",
            description="GeoJSON FeatureCollection of the features clipped to the bounding box.",
            json_schema_extra=GEOJSON_SCHEMA_EXTRA,
        ),
    },
)
def clip_summary(
    bbox: Annotated[
        Bbox,
        Field(title="Bounding box", description="OGC bounding box {bbox: [minx, miny, maxx, maxy], crs} in CRS84."),
    ],
    layer: Annotated[WorldLayer, Field(title="Layer", description="World map layer to clip.")] = WorldLayer.countries,
) -> tuple[dict[str, Any], dict[str, Any]]:
    from shapely.geometry import box, mapping, shape

    ctx = JobContext.get()
    bbox = _unwrap(bbox)
    coords = bbox.bbox if isinstance(bbox, Bbox) else Bbox(**bbox).bbox
    minx, miny, maxx, maxy = (float(v) for v in coords)
    if minx >= maxx or miny >= maxy:
        raise ValueError(f"Invalid bbox {coords}: expected [minx, miny, maxx, maxy] with min < max")
    layer_name = layer.value if isinstance(layer, Enum) else str(layer)
    ctx.report_progress(progress=10, message=f"Reading {layer_name}")
    data = _ogr_geojson(layer_name, (minx, miny, maxx, maxy))
    ctx.report_progress(progress=60, message="Clipping")
    clip = box(minx, miny, maxx, maxy)
    clipped: list[dict[str, Any]] = []
    area = 0.0
    names: list[str] = []
    for feature in data.get("features", []):
        if not feature.get("geometry"):
            continue
        geometry = shape(feature["geometry"])
        if not geometry.is_valid:
            geometry = geometry.buffer(0)
        if not geometry.intersects(clip):
            continue
        part = geometry.intersection(clip)
        if part.is_empty:
            continue
        area += part.area
        properties = feature.get("properties") or {}
        name = properties.get("name") or properties.get("NAME") or properties.get("admin")
        if name:
            names.append(str(name))
        out_feature: dict[str, Any] = {"type": "Feature", "properties": properties, "geometry": mapping(part)}
        if feature.get("id") is not None:
            out_feature["id"] = feature["id"]
        clipped.append(out_feature)
    summary = {
        "layer": layer_name,
        "bbox": [minx, miny, maxx, maxy],
        "count": len(clipped),
        "area": round(area, 6),
        "area_units": "square degrees",
        "names": sorted(names),
    }
    ctx.report_progress(progress=100, message=f"{len(clipped)} features")
    return summary, _feature_collection(clipped)


_set_min_occurs("clip_summary", bbox=1, layer=0)


# ---------------------------------------------------------------------------------------------- slow_job


@registry.process(
    id="slow_job",
    title="Slow job",
    version="1.0.0",
    description=(
        "Runs for `seconds` seconds, reporting progress (with a message) four times a second; stops early "
        "when the job is dismissed (DELETE /jobs/{jobId}). Returns the seconds it ran."
    ),
    outputs={"elapsed": Field(title="Elapsed seconds")},
)
def slow_job(
    seconds: Annotated[int, Field(title="Seconds", description="How long to run.", ge=1, le=600)] = 20,
) -> float:
    ctx = JobContext.get()
    start = time.monotonic()
    steps = seconds * 4
    for step in range(steps):
        # report_progress raises JobCancelledException once the job was dismissed -> status "dismissed"
        ctx.report_progress(progress=int(100 * step / steps), message=f"Working: {step / 4:.1f} of {seconds} s")
        time.sleep(0.25)
    ctx.report_progress(progress=100, message="Done")
    return round(time.monotonic() - start, 3)


# ---------------------------------------------------------------------------------------------- fail_job

FAIL_MESSAGE = "Input rejected: the demo process always fails"


@registry.process(
    id="fail_job",
    title="Failing job",
    version="1.0.0",
    description=f"Always fails (after `delay` seconds) with the message {FAIL_MESSAGE!r}.",
    outputs={"result": Field(title="Never produced")},
)
def fail_job(
    delay: Annotated[float, Field(title="Delay", description="Seconds to run before failing.", ge=0, le=10)] = 0.0,
) -> str:
    ctx = JobContext.get()
    ctx.report_progress(progress=10, message="About to fail")
    if delay:
        time.sleep(delay)
    raise RuntimeError(FAIL_MESSAGE)


# ---------------------------------------------------------------------------------------------- export_file


class ExportFormat(str, Enum):
    geojson = "geojson"
    geotiff = "geotiff"


@registry.process(
    id="export_file",
    title="Export a file",
    version="1.0.0",
    description=(
        "Writes a file into the server's download folder and returns a link to it: `geojson` = the "
        "world countries as GeoJSON (application/geo+json), `geotiff` = a 1-degree land mask raster "
        "(Byte, EPSG:4326, 360x180) rasterized from the countries (image/tiff; application=geotiff)."
    ),
    inputs={"format": InputDescription(title="Format", description="File format.", schema=Schema())},
    outputs={
        "file": OutputDescription(
            title="File", description="Link {href, type, rel, title} to the exported file.", schema=Schema()
        )
    },
)
def export_file(
    format: Annotated[ExportFormat, Field(title="Format", description="File format.")] = ExportFormat.geojson,
) -> Link:
    ctx = JobContext.get()
    fmt = format.value if isinstance(format, Enum) else str(format)
    job_dir = uuid.uuid4().hex[:12]
    folder = Path(_files["dir"]) / job_dir
    folder.mkdir(parents=True, exist_ok=True)
    ctx.report_progress(progress=10, message=f"Exporting {fmt}")
    if fmt == "geojson":
        name, media_type = "countries.geojson", "application/geo+json"
        args = ["ogr2ogr", "-f", "GeoJSON", str(folder / name), str(WORLD_MAP), "countries"]
    else:
        name, media_type = "countries.tif", "image/tiff; application=geotiff"
        args = [
            "gdal_rasterize",
            "-q",
            "-of",
            "GTiff",
            "-ot",
            "Byte",
            "-burn",
            "1",
            "-init",
            "0",
            "-a_nodata",
            "255",
            "-tr",
            "1",
            "1",
            "-te",
            "-180",
            "-90",
            "180",
            "90",
            "-co",
            "COMPRESS=DEFLATE",
            "-l",
            "countries",
            str(WORLD_MAP),
            str(folder / name),
        ]
    done = subprocess.run(args, capture_output=True, check=False, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {done.stderr.decode(errors='replace').strip()}")
    ctx.report_progress(progress=100, message=f"Wrote {name}")
    return Link(href=f"{_files['url']}/{job_dir}/{name}", type=media_type, rel="enclosure", title=name)


_set_min_occurs("export_file", format=0)
