"""An OGC API – Processes server that speaks the earlier draft shapes, as some servers in the wild still do.

Run by the launcher (``tests/servers/launch.py``, name ``ogc-draft``) like every server here; the faults of
``common.py`` apply. What it does differently from OGC API – Processes 1.0:

* descriptions give ``inputs``/``outputs`` as lists of objects with an ``id`` (``observe``), or wrapped in
  ``{"process": {...}}`` with WPS-style ``input``/``output`` definitions (``literalDataDomains``, ``formats``,
  ``supportedCRS``: ``echo_old``);
* ``rel`` values are OGC URIs (``http://www.opengis.net/def/rel/ogc/1.0/execute``, ``.../results``, ...) or
  the draft's short names, and the process list has no ``links`` at all;
* execution is at the description's ``execute`` link, ``POST /processes/{id}/jobs`` (``/execution`` is 404),
  a job at ``/processes/{id}/jobs/{job}``, its results only where its ``results`` link says
  (``/processes/{id}/jobs/{job}/result``).

Processes really run (in the request, the job is final at once):

* ``observe``: ``when`` (date-time, with its offset), ``day`` (date, optional), ``weights`` (array of numbers),
  ``tags`` (array of strings, optional), ``layers`` (FeatureCollections, ``maxOccurs: unbounded``, each inline
  GeoJSON or a link to this server's ``/data/*.geojson``, a oneOf of GeoJSON and GML), ``mask`` (one such
  FeatureCollection or link, optional) → ``summary`` (JSON),
  ``merged`` (GeoJSON), ``preview`` (a PNG, by link) and ``table`` (CSV, by link);
* ``echo_old``: ``factor`` (double 0–10, default 2), ``mode`` (one of fast/exact), ``area`` (bbox), ``value``
  (a number) → ``product`` (``value * factor``), and the other inputs echoed.
"""

from __future__ import annotations

import datetime
import json
import struct
import sys
import uuid
import zlib
from pathlib import Path
from typing import Any

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import common

OGC_REL = "http://www.opengis.net/def/rel/ogc/1.0/"
GEOJSON = "application/geo+json"
FEATURES_SCHEMA = {
    "oneOf": [
        {"type": "string", "contentMediaType": "application/gml+xml; version=3.2"},
        {
            "allOf": [
                {"format": "geojson-feature-collection"},
                {"$ref": "https://geojson.org/schema/FeatureCollection.json"},
            ]
        },
    ]
}
POINTS = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"name": "a"}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
        {"type": "Feature", "properties": {"name": "b"}, "geometry": {"type": "Point", "coordinates": [3, 4]}},
    ],
}


def observe_description() -> dict[str, Any]:
    """``observe`` in the draft shape: lists with ``id``, a ``schema`` each."""
    return {
        "id": "observe",
        "title": "Observe layers at a time",
        "description": "Merges layers observed at a date and time, with weights and tags.",
        "version": "0.2.0",
        "jobControlOptions": ["async-execute", "sync-execute"],
        "outputTransmission": ["value", "reference"],
        "inputs": [
            {"id": "when", "title": "Observed at", "schema": {"type": "string", "format": "date-time"}},
            {
                "id": "day",
                "title": "Reporting day",
                "minOccurs": 0,
                "schema": {"type": "string", "format": "date", "default": "2024-01-01"},
            },
            {
                "id": "weights",
                "title": "Weights",
                "schema": {"type": "array", "minItems": 1, "items": {"type": "number", "title": "Weight"}},
            },
            {"id": "tags", "title": "Tags", "minOccurs": 0, "schema": {"type": "array", "items": {"type": "string"}}},
            {"id": "layers", "title": "Layers", "minOccurs": 1, "maxOccurs": "unbounded", "schema": FEATURES_SCHEMA},
            {"id": "mask", "title": "Mask", "minOccurs": 0, "schema": FEATURES_SCHEMA},
        ],
        "outputs": [
            {"id": "summary", "title": "Summary", "schema": {"type": "object"}},
            {"id": "merged", "title": "Merged", "schema": {"type": "object", "contentMediaType": GEOJSON}},
            {"id": "preview", "title": "Preview", "schema": {"type": "string", "contentMediaType": "image/png"}},
            {"id": "table", "title": "Table", "schema": {"type": "string", "contentMediaType": "text/csv"}},
        ],
    }


def echo_old_description() -> dict[str, Any]:
    """``echo_old`` in the oldest draft shape: wrapped in ``process``, WPS-style value definitions."""
    literal = {"dataType": {"name": "double"}, "valueDefinition": {"anyValue": True}}
    return {
        "process": {
            "id": "echo_old",
            "title": "Echo (old draft)",
            "version": "0.1.0",
            "inputs": [
                {
                    "id": "factor",
                    "title": "Factor",
                    "input": {
                        "literalDataDomains": [
                            {
                                "default": True,
                                "dataType": {"name": "double", "reference": "xs:double"},
                                "valueDefinition": {"allowedValues": [{"minimumValue": 0, "maximumValue": 10}]},
                                "defaultValue": 2,
                            }
                        ]
                    },
                    "minOccurs": 0,
                },
                {
                    "id": "mode",
                    "title": "Mode",
                    "input": {"literalDataDomains": [{"valueDefinition": {"allowedValues": ["fast", "exact"]}}]},
                },
                {"id": "value", "title": "Value", "input": {"literalDataDomains": [literal]}},
                {
                    "id": "area",
                    "title": "Area",
                    "minOccurs": 0,
                    "input": {
                        "supportedCRS": [{"crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84", "default": True}]
                    },
                },
            ],
            "outputs": [{"id": "product", "title": "Product", "output": {"literalDataDomains": [literal]}}],
        },
        "jobControlOptions": ["async-execute"],
    }


DESCRIPTIONS = {"observe": observe_description, "echo_old": echo_old_description}


def _links(request: web.Request, process_id: str) -> list[dict[str, Any]]:
    """The description's links: ``execute`` as an OGC URI (observe) or a short name (echo_old)."""
    rel = OGC_REL + "execute" if process_id == "observe" else "execute"
    href = f"{common.base_url(request)}/processes/{process_id}/jobs"
    return [{"rel": rel, "href": href, "type": "application/json", "title": "Execute"}]


async def landing(request: web.Request) -> web.Response:
    root = common.base_url(request)
    links = [
        {"rel": "self", "href": f"{root}/", "type": "application/json"},
        {"rel": OGC_REL + "processes", "href": f"{root}/processes", "type": "application/json"},
        {"rel": OGC_REL + "job-list", "href": f"{root}/jobs", "type": "application/json"},
        {"rel": "http://www.opengis.net/def/rel/ogc/1.0/conformance", "href": f"{root}/conformance"},
    ]
    return web.json_response({"title": "Draft processes", "description": "Array-shaped descriptions", "links": links})


async def conformance(request: web.Request) -> web.Response:
    base = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/"
    return web.json_response({"conformsTo": [base + "core", base + "json", base + "job-list"]})


async def processes(request: web.Request) -> web.Response:
    """The list, without ``links`` (neither the list's nor the processes')."""
    items = []
    for make in DESCRIPTIONS.values():
        data = make()
        data = data.get("process", data)
        items.append({k: data[k] for k in ("id", "title", "version") if k in data})
    return web.json_response({"processes": items})


async def describe(request: web.Request) -> web.Response:
    process_id = request.match_info["id"]
    if process_id not in DESCRIPTIONS:
        return web.json_response({"type": "no-such-process", "title": "No such process"}, status=404)
    data = DESCRIPTIONS[process_id]()
    data["links"] = _links(request, process_id)
    return web.json_response(data)


def _png(width: int = 4, height: int = 4) -> bytes:
    """A small real PNG (a grey gradient)."""
    rows = b"".join(b"\x00" + bytes((x * 60 + y * 10) % 256 for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


class InputProblem(ValueError):
    """An input the process cannot take (400)."""


def _collection(request: web.Request, value: Any) -> dict[str, Any]:
    """A FeatureCollection given inline, as a qualified value, or as a link to this server's data."""
    if isinstance(value, dict) and isinstance(value.get("href"), str):
        name = value["href"].split("?")[0].rsplit("/", 1)[-1]
        if not value["href"].startswith(common.base_url(request) + "/data/") or name != "points.geojson":
            raise InputProblem(f"cannot fetch {value['href']}")
        return POINTS
    value = value.get("value", value) if isinstance(value, dict) and "value" in value else value
    if not isinstance(value, dict) or value.get("type") != "FeatureCollection":
        raise InputProblem("layers: each value must be a GeoJSON FeatureCollection or a link")
    return value


def run_observe(request: web.Request, inputs: dict[str, Any], job_id: str, files: Path) -> dict[str, Any]:
    """Check and run ``observe``; write its files; the results document."""
    when = inputs.get("when")
    try:
        moment = datetime.datetime.fromisoformat(str(when).replace("Z", "+00:00"))
    except ValueError:
        raise InputProblem(f"when: not a date-time: {when!r}") from None
    if moment.tzinfo is None:
        raise InputProblem("when: a date-time needs its offset")
    day = datetime.date.fromisoformat(str(inputs.get("day", "2024-01-01")))
    weights = inputs.get("weights")
    if not isinstance(weights, list) or not weights or not all(isinstance(w, (int, float)) for w in weights):
        raise InputProblem("weights: a list of numbers")
    tags = inputs.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise InputProblem("tags: a list of strings")
    layers = inputs.get("layers")
    layers = layers if isinstance(layers, list) else [layers]
    features = [f for layer in layers for f in _collection(request, layer)["features"]]
    merged = {"type": "FeatureCollection", "features": features}
    table = "layer_count,feature_count,weight_sum\n" + f"{len(layers)},{len(features)},{sum(weights)}\n"
    (files / f"{job_id}.csv").write_text(table)
    (files / f"{job_id}.png").write_bytes(_png())
    summary = {
        "when": moment.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z"),
        "day": day.isoformat(),
        "weight_sum": sum(weights),
        "tags": tags,
        "layer_count": len(layers),
        "feature_count": len(features),
        "mask_features": len(_collection(request, inputs["mask"])["features"]) if "mask" in inputs else None,
    }
    root = common.base_url(request)
    return {
        "summary": summary,
        "merged": merged,
        "preview": {"href": f"{root}/files/{job_id}.png", "type": "image/png"},
        "table": {"href": f"{root}/files/{job_id}.csv", "type": "text/csv"},
    }


def run_echo_old(inputs: dict[str, Any]) -> dict[str, Any]:
    """Check and run ``echo_old``."""
    factor, value = inputs.get("factor", 2), inputs.get("value")
    if not isinstance(value, (int, float)) or not isinstance(factor, (int, float)) or not 0 <= factor <= 10:
        raise InputProblem("value must be a number and factor a number from 0 to 10")
    if inputs.get("mode") not in ("fast", "exact"):
        raise InputProblem("mode must be fast or exact")
    return {"product": value * factor, "mode": inputs["mode"], "area": inputs.get("area")}


def _status(request: web.Request, job: dict[str, Any]) -> dict[str, Any]:
    root = common.base_url(request)
    job_url = f"{root}/processes/{job['processID']}/jobs/{job['jobID']}"
    info = {k: v for k, v in job.items() if k != "results"}
    info["links"] = [
        {"rel": "self", "href": job_url, "type": "application/json"},
        {"rel": OGC_REL + "results", "href": f"{job_url}/result", "type": "application/json"},
    ]
    return info


async def execute(request: web.Request) -> web.Response:
    process_id = request.match_info["id"]
    if process_id not in DESCRIPTIONS:
        return web.json_response({"type": "no-such-process", "title": "No such process"}, status=404)
    try:
        body = await request.json()
    except ValueError:
        return web.json_response({"title": "The body is not JSON"}, status=400)
    inputs = body.get("inputs") if isinstance(body, dict) else None
    if not isinstance(inputs, dict):
        return web.json_response({"title": "inputs must be an object"}, status=400)
    job_id = uuid.uuid4().hex[:12]
    files = request.app["files"]
    try:
        if process_id == "observe":
            results = run_observe(request, inputs, job_id, files)
        else:
            results = run_echo_old(inputs)
    except InputProblem as err:
        return web.json_response({"type": "invalid-parameter-value", "title": str(err)}, status=400)
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    job = {"jobID": job_id, "processID": process_id, "status": "successful", "progress": 100, "message": "done"}
    job.update({"created": now, "started": now, "finished": now, "results": results})
    request.app["jobs"][job_id] = job
    request.app["requests"].append(body)
    location = f"{common.base_url(request)}/processes/{process_id}/jobs/{job_id}"
    return web.json_response(_status(request, job), status=201, headers={"Location": location})


def _job(request: web.Request) -> dict[str, Any]:
    job = request.app["jobs"].get(request.match_info["job"])
    if job is None or job["processID"] != request.match_info["id"]:
        raise web.HTTPNotFound(text=json.dumps({"title": "No such job"}), content_type="application/json")
    return job


async def job_status(request: web.Request) -> web.Response:
    return web.json_response(_status(request, _job(request)))


async def job_result(request: web.Request) -> web.Response:
    return web.json_response(_job(request)["results"])


async def job_delete(request: web.Request) -> web.Response:
    job = _job(request)
    del request.app["jobs"][job["jobID"]]
    return web.json_response({**_status(request, job), "status": "dismissed"})


async def job_list(request: web.Request) -> web.Response:
    return web.json_response({"jobs": [_status(request, job) for job in request.app["jobs"].values()], "links": []})


async def received(request: web.Request) -> web.Response:
    """The execute requests received so far (tests check what Geodock sent)."""
    return web.json_response(request.app["requests"])


async def data_file(request: web.Request) -> web.Response:
    if request.match_info["name"] != "points.geojson":
        raise web.HTTPNotFound()
    return web.Response(text=json.dumps(POINTS), content_type=GEOJSON)


async def result_file(request: web.Request) -> web.StreamResponse:
    path = request.app["files"] / request.match_info["name"]
    if "/" in request.match_info["name"] or not path.is_file():
        raise web.HTTPNotFound()
    media = "image/png" if path.suffix == ".png" else "text/csv"
    return web.Response(body=path.read_bytes(), content_type=media)


def build(data_dir: Path) -> web.Application:
    app = common.make_app("ogc-draft")
    app["jobs"] = {}
    app["requests"] = []
    app["files"] = data_dir / "files"
    app["files"].mkdir(parents=True, exist_ok=True)
    app.router.add_get("/", landing)
    app.router.add_get("/conformance", conformance)
    app.router.add_get("/processes", processes)
    app.router.add_get("/processes/{id}", describe)
    app.router.add_post("/processes/{id}/jobs", execute)
    app.router.add_get("/processes/{id}/jobs/{job}", job_status)
    app.router.add_delete("/processes/{id}/jobs/{job}", job_delete)
    app.router.add_get("/processes/{id}/jobs/{job}/result", job_result)
    app.router.add_get("/jobs", job_list)
    app.router.add_get("/data/{name}", data_file)
    app.router.add_get("/files/{name}", result_file)
    app.router.add_get("/__received__", received)
    return app


if __name__ == "__main__":
    args = common.arg_parser(__doc__ or "").parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    common.run(build(args.data_dir), args)
