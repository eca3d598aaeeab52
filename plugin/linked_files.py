"""Result files that would make GDAL/OGR open other files or URLs: never opened from results.

A GDAL VRT (``<VRTDataset>``) or OGR VRT (``<OGRVRTDataSource>``) names its sources, and GDAL fetches them
when the file is opened, ``/vsicurl/http://intranet/...`` included; a GDAL WMS/WMTS/WCS service file does the
same, and an overview (``.ovr``) or ``.aux.xml`` sidecar can point a harmless-looking GeoTIFF at a URL.
GDAL 3.6 has no switch that turns network access off, so such files are not opened at all.

GDAL picks a driver by content, not by extension: a ``.tif`` that holds ``<VRTDataset`` is opened as a VRT.
So :func:`link_reason` looks at the bytes (as GDAL's drivers do) and asks GDAL which driver it would pick,
for the file itself and for its sidecars (files of the same name with another extension).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

REFERENCING_SUFFIXES = {".vrt"}  # GDAL and OGR virtual formats, whatever they hold
SNIFF_BYTES = 64 * 1024
# Text that makes GDAL open another dataset: virtual formats and service descriptions (GDAL picks their
# drivers by these roots, whatever the extension), a WFS schema GDAL's GML driver downloads, KML network links.
MARKERS = (
    b"<vrtdataset",
    b"<ogrvrtdatasource",
    b"<gdal_wms",
    b"<gdal_wmts",
    b"<wcs_gdal",
    b"<ogrwfsdatasource",
    b"<wmt_ms_capabilities",
    b"<wms_capabilities",
    b"<wms_tile_service",
    b"<tilemap",
    b"describefeaturetype",
    b"<networklink",
)
# In a sidecar (overviews, PAM .aux.xml) also a path or URL of another file: an external overview.
SIDECAR_MARKERS = (*MARKERS, b"overview_file", b"/vsi")
# The sidecars GDAL opens along with a raster: overviews, PAM metadata, masks, Erdas auxiliaries.
SIDECAR_SUFFIXES = (".ovr", ".aux.xml", ".aux", ".msk", ".rrd")
# GDAL/OGR drivers whose datasets are made of other datasets or of network services.
REFERENCING_DRIVERS = {
    "VRT",
    "OGR_VRT",
    "WMS",
    "WMTS",
    "WCS",
    "WFS",
    "OAPIF",
    "OGCAPI",
    "STACTA",
    "STACIT",
    "ESRIC",
    "HTTP",
    "PLMOSAIC",
    "PLSCENES",
    "EEDA",
    "EEDAI",
    "DAAS",
    "NGW",
    "GNMFILE",
}


def _marker_in(path: Path, markers: tuple[bytes, ...] = MARKERS) -> Optional[str]:
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return None
    head = head.replace(b"\x00", b"").lower()
    return next((marker.decode() for marker in markers if marker in head), None)


def _gdal_driver(path: Path) -> str:
    """The short name of the GDAL/OGR driver GDAL would open ``path`` with ('' when none)."""
    try:
        from osgeo import gdal
    except ImportError:  # QGIS ships GDAL's bindings; without them the markers still apply
        return ""
    try:
        driver = gdal.IdentifyDriverEx(str(path), gdal.OF_RASTER | gdal.OF_VECTOR)
    except RuntimeError:
        return ""
    return driver.ShortName.upper() if driver is not None else ""


def _own_reason(path: Path) -> str:
    if path.suffix.lower() in REFERENCING_SUFFIXES:
        return f"{path.name} is a virtual format ({path.suffix.lower()})"
    if path.is_dir():
        return ""
    marker = _marker_in(path)
    if marker:
        return f"{path.name} names other data ({marker})"
    driver = _gdal_driver(path)
    if driver in REFERENCING_DRIVERS:
        return f"{path.name} is a {driver} file"
    return ""


def sidecars(path: Path) -> list[Path]:
    """The sidecars GDAL may open along with ``path`` that exist: ``x.ovr``, ``x.tif.ovr``, ``x.tif.aux.xml``,
    ``x.tif.msk``... (also in upper case, as GDAL tries them)."""
    names = {
        base + end for base in (path.name, path.stem) for suffix in SIDECAR_SUFFIXES for end in (suffix, suffix.upper())
    }
    return sorted(candidate for candidate in (path.with_name(name) for name in names) if candidate.is_file())


def link_reason(path: Path) -> str:
    """Why opening ``path`` could make GDAL open other files or URLs ('' when it cannot)."""
    path = Path(path)
    reason = _own_reason(path)
    if reason:
        return reason
    if path.is_dir():
        return ""
    for sidecar in sidecars(path):
        marker = _marker_in(sidecar, SIDECAR_MARKERS)
        driver = "" if marker else _gdal_driver(sidecar)
        if marker or driver in REFERENCING_DRIVERS:
            return f"its sidecar {sidecar.name} names other data ({marker or driver})"
    return ""
