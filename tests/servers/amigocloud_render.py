"""Raster tiles and export files of the local AmigoCloud server, made with GDAL from the SpatiaLite tables.

* :func:`render_tile` rasterises ``dataset_{id}`` into one 256 x 256 EPSG:3857 XYZ tile and returns PNG bytes
  (GDAL reprojects the EPSG:4326 features on the fly).
* :func:`export_command` is the ``ogr2ogr`` command line of an export job (the server runs it as a child
  process); :data:`EXPORT_FORMATS` lists the formats accepted, keyed by the lower-case name clients send.
"""

from __future__ import annotations

import math
import uuid
from pathlib import Path

from osgeo import gdal, ogr, osr

gdal.UseExceptions()

ORIGIN = 20037508.342789244
TILE = 256

# format (lower case) -> (OGR driver, file suffix, extra ogr2ogr arguments)
EXPORT_FORMATS: dict[str, tuple[str, str, list[str]]] = {
    "geojson": ("GeoJSON", ".geojson", []),
    "kml": ("KML", ".kml", []),
    "shapefile": ("ESRI Shapefile", ".zip", []),
    "shp": ("ESRI Shapefile", ".zip", []),
    "csv": ("CSV", ".csv", ["-lco", "GEOMETRY=AS_WKT"]),
    "gpkg": ("GPKG", ".gpkg", []),
    "geopackage": ("GPKG", ".gpkg", []),
    "gml": ("GML", ".gml", []),
}

_COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75)]


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) of XYZ tile ``z/x/y`` in EPSG:3857 metres."""
    size = 2 * ORIGIN / (2**z)
    minx = -ORIGIN + x * size
    maxy = ORIGIN - y * size
    return minx, maxy - size, minx + size, maxy


def _lonlat(mx: float, my: float) -> tuple[float, float]:
    lon = mx / ORIGIN * 180.0
    lat = math.degrees(2 * math.atan(math.exp(my / ORIGIN * math.pi)) - math.pi / 2)
    return lon, lat


def render_tile(database: Path, dataset_id: int, z: int, x: int, y: int) -> bytes:
    """PNG bytes of tile ``z/x/y`` of ``dataset_{id}`` (transparent where there is nothing)."""
    minx, miny, maxx, maxy = tile_bounds(z, x, y)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(3857)
    target = gdal.GetDriverByName("MEM").Create("", TILE, TILE, 4, gdal.GDT_Byte)
    target.SetGeoTransform((minx, (maxx - minx) / TILE, 0, maxy, 0, -(maxy - miny) / TILE))
    target.SetProjection(srs.ExportToWkt())
    source = ogr.Open(str(database))
    try:
        layer = source.GetLayerByName(f"dataset_{int(dataset_id)}")
        if layer is None:
            raise KeyError(dataset_id)
        west, south = _lonlat(minx, miny)
        east, north = _lonlat(maxx, maxy)
        pad = (east - west) / 8  # points and lines near the edge still touch the tile
        layer.SetSpatialFilterRect(west - pad, max(south - pad, -90), east + pad, min(north + pad, 90))
        red, green, blue = _COLOURS[int(dataset_id) % len(_COLOURS)]
        kind = ogr.GT_Flatten(layer.GetGeomType())
        options = (
            ["ALL_TOUCHED=TRUE"]
            if kind in (ogr.wkbPoint, ogr.wkbMultiPoint, ogr.wkbLineString, ogr.wkbMultiLineString)
            else []
        )
        gdal.RasterizeLayer(target, [1, 2, 3, 4], layer, burn_values=[red, green, blue, 200], options=options)
        if kind in (ogr.wkbPoint, ogr.wkbMultiPoint):
            _grow_points(target)
    finally:
        source = None
    name = f"/vsimem/amigocloud-{uuid.uuid4().hex}.png"
    gdal.Translate(name, target, format="PNG")
    try:
        handle = gdal.VSIFOpenL(name, "rb")
        gdal.VSIFSeekL(handle, 0, 2)
        size = gdal.VSIFTellL(handle)
        gdal.VSIFSeekL(handle, 0, 0)
        data = gdal.VSIFReadL(1, size, handle)
        gdal.VSIFCloseL(handle)
    finally:
        gdal.Unlink(name)
    return bytes(data)


def _grow_points(target: gdal.Dataset) -> None:
    """Make single-pixel points 5 x 5 squares so they can be seen."""
    bands = [target.GetRasterBand(index + 1).ReadAsArray() for index in range(4)]
    alpha = bands[3]
    ys, xs = alpha.nonzero()
    for yy, xx in zip(ys.tolist(), xs.tolist()):
        for band in bands:
            band[max(yy - 2, 0) : yy + 3, max(xx - 2, 0) : xx + 3] = band[yy, xx]
    for index, band in enumerate(bands):
        target.GetRasterBand(index + 1).WriteArray(band)


def export_command(database: Path, dataset_id: int, fmt: str, out: Path) -> list[str]:
    """The ``ogr2ogr`` command writing ``dataset_{id}`` to ``out`` in format ``fmt`` (a key of EXPORT_FORMATS).

    A shapefile goes to a folder ``out.with_suffix('')``; the caller zips it.
    """
    driver, _suffix, extra = EXPORT_FORMATS[fmt]
    target = out.with_suffix("") if driver == "ESRI Shapefile" else out
    layer = f"dataset_{int(dataset_id)}"
    return ["ogr2ogr", "-f", driver, str(target), str(database), layer, "-nln", layer, *extra]
