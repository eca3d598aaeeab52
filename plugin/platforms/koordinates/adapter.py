"""Koordinates (LINZ Data Service and other Koordinates sites): layers, tables, the data catalog, exports.

Listing: ``layers/``, ``tables/`` and ``data/`` with ``q`` (search), ``sort`` (``-`` for descending), ``page_size``
and the Catalog's facets (:meth:`KoordinatesAdapter.filter_spec`: ``kind``, ``category``, ``license``, ``group``,
``tag``, ``created_at``/``updated_at`` ``.gte``/``.lte``, ``bbox`` for the map view); the next page from ``Link:
rel="page-next"``, the total from ``X-Resource-Range``.

Loading: vector layers through QGIS's ``WFS`` provider at the site's ``/services/wfs/`` and rendered XYZ tiles at
``/services/tiles/v4/...`` (``wms`` provider); rasters as XYZ tiles; tables (no WFS for them) fetched with an export
to a GeoPackage. The key never enters a layer source: :mod:`plugin.provider_auth` adds the ``Authorization: key``
header at request time for the ``/services/`` prefix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from qgis.core import QgsDataSourceUri, QgsFeedback

from ...errors import UnreadableResponseError
from ...i18n import tr
from ...net.client import HttpRequest
from ...net.http import AuthApplier
from ...net.paging import Page, PageToken, fetch_link_page, parse_resource_range
from ..auth_appliers import HeaderKeyAuth
from ..base import LayerSource, ListQuery, PlatformAdapter, Resource, ResourceKind
from ..catalog_filters import (
    FilterField,
    FilterSpec,
    FilterType,
    bbox_text,
    day_end,
    day_start,
    filters_of,
    readable_choices,
)
from ..resource_json import MalformedItemError, readable_items
from ..styled_auth import styled_auth
from .models import resource_from_json

SORTS = ("name", "created_at", "updated_at", "popularity")
_KIND_PATHS = {"layers": "layers/", "tables": "tables/", "data": "data/"}
# Facet -> list parameter; dates: (parameter, the day's first or last instant)
_PLAIN_FILTERS = {"kind": "kind", "category": "category", "license": "license", "group": "group", "tag": "tag"}
_DATE_FILTERS = {
    "created_from": ("created_at.gte", day_start),
    "created_to": ("created_at.lte", day_end),
    "updated_from": ("updated_at.gte", day_start),
    "updated_to": ("updated_at.lte", day_end),
}
# Server lists of a facet's choices: path, value keys, label keys (the first present wins)
_CHOICE_LISTS = {
    "category": ("categories/", ("slug", "key", "id"), ("name", "title")),
    "license": ("licenses/", ("id",), ("title", "name")),
    "group": ("groups/", ("id",), ("name", "title")),
}


class KoordinatesAdapter(PlatformAdapter):
    """Koordinates: layers, tables and the data catalog; ``Authorization: key <token>``."""

    kind = "koordinates"

    @property
    def auth(self) -> AuthApplier:
        """The connection's auth style; by default the API key, sent as ``Authorization: key <token>``."""
        own = HeaderKeyAuth(self.connection.authcfg, "key", self.connection.url)
        return styled_auth(self.connection, self.client, own)

    @property
    def services_root(self) -> str:
        """The site's ``/services/`` root (WFS, WMTS and XYZ tiles live there)."""
        base = self.connection.base_url
        marker = base.find("/services/")
        return base[: marker + len("/services/")] if marker >= 0 else base

    def service_prefixes(self) -> list[str]:
        """The API root and the site's ``/services/`` root."""
        return [self.services_root]

    def check(self, feedback: Optional[QgsFeedback] = None) -> str:
        """List one layer to prove the key works (a short, unretried request)."""
        response = self.client.send(
            HttpRequest(self.url("layers/"), params={"page_size": 1}, auth=self.auth, retries=0, timeout=20), feedback
        )
        response.json()
        total = parse_resource_range(response.header("x-resource-range"))
        return f"Koordinates answered: {total if total is not None else 'some'} layers visible"

    # Listing and details ---------------------------------------------------------------------------------

    def browse_kinds(self) -> list[ResourceKind]:
        """Layers, tables and the data catalog, with their sort fields."""
        return [
            ResourceKind("layers", "Layers", SORTS),
            ResourceKind("tables", "Tables", SORTS),
            ResourceKind("data", "Data catalog", SORTS),
        ]

    def list_page(
        self,
        kind: str,
        query: ListQuery,
        token: PageToken = None,
        parent: Optional[Resource] = None,
        feedback: Optional[QgsFeedback] = None,
    ) -> Page:
        """One page of a kind (``page``/``page_size`` paging, search and sort on the server)."""
        if kind not in _KIND_PATHS:
            raise ValueError(f"Koordinates lists {', '.join(_KIND_PATHS)}, not {kind!r}")
        params: list[tuple[str, object]] = [("page_size", max(1, min(1000, query.page_size)))]
        if query.search.strip():
            params.append(("q", query.search.strip()))
        if query.sort:
            params.append(("sort", ("-" if query.descending else "") + query.sort))
        params += filter_params(query)
        first = self.url(_KIND_PATHS[kind])
        page = fetch_link_page(self.client, first, token, params, self.auth, feedback)
        url = first if token is None else str(token)
        page.items, page.skipped = readable_items(page.items, resource_from_json, url, "Koordinates")
        return page

    def filter_spec(self) -> FilterSpec:
        """Kind, category, licence, group, tag, created/updated dates and "in the map view" (the list filters)."""
        with_extent = ("layers", "data")
        kinds = (
            ("vector", tr("Vector")),
            ("raster", tr("Raster")),
            ("table", tr("Table")),
            ("set", tr("Set")),
            ("document", tr("Document")),
        )
        return FilterSpec(
            (
                FilterField("kind", tr("Kind"), FilterType.CHOICE, kinds, listings=with_extent),
                FilterField("category", tr("Category"), FilterType.CHOICE, from_server=True),
                FilterField("license", tr("Licence"), FilterType.CHOICE, from_server=True),
                FilterField("group", tr("Group"), FilterType.CHOICE, from_server=True),
                FilterField("tag", tr("Tag"), FilterType.TEXT, hint=tr("One tag, e.g. roads")),
                FilterField("created_from", tr("Created from"), FilterType.DATE_FROM),
                FilterField("created_to", tr("Created to"), FilterType.DATE_TO),
                FilterField("updated_from", tr("Updated from"), FilterType.DATE_FROM),
                FilterField("updated_to", tr("Updated to"), FilterType.DATE_TO),
                FilterField("in_view", tr("Only data in the map view"), FilterType.MAP_VIEW, listings=with_extent),
            )
        )

    def filter_choices(self, key: str, feedback: Optional[QgsFeedback] = None) -> list[tuple[str, str]]:
        """Categories (``categories/``), licences (``licenses/``) or groups (``groups/``) the site lists."""
        if key not in _CHOICE_LISTS:
            return []
        path, value_keys, label_keys = _CHOICE_LISTS[key]
        docs = self.client.get_json(self.url(path), params={"page_size": 1000}, auth=self.auth, feedback=feedback)
        return readable_choices(docs, value_keys, label_keys)

    def get_details(self, resource: Resource, feedback: Optional[QgsFeedback] = None) -> Resource:
        """The full item (description, fields, extent); a catalog item is read from its own API URL."""
        url = resource.api_url or self.url(f"{'tables' if resource.kind == 'table' else 'layers'}/{resource.id}/")
        doc = self.client.get_json(url, auth=self.auth, feedback=feedback)
        if not isinstance(doc, dict) or "id" not in doc:
            raise UnreadableResponseError(tr("Koordinates answered with an unreadable item"), str(doc)[:500], url)
        try:
            return resource_from_json(doc)
        except MalformedItemError as err:
            raise MalformedItemError(
                tr("Koordinates answered an unreadable item: {error}").format(error=err), str(doc)[:500], url
            ) from None

    def resource_by_id(self, resource_id: str, feedback: Optional[QgsFeedback] = None) -> Resource:
        """The layer or table ``resource_id`` (one id sequence; ``/layers/{id}/`` answers for both)."""
        return self.get_details(Resource(resource_id, "vector", resource_id), feedback)

    # Layer sources ---------------------------------------------------------------------------------------

    def wfs_uri(self, resource: Resource) -> str:
        """QGIS ``WFS`` provider URI of a vector layer (no key: added at request time)."""
        uri = QgsDataSourceUri()
        uri.setParam("url", self.services_root + "wfs/")
        uri.setParam("typename", f"layer-{resource.id}")
        uri.setParam("version", "auto")
        uri.setParam("pagingEnabled", "true")
        uri.setParam("restrictToRequestBBOX", "0")
        if resource.crs:
            uri.setParam("srsname", resource.crs)
        return uri.uri(False)

    def xyz_uri(self, resource: Resource) -> str:
        """``wms`` provider XYZ URI of the rendered tiles of a layer (no key)."""
        url = f"{self.services_root}tiles/v4/layer={resource.id}/EPSG:3857/{{z}}/{{x}}/{{y}}.png"
        uri = QgsDataSourceUri()
        uri.setParam("type", "xyz")
        uri.setParam("url", url)
        uri.setParam("zmin", "0")
        uri.setParam("zmax", "19")
        return bytes(uri.encodedUri()).decode()

    def layer_sources(self, resource: Resource) -> list[LayerSource]:
        """A vector as WFS (or rendered tiles), a raster as XYZ tiles, a table as a local copy."""
        name = resource.title or f"Koordinates {resource.id}"
        if resource.kind == "vector":
            return [
                LayerSource("Features (WFS)", "vector", "WFS", self.wfs_uri(resource), name, default=True),
                LayerSource("Rendered tiles (XYZ)", "raster", "wms", self.xyz_uri(resource), name),
            ]
        if resource.kind == "raster":
            return [LayerSource("Rendered tiles (XYZ)", "raster", "wms", self.xyz_uri(resource), name, default=True)]
        if resource.kind == "table":
            return [LayerSource("Table (local copy)", "vector", "", "", name, fetch=True, default=True)]
        return []

    def fetch_features(
        self,
        resource: Resource,
        output_gpkg_path: str,
        extent: Optional[tuple[float, float, float, float]] = None,
        feedback: Optional[QgsFeedback] = None,
    ) -> str:
        """Copy a layer or table into ``output_gpkg_path``: WFS GeoJSON pages for vectors, an export for tables."""
        from .fetch import fetch_item

        return fetch_item(self, resource, Path(output_gpkg_path), extent, feedback)


def filter_params(query: ListQuery) -> list[tuple[str, object]]:
    """The list parameters of a query's facets: ``kind``, ``category``, ``license``, ``group``, ``tag``,
    ``created_at``/``updated_at`` with ``.gte``/``.lte``, and ``bbox`` (EPSG:4326) for the map view."""
    values, extent = filters_of(query)
    params: list[tuple[str, object]] = [(name, values[key]) for key, name in _PLAIN_FILTERS.items() if values.get(key)]
    for key, (name, instant) in _DATE_FILTERS.items():
        if values.get(key):
            params.append((name, instant(values[key])))
    if extent is not None:
        params.append(("bbox", bbox_text(extent)))
    return params
