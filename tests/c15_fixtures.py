"""Fixtures of the c15 tests: the OGC API - Processes server in the earlier draft shapes."""

from __future__ import annotations

from typing import Iterator

import pytest
from conftest import ServerPool, _server
from servers import launch


@pytest.fixture(name="ogc_draft_server")
def draft_server_fixture(server_pool: ServerPool) -> Iterator[launch.Server]:
    """The local OGC API - Processes server in the draft shapes (``tests/servers/ogc/draft_server.py``)."""
    yield from _server(server_pool, "ogc-draft")
