"""AmigoCloud: projects, datasets (cursor paging), SQL, exports, realtime events.

Listing: ``me/projects`` and each project's ``datasets`` URL, following the cursor's ``next`` (the server offers
neither search nor sort for them); the Catalog's ``project`` facet lists one project's datasets. Loading: a dataset
is fetched through the SQL API (``SELECT *, ST_AsGeoJSON(wkb_geometry) ... LIMIT/OFFSET`` pages, EPSG:4326) into a
local GeoPackage, or shown as the raster tiles of its ``tiles`` URL. The ``?token=`` reaches QGIS's tile requests at
request time (:mod:`plugin.provider_auth`), never through the layer source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from qgis.core import QgsDataSourceUri, QgsFeedback

from ...errors import NotFoundError, UnreadableResponseError
from ...i18n import tr
from ...net import json_limits
from ...net.client import HttpRequest
from ...net.http import AuthApplier
from ...net.paging import Page, PageToken, cursor_page
from ..auth_appliers import QueryTokenAuth
from ..base import LayerSource, ListQuery, PlatformAdapter, Resource, ResourceKind
from ..catalog_filters import FilterField, FilterSpec, FilterType, filters_of, readable_choices
from ..resource_json import MalformedItemError, readable_items, text
from ..styled_auth import styled_auth
from .models import dataset_from_json, project_from_json
from .postgres_sql import quote_identifier, quote_literal
from .project_root import check_project, datasets_url, project_url

SQL_PAGE = 5000
GEOMETRY_COLUMN = "wkb_geometry"
_GEOJSON_COLUMN = "geodock_geojson"


class AmigoCloudAdapter(PlatformAdapter):
    """AmigoCloud: projects and their datasets, token in the ``token`` query parameter."""

    kind = "amigocloud"

    @property
    def auth(self) -> AuthApplier:
        """The connection's auth style; by default the API token, sent as the ``token`` query parameter."""
        own = QueryTokenAuth(self.connection.authcfg, "token", self.connection.url)
        return styled_auth(self.connection, self.client, own)

    def check(self, feedback: Optional[QgsFeedback] = None) -> str:
        """Ask ``/me`` who the token belongs to (a short, unretried request); a project's URL: that project."""
        project = project_url(self.connection.url)
        if project is not None:
            return check_project(self, project, feedback)
        me = self.client.get_json(self.url("me"), auth=self.auth, feedback=feedback, retries=0, timeout=20)
        who = me.get("email") or me.get("username") or me.get("id") if isinstance(me, dict) else None
        return f"AmigoCloud answered: signed in as {who}"

    # Listing and details ---------------------------------------------------------------------------------

    def browse_kinds(self) -> list[ResourceKind]:
        """Projects (datasets are listed inside a project); a project token's connection: its datasets."""
        if project_url(self.connection.url) is not None:
            return [ResourceKind("datasets", "Datasets", (), searchable=False)]
        return [ResourceKind("projects", "Projects", (), searchable=False)]

    def list_page(
        self,
        kind: str,
        query: ListQuery,
        token: PageToken = None,
        parent: Optional[Resource] = None,
        feedback: Optional[QgsFeedback] = None,
    ) -> Page:
        """``projects``, or ``datasets`` of ``parent`` (a project Resource); with the ``project`` filter set,
        ``projects`` lists that project's datasets (the server's own list of them)."""
        project = filters_of(query)[0].get("project", "")
        if kind == "projects" and project.isdigit() and parent is None:
            first = self._datasets_url(project, feedback) if token is None else ""
            convert = dataset_from_json
        elif kind == "projects":
            first, convert = self.url("me/projects"), project_from_json
        elif kind == "datasets":
            own_project = project_url(self.connection.url)
            if parent is None and own_project is None:
                raise ValueError("AmigoCloud datasets are listed per project: pass the project as parent")
            if parent is None:
                first = datasets_url(str(own_project))
            else:
                first = text(parent.raw.get("datasets")) or self.url(f"users/0/projects/{parent.id}/datasets")
            convert = dataset_from_json
        else:
            raise ValueError(f"AmigoCloud lists projects and datasets, not {kind!r}")
        if token is None:
            request = HttpRequest(first, params={"limit": max(1, query.page_size), "offset": 0}, auth=self.auth)
        else:
            request = HttpRequest(str(token), auth=self.auth)
        data = self.client.send(request, feedback).json()
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise UnreadableResponseError(
                tr("AmigoCloud answered with something that is not a page of items"),
                f"Unexpected body: {str(data)[:500]}",
                request.url,
            )
        page = cursor_page(data)
        page.items, page.skipped = readable_items(page.items, convert, request.url, "AmigoCloud")
        return page

    def _datasets_url(self, project_id: str, feedback: Optional[QgsFeedback]) -> str:
        """The ``datasets`` URL the project ``project_id`` names (``projects/{id}``)."""
        doc = self.client.get_json(self.url(f"projects/{project_id}"), auth=self.auth, feedback=feedback)
        url = text(doc.get("datasets")) if isinstance(doc, dict) else ""
        return url or self.url(f"projects/{project_id}/datasets")

    def filter_spec(self) -> FilterSpec:
        """One project's datasets instead of the projects."""
        return FilterSpec((FilterField("project", tr("Project"), FilterType.CHOICE, from_server=True),))

    def filter_choices(self, key: str, feedback: Optional[QgsFeedback] = None) -> list[tuple[str, str]]:
        """The projects the user sees (``me/projects``, up to 1,000)."""
        if key != "project":
            return []
        data = self.client.get_json(
            self.url("me/projects"), params={"limit": 1000, "offset": 0}, auth=self.auth, feedback=feedback
        )
        return readable_choices(data.get("results") if isinstance(data, dict) else None, ("id",), ("name",))

    def get_details(self, resource: Resource, feedback: Optional[QgsFeedback] = None) -> Resource:
        """A project, or a dataset with its geometry type, count, extent and fields (``schema``)."""
        url = resource.api_url or self.url(f"projects/{resource.id}")
        doc = self.client.get_json(url, auth=self.auth, feedback=feedback)
        if not isinstance(doc, dict) or "id" not in doc:
            raise UnreadableResponseError(tr("AmigoCloud answered with an unreadable item"), str(doc)[:500], url)
        try:
            details = project_from_json(doc) if resource.kind == "project" else dataset_from_json(doc)
        except MalformedItemError as err:
            raise MalformedItemError(
                tr("AmigoCloud answered an unreadable item: {error}").format(error=err), str(doc)[:500], url
            ) from None
        if resource.kind == "project":
            return details
        schema_url = text(doc.get("schema")) or url.rstrip("/") + "/schema"
        schema = self.client.get_json(schema_url, auth=self.auth, feedback=feedback)
        columns = schema.get("schema", schema) if isinstance(schema, dict) else schema
        details.fields = [
            (text(c.get("name")), text(c.get("type")))
            for c in (columns if isinstance(columns, list) else [])
            if isinstance(c, dict) and c.get("type") != "geometry"
        ]
        return details

    def resource_by_id(self, resource_id: str, feedback: Optional[QgsFeedback] = None) -> Resource:
        """The dataset ``resource_id`` (searched in the visible projects, or the connection's project), with its
        details."""
        project = project_url(self.connection.url)
        if project is not None:
            url = f"{datasets_url(project)}/{resource_id}"
            return self.get_details(Resource(resource_id, "dataset", resource_id, api_url=url), feedback)
        token: PageToken = None
        while True:
            projects = self.list_page("projects", ListQuery(page_size=100), token, None, feedback)
            for project in projects.items:
                url = text(project.raw.get("datasets")).rstrip("/") + f"/{resource_id}"
                try:
                    return self.get_details(Resource(resource_id, "dataset", resource_id, api_url=url), feedback)
                except NotFoundError:
                    continue
            if projects.next is None:
                raise NotFoundError(
                    tr("No AmigoCloud dataset {resource_id} in the visible projects").format(resource_id=resource_id),
                    404,
                )
            token = projects.next

    # Layer sources ---------------------------------------------------------------------------------------

    def layer_sources(self, resource: Resource) -> list[LayerSource]:
        """A dataset as a GeoJSON layer through the SQL API; other kinds have no layer."""
        if resource.kind != "dataset":
            return []
        name = resource.title or f"dataset {resource.id}"
        spatial = bool(resource.geometry_type or resource.crs or resource.raw.get("geometry_column"))
        if resource.raw and "geometry_column" in resource.raw and not resource.raw.get("geometry_column"):
            spatial = False
        label = "Features (local copy)" if spatial else "Table (local copy)"
        sources = [LayerSource(label, "vector", "", "", name, fetch=True, default=True)]
        tiles = text(resource.raw.get("tiles")) or resource.api_url.rstrip("/") + "/tiles"
        if spatial and resource.api_url:
            uri = QgsDataSourceUri()
            uri.setParam("type", "xyz")
            uri.setParam("url", tiles.rstrip("/") + "/{z}/{x}/{y}.png")
            uri.setParam("zmin", "0")
            uri.setParam("zmax", "20")
            sources.append(LayerSource("Raster tiles (XYZ)", "raster", "wms", bytes(uri.encodedUri()).decode(), name))
        return sources

    # Fetching --------------------------------------------------------------------------------------------

    def _sql(self, url: str, query: str, offset: int, limit: int, feedback: Optional[QgsFeedback]) -> dict[str, Any]:
        """One page of an SQL query's rows from ``url`` (the read endpoint)."""
        data = self.client.get_json(
            url, params={"query": query, "offset": offset, "limit": limit}, auth=self.auth, feedback=feedback
        )
        if not isinstance(data, dict) or not isinstance(data.get("data"), list):
            raise UnreadableResponseError(tr("AmigoCloud answered an SQL page without rows"), str(data)[:500], url)
        return data

    def fetch_features(
        self,
        resource: Resource,
        output_gpkg_path: str,
        extent: Optional[tuple[float, float, float, float]] = None,
        feedback: Optional[QgsFeedback] = None,
    ) -> str:
        """Every row of a dataset through the SQL API (geometry as GeoJSON, EPSG:4326) into a GeoPackage.

        ``extent`` (xmin, ymin, xmax, ymax) is in EPSG:4326.
        """
        from ...fetch import FeatureCopier, layer_name_for

        if not resource.raw.get("table_name"):
            resource = self.get_details(resource, feedback)
        raw = resource.raw
        table = text(raw.get("table_name")) or f"dataset_{resource.id}"
        geometry_column = raw.get("geometry_column")
        sql_url = text(raw.get("sql")) or resource.api_url.split("/datasets/")[0] + "/sql"
        # Every name here comes from the server: quoted, never pasted in (postgres_sql).
        if geometry_column:
            geometry = quote_identifier(text(geometry_column))
            query = f"SELECT *, ST_AsGeoJSON({geometry}) AS {_GEOJSON_COLUMN} FROM {quote_identifier(table)}"
            if extent is not None:
                corners = ", ".join(quote_literal(float(v)) for v in extent)
                query += f" WHERE ST_Intersects({geometry}, ST_MakeEnvelope({corners}, 4326))"
        else:
            query = f"SELECT * FROM {quote_identifier(table)}"
        key = text(raw.get("primary_key")) or "amigo_id"
        query += f" ORDER BY {quote_identifier(key)}"
        spatial = bool(geometry_column)
        path = Path(output_gpkg_path)
        with FeatureCopier(path, layer_name_for(resource), "EPSG:4326", feedback, spatial, ids=key) as copier:
            offset = 0
            total = resource.feature_count
            while True:
                copier.check_cancel()
                data = self._sql(sql_url, query, offset, SQL_PAGE, feedback)
                if isinstance(data.get("count"), int):
                    total = data["count"]
                rows = data["data"]
                copier.add_features([_feature(row, geometry_column) for row in rows if isinstance(row, dict)], total)
                offset += len(rows)
                if not rows or len(rows) < SQL_PAGE or (total is not None and offset >= total):
                    break
            return copier.finish()


def _feature(row: dict[str, Any], geometry_column: Optional[str]) -> dict[str, Any]:
    """An SQL row as a GeoJSON Feature (the hex WKB column dropped, the GeoJSON one parsed)."""
    properties = {k: v for k, v in row.items() if k not in (geometry_column, _GEOJSON_COLUMN)}
    geometry = row.get(_GEOJSON_COLUMN)
    if isinstance(geometry, str):
        try:
            geometry = json_limits.loads(geometry)  # depth-capped: a ValueError, never a RecursionError
        except ValueError:
            geometry = None
    return {"type": "Feature", "properties": properties, "geometry": geometry if isinstance(geometry, dict) else None}
