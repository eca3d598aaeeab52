"""Catalog and shared state of the local AmigoCloud server (see ``amigocloud.py``): the user, projects,
datasets and jobs, the stable ids and tokens, URL builders and the lookups the handlers share.

The catalog: project 1 "World" (datasets 1 ``countries``, 2 ``states_provinces``, 3 ``disputed_borders``,
4 ``country_codes`` without geometry, 6 ``points`` with ``--big-layer``), project 2 "Live" (dataset 5
``vehicles``, moving), project 3 "Catalog" (``--catalog-size N`` generated datasets 1001.., no tables).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import common
import data as world_data
from aiohttp import web
from amigocloud_db import Database, Table, build
from amigocloud_realtime import Realtime

API = "/api/v1"
USER_TOKEN = "R:demo-amigocloud-token"
PROJECT_TOKEN = "C:demo-amigocloud-project-token"
USER = {"id": 1, "username": "demo", "email": "demo@geodock.local", "first_name": "Demo", "last_name": "User"}
MOVING_ID = 5
CATALOG_PROJECT = 3
CATALOG_FIRST = 1001
MAX_SQL_LIMIT = 100_000
DEFAULT_SQL_LIMIT = 10_000


def error_body(status: int, message: str) -> web.Response:
    """AmigoCloud (Django REST framework) error body: ``{"detail": message}``."""
    return web.json_response({"detail": message}, status=status)


@dataclass
class DatasetMeta:
    id: int
    project_id: int
    name: str
    spatial: bool = True
    has_table: bool = True
    realtime: bool = False
    description: str = ""
    permission_level: str = "owner"  # owner, editor or viewer (read-only: amigocloud_writes.py)


@dataclass
class Project:
    id: int
    name: str
    description: str = ""
    dataset_ids: list[int] = field(default_factory=list)
    created: str = "2026-01-05T10:00:00Z"


@dataclass
class Job:
    id: str
    kind: str
    created: float
    task: Optional[asyncio.Task] = None
    file: Optional[Path] = None
    error: Optional[str] = None
    extra: dict[str, Any] = field(default_factory=dict)


class State:
    """Everything the handlers share."""

    def __init__(self, args: Any) -> None:
        self.data_dir: Path = args.data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        files = world_data.prepare(self.data_dir, points=args.big_layer)
        self.projects: dict[int, Project] = {
            1: Project(1, "World", "Natural Earth countries, provinces and borders"),
            2: Project(2, "Live", "Vehicles reporting their positions every second"),
        }
        self.datasets: dict[int, DatasetMeta] = {}
        tables = []
        for dataset_id, layer in ((1, "countries"), (2, "states_provinces"), (3, "disputed_borders")):
            self._add(DatasetMeta(dataset_id, 1, layer))
            tables.append(Table(dataset_id, layer, files.world, layer))
        self._add(DatasetMeta(4, 1, "country_codes", spatial=False))
        tables.append(Table(4, "country_codes", files.table, "country_codes", spatial=False))
        self._add(DatasetMeta(MOVING_ID, 2, "vehicles", realtime=True))
        if files.points is not None:
            self._add(DatasetMeta(6, 1, "points", description=f"{args.big_layer} generated points"))
            tables.append(Table(6, "points", files.points, "points"))
        self.catalog_size = int(args.catalog_size or 0)
        if self.catalog_size:
            self.projects[CATALOG_PROJECT] = Project(
                CATALOG_PROJECT, "Catalog", f"{self.catalog_size} generated datasets"
            )
        self.db_path = build(tables, MOVING_ID, self.data_dir)
        self.db = Database(self.db_path)
        self.realtime = Realtime(MOVING_ID, lambda: self.db.move_vehicles(MOVING_ID))
        self.jobs: dict[str, Job] = {}
        self.job_seconds = float(os.environ.get("AMIGOCLOUD_JOB_SECONDS", "2"))
        self.exports = self.data_dir / "exports"
        shutil.rmtree(self.exports, ignore_errors=True)
        self.exports.mkdir()

    def _add(self, meta: DatasetMeta) -> None:
        self.datasets[meta.id] = meta
        self.projects[meta.project_id].dataset_ids.append(meta.id)

    def dataset(self, dataset_id: int) -> Optional[DatasetMeta]:
        """A real dataset, or a generated one of the "Catalog" project."""
        if dataset_id in self.datasets:
            return self.datasets[dataset_id]
        if self.catalog_size and CATALOG_FIRST <= dataset_id < CATALOG_FIRST + self.catalog_size:
            index = dataset_id - CATALOG_FIRST
            return DatasetMeta(dataset_id, CATALOG_PROJECT, f"generated {index + 1:05d}", has_table=False)
        return None

    def project_dataset_ids(self, project: Project) -> list[int]:
        if project.id == CATALOG_PROJECT and self.catalog_size:  # (else 3 is a project POST me/projects made)
            return list(range(CATALOG_FIRST, CATALOG_FIRST + self.catalog_size))
        return project.dataset_ids


def state_of(request: web.Request) -> State:
    return request.app["state"]


def api_root(request: web.Request) -> str:
    return common.base_url(request) + API


def project_url(request: web.Request, project_id: int) -> str:
    return f"{api_root(request)}/users/{USER['id']}/projects/{project_id}"


def dataset_url(request: web.Request, meta: DatasetMeta) -> str:
    return f"{project_url(request, meta.project_id)}/datasets/{meta.id}"


def fail(status: int, message: str) -> web.HTTPException:
    """An ``HTTPException`` carrying AmigoCloud's JSON error body."""
    kinds = {400: web.HTTPBadRequest, 401: web.HTTPUnauthorized, 403: web.HTTPForbidden, 404: web.HTTPNotFound}
    return kinds.get(status, web.HTTPBadRequest)(
        text=common.dumps({"detail": message}), content_type="application/json"
    )


def find_project(request: web.Request) -> Project:
    state = state_of(request)
    owner = request.match_info.get("owner")
    try:
        project = state.projects.get(int(request.match_info["pid"]))
    except ValueError:
        project = None
    if project is None or (owner is not None and owner not in (str(USER["id"]), "0")):
        raise fail(404, "Not found.")
    return project


def find_dataset(request: web.Request) -> DatasetMeta:
    project = find_project(request)
    try:
        meta = state_of(request).dataset(int(request.match_info["did"]))
    except ValueError:
        meta = None
    if meta is None or meta.project_id != project.id:
        raise fail(404, "Not found.")
    return meta


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
