"""Execute options (outputs, response, transmission mode, sync/async) and REQUEST_FILE in the process algorithms."""

from __future__ import annotations

import json

import pytest
from d15_fixtures import ogc_connection, pygeoapi_binary_fixture  # noqa: F401  (a fixture)
from helpers import run_task
from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback, QgsProject

DESCRIPTION = {
    "id": "p",
    "jobControlOptions": ["async-execute", "sync-execute"],
    "inputs": {"n": {"schema": {"type": "integer"}}},
    "outputs": {"a": {"schema": {"type": "string"}}, "b": {"schema": {"type": "string"}}},
}


def _description(data=None):
    from geodock.plugin.platforms.ogcapi.process_description import ProcessDescription

    return ProcessDescription.from_json(data or DESCRIPTION)


def test_the_request_asks_only_what_was_chosen():
    from geodock.plugin.platforms.ogcapi.execute_options import (
        ExecuteOptions,
        build_request,
        check_options,
        raw_output_name,
    )

    description = _description()
    assert build_request({"n": 1}) == {"inputs": {"n": 1}}
    body = build_request({"n": 1}, ExecuteOptions(outputs=["b"], response="raw", transmission="reference"))
    assert body == {"inputs": {"n": 1}, "outputs": {"b": {"transmissionMode": "reference"}}, "response": "raw"}
    assert raw_output_name(body, description) == "b"
    every = build_request({}, ExecuteOptions(transmission="value"), description)
    assert every["outputs"] == {"a": {"transmissionMode": "value"}, "b": {"transmissionMode": "value"}}
    assert raw_output_name(every, description) == ""
    assert check_options(description, ExecuteOptions(outputs=["b"], mode="sync")) == []
    problems = check_options(description, ExecuteOptions(outputs=["zz"], response="all", transmission="x"))
    assert len(problems) == 3 and "zz" in problems[2]
    only_async = _description({**DESCRIPTION, "jobControlOptions": ["async-execute"]})
    assert check_options(only_async, ExecuteOptions(mode="sync")) and ExecuteOptions().asynchronous(only_async)
    only_sync = _description({**DESCRIPTION, "jobControlOptions": ["sync-execute"]})
    assert not ExecuteOptions().asynchronous(only_sync) and ExecuteOptions(mode="async").asynchronous(only_sync)


def _algorithm(connections, server, process_id):
    from geodock.plugin.platforms.ogcapi.adapter import OgcProcessesAdapter
    from geodock.plugin.platforms.ogcapi.process_algorithms import RemoteProcessAlgorithm

    adapter = OgcProcessesAdapter(ogc_connection(connections, server))
    description = run_task(lambda fb: adapter.describe(process_id, fb))
    algorithm = RemoteProcessAlgorithm(adapter.connection.name, description)
    algorithm.initAlgorithm()
    return algorithm


def _context():
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return context


def _save(path, process_id, body, asynchronous=False):
    from geodock.plugin.platforms.ogcapi.execution_request import SavedRequest, write_request_file

    write_request_file(path, SavedRequest(process_id, body, asynchronous))
    return str(path)


def test_a_request_file_is_the_request(connections, pygeoapi_binary, tmp_path):
    algorithm = _algorithm(connections, pygeoapi_binary, "geodock-binary")
    request = _save(
        tmp_path / "req.json", "geodock-binary", {"inputs": {"format": "gpkg"}, "outputs": {"result": {}}}, False
    )
    parameters = {"REQUEST_FILE": request, "format": 1, "OUTPUT_FOLDER": str(tmp_path / "out")}  # format: ignored
    assert algorithm.checkParameterValues(parameters, _context())[0]
    result, ok = algorithm.run(parameters, _context(), QgsProcessingFeedback())
    assert ok, result
    (path,) = result["LAYERS"]
    assert path.endswith("result.gpkg")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{"inputs": {"format": ', "is not JSON"),
        (json.dumps({"process_id": "hello-world", "inputs": {}}), "for the process hello-world"),
        (json.dumps({"inputs": {}, "outputs": {"nope": {}}}), "nope"),
        (json.dumps({"inputs": {"format": "mp3"}}), "(?i)format must be one of"),
        (json.dumps({"inputs": [1]}), "inputs"),
    ],
)
def test_a_bad_request_file_is_a_clear_error(connections, pygeoapi_binary, tmp_path, content, words):
    algorithm = _algorithm(connections, pygeoapi_binary, "geodock-binary")
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(QgsProcessingException, match=words):
        algorithm.processAlgorithm({"REQUEST_FILE": str(path), "OUTPUT_FOLDER": str(tmp_path)}, _context(), None)
    assert not [r for r in pygeoapi_binary_requests(tmp_path)]


def pygeoapi_binary_requests(folder):
    """Result files written into ``folder`` (none when the request was refused before it was sent)."""
    return [p for p in folder.iterdir() if p.name != "bad.json"]


def test_executeprocess_takes_the_process_and_options_from_the_file(
    connections, pygeoapi_binary, tmp_path, geodock_provider
):
    import processing

    connection = ogc_connection(connections, pygeoapi_binary)
    request = _save(tmp_path / "r.json", "geodock-binary", {"inputs": {"format": "png"}, "response": "raw"}, True)
    result = processing.run(
        "geodock:executeprocess",
        {"CONNECTION": connection.name, "REQUEST_FILE": request, "OUTPUT_FOLDER": str(tmp_path / "o")},
        context=_context(),
        feedback=QgsProcessingFeedback(),
    )
    (path,) = result["LAYERS"]
    assert path.endswith("result.png") and result["JOB_ID"]
    with pytest.raises(QgsProcessingException, match="no output zz"):
        processing.run(
            "geodock:executeprocess",
            {
                "CONNECTION": connection.name,
                "PROCESS": "geodock-binary",
                "OUTPUTS": "zz",
                "OUTPUT_FOLDER": str(tmp_path),
            },
            context=_context(),
            feedback=QgsProcessingFeedback(),
        )
