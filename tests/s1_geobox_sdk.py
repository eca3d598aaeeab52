"""The official ``geobox`` SDK as a second client of the local Geobox server, for the plugin's sync tests.

Run with ``.venv-servers/bin/python tests/s1_geobox_sdk.py ROOT COMMAND JSON``; prints a JSON answer:

* ``create {"name", "points": [[x, y, label, pop], ...]}`` -> ``{"uuid"}``: a Point layer (label, pop) in EPSG:4326
* ``features {"uuid"}`` -> ``[{"id", "label", "pop", "xy"}]`` sorted by id (EPSG:4326)
* ``update {"uuid", "id", "label"}``, ``delete {"uuid", "id"}``: one feature changed or deleted by the SDK
* ``readonly {"uuid"}``: the layer's ``edit_settings.editable`` set to false (``set_settings``)
"""

from __future__ import annotations

import json
import sys
from typing import Any

from geobox import GeoboxClient
from geobox.enums import LayerType


def _client(root: str) -> GeoboxClient:
    return GeoboxClient(host=root, username="demo", password="demo-password")


def run(root: str, command: str, args: dict[str, Any]) -> Any:
    client = _client(root)
    if command == "create":
        fields = [{"name": "label", "datatype": "String"}, {"name": "pop", "datatype": "Integer"}]
        layer = client.create_vector(args["name"], LayerType.Point, fields=fields)
        for x, y, label, pop in args["points"]:
            feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]}}
            feature["properties"] = {"label": label, "pop": pop}
            layer.create_feature(feature, srid=4326)
        return {"uuid": layer.uuid}
    layer = client.get_vector(args["uuid"])
    if command == "features":
        found = layer.get_features(out_srid=4326, limit=1000)
        rows = [
            {"id": f.id, "label": f.properties.get("label"), "pop": f.properties.get("pop"), "xy": f.coordinates}
            for f in found
        ]
        return sorted(rows, key=lambda row: row["id"])
    if command == "update":
        feature = layer.get_feature(args["id"])
        feature.update(
            {"type": "Feature", "geometry": feature.data["geometry"], "properties": {"label": args["label"]}}
        )
        return {"ok": True}
    if command == "delete":
        layer.get_feature(args["id"]).delete()
        return {"ok": True}
    if command == "readonly":
        layer.set_settings(editable=False)
        return {"editable": layer.settings["edit_settings"]["editable"]}
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))))
