"""The official ``geobox`` SDK making the bench's writes: one PUT per feature (``Feature.update``).

Run with ``.venv-servers/bin/python tests/bench/geobox_sdk_writes.py ROOT JSON`` where JSON is
``{"uuid", "ids": [...], "label"}``; the features are read first (untimed), then each of ``ids`` gets
``label`` with its geometry, as Geodock's sync sends them. Prints ``{"seconds": <the writes' time>}``.
"""

from __future__ import annotations

import json
import sys
import time

from geobox import GeoboxClient


def main(root: str, args: dict) -> dict:
    client = GeoboxClient(host=root, username="demo", password="demo-password")
    layer = client.get_vector(args["uuid"])
    wanted = {int(i) for i in args["ids"]}
    features = [f for f in layer.get_features(out_srid=4326, limit=100000) if int(f.id) in wanted]
    if len(features) != len(wanted):
        raise SystemExit(f"found {len(features)} of {len(wanted)} features")
    start = time.perf_counter()
    for feature in features:
        geojson = {
            "type": "Feature",
            "geometry": feature.data["geometry"],
            "properties": {"label": f"{args['label']}-{feature.id}"},
        }
        feature.update(geojson, srid=4326)
    return {"seconds": time.perf_counter() - start}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], json.loads(sys.argv[2]))))
