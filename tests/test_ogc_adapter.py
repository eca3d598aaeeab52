"""The OGC API – Processes adapter on real wraptile and pygeoapi: their differences absorbed."""

from __future__ import annotations

import pytest
from helpers import run_task

from geodock.plugin.errors import NotFoundError, ValidationError
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.base import ListQuery
from geodock.plugin.platforms.ogcapi.process_description import InputKind


def adapter(connections, server):
    (connection,) = connections.import_json({"connections": [server.connection()]})
    return adapter_for(connection)


def test_catalog_kinds_and_search(connections, wraptile_server):
    ogc = adapter(connections, wraptile_server)
    assert [k.id for k in ogc.browse_kinds()] == ["processes"]
    page = run_task(lambda fb: ogc.list_page("processes", ListQuery(search="slow"), None, None, fb))
    assert [r.id for r in page.items] == ["slow_job"] and page.items[0].title == "Slow job"


def test_describe_kinds(connections, wraptile_server):
    ogc = adapter(connections, wraptile_server)
    clip = run_task(lambda fb: ogc.describe("clip_summary", fb))
    assert clip.input("bbox").kind == InputKind.BBOX and clip.input("bbox").required
    assert clip.input("layer").enum == ["countries", "states_provinces"] and clip.input("layer").optional


def test_errors_carry_the_server_message(connections, wraptile_server, pygeoapi_server):
    wt = adapter(connections, wraptile_server)
    with pytest.raises(NotFoundError, match="Process 'nope' does not exist"):
        run_task(lambda fb: wt.describe("nope", fb))
    with pytest.raises(ValidationError):
        run_task(lambda fb: wt.execute("buffer", {"inputs": {"distance": "x"}}, fb))
    pg = adapter(connections, pygeoapi_server)
    with pytest.raises(NotFoundError, match="Identifier not found"):
        run_task(lambda fb: pg.describe("nope", fb))


def test_pygeoapi_async_sync_and_dismiss(connections, pygeoapi_server):
    pg = adapter(connections, pygeoapi_server)
    outcome = run_task(lambda fb: pg.execute("hello-world", {"inputs": {"name": "A"}}, fb))
    assert outcome.results is None and outcome.job_url.endswith(outcome.job_id)
    sync = run_task(lambda fb: pg.execute("hello-world", {"inputs": {"name": "A"}}, fb, asynchronous=False))
    assert sync.results == {"id": "echo", "value": "Hello A!"}
    dismissed = run_task(lambda fb: pg.dismiss(outcome.job_url, fb))  # JSON labelled text/html
    assert dismissed.status == "dismissed"
    assert outcome.job_id not in [j.job_id for j in run_task(lambda fb: pg.jobs(fb))]


def test_wraptile_201_without_location(connections, wraptile_server):
    wt = adapter(connections, wraptile_server)
    outcome = run_task(lambda fb: wt.execute("export_file", {"inputs": {}}, fb))
    assert outcome.job_id.startswith("job_") and outcome.job_url.endswith(f"/jobs/{outcome.job_id}")
    assert outcome.status.status in ("accepted", "running", "successful")
