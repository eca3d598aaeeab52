"""The official ``amigocloud`` SDK as a second client of the local AmigoCloud server, for the plugin's sync tests.

Run with ``.venv-servers/bin/python tests/s4_amigocloud_sdk.py ROOT COMMAND JSON``; prints a JSON answer:

* ``create {"name", "points": [[x, y, label, pop], ...]}`` -> ``{"dataset"}``: a new dataset of project 1 made by
  ``upload_datafile`` (a GeoJSON file), once its import job has succeeded
* ``features {"dataset"}`` -> ``[{"id", "label", "pop", "xy"}]`` sorted by ``amigo_id`` (SQL through the SDK)
* ``update {"dataset", "id", "label"}``, ``delete {"dataset", "id"}``: one row changed or deleted with an SQL
  write POSTed by the SDK
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent / "sdk" / "_stubs"))  # gevent, imported for geocoding only
from amigocloud import AmigoCloud

TOKEN = "R:demo-amigocloud-token"
SQL = "users/1/projects/1/sql"


def _client(root: str) -> AmigoCloud:
    return AmigoCloud(token=TOKEN, base_url=root, use_websockets=False)


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _create(client: AmigoCloud, args: dict[str, Any]) -> dict[str, Any]:
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]}, "properties": {"label": t, "pop": p}}
        for x, y, t, p in args["points"]
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{args['name']}.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
        job = client.upload_datafile(1, 1, str(path))["job"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # polling the import job (a state, not a timing)
        status = client.get(f"/me/jobs/{job}")
        if status["status"] == "SUCCESS":
            return {"dataset": status["extra"]["dataset"]}
        if status["status"] == "FAILURE":
            raise SystemExit(f"import failed: {status['extra']}")
        time.sleep(0.05)
    raise SystemExit("import job did not end")


def run(root: str, command: str, args: dict[str, Any]) -> Any:
    client = _client(root)
    if command == "create":
        return _create(client, args)
    table = f"dataset_{int(args['dataset'])}"
    if command == "features":
        query = f"SELECT amigo_id, label, pop, ST_AsGeoJSON(wkb_geometry) AS g FROM {table} ORDER BY amigo_id"
        rows = client.get(SQL, params={"query": query, "limit": 1000})["data"]
        return [
            {"id": r["amigo_id"], "label": r["label"], "pop": r["pop"], "xy": json.loads(r["g"])["coordinates"]}
            for r in rows
        ]
    if command == "update":
        query = f"UPDATE {table} SET label = {_quote(args['label'])} WHERE amigo_id = {_quote(args['id'])}"
        return {"count": client.post(SQL, data={"query": query})["count"]}
    if command == "delete":
        query = f"DELETE FROM {table} WHERE amigo_id = {_quote(args['id'])}"
        return {"count": client.post(SQL, data={"query": query})["count"]}
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))))
