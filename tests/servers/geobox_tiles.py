"""Tiles of the local Geobox server: Mapbox Vector Tiles (GDAL's MVT driver) and PNG raster tiles (gdal.Warp).

Tiles follow the XYZ Web Mercator scheme (EPSG:3857, 256 px, y down from the north). Vector tiles are made on
demand, one tile per call, from an OGR VRT naming the layers of the tile (so a tileset's layers end up in
one tile, each as its own MVT layer), and cached on disk under ``<data-dir>/cache/``.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import uuid as _uuid
from pathlib import Path
from typing import Optional
from xml.sax.saxutils import escape

from geobox_store import Layer
from osgeo import gdal

gdal.UseExceptions()

ORIGIN = 20037508.342789244


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """``(minx, miny, maxx, maxy)`` of tile z/x/y in EPSG:3857."""
    size = 2 * ORIGIN / (2**z)
    minx = -ORIGIN + x * size
    maxy = ORIGIN - y * size
    return minx, maxy - size, minx + size, maxy


def tile_lonlat(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` of tile z/x/y in degrees; the outer rows reach the poles."""
    minx, miny, maxx, maxy = tile_bounds(z, x, y)

    def lat(my: float) -> float:
        return math.degrees(2 * math.atan(math.exp(my / ORIGIN * math.pi)) - math.pi / 2)

    south = -90.0 if y == 2**z - 1 else lat(miny)
    north = 90.0 if y == 0 else lat(maxy)
    return minx / ORIGIN * 180, south, maxx / ORIGIN * 180, north


def valid_tile(z: int, x: int, y: int) -> bool:
    return 0 <= z <= 24 and 0 <= x < 2**z and 0 <= y < 2**z


def _vrt(layers: list[Layer]) -> str:
    """An OGR VRT with one layer per Geobox layer (views as SQL with their filter)."""
    parts = ["<OGRVRTDataSource>"]
    for layer in layers:
        parts.append(f'<OGRVRTLayer name="{escape(layer.name)}">')
        parts.append(f"<SrcDataSource>{escape(str(layer.path))}</SrcDataSource>")
        if layer.view_filter:
            parts.append(
                f"<SrcSQL>{escape(f'SELECT * FROM {chr(34)}{layer.source_layer}{chr(34)} WHERE {layer.view_filter}')}</SrcSQL>"
            )
        else:
            parts.append(f"<SrcLayer>{escape(layer.source_layer)}</SrcLayer>")
        parts.append("</OGRVRTLayer>")
    parts.append("</OGRVRTDataSource>")
    return "".join(parts)


def make_mvt(layers: list[Layer], z: int, x: int, y: int, cache: Path) -> bytes:
    """The (uncompressed) MVT bytes of tile z/x/y for ``layers``; empty bytes when no feature falls in it.

    Cached at ``cache/z/x/y.pbf``; the cache key folder is chosen by the caller (layer or tileset uuid).
    """
    cached = cache / str(z) / str(x) / f"{y}.pbf"
    if cached.exists():
        return cached.read_bytes()
    work = Path(tempfile.mkdtemp(prefix="mvt-", dir=cache.parent if cache.parent.exists() else None))
    try:
        vrt = work / "source.vrt"
        vrt.write_text(_vrt(layers))
        west, south, east, north = tile_lonlat(z, x, y)
        pad = (east - west) / 16
        out = work / "tiles"
        # The filter is in the layers' own coordinates (all stored layers are EPSG:4326, lon/lat order).
        options = gdal.VectorTranslateOptions(
            format="MVT",
            datasetCreationOptions=[
                f"MINZOOM={z}",
                f"MAXZOOM={z}",
                "COMPRESS=NO",
                "FORMAT=DIRECTORY",
                "MAX_SIZE=2000000",
            ],
            spatFilter=[
                max(-180.0, west - pad),
                max(-90.0, south - pad),
                min(180.0, east + pad),
                min(90.0, north + pad),
            ],
        )
        result = gdal.VectorTranslate(str(out), str(vrt), options=options)
        del result
        produced = out / str(z) / str(x) / f"{y}.pbf"
        data = produced.read_bytes() if produced.exists() else b""
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{_uuid.uuid4().hex}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, cached)
        return data
    finally:
        shutil.rmtree(work, ignore_errors=True)


def render_png(path: Path, z: int, x: int, y: int, size: int = 256) -> bytes:
    """A ``size`` x ``size`` PNG of the raster ``path`` warped to the bounds of tile z/x/y (gray + alpha)."""
    minx, miny, maxx, maxy = tile_bounds(z, x, y)
    warped = gdal.Warp(
        "",
        str(path),
        options=gdal.WarpOptions(
            format="MEM",
            dstSRS="EPSG:3857",
            outputBounds=[minx, miny, maxx, maxy],
            width=size,
            height=size,
            dstAlpha=True,
            resampleAlg="near",
        ),
    )
    name = f"/vsimem/tile-{_uuid.uuid4().hex}.png"
    try:
        gdal.Translate(name, warped, options=gdal.TranslateOptions(format="PNG"))
        handle = gdal.VSIFOpenL(name, "rb")
        try:
            gdal.VSIFSeekL(handle, 0, 2)
            length = gdal.VSIFTellL(handle)
            gdal.VSIFSeekL(handle, 0, 0)
            return bytes(gdal.VSIFReadL(1, length, handle))
        finally:
            gdal.VSIFCloseL(handle)
    finally:
        gdal.Unlink(name)


def tilejson(
    name: str,
    tiles_url: str,
    bounds: list[float],
    layers: Optional[list[Layer]] = None,
    min_zoom: int = 0,
    max_zoom: int = 14,
    fmt: str = "pbf",
) -> dict:
    """A TileJSON 3.0 document (``vector_layers`` for vector tiles)."""
    west, south, east, north = bounds
    south, north = max(south, -85.0511), min(north, 85.0511)
    doc = {
        "tilejson": "3.0.0",
        "name": name,
        "scheme": "xyz",
        "format": fmt,
        "tiles": [tiles_url],
        "minzoom": min_zoom,
        "maxzoom": max_zoom,
        "bounds": [west, south, east, north],
        "center": [(west + east) / 2, (south + north) / 2, min_zoom],
    }
    if layers is not None:
        doc["vector_layers"] = [
            {"id": layer.name, "description": layer.description, "minzoom": min_zoom, "maxzoom": max_zoom, "fields": {}}
            for layer in layers
        ]
    return doc
