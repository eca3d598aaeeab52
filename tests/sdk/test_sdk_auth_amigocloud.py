"""The official ``amigocloud`` SDK with a project token (``project_url``) against the local AmigoCloud server:
relative paths resolve below the project's URL, which is what a Geodock connection with the project's URL as its
root does (its datasets, no ``me/…``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "_stubs"))

from amigocloud import AmigoCloud, AmigoCloudError

PROJECT_TOKEN = "C:demo-amigocloud-project-token"


def test_a_project_token_lists_its_projects_datasets(amigocloud_server) -> None:
    project = AmigoCloud(token=PROJECT_TOKEN, project_url="users/1/projects/1", base_url=amigocloud_server.root)
    assert project.get("")["name"] == "World"  # the project itself: what Geodock's check reads
    names = {item["name"] for item in project.get_cursor("datasets")}
    assert {"countries", "states_provinces"} <= names
    with pytest.raises(AmigoCloudError) as error:
        project.get("/users/1/projects/2/datasets")  # another project: out of the token's reach
    assert error.value.response.status_code == 403
