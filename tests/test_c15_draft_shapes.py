"""Description shapes seen in the wild (OGC API – Processes 1.0, the draft's arrays with ``id``, the oldest
``{"process"}`` WPS-style), ``rel`` links as OGC URIs, a process list without links, on a real draft server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from c15_fixtures import draft_server_fixture  # noqa: F401  # the ogc_draft_server fixture
from qgis.core import (
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDate, QDateTime, Qt, QTime

from geodock.plugin.platforms.ogcapi.adapter import OgcProcessesAdapter
from geodock.plugin.platforms.ogcapi.jobs import run_to_end
from geodock.plugin.platforms.ogcapi.process_description import InputKind, ProcessDescription
from geodock.plugin.platforms.ogcapi.process_shapes import forget_links, link_href, process_list

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
BBOX_1_0 = {
    "type": "object",
    "format": "ogc-bbox",
    "properties": {"bbox": {"type": "array"}, "crs": {"type": "string", "enum": [CRS84], "default": CRS84}},
}
ONE_0 = {
    "id": "p",
    "inputs": {
        "factor": {"schema": {"type": "number", "minimum": 0, "maximum": 10, "default": 2}, "minOccurs": 0},
        "mode": {"schema": {"type": "string", "enum": ["fast", "exact"]}},
        "area": {"schema": BBOX_1_0, "minOccurs": 0},
        "layers": {"schema": {"format": "geojson-feature-collection"}, "maxOccurs": "unbounded"},
    },
    "outputs": {"product": {"schema": {"type": "number"}}},
}
DRAFT = {  # the same process, as the draft gave it: lists of objects with an id
    "id": "p",
    "inputs": [{"id": name, **value} for name, value in ONE_0["inputs"].items()],
    "outputs": [{"id": "product", "schema": {"type": "number"}}],
}
OLDEST = {  # and as the oldest drafts did: wrapped in "process", WPS-style value definitions
    "process": {
        "id": "p",
        "inputs": [
            {
                "id": "factor",
                "minOccurs": 0,
                "input": {
                    "literalDataDomains": [
                        {
                            "dataType": {"name": "double"},
                            "valueDefinition": {"allowedValues": [{"minimumValue": 0, "maximumValue": 10}]},
                            "defaultValue": 2,
                        }
                    ]
                },
            },
            {
                "id": "mode",
                "input": {"literalDataDomains": [{"valueDefinition": {"allowedValues": ["fast", "exact"]}}]},
            },
            {"id": "area", "minOccurs": 0, "input": {"supportedCRS": [{"crs": CRS84, "default": True}]}},
            {"id": "layers", "maxOccurs": "unbounded", "input": {"formats": [{"mimeType": "application/geo+json"}]}},
        ],
        "outputs": [{"id": "product", "output": {"literalDataDomains": [{"dataType": {"name": "double"}}]}}],
    },
    "links": [{"rel": "execute", "href": "/processes/p/jobs"}],
}


def summary(description: ProcessDescription) -> list[tuple]:
    return [
        (i.name, i.kind, i.item.kind if i.item else None, i.minimum, i.maximum, i.default, i.enum, i.required)
        for i in description.inputs
    ]


@pytest.mark.parametrize("shape", [DRAFT, OLDEST], ids=["draft arrays", "oldest process wrapper"])
def test_every_description_shape_reads_as_the_1_0_one(shape):
    expected = summary(ProcessDescription.from_json(ONE_0))
    assert expected == [
        ("factor", InputKind.NUMBER, None, 0.0, 10.0, 2, [], False),
        ("mode", InputKind.ENUM, None, None, None, None, ["fast", "exact"], True),
        ("area", InputKind.BBOX, None, None, None, None, [], False),
        ("layers", InputKind.ARRAY, InputKind.FEATURES, None, None, None, [], True),
    ]
    description = ProcessDescription.from_json(shape)
    assert summary(description) == expected
    assert description.input("area").bbox_crs_options() == [CRS84]
    assert [(o.name, o.kind) for o in description.outputs] == [("product", InputKind.NUMBER)]
    assert description.raw is shape  # the cache keeps what the server said


def test_rel_links_short_or_as_ogc_uris_and_lists_without_links():
    links = [
        {"rel": "self", "href": "/jobs/1"},
        {"rel": "results", "href": "/jobs/1/results?f=html", "type": "text/html"},
        {"rel": "http://www.opengis.net/def/rel/ogc/1.0/results", "href": "/jobs/1/result", "type": "application/json"},
        {"rel": "http://www.opengis.net/def/rel/ogc/1.0/execute", "href": "https://h.example/p/jobs"},
    ]
    assert link_href(links, ("results",), "http://a.example/api/") == "http://a.example/jobs/1/result"  # JSON first
    assert link_href(links, ("execute",)) == "https://h.example/p/jobs"
    assert link_href(links, ("job-list",)) is None
    assert link_href("not a list", ("results",)) is None
    assert process_list([{"id": "a"}]) == {"processes": [{"id": "a"}]}
    description = ProcessDescription.from_json({**ONE_0, "links": links})
    assert description.execute_href() == "https://h.example/p/jobs"


def connect(connections, server):
    (connection,) = connections.import_json({"connections": [server.connection()]})
    return OgcProcessesAdapter(connection)


def test_the_draft_server_is_listed_described_and_run_through_its_links(connections, ogc_draft_server, tmp_path):
    forget_links()
    adapter = connect(connections, ogc_draft_server)
    assert adapter.landing_page().title == "Draft processes"
    assert [p.id for p in adapter.processes()] == ["observe", "echo_old"]  # a list without links
    # Executed before any description was read: /execution is 404, the execute link (a short rel) is found.
    body = {"inputs": {"value": 3, "mode": "fast", "factor": 2.5}}
    info, written = run_to_end(adapter, "echo_old", body, tmp_path, None, lambda _info: None)
    assert info.status == "successful"
    assert json.loads(written.results_file.read_text())["outputs"]["product"] == 7.5
    # The results were only where the job's results link (an OGC URI) said: /processes/echo_old/jobs/<id>/result.
    job_url = f"{ogc_draft_server.root}/processes/echo_old/jobs/{info.job_id}"
    assert adapter.results(job_url)["product"] == 7.5
    description = adapter.describe("observe")
    assert adapter.execution_url("observe") == ogc_draft_server.root + "/processes/observe/jobs"
    kinds = {i.name: (i.kind, i.item.kind if i.item else None) for i in description.inputs}
    assert kinds == {
        "when": (InputKind.DATETIME, None),
        "day": (InputKind.DATE, None),
        "weights": (InputKind.ARRAY, InputKind.NUMBER),
        "tags": (InputKind.ARRAY, InputKind.STRING),
        "layers": (InputKind.ARRAY, InputKind.FEATURES),
        "mask": (InputKind.FEATURES, None),
    }
    mask = description.input("mask")
    assert mask.offers_link and set(mask.media_types) == {"application/geo+json", "application/gml+xml; version=3.2"}
    old = adapter.describe("echo_old")
    assert old.input("factor").maximum == 10 and old.input("mode").enum == ["fast", "exact"]


def points(name: str, count: int) -> QgsVectorLayer:
    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", name, "memory")
    for index in range(count):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([f"{name}{index}"])
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(index, index)))
        layer.dataProvider().addFeatures([feature])
    QgsProject.instance().addMapLayer(layer)
    return layer


def test_a_per_process_algorithm_sends_dates_lists_several_layers_and_links(connections, ogc_draft_server, tmp_path):
    from geodock.plugin.platforms.ogcapi.process_algorithms import RemoteProcessAlgorithm

    adapter = connect(connections, ogc_draft_server)
    algorithm = RemoteProcessAlgorithm(adapter.connection.name, adapter.describe("observe")).create()
    types = {name: algorithm.parameterDefinition(name).type() for name in ("when", "day", "weights", "tags", "layers")}
    assert types == {
        "when": "datetime",
        "day": "datetime",
        "weights": "matrix",
        "tags": "matrix",
        "layers": "multilayer",
    }
    assert algorithm.parameterDefinition("day").dataType() == algorithm.parameterDefinition("day").Type.Date
    assert algorithm.parameterDefinition("day").defaultValue() is not None
    assert "URL" in algorithm.parameterDefinition("mask").help()
    one, two = points("one", 2), points("two", 3)
    parameters = {
        "when": QDateTime(QDate(2024, 5, 1), QTime(14, 30), Qt.TimeSpec.OffsetFromUTC, 2 * 3600),
        "day": QDate(2024, 2, 29),
        "weights": [1, "2.5"],
        "tags": "red,green",
        "layers": [one.id(), two.id()],
        "mask": ogc_draft_server.root + "/data/points.geojson",
        "OUTPUT_FOLDER": str(tmp_path),
    }
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    results, ok = algorithm.run(parameters, context, QgsProcessingFeedback())
    assert ok, results
    sent = ogc_draft_server._send_json("GET", "/__received__")[-1]["inputs"]
    assert sent["when"] == "2024-05-01T12:30:00Z"
    assert sent["weights"] == [1, 2.5] and sent["tags"] == ["red", "green"]
    assert [len(c["features"]) for c in sent["layers"]] == [2, 3]
    assert sent["mask"] == {"href": ogc_draft_server.root + "/data/points.geojson"}
    outputs = json.loads(Path(results["RESULTS"]).read_text())["outputs"]
    assert outputs["summary"]["feature_count"] == 5 and outputs["summary"]["mask_features"] == 2
    assert sent["day"] == "2024-02-29" and outputs["summary"]["day"] == "2024-02-29"
