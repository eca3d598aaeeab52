"""Downloaded results into the project: unpack archives, find every layer, add them in a named group.

:func:`expand_results` runs on a worker thread (it unpacks zips with :mod:`.archive`); :func:`add_files_to_project`
runs on the GUI thread and adds every layer it finds -- all layers of a GeoPackage, each shapefile, CSV
tables, GeoJSON/KML/DXF/TAB files, rasters -- to one group named after the job. Each layer keeps the CRS
its file declares (the export's CRS). A file that would make GDAL open other files or URLs (a ``.vrt``, a
service description, a sidecar naming an external overview: :mod:`.linked_files`) is never opened: it stays
on disk and the log says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from qgis.core import (
    QgsFeedback,
    QgsMapLayer,
    QgsProject,
    QgsProviderRegistry,
    QgsProviderSublayerDetails,
    QgsRasterLayer,
    QgsVectorLayer,
)

from . import log
from .archive import extract_zip
from .errors import GeodockError
from .i18n import tr
from .linked_files import link_reason

VECTOR_SUFFIXES = {".gpkg", ".shp", ".geojson", ".json", ".kml", ".kmz", ".dxf", ".tab", ".gml", ".sqlite", ".xlsx"}
TABLE_SUFFIXES = {".csv"}
RASTER_SUFFIXES = {".tif", ".tiff", ".jp2", ".img", ".kea", ".asc", ".jpg", ".jpeg", ".png", ".vrt"}
DIRECTORY_SUFFIXES = {".gdb"}  # file geodatabases are folders
SIDECARS = {".aux.xml", ".ovr", ".prj", ".dbf", ".shx", ".cpg", ".qix", ".sbn", ".sbx", ".xml", ".txt", ".pdf"}


def expand_results(paths: list[Path], folder: Path, feedback: Optional[QgsFeedback] = None) -> list[Path]:
    """The data files among ``paths``, zips unpacked (safely) into a folder beside them."""
    out: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.suffix.lower() == ".zip":
            target = path.with_suffix("")
            index = 1
            while target.exists() and any(target.iterdir()):
                target = path.with_name(f"{path.stem} ({index})")
                index += 1
            extract_zip(path, target, feedback)
            out.extend(data_files(target))
        else:
            out.append(path)
    return [path for path in out if not _refused(path)]


def _refused(path: Path) -> str:
    """Why ``path`` is not opened (logged), or ''."""
    reason = link_reason(path)
    if reason:
        log.warning(
            f"{path.name} was not opened: {reason}, which could make GDAL read other files or URLs"
            f" (the file is in {path.parent})"
        )
    return reason


def data_files(folder: Path) -> list[Path]:
    """The files (and file geodatabases) in ``folder`` that hold layers, sorted."""
    found: list[Path] = []
    for path in sorted(Path(folder).rglob("*")):
        suffix = path.suffix.lower()
        if any(parent.suffix.lower() in DIRECTORY_SUFFIXES for parent in path.parents):
            continue
        if path.is_dir():
            if suffix in DIRECTORY_SUFFIXES:
                found.append(path)
            continue
        if suffix in VECTOR_SUFFIXES | TABLE_SUFFIXES | RASTER_SUFFIXES | DIRECTORY_SUFFIXES:
            found.append(path)
    return found


def layers_of(path: Path) -> list[QgsMapLayer]:
    """Every valid layer in the file ``path`` (all sublayers of a GeoPackage), not yet in a project."""
    path = Path(path)
    layers: list[QgsMapLayer] = []
    suffix = path.suffix.lower()
    if _refused(path):
        return []
    if suffix in TABLE_SUFFIXES:
        table = QgsVectorLayer(str(path), path.stem, "ogr")
        return [table] if table.isValid() else []
    details: list[QgsProviderSublayerDetails] = QgsProviderRegistry.instance().querySublayers(str(path))
    single = len(details) == 1
    for detail in details:
        options = QgsProviderSublayerDetails.LayerOptions(QgsProject.instance().transformContext())
        options.loadDefaultStyle = False
        layer = detail.toLayer(options)
        if layer is None or not layer.isValid():
            continue
        layer.setName(path.stem if single else detail.name() or path.stem)
        layers.append(layer)
    if not layers and suffix in RASTER_SUFFIXES:
        raster = QgsRasterLayer(str(path), path.stem, "gdal")
        if raster.isValid():
            layers.append(raster)
    return layers


def add_files_to_project(files: list[Path], group_name: str, project: Optional[QgsProject] = None) -> list[QgsMapLayer]:
    """Add every layer of ``files`` to ``project`` in a (new) group named ``group_name``; return them."""
    project = project or QgsProject.instance()
    layers: list[QgsMapLayer] = []
    for path in files:
        if not Path(path).exists():
            raise GeodockError(
                tr("{name} is no longer on disk: download the results again").format(name=Path(path).name)
            )
        layers.extend(layers_of(Path(path)))
    if not layers:
        raise GeodockError(tr("No layer could be read from the results of {name}").format(name=group_name))
    root = project.layerTreeRoot()
    group = root.insertGroup(0, group_name)
    for layer in layers:
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    return layers
