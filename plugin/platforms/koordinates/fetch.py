"""Local copies of Koordinates items: vector layers from WFS GeoJSON pages, tables through an export.

Tables have no WFS endpoint on Koordinates sites, so a table is exported as a GeoPackage (``POST exports/``,
polled until ``complete``), downloaded and copied into the target GeoPackage.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from osgeo import gdal
from qgis.core import QgsFeedback

from ...errors import GeodockError, UnreadableResponseError
from ...fetch import FeatureCopier, layer_name_for, ogr_source
from ...i18n import tr
from ...job_model import JobState
from ...jobs import wait_for_job
from ...net.client import HttpRequest
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
        raise GeodockError(
            tr("{title}: only vector layers and tables can be copied locally").format(title=resource.title)
        )
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
                raise UnreadableResponseError(
                    tr("The Koordinates WFS answered without GeoJSON features"), str(data)[:500]
                )
            copier.add_features(data["features"], total)
            start += len(data["features"])
            if len(data["features"]) < WFS_PAGE:
                break
        return copier.finish()


def _fetch_table(adapter: KoordinatesAdapter, resource: Resource, output: Path, feedback: Optional[QgsFeedback]) -> str:
    """Export the table as a GeoPackage, download it and copy its layer into ``output``."""
    from .exports import KoordinatesExportBackend, export_body

    backend = KoordinatesExportBackend(adapter.connection, adapter.client)
    item_url = resource.api_url or adapter.url(f"tables/{resource.id}/")
    body = export_body(
        [item_url], "EPSG:4326", {"table": "application/x-ogc-gpkg"}, f"geodock-{layer_name_for(resource)}"
    )
    job = backend.api.create(body, feedback).to_job(adapter.connection, add_to_project=False)
    status = wait_for_job(backend, job, feedback, timeout=EXPORT_TIMEOUT, progress=(0.0, 90.0))
    download_url = str(job.result.get("download_url") or "")
    if status.state != JobState.SUCCEEDED or not download_url:
        raise GeodockError(
            tr("The export of {title} ended {state}").format(title=resource.title, state=status.state.value),
            status.message,
        )
    with tempfile.TemporaryDirectory(prefix="geodock-export-", dir=str(output.parent)) as folder:
        result = download(
            adapter.client,
            HttpRequest(download_url, auth=adapter.auth, accept="*/*"),
            Path(folder),
            "export.zip",
            feedback=feedback,
        )
        with zipfile.ZipFile(result.path) as archive:
            members = [name for name in archive.namelist() if name.lower().endswith(".gpkg")]
        if not members:
            raise UnreadableResponseError(tr("The export of {title} holds no GeoPackage").format(title=resource.title))
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
            raise GeodockError(
                tr("Could not copy the exported table {title}").format(title=resource.title), gdal.GetLastErrorMsg()
            )
        written = None
        partial.replace(output)  # output: the caller's target (a new temporary file or Geodock's own cache copy)
    if feedback is not None:
        feedback.setProgress(100.0)
    return ogr_source(output, layer_name_for(resource))
