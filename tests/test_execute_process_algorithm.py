"""``geodock:executeprocess``, the per-process algorithms, a model, and a ``qgis_process`` run, on real servers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import headless_profile, qgis_process
from qgis.core import (
    QgsApplication,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QTimer

from geodock.plugin.connections import Connection


@pytest.fixture
def provider(geodock_provider):
    provider = geodock_provider
    if not provider.algorithms():
        provider.refreshAlgorithms()
    return provider


_keep: list = []


def ogc_connection(connections, server) -> Connection:
    (connection,) = connections.import_json({"connections": [server.connection()]})
    return connection


def points_layer(count: int = 3, crs: str = "EPSG:4326") -> QgsVectorLayer:
    layer = QgsVectorLayer(f"Point?crs={crs}&field=name:string", "points", "memory")
    features = []
    for index in range(count):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([f"p{index}"])
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(10 + index, 50 + index)))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    QgsProject.instance().addMapLayer(layer)
    return layer


def run(algorithm: str, parameters: dict, feedback=None):
    import processing

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run(algorithm, parameters, context=context, feedback=feedback or QgsProcessingFeedback())


def test_execute_buffer_on_wraptile_gives_a_layer_with_the_same_features(
    connections, wraptile_server, provider, tmp_path
):
    connection = ogc_connection(connections, wraptile_server)
    layer = points_layer(3)
    result = run(
        "geodock:executeprocess",
        {
            "CONNECTION": connection.name,
            "PROCESS": "buffer",
            "INPUTS": json.dumps({"features": layer.id(), "distance": 0.5}),
            "OUTPUT_FOLDER": str(tmp_path),
        },
    )
    assert result["JOB_ID"].startswith("job_")
    (path,) = result["LAYERS"]
    out = QgsVectorLayer(path, "buffered", "ogr")
    assert out.isValid() and out.featureCount() == 3
    assert sorted(f["name"] for f in out.getFeatures()) == ["p0", "p1", "p2"]
    area = next(out.getFeatures()).geometry().area()
    assert 0.7 < area < 0.8  # a 0.5° buffer of a point: ~pi/4
    results = json.loads(Path(result["RESULTS"]).read_text())
    assert results["outputs"]["result"]["file"] == path


def test_reprojects_layer_input_to_epsg4326(connections, wraptile_server, provider, tmp_path):
    connection = ogc_connection(connections, wraptile_server)
    layer = QgsVectorLayer("Point?crs=EPSG:3857&field=name:string", "merc", "memory")
    feature = QgsFeature(layer.fields())
    feature.setAttributes(["x"])
    feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(1113194.9, 0)))  # 10°E
    layer.dataProvider().addFeatures([feature])
    QgsProject.instance().addMapLayer(layer)
    result = run(
        "geodock:executeprocess",
        {
            "CONNECTION": connection.name,
            "PROCESS": "buffer",
            "INPUTS": json.dumps({"features": layer.id(), "distance": 0.1}),
            "OUTPUT_FOLDER": str(tmp_path),
        },
    )
    out = QgsVectorLayer(result["LAYERS"][0], "b", "ogr")
    centroid = next(out.getFeatures()).geometry().centroid().asPoint()
    assert abs(centroid.x() - 10.0) < 1e-3 and abs(centroid.y()) < 1e-3


def test_pygeoapi_location_flow_writes_plain_values(connections, pygeoapi_server, provider, tmp_path):
    connection = ogc_connection(connections, pygeoapi_server)
    result = run(
        "geodock:executeprocess",
        {
            "CONNECTION": connection.name,
            "PROCESS": "hello-world",
            "INPUTS": '{"name": "Geodock"}',
            "OUTPUT_FOLDER": str(tmp_path),
        },
    )
    assert len(result["JOB_ID"]) == 36  # a UUID from the Location header
    results = json.loads(Path(result["RESULTS"]).read_text())
    assert results["outputs"]["echo"] == "Hello Geodock!"
    assert result["LAYERS"] == []


def test_failing_process_raises_the_server_message(connections, wraptile_server, provider, tmp_path):
    connection = ogc_connection(connections, wraptile_server)
    with pytest.raises(QgsProcessingException, match="the demo process always fails"):
        run(
            "geodock:executeprocess",
            {"CONNECTION": connection.name, "PROCESS": "fail_job", "INPUTS": "{}", "OUTPUT_FOLDER": str(tmp_path)},
        )


def test_invalid_inputs_are_refused_before_sending(connections, wraptile_server, provider, tmp_path):
    connection = ogc_connection(connections, wraptile_server)
    with pytest.raises(QgsProcessingException, match="Distance must be at most 10"):
        run(
            "geodock:executeprocess",
            {
                "CONNECTION": connection.name,
                "PROCESS": "buffer",
                "INPUTS": '{"features": {"type": "FeatureCollection", "features": []}, "distance": 50}',
                "OUTPUT_FOLDER": str(tmp_path),
            },
        )
    with pytest.raises(QgsProcessingException, match="No Geodock connection named 'nope' \\(known OGC API"):
        run(
            "geodock:executeprocess",
            {"CONNECTION": "nope", "PROCESS": "buffer", "INPUTS": "{}", "OUTPUT_FOLDER": str(tmp_path)},
        )


def test_cancel_dismisses_the_job_on_the_server(connections, wraptile_server, provider, tmp_path):
    from geodock.plugin.platforms.ogcapi.adapter import OgcProcessesAdapter

    connection = ogc_connection(connections, wraptile_server)
    feedback = QgsProcessingFeedback()
    QTimer.singleShot(1500, feedback.cancel)
    with pytest.raises(QgsProcessingException, match="dismissed"):
        run(
            "geodock:executeprocess",
            {
                "CONNECTION": connection.name,
                "PROCESS": "slow_job",
                "INPUTS": '{"seconds": 30}',
                "OUTPUT_FOLDER": str(tmp_path),
            },
            feedback,
        )
    adapter = OgcProcessesAdapter(connection)
    slow = [j for j in adapter.jobs() if j.process_id == "slow_job"]
    assert (slow and slow[-1].status == "dismissed") or any(j.status == "dismissed" for j in slow)


def test_dynamic_algorithm_per_process(connections, wraptile_server, provider, tmp_path):
    from helpers import run_task

    from geodock.plugin.platforms.ogcapi.process_algorithms import cache_path, refresh_cache

    connection = ogc_connection(connections, wraptile_server)
    count = run_task(lambda feedback: refresh_cache(None, feedback))
    assert count == 5 and cache_path().exists()
    provider.refreshAlgorithms()
    algorithm = QgsApplication.processingRegistry().algorithmById("geodock:ogc_local_wraptile_buffer")
    assert algorithm is not None and algorithm.group() == connection.name
    distance = algorithm.parameterDefinition("distance")
    assert (distance.minimum(), distance.maximum(), distance.defaultValue()) == (0, 10, 1.0)
    assert algorithm.parameterDefinition("features").type() == "source"
    clip = QgsApplication.processingRegistry().algorithmById("geodock:ogc_local_wraptile_clip_summary")
    assert clip.parameterDefinition("bbox").type() == "extent"
    assert clip.parameterDefinition("layer").options() == ["countries", "states_provinces"]
    layer = points_layer(2)
    result = run(algorithm.id(), {"features": layer.id(), "distance": 0.2, "OUTPUT_FOLDER": str(tmp_path)})
    assert QgsVectorLayer(result["LAYERS"][0], "b", "ogr").featureCount() == 2
    result = run(clip.id(), {"bbox": "5,15,45,55 [EPSG:4326]", "layer": 0, "OUTPUT_FOLDER": str(tmp_path / "c")})
    summary = json.loads(Path(result["RESULTS"]).read_text())["outputs"]["summary"]
    assert summary["count"] > 3 and "Germany" in summary["names"]


def test_model_fetchlayer_buffer_executeprocess(connections, wraptile_server, amigocloud_server, provider, tmp_path):
    """fetchlayer (AmigoCloud vehicles, 5 points) → native:buffer → executeprocess (wraptile buffer), in a model."""
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildDependency,
        QgsProcessingModelOutput,
    )
    from qgis.core import (
        QgsProcessingModelChildParameterSource as Source,
    )

    registry = QgsApplication.processingRegistry()
    if registry.providerById("native") is None:
        from qgis.analysis import QgsNativeAlgorithms

        _keep.append(QgsNativeAlgorithms())
        registry.addProvider(_keep[-1])
    wraptile = ogc_connection(connections, wraptile_server)
    (amigo,) = connections.import_json({"connections": [amigocloud_server.connection()]}, replace=False)
    model = QgsProcessingModelAlgorithm("fetch, buffer, process", "geodock")
    fetch = QgsProcessingModelChildAlgorithm("geodock:fetchlayer")
    fetch.setChildId("fetch")
    fetch.addParameterSources("CONNECTION", [Source.fromStaticValue(amigo.name)])
    fetch.addParameterSources("RESOURCE", [Source.fromStaticValue("5")])
    fetch.addParameterSources("OUTPUT", [Source.fromStaticValue("TEMPORARY_OUTPUT")])
    model.addChildAlgorithm(fetch)
    buffer = QgsProcessingModelChildAlgorithm("native:buffer")
    buffer.setChildId("buffer")
    buffer.setDescription("buffer")  # model variables are named <description>_<output>: @buffer_OUTPUT
    buffer.addParameterSources("INPUT", [Source.fromChildOutput("fetch", "OUTPUT")])
    for name, value in {
        "DISTANCE": 0.01,
        "SEGMENTS": 5,
        "END_CAP_STYLE": 0,
        "JOIN_STYLE": 0,
        "MITER_LIMIT": 2,
        "DISSOLVE": False,
    }.items():
        buffer.addParameterSources(name, [Source.fromStaticValue(value)])
    # QGIS 3.22 exposes a child's layer output to expressions only as a layer object (@buffer_OUTPUT), which
    # no 3.22 expression function turns into an id or path; so the buffer writes to a known file and
    # executeprocess reads that path (a layer input given as a path), after the buffer (explicit dependency).
    buffered = tmp_path / "buffered.gpkg"
    buffer.addParameterSources("OUTPUT", [Source.fromStaticValue(str(buffered))])
    model.addChildAlgorithm(buffer)
    execute = QgsProcessingModelChildAlgorithm("geodock:executeprocess")
    execute.setChildId("execute")
    execute.addParameterSources("CONNECTION", [Source.fromStaticValue(wraptile.name)])
    execute.addParameterSources("PROCESS", [Source.fromStaticValue("buffer")])
    execute.addParameterSources(
        "INPUTS",
        [Source.fromStaticValue(json.dumps({"features": str(buffered), "distance": 0.5}))],
    )
    execute.addParameterSources("OUTPUT_FOLDER", [Source.fromStaticValue(str(tmp_path))])
    output = QgsProcessingModelOutput("results", "results")
    output.setChildId("execute")
    output.setChildOutputName("OUTPUT_FOLDER")
    execute.setModelOutputs({"results": output})
    execute.setDependencies([QgsProcessingModelChildDependency("buffer")])  # INPUTS reads the buffer's file
    model.addChildAlgorithm(execute)
    assert model.validate()[0], model.validate()[1]
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    try:
        outputs, ok = model.run({"execute:results": str(tmp_path / "out")}, context, feedback)
    except QgsProcessingException as err:
        raise AssertionError(str(err)) from None
    assert ok, feedback.textLog() if hasattr(feedback, "textLog") else ""
    assert QgsVectorLayer(str(buffered), "b", "ogr").featureCount() == 5  # the buffer ran, on fetched points
    (path,) = outputs["CHILD_RESULTS"]["execute"]["LAYERS"]
    assert Path(path).parent == tmp_path / "out"  # the model output chose the results folder
    layer = QgsVectorLayer(path, "r", "ogr")
    assert layer.featureCount() == 5
    assert {f.geometry().type() for f in layer.getFeatures()} == {QgsWkbTypes.PolygonGeometry}


def test_qgis_process_subprocess(connections, wraptile_server, tmp_path):
    """A fresh profile: import connections, then executeprocess, headless."""
    env, _profile = headless_profile(tmp_path)
    connections_file = tmp_path / "connections.json"
    connections_file.write_text(json.dumps({"connections": [wraptile_server.connection()]}))
    features = tmp_path / "points.geojson"
    features.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"n": i}, "geometry": {"type": "Point", "coordinates": [i, i]}}
                    for i in range(4)
                ],
            }
        )
    )
    qgis_process(env, "geodock:importconnections", INPUT=connections_file)
    out = tmp_path / "out"
    done = qgis_process(
        env,
        "geodock:executeprocess",
        CONNECTION="Local wraptile",
        PROCESS="buffer",
        INPUTS=json.dumps({"features": str(features), "distance": 0.25}),
        OUTPUT_FOLDER=out,
    )
    assert "JOB_ID:\tjob_" in done.stdout
    layer = QgsVectorLayer(str(out / "result.geojson"), "r", "ogr")
    assert layer.featureCount() == 4
