"""The one interface every platform adapter implements, and the models it returns.

The UI and the Processing algorithms only talk to :class:`PlatformAdapter` (and the capabilities of
:mod:`.capabilities`); a new platform is one package and one registry row (:mod:`.registry`). Adapter
methods block (see :mod:`plugin.net.client`): call them from a QgsTask or an algorithm, never on the GUI
thread.
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional

from qgis.core import QgsFeedback
from qgis.PyQt.QtCore import QUrl, QUrlQuery
from qgis.PyQt.QtNetwork import QNetworkRequest

from ..connections import Connection
from ..errors import GeodockError
from ..i18n import tr
from ..net.client import HttpClient, shared_client
from ..net.paging import Page, PageToken


@dataclass(frozen=True)
class ResourceKind:
    """A kind of remote resource a platform lists (``layers``, ``datasets``, ``processes``...)."""

    id: str
    title: str
    sortable: tuple[str, ...] = ()
    searchable: bool = True


# No per-instance __dict__ where the Python running QGIS allows it (3.10+): one object less per listed item.
_SLOTS: dict[str, bool] = {"slots": True} if sys.version_info >= (3, 10) else {}
SCALARS = (str, int, float, bool)


@dataclass(**_SLOTS)
class Resource:
    """One remote item, whatever the platform: what lists, details panes and layer loading need.

    A catalog holds thousands of these for as long as it is open, and each container object they hold is
    one more for Python's cycle collector to walk in every full collection, a pause of the whole of QGIS
    (measured: 10,000 listed items with their JSON documents made each one 15-20 ms longer). So ``raw``
    keeps only the document's top-level scalar values (what the adapters read back: links, table names,
    ids; nested objects are parsed into the fields above) and ``fields`` becomes a tuple, which CPython
    stops tracking.
    """

    id: str
    kind: str
    title: str
    description: str = ""
    geometry_type: Optional[str] = None
    crs: Optional[str] = None
    extent: Optional[tuple[float, float, float, float]] = None  # in ``crs``
    feature_count: Optional[int] = None
    fields: Sequence[tuple[str, str]] = ()
    license: str = ""
    created: str = ""
    updated: str = ""
    thumbnail_url: str = ""
    web_url: str = ""
    api_url: str = ""
    has_children: bool = False
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        """Keep ``fields`` a tuple and ``raw`` to scalar values only."""
        self.fields = tuple(self.fields)
        self.raw = {key: value for key, value in self.raw.items() if value is None or isinstance(value, SCALARS)}


@dataclass
class LayerSource:
    """One way to load a resource as a QGIS layer. ``uri`` never carries a secret.

    ``fetch`` sources have no native endpoint: the adapter's :meth:`PlatformAdapter.fetch_features` copies
    the data (paged GeoJSON or SQL) into a local GeoPackage first, which ``provider``/``uri`` then don't name.
    """

    label: str  # what "Add to map as…" shows, e.g. "Features (WFS)", "Vector tiles", "Raster tiles (XYZ)"
    layer_type: str  # "vector", "raster", "vector-tile"
    provider: str  # QGIS provider key: "WFS", "oapif", "wms", "vectortile", "gdal", "ogr", ... ("" for fetch)
    uri: str
    name: str
    fetch: bool = False
    default: bool = False  # the source double-click / "Add to map" uses


@dataclass
class ListQuery:
    """How to list a kind: search text, sort field and direction, page size."""

    search: str = ""
    sort: str = ""
    descending: bool = False
    page_size: int = 50


class PlatformAdapter(ABC):
    """A connection's platform: authentication, a connection test, listing, details."""

    kind: ClassVar[str]

    def __init__(self, connection: Connection, client: Optional[HttpClient] = None) -> None:
        """An adapter for ``connection``, sending through ``client`` (default: the shared one)."""
        self.connection = connection
        self.client = client or shared_client()

    @property
    @abstractmethod
    def auth(self) -> Any:
        """The :class:`plugin.net.client.AuthApplier` for this connection's requests."""

    @abstractmethod
    def check(self, feedback: Optional[QgsFeedback] = None) -> str:
        """Make one real authenticated request; return a one-line description of what answered."""

    def service_prefixes(self) -> list[str]:
        """URL prefixes whose requests (also from QGIS's own providers) get this connection's credentials."""
        return [self.connection.base_url]

    def browse_kinds(self) -> list[ResourceKind]:
        """The resource kinds this platform lists (none by default)."""
        return []

    def list_page(
        self,
        kind: str,
        query: ListQuery,
        token: PageToken = None,
        parent: Optional[Resource] = None,
        feedback: Optional[QgsFeedback] = None,
    ) -> Page:
        """One page of resources of ``kind`` (the platform's adapter says how)."""
        raise NotImplementedError(f"{self.kind} cannot list {kind}")

    def get_details(self, resource: Resource, feedback: Optional[QgsFeedback] = None) -> Resource:
        """``resource`` in full (fields, extent, description), read from the server when ``has_details``."""
        return resource

    @property
    def has_details(self) -> bool:
        """Whether :meth:`get_details` reads more than listing gives (the adapter has its own)."""
        return type(self).get_details is not PlatformAdapter.get_details

    def resource_by_id(self, resource_id: str, feedback: Optional[QgsFeedback] = None) -> Resource:
        """The loadable resource (layer, table, dataset) named by its platform id, with its details;
        :class:`plugin.errors.NotFoundError` when there is none."""
        raise GeodockError(tr("{name}: this platform has no layers to fetch").format(name=self.connection.name))

    def child_kind(self, resource: Resource) -> str:
        """The kind listed below a resource with children (``has_children``), e.g. a project's ``datasets``."""
        return "datasets"

    def layer_sources(self, resource: Resource) -> list[LayerSource]:
        """The ways ``resource`` can be loaded as a QGIS layer (one of them ``default``); none raises."""
        raise NotImplementedError(f"{self.kind} has no layer sources")

    def prepare_sources(self, feedback: Optional[QgsFeedback] = None) -> None:
        """Called before QGIS's own providers open a (non-``fetch``) source, e.g. to log in first."""
        return None  # most platforms have nothing to prepare

    def fetch_features(
        self,
        resource: Resource,
        output_gpkg_path: str,
        extent: Optional[tuple[float, float, float, float]] = None,
        feedback: Optional[QgsFeedback] = None,
    ) -> str:
        """Copy ``resource``'s features (within ``extent``, EPSG:4326) into a GeoPackage; its OGR source."""
        raise NotImplementedError(f"{self.kind} cannot fetch features")

    def fetch_raster(self, resource: Resource, folder: str, feedback: Optional[QgsFeedback] = None) -> str:
        """Download ``resource``'s raster into ``folder``; the GDAL source of the file."""
        raise NotImplementedError(f"{self.kind} cannot fetch rasters")

    def url(self, path: str) -> str:
        """``path`` below the connection's API root (absolute URLs pass unchanged)."""
        if path.startswith(("http://", "https://")):
            return path
        return self.connection.base_url + path.lstrip("/")


def set_query_item(request: QNetworkRequest, name: str, value: str) -> None:
    """Set query parameter ``name`` of ``request``'s URL to ``value`` (replacing any earlier value)."""
    url = request.url()
    query = QUrlQuery(url)
    query.removeAllQueryItems(name)
    query.addQueryItem(name, QUrl.toPercentEncoding(value).data().decode())
    url.setQuery(query)
    request.setUrl(url)
