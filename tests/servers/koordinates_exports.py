"""Exports of the local Koordinates server: formats, validation and the real build of the zip archive.

An export is built with GDAL's command line tools (``ogr2ogr`` for vector layers and tables, ``gdalwarp`` +
``gdal_translate`` for rasters), reprojected to the export's ``crs`` and cropped to its ``extent`` (GeoJSON
geometry in EPSG:4326, or a crop feature URL). The build runs in a worker thread; the export's ``state`` goes
``processing`` -> ``complete`` (or ``error``/``cancelled``) with ``progress`` rising over
``KOORDINATES_EXPORT_SECONDS`` seconds (default 3; a test sets it, or holds exports, through the test-only
routes of ``koordinates_control.py``, never through the API).

How to make an export fail (state ``error``): name it with ``fail`` in it (e.g. ``"name": "please-fail"``), or ask for
a CRS GDAL does not know (e.g. ``"crs": "EPSG:999999"``); both are accepted by ``POST /exports/`` and end in ``error``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Optional

from koordinates_data import Item, slug
from osgeo import gdal, ogr

# value -> (display name, GDAL driver, file extension, kind of tool); only formats whose driver exists are offered.
VECTOR_FORMATS = {
    "application/x-ogc-gpkg": ("GeoPackage / SQLite", "GPKG", "gpkg"),
    "application/x-zipped-shp": ("Shapefile", "ESRI Shapefile", "shp"),
    "text/csv": ("CSV", "CSV", "csv"),
    "application/geo+json": ("GeoJSON", "GeoJSON", "geojson"),
    "application/vnd.google-earth.kml+xml": ("KML", "KML", "kml"),
    "application/x-ogc-mapinfo_file": ("MapInfo TAB", "MapInfo File", "tab"),
    "applicaton/x-ogc-filegdb": ("ESRI File Geodatabase", "OpenFileGDB", "gdb"),
}
TABLE_FORMATS = {
    "text/csv": ("CSV", "CSV", "csv"),
    "application/x-ogc-gpkg": ("GeoPackage / SQLite", "GPKG", "gpkg"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("Excel (XLSX)", "XLSX", "xlsx"),
}
RASTER_FORMATS = {
    "image/tiff;subtype=geotiff": ("GeoTIFF", "GTiff", "tif"),
    "image/jpeg": ("JPEG", "JPEG", "jpg"),
    "image/jp2": ("JPEG2000", "JP2OpenJPEG", "jp2"),
    "application/x-erdas-hfa": ("ERDAS Imagine", "HFA", "img"),
    "application/x-hdf;subtype=kea": ("KEA", "KEA", "kea"),
}
GRID_FORMATS = {
    "image/tiff;subtype=geotiff": ("GeoTIFF", "GTiff", "tif"),
    "application/x-ogc-aaigrid": ("ASCII Grid", "AAIGrid", "asc"),
    "application/x-erdas-hfa": ("ERDAS Imagine", "HFA", "img"),
}
# Rasters with a raster attribute table (RAT): formats that keep the table (the SDK's ``get_formats()["rat"]``).
RAT_FORMATS = {
    "application/x-erdas-hfa": ("ERDAS Imagine", "HFA", "img"),
    "application/x-hdf;subtype=kea": ("KEA", "KEA", "kea"),
    "image/tiff;subtype=geotiff": ("GeoTIFF", "GTiff", "tif"),
}


def _available(formats: dict[str, tuple[str, str, str]]) -> dict[str, tuple[str, str, str]]:
    return {value: spec for value, spec in formats.items() if gdal.GetDriverByName(spec[1]) is not None}


FORMATS = {
    "vector": _available(VECTOR_FORMATS),
    "table": _available(TABLE_FORMATS),
    "raster": _available(RASTER_FORMATS),
    "grid": _available(GRID_FORMATS),
    "rat": _available(RAT_FORMATS),
}


def options_document() -> dict[str, Any]:
    """The body of ``OPTIONS /exports/`` (Django REST framework's metadata shape, as the SDK reads it)."""
    children = {
        kind: {
            "type": "choice",
            "required": False,
            "read_only": False,
            "label": kind.title(),
            "choices": [{"value": value, "display_name": spec[0]} for value, spec in formats.items()],
        }
        for kind, formats in FORMATS.items()
    }
    return {
        "name": "Export List",
        "description": "",
        "renders": ["application/json"],
        "parses": ["application/json"],
        "actions": {
            "POST": {
                "crs": {"type": "string", "required": True, "read_only": False, "label": "CRS"},
                "formats": {
                    "type": "nested object",
                    "required": True,
                    "read_only": False,
                    "label": "Formats",
                    "children": children,
                },
                "items": {"type": "field", "required": True, "read_only": False, "label": "Items"},
                "extent": {"type": "field", "required": False, "read_only": False, "label": "Extent"},
                "name": {"type": "string", "required": False, "read_only": False, "label": "Name", "max_length": 200},
            }
        },
    }


def format_for(item: Item, formats: dict[str, str]) -> tuple[Optional[str], Optional[tuple[str, str, str]]]:
    """(format kind, (display, driver, ext)) for ``item`` under an export's ``formats``; None when missing."""
    kinds = ("raster", "grid", "rat") if item.kind == "raster" else (item.kind,)
    for kind in kinds:
        value = formats.get(kind)
        if value and value in FORMATS.get(kind, {}):
            return kind, FORMATS[kind][value]
    return None, None


def crs_known(crs: str) -> bool:
    from osgeo import osr

    ref = osr.SpatialReference()
    try:
        return ref.SetFromUserInput(str(crs)) == 0
    except RuntimeError:
        return False


def geometry(value: dict[str, Any]) -> ogr.Geometry:
    return ogr.CreateGeometryFromJson(json.dumps(value))


def validate_items(
    items: list[Optional[Item]], urls: list[str], body: dict[str, Any], crop: Optional[dict[str, Any]]
) -> dict[str, Any]:
    """The body of ``POST /exports/validate/``: per item ``is_valid``/``invalid_reasons`` and an overall answer."""
    formats = body.get("formats") or {}
    crop_geom = geometry(crop) if crop else None
    results = []
    total = 0
    for url, item in zip(urls, items):
        reasons: list[str] = []
        entry: dict[str, Any] = {"item": url}
        if item is None:
            reasons.append("not-found")
        elif item.source is None:
            reasons.append("no-data")
        else:
            _kind, spec = format_for(item, formats)
            if spec is None:
                reasons.append(
                    "unsupported-format"
                    if formats.get(item.kind) or (item.kind == "raster" and (formats.get("grid") or formats.get("rat")))
                    else "no-format"
                )
            if crop_geom is not None and item.bbox is not None:
                xmin, ymin, xmax, ymax = item.bbox
                box = ogr.CreateGeometryFromWkt(
                    f"POLYGON(({xmin} {ymin},{xmax} {ymin},{xmax} {ymax},{xmin} {ymax},{xmin} {ymin}))"
                )
                if not box.Intersects(crop_geom):
                    reasons.append("outside-extent")
            entry["license"] = item.doc.get("license")
            entry["price"] = None
            entry["size_estimate_zipped"] = item.size_estimate
            total += item.size_estimate if not reasons else 0
        entry["is_valid"] = not reasons
        entry["invalid_reasons"] = reasons
        results.append(entry)
    overall: list[str] = []
    if not urls:
        overall.append("no-items")
    if not body.get("crs") or not crs_known(body.get("crs", "")):
        overall.append("invalid-crs")
    return {
        "is_valid": not overall and all(r["is_valid"] for r in results),
        "invalid_reasons": overall,
        "items": results,
        "size_estimate_zipped": total,
        "crs": body.get("crs"),
        "formats": formats,
        "extent": crop,
    }


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {done.stderr.strip()[-400:]}")


def build_zip(items: list[Item], body: dict[str, Any], crop: Optional[dict[str, Any]], out: Path) -> None:
    """Build the export archive ``out`` (blocking; run it in a thread). Raises on failure."""
    name = str(body.get("name") or "export")
    bench_archive = os.environ.get("KOORDINATES_BENCH_ARCHIVE")  # benchmarks only: serve this file as the archive
    if bench_archive and name.startswith("bench-"):
        os.symlink(bench_archive, out)
        return
    if "fail" in name.lower():
        raise RuntimeError(f"export {name!r} asked to fail (name contains 'fail')")
    crs = str(body["crs"])
    formats = body.get("formats") or {}
    work = Path(tempfile.mkdtemp(prefix="export-", dir=out.parent))
    try:
        cutline = None
        if crop is not None:
            cutline = work / "crop.geojson"
            cutline.write_text(
                json.dumps(
                    {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": crop}]}
                )
            )
        folder = work / "out"
        folder.mkdir()
        for item in items:
            _kind, spec = format_for(item, formats)
            if spec is None:
                raise RuntimeError(f"no format for {item.kind} item {item.id}")
            _display, driver, ext = spec
            stem = slug(item.title)
            target = folder / stem
            target.mkdir()
            if item.kind == "raster":
                warped = work / f"{stem}.warped.tif"
                command = ["gdalwarp", "-q", "-overwrite", "-t_srs", crs, "-of", "GTiff"]
                if cutline is not None:
                    command += ["-cutline", str(cutline), "-crop_to_cutline"]
                _run([*command, str(item.source), str(warped)])
                extra = ["-co", "WORLDFILE=YES"] if driver == "JPEG" else []
                _run(["gdal_translate", "-q", "-of", driver, *extra, str(warped), str(target / f"{stem}.{ext}")])
            else:
                command = ["ogr2ogr", "-f", driver, "-nln", stem]
                if item.kind == "vector":
                    command += ["-t_srs", crs]
                    if cutline is not None:
                        command += ["-clipsrc", str(cutline)]
                    if driver == "CSV":
                        command += ["-lco", "GEOMETRY=AS_WKT"]
                    if driver == "ESRI Shapefile":
                        command += ["-lco", "ENCODING=UTF-8"]
                dest = target / (f"{stem}.{ext}" if driver not in ("ESRI Shapefile",) else "")
                if driver == "ESRI Shapefile":
                    dest = target
                _run([*command, str(dest), str(item.source), item.source_layer or ""])
            (target / "LICENSE.txt").write_text(
                f"{item.title}\nLicence: {item.doc['license']['title']}\n{item.doc['license']['url']}\n"
            )
        tmp = out.with_suffix(".part")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(folder).as_posix())
        tmp.rename(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
