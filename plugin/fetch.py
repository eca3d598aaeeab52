"""Copying remote features page by page into a local GeoPackage layer (shared by the adapters).

Where a platform has no endpoint QGIS can read natively (Geobox ``features/``, AmigoCloud's SQL API,
Koordinates tables), its adapter pages through the data and hands each page of GeoJSON features to a
:class:`FeatureCopier`. The copy goes into a temporary file beside the target, which replaces the target
only when complete: a cancelled or failed fetch never leaves half a layer where a project expects a whole
one. Writing uses OGR (GDAL's GeoJSON reader and GeoPackage writer), which ships with QGIS.

The copy also records each feature's server id (``ids``: the GeoJSON ``id``, or a property such as a primary
key) and, when complete, its *base* (the rows as fetched): what :mod:`plugin.sync` compares edits and the
server's changes with (see :mod:`plugin.sync.origin`).
"""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path
from typing import Any, Optional

from osgeo import gdal, ogr, osr
from qgis.core import QgsFeedback

from .errors import CancelledError, GeodockError, UnreadableResponseError
from .i18n import tr
from .platforms.base import Resource
from .sync.origin import database, record_base, record_ids

FID_COLUMN = "geodock_fid"


def layer_name_for(resource: Resource) -> str:
    """A GeoPackage layer name for ``resource``: its title reduced to safe characters."""
    name = re.sub(r"[^A-Za-z0-9_]+", "_", resource.title or resource.id).strip("_").lower()
    return (name or "layer")[:60]


def ogr_source(path: Path, layer_name: str) -> str:
    """The OGR data source string of ``layer_name`` in the GeoPackage ``path``."""
    return f"{path}|layername={layer_name}"


class FeatureCopier:
    """Appends pages of GeoJSON features to one GeoPackage layer; :meth:`finish` puts the file in place."""

    def __init__(
        self,
        path: Path,
        layer_name: str,
        crs: str = "EPSG:4326",
        feedback: Optional[QgsFeedback] = None,
        geometry: bool = True,
        ids: str = "id",
    ) -> None:
        """``ids``: where each feature's server id is: ``"id"`` the GeoJSON Feature's ``id`` (an integer one for
        :meth:`add_geojson`, which GDAL reads as the feature id), another name a property; ``""`` none."""
        self.path = Path(path)
        self.ids = ids
        self._server_ids: list[tuple[int, Optional[str], Optional[str]]] = []
        self.layer_name = layer_name
        self.crs = crs
        self.feedback = feedback
        self.geometry = geometry
        self.written = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = self.path.with_name(f".{self.path.stem}.{uuid.uuid4().hex[:8]}.partial.gpkg")
        self._memory = f"/vsimem/geodock-{uuid.uuid4().hex}.geojson"

    def __enter__(self) -> FeatureCopier:
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if error is not None:
            self.discard()

    def check_cancel(self) -> None:
        """Raise :class:`CancelledError` (removing the partial file) when the feedback was cancelled."""
        if self.feedback is not None and self.feedback.isCanceled():
            self.discard()
            raise CancelledError()

    def add_features(self, features: list[dict[str, Any]], total: Optional[int] = None) -> None:
        """Append one page of GeoJSON features; reports progress against ``total`` when known."""
        self.check_cancel()
        if not features:
            return
        text = json.dumps({"type": "FeatureCollection", "features": features})
        key = self.ids
        ids = [
            None if value is None else str(value)
            for value in (f.get("id") if key == "id" else (f.get("properties") or {}).get(key) for f in features)
        ]
        self._append(text.encode("utf-8"), len(features), total, ids if key else None)

    def add_geojson(self, body: bytes, total: Optional[int] = None) -> int:
        """Append one page given as a GeoJSON ``FeatureCollection`` document; return its number of features.

        The HTTP body goes to GDAL as it is: parsing a big page with ``json.loads`` (and writing it back with
        ``json.dumps``) would hold Python's GIL for a long while and stall the GUI thread; GDAL's parsing
        does not. Raises :class:`UnreadableResponseError` when the body is not a FeatureCollection.
        """
        self.check_cancel()
        head = body[:512].lstrip()
        if not head.startswith(b"{") or b'"features"' not in body:
            raise UnreadableResponseError(
                tr("The server answered a features page that is not GeoJSON"), body[:500].decode("utf-8", "replace")
            )
        return self._append(body, None, total)

    def _append(
        self, body: bytes, count: Optional[int], total: Optional[int], ids: Optional[list[Optional[str]]] = None
    ) -> int:
        gdal.FileFromMemBuffer(self._memory, body)
        try:
            source = gdal.OpenEx(self._memory, gdal.OF_VECTOR, allowed_drivers=["GeoJSON"])
            if source is None or source.GetLayerCount() != 1:
                raise UnreadableResponseError(
                    tr("The server answered a features page that GDAL could not read"),
                    f"{gdal.GetLastErrorMsg()}\n{body[:500].decode('utf-8', 'replace')}",
                )
            if count is None:
                count = source.GetLayer(0).GetFeatureCount()
            if ids is None and self.ids:
                ids = self._source_ids(source.GetLayer(0))
            if count:
                self._translate(source)
            source = None
        finally:
            gdal.Unlink(self._memory)
        if ids is not None:  # the copy's fids are given in order, from 1 (a new table)
            self._server_ids.extend((self.written + 1 + n, sid, None) for n, sid in enumerate(ids[:count]))
        self.written += count
        if self.feedback is not None and total:
            self.feedback.setProgress(min(99.0, 100.0 * self.written / total))
        return count

    def _source_ids(self, layer: Any) -> list[Optional[str]]:
        """The server ids of a GeoJSON page read by GDAL: its feature ids, or the ``ids`` property."""
        layer.ResetReading()
        if self.ids == "id":
            return [str(feature.GetFID()) for feature in layer]
        index = layer.GetLayerDefn().GetFieldIndex(self.ids)
        if index < 0:
            return [None] * layer.GetFeatureCount()
        return [feature.GetFieldAsString(index) if feature.IsFieldSetAndNotNull(index) else None for feature in layer]

    def _translate(self, source: Any) -> None:
        options = gdal.VectorTranslateOptions(
            format="GPKG",
            accessMode="append" if self.written else None,
            layerName=self.layer_name,
            dstSRS=self.crs if self.geometry else None,
            reproject=False,
            geometryType="PROMOTE_TO_MULTI" if self.geometry else "NONE",
            layerCreationOptions=None if self.written else [f"FID={FID_COLUMN}"],
        )
        result = gdal.VectorTranslate(str(self.partial), source, options=options)
        if result is None:
            raise GeodockError(
                tr("Could not write the fetched features to {file}").format(file=self.path.name), gdal.GetLastErrorMsg()
            )
        result = None  # closes the data source

    def _create_empty(self) -> None:
        driver = ogr.GetDriverByName("GPKG")
        ds = driver.CreateDataSource(str(self.partial))
        srs = None
        if self.geometry:
            srs = osr.SpatialReference()
            srs.SetFromUserInput(self.crs)
        ds.CreateLayer(self.layer_name, srs, ogr.wkbUnknown if self.geometry else ogr.wkbNone, [f"FID={FID_COLUMN}"])
        ds = None

    def finish(self) -> str:
        """Move the complete copy to ``path``; return its OGR source string."""
        self.check_cancel()
        if not self.written:
            self._create_empty()
        with database(self.partial) as db:
            record_ids(db, self.layer_name, self._server_ids)
            record_base(db, self.layer_name)
        os.replace(self.partial, self.path)
        if self.feedback is not None:
            self.feedback.setProgress(100.0)
        return ogr_source(self.path, self.layer_name)

    def discard(self) -> None:
        """Remove the partial copy (after a failure or cancel)."""
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.remove(str(self.partial) + suffix)
            except OSError:
                pass
