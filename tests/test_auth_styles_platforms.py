"""Platform logins against the local platform servers: a Geobox ready-made access token (Bearer), and an
AmigoCloud project token whose connection URL is the project's URL (its root: no ``me/…`` call)."""

from __future__ import annotations

import pytest
from auth_styles_fixtures import imported
from helpers import run_task
from servers import launch

from geodock.plugin.errors import AuthenticationError, PermissionDeniedError
from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.base import ListQuery

PROJECT_TOKEN = "C:demo-amigocloud-project-token"


def test_geobox_takes_a_ready_made_access_token_as_bearer(connections, geobox_server):
    connection = imported(
        connections, "Geobox token", "geobox", geobox_server.url, {"token": launch.GEOBOX_ACCESS_TOKEN}
    )
    adapter = adapter_for(connection)
    assert "vector layers" in run_task(lambda fb: adapter.check(fb))
    page = run_task(lambda fb: adapter.list_page("vectors", ListQuery(page_size=5), None, None, fb))
    assert page.items
    # The server takes this token only as Bearer: as ?apikey= (what a {"token"} credential did before) it is
    # refused, and so is a Bearer token it never issued.
    wrong = imported(connections, "Geobox wrong token", "geobox", geobox_server.url, {"token": "not-issued"})
    with pytest.raises(AuthenticationError):
        run_task(lambda fb: adapter_for(wrong).check(fb))
    as_key = imported(
        connections, "Geobox token as key", "geobox", geobox_server.url, {"apikey": launch.GEOBOX_ACCESS_TOKEN}
    )
    with pytest.raises(AuthenticationError):
        run_task(lambda fb: adapter_for(as_key).check(fb))


def test_amigocloud_project_token_with_the_project_url_as_root(connections, amigocloud_server):
    project_url = f"{amigocloud_server.url}users/1/projects/1/"
    connection = imported(connections, "AmigoCloud project", "amigocloud", project_url, {"token": PROJECT_TOKEN})
    adapter = adapter_for(connection)
    assert "project World" in run_task(lambda fb: adapter.check(fb))
    assert [kind.id for kind in adapter.browse_kinds()] == ["datasets"]
    page = run_task(lambda fb: adapter.list_page("datasets", ListQuery(page_size=50), None, None, fb))
    assert {"countries", "states_provinces"} <= {item.title for item in page.items}
    dataset = run_task(lambda fb: adapter.resource_by_id("1", fb))
    assert dataset.id == "1" and dataset.fields


def test_amigocloud_project_token_on_the_api_root_is_refused(connections, amigocloud_server):
    """The same token with the API root as the connection URL goes through ``me/``, which it may not read:
    the project URL is what makes it work."""
    connection = imported(connections, "AmigoCloud root", "amigocloud", amigocloud_server.url, {"token": PROJECT_TOKEN})
    adapter = adapter_for(connection)
    assert [kind.id for kind in adapter.browse_kinds()] == ["projects"]
    with pytest.raises(PermissionDeniedError):
        run_task(lambda fb: adapter.check(fb))
