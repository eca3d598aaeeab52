"""Local copies of Koordinates items: vector layers from WFS GeoJSON pages, tables through an export.

Tables have no WFS endpoint on Koordinates sites, so a table is exported as a GeoPackage (``POST exports/``,
polled until ``complete``), downloaded and copied into the target GeoPackage.
"""

from __future__ import annotations

import tempfile
import time
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from osgeo import gdal
from qgis.core import QgsFeedback

from ...errors import GeodockError, UnreadableResponseError
from ...fetch import FeatureCopier, layer_name_for, ogr_source
from ...net.client import HttpRequest, wait
from ...net.download import download
from ..base import Resource

if TYPE_CHECKING:
    from .adapter import KoordinatesAdapter

WFS_PAGE = 5000
EXPORT_TIMEOUT = 30 * 60.0
Extent = tuple[float, float, float, float]


def fetch_item(
    adapter: KoordinatesAdapter,
    resource: Resource,
    output: Path,
    extent: Optional[Extent],
    feedback: Optional[QgsFeedback],
) -> str:
    """Copy ``resource`` (a vector layer or a table) into the GeoPackage ``output``; its OGR source."""
    if resource.kind == "table":
        return _fetch_table(adapter, resource, output, feedback)
    if resource.kind != "vector":
        raise GeodockError(f"{resource.title}: only vector layers and tables can be copied locally")
    return _fetch_wfs(adapter, resource, output, extent, feedback)


def _fetch_wfs(
    adapter: KoordinatesAdapter,
    resource: Resource,
    output: Path,
    extent: Optional[Extent],
    feedback: Optional[QgsFeedback],
) -> str:
    """GetFeature pages (GeoJSON, EPSG:4326) from the site's WFS; ``extent`` in EPSG:4326."""
    params: dict[str, Any] = {
        "SERVICE": "WFS",
        "VERSION": "1.1.0",
        "REQUEST": "GetFeature",
        "TYPENAME": f"layer-{resource.id}",
        "OUTPUTFORMAT": "application/vnd.geo+json",
        "SRSNAME": "EPSG:4326",
    }
    if extent is not None:
        xmin, ymin, xmax, ymax = extent
        params["BBOX"] = f"{ymin!r},{xmin!r},{ymax!r},{xmax!r},urn:ogc:def:crs:EPSG::4326"  # URN: lat/lon order
    total = None if extent is not None else resource.feature_count
    start = 0
    with FeatureCopier(output, layer_name_for(resource), "EPSG:4326", feedback) as copier:
        while True:
            copier.check_cancel()
            response = adapter.client.send(
                HttpRequest(
                    adapter.services_root + "wfs/",
                    params={**params, "STARTINDEX": start, "MAXFEATURES": WFS_PAGE},
                    auth=adapter.auth,
                    accept="application/json, application/vnd.geo+json",
                ),
                feedback,
            )
            data = response.json()
            if not isinstance(data, dict) or not isinstance(data.get("features"), list):
                raise UnreadableResponseError("The Koordinates WFS answered without GeoJSON features", str(data)[:500])
            copier.add_features(data["features"], total)
            start += len(data["features"])
            if len(data["features"]) < WFS_PAGE:
                break
        return copier.finish()


def _fetch_table(adapter: KoordinatesAdapter, resource: Resource, output: Path, feedback: Optional[QgsFeedback]) -> str:
    """Export the table as a GeoPackage, download it and copy its layer into ``output``."""
    item_url = resource.api_url or adapter.url(f"tables/{resource.id}/")
    body = {
        "crs": "EPSG:4326",
        "formats": {"table": "application/x-ogc-gpkg"},
        "items": [{"item": item_url}],
        "name": f"geodock-{layer_name_for(resource)}",
        "delivery": {"method": "download"},
    }
    export = adapter.client.send_json("POST", adapter.url("exports/"), body, auth=adapter.auth, feedback=feedback)
    export_url = export.get("url") if isinstance(export, dict) else None
    if not export_url:
        raise UnreadableResponseError("Koordinates answered an export without its URL", str(export)[:500])
    deadline = time.monotonic() + EXPORT_TIMEOUT
    while export.get("state") == "processing":
        if time.monotonic() > deadline:
            raise GeodockError(f"The export of {resource.title} did not finish in time")
        if feedback is not None and isinstance(export.get("progress"), (int, float)):
            feedback.setProgress(min(90.0, 90.0 * float(export["progress"])))
        wait(0.5, feedback)
        export = adapter.client.get_json(export_url, auth=adapter.auth, feedback=feedback)
    if export.get("state") != "complete" or not export.get("download_url"):
        raise GeodockError(f"The export of {resource.title} ended {export.get('state')}", str(export)[:500])
    with tempfile.TemporaryDirectory(prefix="geodock-export-", dir=str(output.parent)) as folder:
        result = download(
            adapter.client,
            HttpRequest(export["download_url"], auth=adapter.auth, accept="*/*"),
            Path(folder),
            "export.zip",
            feedback=feedback,
        )
        with zipfile.ZipFile(result.path) as archive:
            members = [name for name in archive.namelist() if name.lower().endswith(".gpkg")]
        if not members:
            raise UnreadableResponseError(f"The export of {resource.title} holds no GeoPackage")
        source = f"/vsizip/{result.path}/{members[0]}"
        partial = Path(folder) / "copy.gpkg"  # in this call's own folder: two fetches never share a partial file
        options = gdal.VectorTranslateOptions(
            format="GPKG",
            layerName=layer_name_for(resource),
            geometryType="NONE",
            layerCreationOptions=["FID=geodock_fid"],
        )
        written = gdal.VectorTranslate(str(partial), source, options=options)
        if written is None:
            raise GeodockError(f"Could not copy the exported table {resource.title}", gdal.GetLastErrorMsg())
        written = None
        partial.replace(output)  # output: the caller's target (a new temporary file or Geodock's own cache copy)
    if feedback is not None:
        feedback.setProgress(100.0)
    return ogr_source(output, layer_name_for(resource))
