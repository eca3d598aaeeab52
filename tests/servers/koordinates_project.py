"""Write the QGIS project ``qgis_mapserver`` serves for the local Koordinates server (run by QGIS's Python).

Run as ``/usr/bin/python3 koordinates_project.py SPEC.json OUT.qgs`` where ``SPEC.json`` is a list of
``{"name": "layer-1", "uri": "/path/world.gpkg|layername=countries", "provider": "ogr"|"gdal"}``. Every
vector layer is published for WFS (typename = layer name, e.g. ``layer-1``) and every layer for WMS
(the XYZ tiles are WMS GetMap requests). This module imports ``qgis.core`` and therefore must not be
imported by the aiohttp server (``.venv-servers``); ``koordinates_ows.py`` runs it as a child process.
"""

from __future__ import annotations

import json
import sys

from qgis.core import QgsApplication, QgsCoordinateReferenceSystem, QgsProject, QgsRasterLayer, QgsVectorLayer


def build(spec_path: str, out_path: str) -> int:
    """Create the project; returns a process exit status."""
    with open(spec_path) as handle:
        spec = json.load(handle)
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    wfs_ids = []
    for entry in spec:
        if entry["provider"] == "gdal":
            layer = QgsRasterLayer(entry["uri"], entry["name"], "gdal")
        else:
            layer = QgsVectorLayer(entry["uri"], entry["name"], "ogr")
        if not layer.isValid():
            print(f"invalid layer {entry}", file=sys.stderr)
            return 1
        layer.setShortName(entry["name"])
        layer.setTitle(entry.get("title", entry["name"]))
        project.addMapLayer(layer)
        if isinstance(layer, QgsVectorLayer):
            wfs_ids.append(layer.id())
    project.writeEntry("WFSLayers", "/", wfs_ids)
    for layer_id in wfs_ids:
        project.writeEntry("WFSLayersPrecision", "/" + layer_id, 8)
    project.writeEntry("WMSServiceCapabilities", "/", True)
    project.writeEntry("WMSServiceTitle", "/", "Local Koordinates")
    project.writeEntry("WMSCrsList", "/", ["EPSG:4326", "EPSG:3857", "EPSG:2193"])
    project.writeEntry("WFSUrl", "/", "")
    ok = project.write(out_path)
    app.exitQgis()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(build(sys.argv[1], sys.argv[2]))
