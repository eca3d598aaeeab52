"""What an OGC result's media type means for Geodock: the file extension it implies, whether its bytes match it.

A server says what a result is with a media type (a ``Content-Type`` header, an output's ``mediaType`` or a
link's ``type``). Geodock names the file it saves after that type (``image/tiff; application=geotiff`` →
``.tif``), never after a name the server gives, so a server cannot make Geodock write a ``.vrt`` or a
``.qgs``. The type is a claim, not a fact: :func:`content_matches` compares the first bytes with what the type
promises (a TIFF or PNG signature, a zip or SQLite header, text for CSV). A file whose bytes say otherwise is
kept as ``.bin`` and never opened as a layer (:func:`settle_file`).
"""

from __future__ import annotations

from pathlib import Path

from ... import log
from ...net.filenames import commit_reserved, reserve

# Media type (without parameters, lower case) → extension. GeoTIFF is image/tiff with a parameter.
EXTENSIONS = {
    "image/tiff": ".tif",
    "image/geotiff": ".tif",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/jp2": ".jp2",
    "application/zip": ".zip",
    "application/x-zip-compressed": ".zip",
    "text/csv": ".csv",
    "application/csv": ".csv",
    "application/geopackage+sqlite3": ".gpkg",
    "application/x-geopackage": ".gpkg",
    "application/vnd.sqlite3": ".sqlite",
    "application/x-sqlite3": ".sqlite",
    "application/geo+json": ".geojson",
    "application/vnd.geo+json": ".geojson",
    "application/json": ".json",
    "application/gml+xml": ".gml",
    "application/vnd.google-earth.kml+xml": ".kml",
    "application/vnd.google-earth.kmz": ".kmz",
    "application/x-netcdf": ".nc",
    "application/netcdf": ".nc",
    "application/x-hdf5": ".h5",
    "application/pdf": ".pdf",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "text/plain": ".txt",
}
UNKNOWN_EXTENSION = ".bin"
# The first bytes each extension's files start with (any one of them).
SIGNATURES = {
    ".tif": (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jp2": (b"\x00\x00\x00\x0cjP  ", b"\xff\x4f\xff\x51"),
    ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
    ".kmz": (b"PK\x03\x04",),
    ".gpkg": (b"SQLite format 3\x00",),
    ".sqlite": (b"SQLite format 3\x00",),
    ".nc": (b"CDF\x01", b"CDF\x02", b"\x89HDF\r\n\x1a\n"),
    ".h5": (b"\x89HDF\r\n\x1a\n",),
    ".pdf": (b"%PDF",),
}
TEXT_EXTENSIONS = {".csv", ".txt", ".json", ".geojson", ".gml", ".kml", ".xml"}
HEAD_BYTES = 4096  # what :func:`content_matches` looks at


def base_type(media_type: str) -> str:
    """``media_type`` without its parameters, lower case (``image/tiff; application=geotiff`` → ``image/tiff``)."""
    return str(media_type or "").split(";", 1)[0].strip().lower()


def is_json_type(media_type: str) -> bool:
    """Whether ``media_type`` is JSON (``application/json``, ``application/geo+json``, any ``+json``)."""
    base = base_type(media_type)
    return base in ("application/json", "text/json") or base.endswith("+json")


def is_geojson_type(media_type: str) -> bool:
    """Whether ``media_type`` is GeoJSON."""
    return base_type(media_type) in ("application/geo+json", "application/vnd.geo+json")


def extension_for(media_type: str) -> str:
    """The file extension ``media_type`` implies (``.bin`` for a type Geodock does not know)."""
    base = base_type(media_type)
    if base in EXTENSIONS:
        return EXTENSIONS[base]
    if base.endswith("+json"):
        return ".json"
    if base.endswith("+xml"):
        return ".xml"
    return UNKNOWN_EXTENSION


def is_plain_value_type(media_type: str) -> bool:
    """Whether an inline value of ``media_type`` is shown as a value rather than saved (text, JSON, none)."""
    base = base_type(media_type)
    return not base or base == "text/plain" or (is_json_type(base) and not is_geojson_type(base))


def content_matches(head: bytes, extension: str) -> bool:
    """Whether a file starting with ``head`` can be what ``extension`` promises."""
    extension = extension.lower()
    if extension in SIGNATURES:
        return head.startswith(SIGNATURES[extension])
    if extension in TEXT_EXTENSIONS:
        sample = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if b"\x00" in sample:
            return False
        if extension in (".json", ".geojson"):
            return sample[:1] in (b"{", b"[")
        if extension in (".gml", ".kml", ".xml"):
            return sample[:1] == b"<"
        return not sample.lower().startswith((b"<!doctype", b"<html", b"<?xml", b"<vrtdataset", b"<ogrvrt"))
    return True  # .bin and types without a signature: nothing promised


def read_head(path: Path) -> bytes:
    """The first :data:`HEAD_BYTES` bytes of ``path`` (empty when unreadable)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(HEAD_BYTES)
    except OSError:
        return b""


def settle_file(path: Path, media_type: str) -> Path:
    """``path`` as saved, or renamed to ``.bin`` when its bytes are not what ``media_type`` says (logged)."""
    path = Path(path)
    extension = path.suffix.lower()
    if content_matches(read_head(path), extension):
        return path
    target, made = reserve(path.with_name(path.stem + UNKNOWN_EXTENSION))
    moved = commit_reserved(path, target, made)
    log.warning(
        f"{path.name}: the server said {base_type(media_type) or 'nothing'} but the content is not {extension};"
        f" kept as {moved.name} and not opened"
    )
    return moved
