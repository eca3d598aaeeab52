"""Fixtures of the d15 tests (binary results, execute options): a pygeoapi with binary processes.

``pygeoapi_binary`` is a real pygeoapi (``tests/servers/ogc/pygeoapi_binary_server.py``) whose processes
``geodock-binary`` (sync and async) and ``geodock-binary-sync`` answer with GeoTIFF, PNG, zip, CSV and GeoPackage
files. Its launch spec is registered here (not in ``launch.py``): it exists for these tests only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from servers import launch

launch.SPECS.setdefault(
    "pygeoapi-binary",
    launch.Spec(
        "pygeoapi-binary",
        "ogcapi-processes",
        "Local pygeoapi (binary results)",
        ".venv-pygeoapi",
        "ogc/pygeoapi_binary_server.py",
        "/",
        "/processes?f=json",
    ),
)


@pytest.fixture(name="pygeoapi_binary")
def pygeoapi_binary_fixture(server_pool) -> Iterator[launch.Server]:
    """The pygeoapi with binary processes."""
    yield server_pool.get("pygeoapi-binary")


def ogc_connection(connections, server, url: str = ""):
    """``server`` (or ``url``) imported as the only OGC connection."""
    entry = server.connection() if server is not None else {}
    if url:
        entry = {"name": "Hostile OGC", "kind": "ogcapi-processes", "url": url}
    (connection,) = connections.import_json({"connections": [entry]})
    return connection
