"""A QGIS vector layer as a file a platform can take: the GeoPackage it already is, or one written for it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from qgis.core import (
    QgsCoordinateTransformContext,
    QgsFeedback,
    QgsProviderRegistry,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from .errors import CancelledError, GeodockError
from .i18n import tr


class LayerFileError(GeodockError):
    """The layer could not be written to, or read back from, a file."""


def geopackage_path_of(layer: QgsVectorLayer) -> Optional[tuple[Path, Optional[str]]]:
    """``(file, table)`` when ``layer`` is a whole GeoPackage table that can be sent as it is (``table`` None:
    the file's only table)."""
    if layer.providerType() != "ogr" or layer.subsetString():
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = Path(parts.get("path") or "")
    if path.suffix.lower() != ".gpkg" or not path.is_file():
        return None
    if layer.isEditable() and layer.isModified():
        return None
    return path, (str(parts["layerName"]) if parts.get("layerName") else None)


def missing_source_file(layer: QgsVectorLayer) -> Optional[Path]:
    """The file a file-based ``layer`` was loaded from, when that file is gone (None otherwise)."""
    if layer.providerType() != "ogr":
        return None
    path = QgsProviderRegistry.instance().decodeUri("ogr", layer.source()).get("path") or ""
    return Path(path) if path and not Path(path).exists() else None


def safe_layer_name(name: str) -> str:
    """A table (and file) name GeoPackage and the platforms accept: word characters, at most 60 of them."""
    cleaned = re.sub(r"[^\w.-]+", "_", name.strip()).strip("_.")
    return cleaned[:60].rstrip("_.") or "layer"


def write_geopackage(layer: QgsVectorLayer, folder: Path, name: str, feedback: Optional[QgsFeedback]) -> Path:
    """Write ``layer`` (all features, its own CRS) to ``folder/<name>.gpkg``; returns the file."""
    target = folder / f"{safe_layer_name(name)}.gpkg"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = safe_layer_name(name)
    options.fileEncoding = "UTF-8"
    if feedback is not None:
        options.feedback = feedback
    result = QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(target), QgsCoordinateTransformContext(), options)
    code, message = result[0], result[1]
    if feedback is not None and feedback.isCanceled():
        raise CancelledError()
    if code != QgsVectorFileWriter.WriterError.NoError:
        raise LayerFileError(
            tr("Could not write {name} to a GeoPackage: {message}").format(name=layer.name(), message=message)
        )
    expected = layer.featureCount()
    written = QgsVectorLayer(f"{target}|layername={options.layerName}", "written", "ogr").featureCount()
    if expected > 0 and written == 0:  # e.g. its file was deleted after it was loaded: never publish it empty
        raise LayerFileError(
            tr("Could not read the features of {name}: is its data source still there?").format(name=layer.name())
        )
    return target
