"""Geobox: vector layers and views, rasters, tilesets, files and uploads, tasks.

Listing: ``search``, ``order_by`` (``"name D"``), ``skip``/``limit``, the Catalog's facets ``shared`` and ``q``
(CQL); the total from a ``return_count=true`` call on the first page. Loading: vector layers and views are fetched
whole from ``features/`` (every feature and attribute, for analysis) into a local GeoPackage, or shown as vector
tiles (``.pbf``) for large layers; rasters as XYZ PNG tiles or their GeoTIFF downloaded and opened with GDAL;
tilesets as vector tiles. Credentials reach QGIS's providers at request time (:mod:`plugin.provider_auth`):
``?apikey=`` or a bearer token from a login, which :meth:`GeoboxAdapter.authenticated` makes before tile layers are
created.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from qgis.core import QgsDataSourceUri, QgsFeedback

from ...errors import AuthenticationError, NotFoundError, UnreadableResponseError
from ...i18n import tr
from ...net.client import HttpRequest
from ...net.download import download
from ...net.http import AuthApplier
from ...net.paging import Page, PageToken, offset_page
from ..auth_appliers import LoginTokenAuth
from ..base import LayerSource, ListQuery, PlatformAdapter, Resource, ResourceKind
from ..catalog_filters import FilterField, FilterSpec, FilterType, filters_of
from ..resource_json import MalformedItemError, readable_items, text
from ..styled_auth import styled_auth
from .models import COLLECTION_OF_KIND, COLLECTIONS, resource_from_json

FEATURES_PAGE = 5000


def xyz_uri(url: str, zmax: int) -> str:
    """A ``type=xyz`` URI (``wms`` or ``vectortile`` provider) of a tile URL template."""
    uri = QgsDataSourceUri()
    uri.setParam("type", "xyz")
    uri.setParam("url", url)
    uri.setParam("zmin", "0")
    uri.setParam("zmax", str(zmax))
    return bytes(uri.encodedUri()).decode()


class GeoboxAdapter(PlatformAdapter):
    """Geobox: vector layers, views, rasters, tilesets and files; a login token or an API key."""

    kind = "geobox"

    @property
    def auth(self) -> AuthApplier:
        """The connection's auth style; by default a bearer token from a login, a ready-made access token
        (username ``token``), or an API key in the ``apikey`` query parameter."""
        own = LoginTokenAuth(self.connection.authcfg, self._login, origin=self.connection.url)
        return styled_auth(self.connection, self.client, own)

    def _login(self, username: str, password: str, feedback: Optional[QgsFeedback]) -> str:
        """Exchange username and password for an access token (``POST auth/token/``)."""
        request = HttpRequest(
            self.url("auth/token/"), "POST", form={"username": username, "password": password}, retries=0, timeout=30
        )
        data = self.client.send(request, feedback).json()
        token = data.get("access_token") if isinstance(data, dict) else None
        if not token:
            raise AuthenticationError(tr("Geobox login answered without an access token"), 401)
        return str(token)

    def authenticated(self, feedback: Optional[QgsFeedback] = None) -> AuthApplier:
        """The auth applier with a bearer token in hand (logs in when needed)."""
        applier = self.auth
        if isinstance(applier, LoginTokenAuth):
            applier.ensure_token(feedback)
        return applier

    def check(self, feedback: Optional[QgsFeedback] = None) -> str:
        """Ask the server who is signed in (logging in first when needed)."""
        applier = self.authenticated(feedback)
        data = self.client.send(
            HttpRequest(
                self.url("vectorLayers/"),
                params={"f": "json", "return_count": "true"},
                auth=applier,
                retries=0,
                timeout=20,
            ),
            feedback,
        ).json()
        count = data.get("count") if isinstance(data, dict) else data
        return f"Geobox answered: {count} vector layers visible"

    # Listing and details ---------------------------------------------------------------------------------

    def browse_kinds(self) -> list[ResourceKind]:
        """Vector layers, views, rasters, tilesets and files."""
        return [
            ResourceKind("vectors", "Vector layers", ("name", "display_name", "created_at", "feature_count")),
            ResourceKind("views", "Views", ("name", "display_name", "created_at", "feature_count")),
            ResourceKind("rasters", "Rasters", ("name", "created_at")),
            ResourceKind("tilesets", "Tilesets", ("name",)),
            ResourceKind("files", "Files", ("name", "created_at", "size")),
        ]

    def _get(self, path: str, params: Any, feedback: Optional[QgsFeedback]) -> Any:
        """GET ``path``'s JSON, authenticated (logging in first when needed)."""
        applier = self.authenticated(feedback)
        return self.client.get_json(self.url(path), params=params, auth=applier, feedback=feedback)

    def list_page(
        self,
        kind: str,
        query: ListQuery,
        token: PageToken = None,
        parent: Optional[Resource] = None,
        feedback: Optional[QgsFeedback] = None,
    ) -> Page:
        """One page of a collection (``skip``/``limit`` paging, search and sort on the server)."""
        if kind not in COLLECTIONS:
            raise ValueError(f"Geobox lists {', '.join(COLLECTIONS)}, not {kind!r}")
        path, resource_kind = COLLECTIONS[kind]
        skip = int(token or 0)
        limit = max(1, query.page_size)
        params: dict[str, Any] = {"f": "json"}
        if query.search.strip():
            params["search"] = query.search.strip()
        params.update(filter_params(query))
        total = None
        if token is None:
            counted = self._get(path, {**params, "return_count": "true"}, feedback)
            total = counted.get("count") if isinstance(counted, dict) else counted
            if not isinstance(total, int):
                raise UnreadableResponseError(tr("Geobox answered a count that is not a number"), str(counted)[:300])
        if query.sort:
            params["order_by"] = f"{query.sort} {'D' if query.descending else 'A'}"
        data = self._get(path, {**params, "skip": skip, "limit": limit}, feedback)
        if not isinstance(data, list):
            raise UnreadableResponseError(
                tr("Geobox answered with something that is not a list of items"),
                f"Unexpected list body: {str(data)[:500]}",
                self.url(path),
            )
        page = offset_page(data, skip, limit, total)

        def convert(doc: dict[str, Any]) -> Resource:
            """One collection document as a Resource."""
            return resource_from_json(doc, resource_kind, self.url(f"{path}{doc.get('uuid')}/"))

        page.items, page.skipped = readable_items(data, convert, self.url(path), "Geobox")
        return page

    def filter_spec(self) -> FilterSpec:
        """Shared with me (``shared``) and an OGC CQL filter (``q``), on every collection."""
        return FilterSpec(
            (
                FilterField("shared", tr("Only items shared with me"), FilterType.FLAG),
                FilterField("q", tr("CQL filter"), FilterType.TEXT, hint=tr("e.g. name LIKE '%road%'")),
            )
        )

    def filter_choices(self, key: str, feedback: Optional[QgsFeedback] = None) -> list[tuple[str, str]]:
        """Geobox's facets have no server-listed choices."""
        return []

    def get_details(self, resource: Resource, feedback: Optional[QgsFeedback] = None) -> Resource:
        """The item with its fields (vector layers and views) from ``{collection}{uuid}/``."""
        path = COLLECTION_OF_KIND[resource.kind] + f"{resource.id}/"
        doc = self._get(path, {"f": "json"}, feedback)
        if not isinstance(doc, dict) or "uuid" not in doc:
            raise UnreadableResponseError(tr("Geobox answered with an unreadable item"), str(doc)[:500], self.url(path))
        try:
            details = resource_from_json(doc, resource.kind, self.url(path))
        except MalformedItemError as err:
            raise MalformedItemError(
                tr("Geobox answered an unreadable item: {error}").format(error=err), str(doc)[:500], self.url(path)
            ) from None
        if resource.kind in ("vector", "view"):
            fields = self._get(path + "fields/", {"f": "json"}, feedback)
            details.fields = [
                (text(f.get("name")), text(f.get("datatype")))
                for f in (fields if isinstance(fields, list) else [])
                if isinstance(f, dict)
            ]
        if resource.kind == "tileset":
            details.crs = "EPSG:3857"
        return details

    def resource_by_id(self, resource_id: str, feedback: Optional[QgsFeedback] = None) -> Resource:
        """The vector layer ``resource_id`` (a uuid), else the view."""
        try:
            return self.get_details(Resource(resource_id, "vector", resource_id), feedback)
        except NotFoundError:
            return self.get_details(Resource(resource_id, "view", resource_id), feedback)

    # Layer sources ---------------------------------------------------------------------------------------

    def layer_sources(self, resource: Resource) -> list[LayerSource]:
        """The ways to load a resource: features or vector tiles, raster tiles or a GeoTIFF, a tileset."""
        name = resource.title or resource.id
        collection = COLLECTION_OF_KIND.get(resource.kind, "")
        tiles = self.url(f"{collection}{resource.id}/tiles/{{z}}/{{x}}/{{y}}")
        if resource.kind in ("vector", "view"):
            return [
                LayerSource("Features (local copy)", "vector", "", "", name, fetch=True, default=True),
                LayerSource("Vector tiles", "vector-tile", "vectortile", xyz_uri(tiles + ".pbf", 14), name),
            ]
        if resource.kind == "raster":
            return [
                LayerSource("Raster tiles (XYZ)", "raster", "wms", xyz_uri(tiles + ".png", 18), name, default=True),
                LayerSource("GeoTIFF (download)", "raster", "gdal", "", name, fetch=True),
            ]
        if resource.kind == "tileset":
            max_zoom = resource.raw.get("max_zoom")
            zmax = max_zoom if isinstance(max_zoom, int) and 0 < max_zoom <= 30 else 14
            return [
                LayerSource(
                    "Vector tiles", "vector-tile", "vectortile", xyz_uri(tiles + ".pbf", zmax), name, default=True
                )
            ]
        return []

    def prepare_sources(self, feedback: Optional[QgsFeedback] = None) -> None:
        """Log in before QGIS's providers ask for tiles (their requests get the bearer token at request time)."""
        self.authenticated(feedback)

    # Fetching --------------------------------------------------------------------------------------------

    def fetch_features(
        self,
        resource: Resource,
        output_gpkg_path: str,
        extent: Optional[tuple[float, float, float, float]] = None,
        feedback: Optional[QgsFeedback] = None,
    ) -> str:
        """Every feature of a vector layer or view (``features/`` pages, EPSG:4326) into a GeoPackage layer.

        ``extent`` (xmin, ymin, xmax, ymax) is in EPSG:4326.
        """
        from ...fetch import FeatureCopier, layer_name_for

        path = COLLECTION_OF_KIND[resource.kind] + f"{resource.id}/features/"
        applier = self.authenticated(feedback)
        params: dict[str, Any] = {"f": "json", "out_srid": 4326}
        if extent is not None:
            params.update(bbox=",".join(repr(v) for v in extent), bbox_srid=4326)
        total = resource.feature_count
        if total is None or extent is not None:
            counted = self.client.get_json(
                self.url(path), params={**params, "return_count": "true"}, auth=applier, feedback=feedback
            )
            total = counted.get("count") if isinstance(counted, dict) else counted
        with FeatureCopier(Path(output_gpkg_path), layer_name_for(resource), "EPSG:4326", feedback) as copier:
            return self._copy_pages(path, params, applier, total, copier, feedback)

    def _copy_pages(
        self,
        path: str,
        params: dict[str, Any],
        applier: AuthApplier,
        total: Any,
        copier: Any,
        feedback: Optional[QgsFeedback],
    ) -> str:
        """Copy every page of features into ``copier`` until the server has no more."""
        skip = 0
        while True:
            copier.check_cancel()
            request = HttpRequest(
                self.url(path), "GET", params={**params, "skip": skip, "limit": FEATURES_PAGE}, auth=applier
            )
            response = self.client.send(request, feedback)
            if "html" in response.header("content-type").lower():
                response.json()  # raises the clear "web page instead of data" error
            count = copier.add_geojson(response.body, total if isinstance(total, int) else None)
            skip += count
            if count < FEATURES_PAGE:
                break
        return copier.finish()

    def fetch_raster(self, resource: Resource, folder: str, feedback: Optional[QgsFeedback] = None) -> str:
        """Download the raster's GeoTIFF (``download/``) into ``folder``; the GDAL source of the file."""
        applier = self.authenticated(feedback)
        request = HttpRequest(self.url(f"rasters/{resource.id}/download/"), auth=applier, accept="*/*")
        target = Path(folder) / f"geobox-raster-{resource.id}.tif"
        if target.exists():
            return str(target)
        result = download(self.client, request, Path(folder), target.name, feedback=feedback)
        return str(result.path)


def filter_params(query: ListQuery) -> dict[str, str]:
    """The list parameters of a query's facets: ``shared=true`` and the CQL ``q``."""
    values, _extent = filters_of(query)
    params = {"shared": "true"} if values.get("shared") == "true" else {}
    if values.get("q", "").strip():
        params["q"] = values["q"].strip()
    return params
