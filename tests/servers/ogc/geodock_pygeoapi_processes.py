"""pygeoapi processes that answer with binary results, for Geodock's tests of raw results on a real server.

pygeoapi's own processes (hello-world, echo, shapely-functions) all answer JSON; a pygeoapi processor may
return ``(media type, bytes)``, and pygeoapi then answers a raw execution (``response: raw``, its default)
with those bytes and that ``Content-Type``: synchronously (200) or as a job whose ``/jobs/{id}/results`` is
the file. Loaded by ``pygeoapi_binary_server.py`` (dotted processor names).

``geodock-binary`` (sync and async) and ``geodock-binary-sync`` (``jobControlOptions: [sync-execute]``) take
``format``: ``geotiff`` (4x4 Byte, EPSG:4326, values 7), ``png`` (the same as PNG), ``zip`` (a zip holding
``points.geojson``), ``csv`` (3 rows with x/y), ``gpkg`` (a GeoPackage of 3 points), ``inline-png`` (JSON:
the PNG base64-encoded as a qualified value ``{"value", "mediaType", "encoding"}``). Files are made once per
server with the GDAL command line tools.
"""

import base64
import io
import json
import subprocess
import tempfile
import zipfile
from pathlib import Path

from pygeoapi.process.base import BaseProcessor, ProcessorExecuteError

POINTS = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"name": f"p{i}"}, "geometry": {"type": "Point", "coordinates": [10 + i, 50]}}
        for i in range(3)
    ],
}
MEDIA_TYPES = {
    "geotiff": "image/tiff; application=geotiff",
    "png": "image/png",
    "zip": "application/zip",
    "csv": "text/csv",
    "gpkg": "application/geopackage+sqlite3",
}
_made: dict[str, bytes] = {}


def _run(*args: str) -> None:
    done = subprocess.run(args, capture_output=True, check=False, timeout=60)
    if done.returncode != 0:
        raise ProcessorExecuteError(f"{args[0]} failed: {done.stderr.decode(errors='replace').strip()}")


def make(kind: str) -> bytes:
    """The bytes of a small file of ``kind`` (made once)."""
    if kind in _made:
        return _made[kind]
    folder = Path(tempfile.mkdtemp(prefix="geodock-binary-"))
    tif = folder / "grid.tif"
    if kind in ("geotiff", "png"):
        _run("gdal_create", "-of", "GTiff", "-outsize", "4", "4", "-bands", "1", "-ot", "Byte", "-burn", "7",
             "-a_srs", "EPSG:4326", "-a_ullr", "10", "54", "14", "50", str(tif))  # fmt: skip
        if kind == "png":
            _run("gdal_translate", "-q", "-of", "PNG", str(tif), str(folder / "grid.png"))
            tif = folder / "grid.png"
        data = tif.read_bytes()
    elif kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("points.geojson", json.dumps(POINTS))
        data = buffer.getvalue()
    elif kind == "csv":
        data = b"id,name,x,y\n1,p0,10,50\n2,p1,11,50\n3,p2,12,50\n"
    elif kind == "gpkg":
        (folder / "points.geojson").write_text(json.dumps(POINTS))
        _run("ogr2ogr", "-f", "GPKG", "-nln", "points", str(folder / "points.gpkg"), str(folder / "points.geojson"))
        data = (folder / "points.gpkg").read_bytes()
    else:
        raise ProcessorExecuteError(f"unknown format {kind!r}")
    _made[kind] = data
    return data


def metadata(process_id: str, controls: list[str]) -> dict:
    """The description of a binary process."""
    formats = [*MEDIA_TYPES, "inline-png"]
    return {
        "version": "1.0.0",
        "id": process_id,
        "title": "Binary result" + (" (synchronous only)" if controls == ["sync-execute"] else ""),
        "description": "Answers with a small file of the format asked for (GeoTIFF, PNG, zip, CSV, GeoPackage).",
        "jobControlOptions": controls,
        "keywords": ["geodock", "binary"],
        "links": [],
        "inputs": {
            "format": {
                "title": "Format",
                "description": "The file to answer with.",
                "schema": {"type": "string", "enum": formats, "default": "geotiff"},
                "minOccurs": 0,
                "maxOccurs": 1,
            }
        },
        "outputs": {
            "result": {
                "title": "Result file",
                "description": "The file itself.",
                "schema": {"oneOf": [{"type": "string", "contentMediaType": m} for m in MEDIA_TYPES.values()]},
            }
        },
        "example": {"inputs": {"format": "geotiff"}},
    }


class BinaryProcessor(BaseProcessor):
    """``geodock-binary``: sync and async."""

    process_id = "geodock-binary"
    controls = ["sync-execute", "async-execute"]

    def __init__(self, processor_def: dict) -> None:
        super().__init__(processor_def, metadata(self.process_id, self.controls))

    def execute(self, data: dict, outputs=None):
        kind = str(data.get("format") or "geotiff")
        if kind == "inline-png":
            value = base64.b64encode(make("png")).decode("ascii")
            return "application/json", {"result": {"value": value, "mediaType": "image/png", "encoding": "base64"}}
        return MEDIA_TYPES.get(kind, "application/octet-stream"), make(kind)

    def __repr__(self) -> str:
        return f"<BinaryProcessor> {self.name}"


class SyncBinaryProcessor(BinaryProcessor):
    """``geodock-binary-sync``: synchronous execution only."""

    process_id = "geodock-binary-sync"
    controls = ["sync-execute"]
