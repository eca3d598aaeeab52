"""``geodock:fetchlayer`` through ``processing.run`` against the local Geobox, AmigoCloud and Koordinates servers."""

from __future__ import annotations

import pytest
from qgis.core import QgsApplication, QgsProcessingException, QgsVectorLayer, QgsWkbTypes


@pytest.fixture
def processing(qgis_processing):
    import processing as qgis_processing_module

    from geodock.plugin.processing.provider import GeodockProvider

    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("geodock")
    added = provider is None
    if added:
        provider = GeodockProvider()  # kept referenced: the registry does not own a Python-made provider
        registry.addProvider(provider)
    yield qgis_processing_module
    if added:
        registry.removeProvider(provider)


def test_fetch_geobox_layer_with_extent(processing, geobox_server, connections, tmp_path):
    connections.import_json({"connections": [geobox_server.connection()]})
    name = connections.all()[0].name
    from helpers import run_task

    from geodock.plugin.platforms import adapter_for
    from geodock.plugin.platforms.base import ListQuery

    adapter = adapter_for(connections.all()[0])
    found = run_task(lambda fb: adapter.list_page("vectors", ListQuery(search="countries"), None, None, fb))
    uuid = found.items[0].id
    whole = processing.run(
        "geodock:fetchlayer",
        {"CONNECTION": name, "RESOURCE": uuid, "OUTPUT": str(tmp_path / "all.gpkg")},
    )
    layer = QgsVectorLayer(whole["OUTPUT"], "all", "ogr")
    assert layer.isValid() and layer.featureCount() == found.items[0].feature_count
    assert layer.crs().authid() == "EPSG:4326"
    cropped = processing.run(
        "geodock:fetchlayer",
        {
            "CONNECTION": name,
            "RESOURCE": uuid,
            "EXTENT": "166,179,-48,-34 [EPSG:4326]",
            "OUTPUT": str(tmp_path / "nz.gpkg"),
        },
    )
    nz = QgsVectorLayer(cropped["OUTPUT"], "nz", "ogr")
    assert 0 < nz.featureCount() < layer.featureCount()


def test_fetch_amigocloud_table_is_attribute_only(processing, amigocloud_server, connections, tmp_path):
    connections.import_json({"connections": [amigocloud_server.connection()]})
    result = processing.run(
        "geodock:fetchlayer",
        {"CONNECTION": connections.all()[0].name, "RESOURCE": "4", "OUTPUT": str(tmp_path / "codes.gpkg")},
    )
    layer = QgsVectorLayer(result["OUTPUT"], "codes", "ogr")
    assert layer.isValid() and layer.featureCount() > 100
    assert layer.geometryType() == QgsWkbTypes.GeometryType.NullGeometry


def test_unknown_resource_is_a_clear_error(processing, amigocloud_server, connections, tmp_path):
    connections.import_json({"connections": [amigocloud_server.connection()]})
    with pytest.raises(QgsProcessingException, match="No AmigoCloud dataset 999"):
        processing.run(
            "geodock:fetchlayer",
            {"CONNECTION": connections.all()[0].name, "RESOURCE": "999", "OUTPUT": str(tmp_path / "x.gpkg")},
        )


def test_fetch_koordinates_layer_and_table_by_id(processing, koordinates_server, connections, tmp_path):
    """A Koordinates id names a layer or a table (one id sequence): both are fetched, the table without geometry."""
    from geodock.plugin.auth import trust_certificate_authorities

    trust_certificate_authorities([str(koordinates_server.ca_file)])
    connections.import_json({"connections": [koordinates_server.connection()]})
    name = connections.all()[0].name
    borders = processing.run(
        "geodock:fetchlayer", {"CONNECTION": name, "RESOURCE": "3", "OUTPUT": str(tmp_path / "b.gpkg")}
    )
    layer = QgsVectorLayer(borders["OUTPUT"], "borders", "ogr")
    assert layer.isValid() and layer.featureCount() > 0
    assert layer.geometryType() == QgsWkbTypes.GeometryType.LineGeometry
    codes = processing.run(
        "geodock:fetchlayer", {"CONNECTION": name, "RESOURCE": "5", "OUTPUT": str(tmp_path / "c.gpkg")}
    )
    table = QgsVectorLayer(codes["OUTPUT"], "codes", "ogr")
    assert table.isValid() and table.featureCount() > 100
    assert table.geometryType() == QgsWkbTypes.GeometryType.NullGeometry
