"""File work of the local Geobox server: scanning uploads, publishing them (ogr2ogr into the store),
exporting layers (ogr2ogr to a new file), and reading the raster. Synchronous; run in worker threads."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Optional

from geobox_store import (
    DRIVER_FILE_TYPES,
    EXPORT_FORMATS,
    UPLOAD_TYPES,
    ApiError,
    FileRecord,
    Layer,
    apply_filters,
    as_bool,
    describe,
    epsg_of,
    open_layer,
)
from osgeo import gdal, ogr

gdal.UseExceptions()


# ----------------------------------------------------------------------------------- files and tasks


def scan_file(path: Path, name: str) -> tuple[str, list[dict]]:
    """The ``file_type`` of an uploaded file and the vector layers found in it (``{layer, dataset, format}``)."""
    ext = Path(name).suffix.lower()
    file_type = UPLOAD_TYPES.get(ext, "Document")
    layers: list[dict] = []
    if ext == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.namelist() if not m.endswith("/")]
        except zipfile.BadZipFile:
            return file_type, []
        for member in members:
            member_ext = Path(member).suffix.lower()
            if member_ext in (".shp", ".gpkg", ".geojson", ".json", ".kml", ".gpx", ".dxf"):
                layers += _layers_of(f"/vsizip/{path}/{member}", member)
        if layers:
            file_type = "Complex"
    elif ext in (".gpkg", ".geojson", ".json", ".shp", ".kml", ".gpx", ".dxf", ".csv"):
        layers = _layers_of(str(path), name)
    return file_type, layers


def _layers_of(source: str, dataset: str) -> list[dict]:
    try:
        ds = ogr.Open(source)
    except RuntimeError:
        return []
    if ds is None:
        return []
    fmt = DRIVER_FILE_TYPES.get(ds.GetDriver().GetName(), ds.GetDriver().GetName())
    return [
        {
            "layer": ds.GetLayer(i).GetName(),
            "dataset": dataset,
            "format": fmt,
            "feature_count": ds.GetLayer(i).GetFeatureCount(),
        }
        for i in range(ds.GetLayerCount())
        if ds.GetLayer(i).GetGeomType() != ogr.wkbNone
    ]


def import_layer(
    file: FileRecord,
    dest: Path,
    layer_name: str,
    input_layer: Optional[str],
    input_dataset: Optional[str],
    input_srid: int,
) -> dict:
    """ogr2ogr ``input_layer`` of an uploaded file into a new GeoPackage ``dest`` (layer ``layer_name``, EPSG:4326)."""
    if file.path.suffix.lower() == ".zip":
        candidates = [
            l
            for l in file.layers
            if (not input_dataset or l["dataset"] == input_dataset) and (not input_layer or l["layer"] == input_layer)
        ]
        if not candidates:
            raise ValueError(f"Layer {input_layer or input_dataset!r} not found in {file.name}")
        source = f"/vsizip/{file.path}/{candidates[0]['dataset']}"
        input_layer = candidates[0]["layer"]
    else:
        source = str(file.path)
    ds = ogr.Open(source)
    if ds is None:
        raise ValueError(f"{file.name} is not a vector dataset")
    names = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
    if not input_layer:
        if not names:
            raise ValueError(f"{file.name} holds no layer")
        input_layer = names[0]
    if input_layer not in names:
        raise ValueError(f"Layer {input_layer!r} not found in {file.name} (layers: {', '.join(names)})")
    has_srs = ds.GetLayerByName(input_layer).GetSpatialRef() is not None
    ds = None
    tmp = dest.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    options = gdal.VectorTranslateOptions(
        format="GPKG",
        layers=[input_layer],
        layerName=layer_name,
        dstSRS="EPSG:4326",
        srcSRS=None if has_srs else f"EPSG:{input_srid}",
        geometryType="PROMOTE_TO_MULTI",
    )
    out = gdal.VectorTranslate(str(tmp), source, options=options)
    if out is None:
        raise ValueError(gdal.GetLastErrorMsg() or "ogr2ogr failed")
    out = None
    tmp.rename(dest)
    return describe(dest, layer_name)


def export_layer(layer: Layer, folder: Path, params: dict) -> Path:
    """ogr2ogr ``layer`` into ``folder`` in ``out_format`` (zipped if asked or if several files); returns the file."""
    driver, ext = EXPORT_FORMATS[params["out_format"]]
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", params.get("out_filename") or layer.name) or layer.name
    base = base[: -len(ext)] if base.lower().endswith(ext) else base
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{base}{ext}"
    out_srid = params.get("out_srid")
    dst_srs = "EPSG:4326" if driver == "KML" else (f"EPSG:{int(out_srid)}" if out_srid else "EPSG:3857")
    filters = {k: params.get(k) for k in ("q", "feature_ids", "bbox", "bbox_srid")}
    ds, lyr = open_layer(layer)
    where = apply_filters(layer, lyr, filters)  # the same filters as features/, handed to ogr2ogr
    spatial = lyr.GetSpatialFilter()
    extra = {}
    if spatial is not None:
        minx, maxx, miny, maxy = spatial.GetEnvelope()
        extra = {"spatFilter": [minx, miny, maxx, maxy]}
    fields = params.get("fields") or []
    creation = ["GEOMETRY=AS_WKT"] if driver == "CSV" else []
    options = gdal.VectorTranslateOptions(
        format=driver,
        layers=[layer.source_layer],
        layerName=base,
        dstSRS=dst_srs,
        where=where,
        selectFields=fields or None,
        layerCreationOptions=creation,
        **extra,
    )
    del ds
    out = gdal.VectorTranslate(str(target), str(layer.path), options=options)
    if out is None:
        raise ValueError(gdal.GetLastErrorMsg() or "ogr2ogr failed")
    out = None
    produced = [p for p in folder.iterdir() if p.is_file()]
    if as_bool(params.get("zipped")) or len(produced) > 1:
        archive = folder.parent / f"{base}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
            for path in produced:
                handle.write(path, path.name)
        shutil.rmtree(folder)
        final = folder.with_name(folder.name + "-out")
        final.mkdir()
        return Path(shutil.move(str(archive), final / archive.name))
    return target


# --------------------------------------------------------------------------------------------- rasters


def raster_info(path: Path) -> dict:
    ds = gdal.Open(str(path))
    gt = ds.GetGeoTransform()
    minx, maxy = gt[0], gt[3]
    maxx, miny = minx + gt[1] * ds.RasterXSize, maxy + gt[5] * ds.RasterYSize
    band = ds.GetRasterBand(1)
    return {
        "width": ds.RasterXSize,
        "height": ds.RasterYSize,
        "band_count": ds.RasterCount,
        "data_type": gdal.GetDataTypeName(band.DataType),
        "nodata": band.GetNoDataValue(),
        "srid": epsg_of(ds.GetSpatialRef()) or 4326,
        "extent": [minx, miny, maxx, maxy],
        "bbox": [minx, miny, maxx, maxy],
        "resolution": [gt[1], -gt[5]],
        "size": path.stat().st_size,
        "format": "GTiff",
    }


def raster_statistics(path: Path, indexes: Optional[str]) -> dict:
    ds = gdal.Open(str(path))
    wanted = [int(i) for i in re.findall(r"\d+", indexes or "")] or list(range(1, ds.RasterCount + 1))
    result = {}
    for index in wanted:
        if not 1 <= index <= ds.RasterCount:
            raise ApiError(
                422, [{"loc": ["query", "indexes"], "msg": f"band {index} does not exist", "type": "value_error"}]
            )
        minimum, maximum, mean, std = ds.GetRasterBand(index).ComputeStatistics(False)
        result[f"b{index}"] = {"min": minimum, "max": maximum, "mean": mean, "std": std}
    return result


def raster_point(path: Path, lat: float, lng: float) -> dict:
    ds = gdal.Open(str(path))
    gt = ds.GetGeoTransform()
    col, row = int((lng - gt[0]) / gt[1]), int((lat - gt[3]) / gt[5])
    if not (0 <= col < ds.RasterXSize and 0 <= row < ds.RasterYSize):
        raise ApiError(422, [{"loc": ["query", "lat"], "msg": "point outside the raster", "type": "value_error"}])
    values = [
        int.from_bytes(ds.GetRasterBand(i).ReadRaster(col, row, 1, 1, buf_type=gdal.GDT_Int32), "little", signed=True)
        for i in range(1, ds.RasterCount + 1)
    ]
    return {
        "coordinates": {"lat": lat, "lng": lng},
        "values": values,
        "band_names": [f"b{i}" for i in range(1, ds.RasterCount + 1)],
    }
