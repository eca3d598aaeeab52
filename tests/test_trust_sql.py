"""Trust boundary of the SQL Geodock builds and runs (issue 13, item 11).

* Names a server hands over (table, geometry column, primary key) reach the SQL API quoted as identifiers:
  a hostile AmigoCloud whose primary key is ``id"; DROP TABLE x; --`` gets that name back, quoted, inside one
  read statement; a name with NUL is refused with a typed error.
* "Is this a write?" cannot be fooled: whatever is not provably one read statement is a write. The console
  asks first, and ``geodock:amigocloudsql`` refuses it without sending anything.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from helpers import run_task, wait_until
from qgis.core import QgsProcessingException
from qgis.PyQt.QtWidgets import QMessageBox
from test_sql_console import MessageBoxAnswerer

from geodock.plugin.errors import UnreadableResponseError
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.amigocloud.realtime.live_layer import DatasetRef, _snapshot
from geodock.plugin.platforms.amigocloud.sql import is_write
from geodock.plugin.platforms.base import Resource

HOSTILE_KEY = 'id"; DROP TABLE x; --'
HOSTILE_TABLE = 'dataset_7"; DROP TABLE y; --'
HOSTILE_GEOMETRY = 'geom") FROM t; DELETE FROM z; --'
DATASET = "/api/v1/users/1/projects/1/datasets/7"
POINT = '{"type": "Point", "coordinates": [1, 2]}'

#: Each fooled the old check (a write that looked like a read), the four of the issue first.
BYPASSES = [
    "WITH gone AS (DELETE FROM dataset_1 RETURNING *) SELECT count(*) FROM gone",
    "SELECT 1; DROP TABLE dataset_1",
    "EXPLAIN ANALYZE DELETE FROM dataset_1",
    "MERGE INTO dataset_1 d USING dataset_2 s ON d.id = s.id WHEN MATCHED THEN DELETE",
    "explain (analyze, format json) update dataset_1 set name = 'x'",
    "SELECT * INTO stolen FROM dataset_1",
    "SELECT * FROM dataset_1 FOR UPDATE",
    "SELECT set_config('search_path', 'evil', false)",
    "SELECT 'a'; /* comment */ DELETE FROM dataset_1",
    "SELECT $$ quoted $$; DELETE FROM dataset_1",
    "SELECT 'x\\'; DELETE FROM dataset_1; --'",  # ends elsewhere with standard_conforming_strings off
    "COPY dataset_1 TO '/tmp/out.csv'",
    "CALL cleanup()",
    "DO $$ BEGIN DELETE FROM dataset_1; END $$",
    "VACUUM dataset_1",
    "SELECT 'unterminated",
]

#: Reads stay reads: keywords inside strings, quoted names, comments and dollar quotes do not count.
READS = [
    "SELECT * FROM dataset_1",
    "select name from dataset_1 where name = 'DELETE; DROP TABLE x';",
    'SELECT "delete", "update" FROM dataset_1 -- ; DROP TABLE x',
    "SELECT $tag$ ; DELETE FROM t $tag$ AS text /* ; DROP /* nested */ TABLE t */",
    "WITH recent AS (SELECT * FROM dataset_1 WHERE updated_at > now() - interval '1 day') SELECT * FROM recent",
    "EXPLAIN SELECT * FROM dataset_1",
    "EXPLAIN ANALYZE SELECT count(*) FROM dataset_1",
    "VALUES (1, 'a')",
    "TABLE dataset_1",
    "SHOW search_path",
    "(SELECT 1) UNION (SELECT 2)",
    "SELECT E'it\\'s; DELETE' AS text",
    "WITH notes AS (SELECT 1) SELECT * FROM notes WHERE note = ') delete'",  # the old check took this for a write
]


def _hostile_amigocloud(connections, hostile, dataset: dict) -> None:
    """``hostile`` plays an AmigoCloud serving ``dataset`` (id 7 of project 1) and its SQL API."""
    answer = {"columns": [{"name": "name", "type": "string"}], "count": 1}
    hostile.script(
        {"path": DATASET, "json": dataset},
        {
            "path": f"{DATASET}/schema",
            "json": {"table_name": HOSTILE_TABLE, "schema": [{"name": "name", "type": "string"}]},
        },
        {
            "path": "/api/v1/users/1/projects/1/sql",
            "json": dict(answer, data=[{"name": "a", "geodock_geojson": POINT}]),
        },
        {
            "path": "/api/v1/projects/1/sql",
            "json": {
                "columns": [{"name": "object_id"}, {"name": "geojson"}],
                "count": 1,
                "data": [{"object_id": 1, "geojson": POINT}],
            },
        },
        {"path": "/api/v1/users/1/projects/1/datasets/7/start_websocket_session", "json": {"websocket_session": "s"}},
    )
    entry = {
        "name": "Hostile AmigoCloud",
        "kind": "amigocloud",
        "url": f"{hostile.root}/api/v1/",
        "credentials": {"token": "R:hostile-sql-token-0123456789"},
    }
    connections.import_json({"connections": [entry]})


def _dataset(**names: str) -> dict:
    doc = {
        "id": 7,
        "name": "evil",
        "url": "{root}" + DATASET,
        "table_name": HOSTILE_TABLE,
        "geometry_column": HOSTILE_GEOMETRY,
        "primary_key": HOSTILE_KEY,
        "geometry_type": "POINT",
        "srid": 4326,
        "feature_count": 1,
        "schema": "{root}" + DATASET + "/schema",
        "sql": "{root}/api/v1/users/1/projects/1/sql",
    }
    doc.update(names)
    return doc


def _queries_sent(hostile) -> list[str]:
    return [
        parse_qs(request["query"])["query"][0]
        for request in hostile.received()
        if request["path"].endswith("/sql") and "query=" in request["query"]
    ]


def test_quoting_of_names_and_values():
    from geodock.plugin.platforms.amigocloud.postgres_sql import quote_identifier, quote_literal

    assert quote_identifier(HOSTILE_KEY) == '"id""; DROP TABLE x; --"'
    assert quote_literal("it's \\ fine") == "E'it''s \\\\ fine'"
    assert quote_literal(1.5) == "1.5"
    for bad in ("", "a\x00b"):
        with pytest.raises(UnreadableResponseError):
            quote_identifier(bad)
    with pytest.raises(ValueError):
        quote_literal(float("nan"))


def test_hostile_names_reach_the_sql_api_quoted(connections, hostile, tmp_path):
    _hostile_amigocloud(connections, hostile, _dataset())
    adapter = adapter_for(connections.all()[0])
    resource = Resource("7", "dataset", "evil", api_url=f"{hostile.root}{DATASET}")
    run_task(lambda fb: adapter.fetch_features(resource, str(tmp_path / "evil.gpkg"), (0.0, 0.0, 5.0, 5.0), fb))
    (query,) = _queries_sent(hostile)
    assert 'FROM "dataset_7""; DROP TABLE y; --"' in query
    assert 'ST_AsGeoJSON("geom"") FROM t; DELETE FROM z; --")' in query
    assert query.endswith(' ORDER BY "id""; DROP TABLE x; --"')
    assert not is_write(query)  # still one read statement, whatever the names hold


def test_live_layer_snapshot_quotes_hostile_names(connections, hostile):
    _hostile_amigocloud(connections, hostile, _dataset())
    adapter = adapter_for(connections.all()[0])
    rows = run_task(lambda fb: _snapshot(adapter, DatasetRef("1", "7", "evil", owner="1"), fb))
    assert rows == [{"object_id": 1, "longitude": 1, "latitude": 2}]
    (query,) = _queries_sent(hostile)
    assert query.startswith('SELECT "id""; DROP TABLE x; --" AS object_id')
    assert not is_write(query)


def test_a_name_with_nul_is_refused(connections, hostile, tmp_path):
    _hostile_amigocloud(connections, hostile, _dataset(primary_key="id\x00; DROP TABLE x"))
    adapter = adapter_for(connections.all()[0])
    resource = Resource("7", "dataset", "evil", api_url=f"{hostile.root}{DATASET}")
    with pytest.raises(UnreadableResponseError):
        run_task(lambda fb: adapter.fetch_features(resource, str(tmp_path / "evil.gpkg"), None, fb))
    assert _queries_sent(hostile) == []


@pytest.mark.parametrize("query", BYPASSES)
def test_whatever_is_not_provably_one_read_is_a_write(query):
    assert is_write(query)


def test_reads_stay_reads():
    misread = [query for query in READS if is_write(query)]
    assert misread == []


@pytest.mark.parametrize("query", BYPASSES[:4])
def test_the_algorithm_refuses_a_disguised_write_without_sending_it(connections, hostile, geodock_provider, query):
    from qgis import processing

    _hostile_amigocloud(connections, hostile, _dataset())
    parameters = {"CONNECTION": "Hostile AmigoCloud", "PROJECT": 1, "QUERY": query, "OUTPUT": "TEMPORARY_OUTPUT"}
    with pytest.raises(QgsProcessingException, match="Only read queries"):
        processing.run("geodock:amigocloudsql", parameters)
    assert _queries_sent(hostile) == []


def test_the_console_asks_before_a_disguised_write(connections, hostile):
    from geodock.ui.platforms.amigocloud.sql_console import SqlConsole

    _hostile_amigocloud(connections, hostile, _dataset())
    hostile.add_rules(
        {"path": "/api/v1/me/projects", "json": {"count": 1, "next": None, "results": [{"id": 1, "name": "P"}]}},
        {"path": "/api/v1/projects/1/datasets", "json": {"count": 0, "next": None, "results": []}},
    )
    console = SqlConsole(None, connections.all()[0], "1")
    console.show()
    try:
        wait_until(lambda: console.project_id() == "1", 30, "the project")
        declined = MessageBoxAnswerer(QMessageBox.StandardButton.Cancel)
        console.editor.setText("SELECT 1; DROP TABLE dataset_1")
        console.run_button.click()
        wait_until(lambda: console.status.text() == "Write cancelled", 10, "the question")
        assert "changes data" in declined.text
        assert _queries_sent(hostile) == []
    finally:
        console.close()


def test_the_console_shows_server_names_as_text_and_types_them_quoted(connections, hostile):
    from qgis.PyQt.QtCore import Qt

    from geodock.ui.platforms.amigocloud.sql_console import SqlConsole

    _hostile_amigocloud(connections, hostile, _dataset())
    dataset = {"id": 7, "name": '<img src="/dev/zero">', "url": "{root}" + DATASET}
    hostile.add_rules(
        {"path": "/api/v1/me/projects", "json": {"count": 1, "next": None, "results": [{"id": 1, "name": "P"}]}},
        {"path": "/api/v1/projects/1/datasets", "json": {"count": 1, "next": None, "results": [dataset]}},
    )
    console = SqlConsole(None, connections.all()[0], "1")
    console.show()
    try:
        wait_until(lambda: console.tables.topLevelItemCount() == 1, 30, "the hostile table")
        item = console.tables.topLevelItem(0)
        assert "&lt;img" in item.toolTip(0) and "<img" not in item.toolTip(0)
        assert console.status.textFormat() == Qt.TextFormat.PlainText
        console.editor.setText("")
        console.tables.itemDoubleClicked.emit(item, 0)
        assert console.editor.text() == '"dataset_7""; DROP TABLE y; --"'
    finally:
        console.close()
