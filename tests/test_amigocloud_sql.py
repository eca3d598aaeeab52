"""The AmigoCloud SQL API module against the local server: cursor paging, writes, engine errors with their
position, tables, query results as a GeoPackage, and ``geodock:amigocloudsql``."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_task
from qgis.core import QgsVectorLayer, QgsWkbTypes

from geodock.plugin.connections import Connection
from geodock.plugin.platforms.amigocloud.sql import AmigoCloudSql, SqlError, is_write, line_column


def amigo_connection(connections, server) -> Connection:
    connections.import_json({"connections": [server.connection()]})
    return connections.all()[0]


def test_is_write_and_line_column():
    assert is_write("UPDATE dataset_1 SET a = 1")
    assert is_write("  -- note\n delete from t")
    assert is_write("WITH x AS (SELECT 1) UPDATE t SET a = 1")
    assert not is_write("select * from dataset_1")
    assert not is_write("WITH x AS (SELECT 1) SELECT * FROM x")
    assert line_column("select *\nfrom t wher x", 22) == (2, 13)
    assert line_column("abc", None) == (None, None)


def test_select_pages_through_the_cursor(connections, amigocloud_server):
    connection = amigo_connection(connections, amigocloud_server)
    query = "SELECT ogc_fid, name FROM dataset_1 ORDER BY ogc_fid"
    pages = run_task(lambda feedback: list(AmigoCloudSql(connection).iter_pages("1", query, feedback, limit=100)))
    assert len(pages) >= 2
    assert pages[0].next and not pages[-1].next
    ids = [row[0] for page in pages for row in page.rows]
    assert len(ids) == pages[0].count == len(set(ids))
    assert ids == sorted(ids)
    assert [c.name for c in pages[0].columns] == ["ogc_fid", "name"]


def test_write_reports_rows_affected(connections, amigocloud_server):
    connection = amigo_connection(connections, amigocloud_server)
    query = "UPDATE dataset_1 SET wb_a2 = wb_a2 WHERE iso_a2 IN ('NO', 'SE')"
    assert run_task(lambda feedback: AmigoCloudSql(connection).execute_write("1", query, feedback)) == 2


def test_syntax_error_carries_message_and_position(connections, amigocloud_server):
    connection = amigo_connection(connections, amigocloud_server)
    query = "SELECT name\nFROM dataset_1\nWHER iso_a2 = 'x'"
    with pytest.raises(SqlError) as raised:
        run_task(lambda feedback: AmigoCloudSql(connection).run_select("1", query, feedback))
    error = raised.value
    assert "syntax error" in error.engine_message
    assert error.position is not None
    assert (error.line, error.column) == line_column(query, error.position)
    assert (error.line, error.column) == (3, 6)
    assert "line 3" in error.message


def test_tables_with_columns(connections, amigocloud_server):
    connection = amigo_connection(connections, amigocloud_server)
    tables = {t.table_name: t for t in run_task(lambda feedback: AmigoCloudSql(connection).list_tables("1", feedback))}
    assert {"dataset_1", "dataset_2", "dataset_3", "dataset_4"} <= set(tables)
    assert tables["dataset_1"].name == "countries"
    assert "name" in [c.name for c in tables["dataset_1"].columns]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT name, iso_a2, wkb_geometry FROM dataset_1 WHERE iso_a2 IN ('NO', 'SE', 'FI')",
        "SELECT name, iso_a2, ST_AsGeoJSON(wkb_geometry) FROM dataset_1 WHERE iso_a2 IN ('NO', 'SE', 'FI')",
    ],
)
def test_query_to_geopackage(connections, amigocloud_server, tmp_path: Path, query: str):
    connection = amigo_connection(connections, amigocloud_server)
    output = run_task(
        lambda feedback: AmigoCloudSql(connection).query_to_geopackage("1", query, tmp_path / "q.gpkg", feedback)
    )
    layer = QgsVectorLayer(f"{output}|layername=query", "q", "ogr")
    assert layer.isValid()
    assert layer.featureCount() == 3
    assert layer.geometryType() == QgsWkbTypes.GeometryType.PolygonGeometry
    assert layer.crs().authid() == "EPSG:4326"
    names = sorted(f["name"] for f in layer.getFeatures())
    assert names == ["Finland", "Norway", "Sweden"]
    assert all(not f.geometry().isEmpty() for f in layer.getFeatures())


def test_processing_algorithm(connections, amigocloud_server, geodock_provider):
    import processing

    connection = amigo_connection(connections, amigocloud_server)
    result = processing.run(
        "geodock:amigocloudsql",
        {
            "CONNECTION": connection.name,
            "PROJECT": 2,
            "QUERY": "SELECT amigo_id, ST_AsGeoJSON(wkb_geometry) FROM dataset_5",
            "OUTPUT": "TEMPORARY_OUTPUT",
        },
    )
    layer = result["OUTPUT"]
    if isinstance(layer, str):
        from qgis.core import QgsProcessingContext  # noqa: F401

        layer = QgsVectorLayer(layer, "out", "ogr")
    assert layer.featureCount() == 5
    assert layer.geometryType() == QgsWkbTypes.GeometryType.PointGeometry
    assert "amigo_id" in layer.fields().names()
