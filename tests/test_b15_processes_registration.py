"""Issue 15: one algorithm per remote OGC process as soon as a connection exists -- in the desktop (in the
background, after a connection is added), headless (``geodock:importconnections``, ``geodock:refreshprocesses``,
then ``qgis_process list`` and ``run`` in new calls), gone with its connection, and none from a server that
cannot be reached. Real servers (wraptile, pygeoapi), real ``qgis_process.bin`` in a throw-away profile."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path

import pytest
from helpers import headless_profile, qgis_process, wait_until
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)

from geodock.plugin.platforms import registry
from geodock.plugin.platforms.ogcapi import process_catalog
from geodock.plugin.platforms.ogcapi.process_catalog import cache_path, describe_connections, read_cache

BUFFER = "geodock:ogc_local_wraptile_buffer"
HELLO = "geodock:ogc_local_pygeoapi_hello_world"


def algorithm(algorithm_id: str):
    return QgsApplication.processingRegistry().algorithmById(algorithm_id)


@pytest.fixture
def fresh_cache(connections):
    """No description cache to start from (as in a new profile)."""
    cache_path().unlink(missing_ok=True)
    yield
    cache_path().unlink(missing_ok=True)


@pytest.fixture
def errors_logged():
    """The Geodock log's critical lines during the test."""
    lines: list[str] = []

    def keep(message, tag, level):
        if tag == "Geodock" and level == Qgis.MessageLevel.Critical:
            lines.append(message)

    QgsApplication.messageLog().messageReceived.connect(keep)
    yield lines
    QgsApplication.messageLog().messageReceived.disconnect(keep)


def down_entry(refused_port: int) -> dict:
    return {"name": "Down", "kind": "ogcapi-processes", "url": f"http://127.0.0.1:{refused_port}/"}


def run(algorithm_id: str, parameters: dict):
    import processing

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run(algorithm_id, parameters, context=context, feedback=QgsProcessingFeedback())


# Desktop ----------------------------------------------------------------------------------------------------


loads: list[str] = []


def record_load() -> None:
    loads.append("loaded")


def test_the_provider_runs_each_rows_on_load_and_the_ogc_row_watches_in_the_desktop_only(fresh_cache):
    """The provider (registered with the plugin) runs each row's ``on_load``; the OGC row's starts the watch
    only in the QGIS desktop (not here, nor in qgis_process); nothing is fetched at start either way."""
    from geodock.plugin.processing.provider import GeodockProvider

    row = registry.platform("ogcapi-processes")
    assert row.on_load == (".plugin.platforms.ogcapi.process_catalog:start_with_plugin",)
    assert row.dynamic_refresh == ".plugin.platforms.ogcapi.process_catalog:describe_connections"
    registry.register(
        registry.Platform("onload", "On load", "https://x.example/", "", on_load=(f"{__name__}:record_load",))
    )
    try:
        provider = GeodockProvider()
        assert provider.load()
        assert loads == ["loaded"]
        assert provider.algorithm("refreshprocesses") is not None
    finally:
        registry.unregister("onload")
    assert QgsApplication.platform() != "desktop"
    assert process_catalog._state["watching"] is False  # the OGC row's on_load ran too: this is no desktop
    assert QgsApplication.taskManager().activeTasks() == []  # no network at start
    process_catalog.watch_connections()  # what start_with_plugin does in the desktop
    assert process_catalog._state["watching"] is True
    process_catalog.unwatch_connections()
    assert process_catalog._state["watching"] is False


def test_adding_a_connection_registers_its_algorithms_in_the_background_and_removing_it_drops_them(
    fresh_cache, connections, wraptile_server, pygeoapi_server, geodock_provider
):
    process_catalog.watch_connections()  # (as the desktop plugin does at start)
    assert algorithm(BUFFER) is None
    (wraptile,) = connections.import_json({"connections": [wraptile_server.connection()]})
    # the GUI thread did not wait: the description runs in a task
    assert algorithm(BUFFER) is None
    assert [t.description() for t in QgsApplication.taskManager().activeTasks()] == [
        "Geodock: describing OGC processes"
    ]
    wait_until(lambda: algorithm(BUFFER) is not None, 30, "the wraptile algorithms")
    assert algorithm(BUFFER).group() == "Local wraptile"
    assert algorithm("geodock:ogc_local_wraptile_clip_summary") is not None
    assert algorithm(HELLO) is None
    connections.import_json({"connections": [pygeoapi_server.connection()]}, replace=False)
    wait_until(lambda: algorithm(HELLO) is not None, 30, "the pygeoapi algorithm")
    wait_until(lambda: not QgsApplication.taskManager().activeTasks(), 30, "the description task to end")
    assert algorithm(BUFFER) is not None  # wraptile was not described again, nor lost
    connections.remove(wraptile)
    assert algorithm(BUFFER) is None  # at once, without network
    assert algorithm(HELLO) is not None
    assert set(read_cache()) == {"Local pygeoapi"}
    assert not QgsApplication.taskManager().activeTasks()


def test_a_server_that_is_down_logs_an_error_offers_nothing_and_leaves_the_others(
    fresh_cache, connections, wraptile_server, refused_port, geodock_provider, errors_logged
):
    process_catalog.watch_connections()
    connections.import_json({"connections": [wraptile_server.connection(), down_entry(refused_port)]})
    wait_until(lambda: algorithm(BUFFER) is not None, 30, "the wraptile algorithms")
    wait_until(lambda: not QgsApplication.taskManager().activeTasks(), 30, "the description tasks to end")
    assert "Down" in read_cache() and read_cache()["Down"]["processes"] == []
    assert any(line.startswith("Down: its processes could not be listed") for line in errors_logged)
    assert not [a for a in geodock_provider.algorithms() if a.group() == "Down"]
    # the server is known to be down: another change does not ask it again (no retry storm)
    failed_at = read_cache()["Down"]["fetched"]
    connections.import_json({"connections": [{**wraptile_server.connection(), "name": "Other"}]}, replace=False)
    wait_until(lambda: algorithm("geodock:ogc_other_buffer") is not None, 30, "the second connection's")
    wait_until(lambda: not QgsApplication.taskManager().activeTasks(), 30, "the description task to end")
    assert read_cache()["Down"]["fetched"] == failed_at
    assert algorithm(BUFFER) is not None


def test_a_refresh_that_fails_leaves_nothing_stale(
    fresh_cache, connections, wraptile_server, refused_port, geodock_provider, errors_logged
):
    """A connection described once, whose server is down at the next refresh, offers no algorithm any more;
    ``geodock:refreshprocesses`` reports it and goes on with the others."""
    wraptile, down = connections.import_json({"connections": [wraptile_server.connection(), down_entry(refused_port)]})
    describe_connections([wraptile])
    cache = read_cache()  # what "Down" gave when it was up: the same processes
    cache["Down"] = {**cache["Local wraptile"], "url": down.url, "authcfg": down.authcfg}
    cache_path().write_text(json.dumps(cache))
    geodock_provider.refreshAlgorithms()
    assert algorithm("geodock:ogc_down_buffer") is not None and algorithm(BUFFER) is not None
    result = run("geodock:refreshprocesses", {})
    assert (result["ALGORITHMS"], result["FAILED"]) == (process_count(wraptile_server), 1)
    wait_until(lambda: algorithm("geodock:ogc_down_buffer") is None, 30, "Down's algorithms to go")
    assert algorithm(BUFFER) is not None
    assert any(line.startswith("Down: its processes could not be listed") for line in errors_logged)
    with pytest.raises(QgsProcessingException, match=r"refused|connect|reach"):
        run("geodock:refreshprocesses", {"CONNECTION": "Down"})
    with pytest.raises(QgsProcessingException, match="No connection named 'nope'"):
        run("geodock:refreshprocesses", {"CONNECTION": "nope"})
    result = run("geodock:refreshprocesses", {"CONNECTION": "Local wraptile"})
    assert (result["ALGORITHMS"], result["FAILED"]) == (process_count(wraptile_server), 0)


# Headless ---------------------------------------------------------------------------------------------------


def process_count(server) -> int:
    """How many processes the server lists now (a real request)."""
    with urllib.request.urlopen(f"{server.url}processes?f=json", timeout=30) as answer:
        return len(json.load(answer)["processes"])


def qgis_process_list(env: dict[str, str]) -> str:
    done = subprocess.run(["qgis_process.bin", "list"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_headless_import_lists_and_runs_the_process_algorithms(
    wraptile_server, pygeoapi_server, refused_port, tmp_path
):
    env, profile = headless_profile(tmp_path)
    entries = [wraptile_server.connection(), pygeoapi_server.connection(), down_entry(refused_port)]
    connections_file = tmp_path / "connections.json"
    connections_file.write_text(json.dumps({"connections": entries}))
    assert BUFFER not in qgis_process_list(env)
    imported = qgis_process(env, "geodock:importconnections", INPUT=connections_file)
    expected = process_count(wraptile_server) + process_count(pygeoapi_server)
    assert "COUNT:\t3" in imported.stdout, imported.stdout
    assert f"PROCESS_ALGORITHMS:\t{expected}" in imported.stdout, imported.stdout
    assert "Down: its processes could not be described" in imported.stdout + imported.stderr
    listed = qgis_process_list(env)
    for name in ("buffer", "clip_summary", "fail_job", "slow_job"):
        assert f"geodock:ogc_local_wraptile_{name}" in listed
    assert HELLO in listed
    assert "geodock:ogc_down_" not in listed
    assert (profile / "geodock" / "ogc_processes.json").exists()
    features = tmp_path / "points.geojson"
    points = [
        {"type": "Feature", "properties": {"n": i}, "geometry": {"type": "Point", "coordinates": [i, i]}}
        for i in range(3)
    ]
    features.write_text(json.dumps({"type": "FeatureCollection", "features": points}))
    out = tmp_path / "out"
    done = qgis_process(env, BUFFER, features=features, distance=0.25, OUTPUT_FOLDER=out)
    assert "JOB_ID:\tjob_" in done.stdout
    layer = QgsVectorLayer(str(out / "result.geojson"), "r", "ogr")
    assert layer.featureCount() == 3
    assert 0.18 < next(layer.getFeatures()).geometry().area() < 0.2  # a 0.25° buffer: ~pi/16
    hello = qgis_process(env, HELLO, name="Geodock", OUTPUT_FOLDER=tmp_path / "hello")
    results = json.loads(Path(hello.stdout.split("RESULTS:\t")[1].splitlines()[0]).read_text())
    assert results["outputs"]["echo"] == "Hello Geodock!"


def test_headless_refreshprocesses_fills_what_list_shows(wraptile_server, tmp_path):
    """A profile whose connection was set up without its processes (cache removed): refreshprocesses brings
    them, for the one connection named."""
    env, profile = headless_profile(tmp_path)
    connections_file = tmp_path / "connections.json"
    connections_file.write_text(json.dumps({"connections": [wraptile_server.connection()]}))
    qgis_process(env, "geodock:importconnections", INPUT=connections_file)
    (profile / "geodock" / "ogc_processes.json").unlink()
    assert BUFFER not in qgis_process_list(env)
    done = qgis_process(env, "geodock:refreshprocesses", CONNECTION="Local wraptile")
    assert f"ALGORITHMS:\t{process_count(wraptile_server)}" in done.stdout, done.stdout
    assert "FAILED:\t0" in done.stdout, done.stdout
    assert BUFFER in qgis_process_list(env)
