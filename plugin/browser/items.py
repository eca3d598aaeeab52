"""The Browser panel's Geodock items: root → connections → resource kinds → resources (→ children).

``createChildren()`` runs on a worker thread: it may block on the network (one page at a time) but never
touches a widget. A kind (or a container resource, such as a project) keeps the pages it has loaded; its
"Fetch more…" item asks for the next page and refreshes the parent, which then lists the cached pages plus the
new one.
Layer items are ``QgsLayerItem`` s whose ``mimeUris()`` carry the same URIs as the Catalog dock's drags, so a
drop on the map or the Layers panel loads natively (``geodock`` custom URIs go to :mod:`.drop_handler`).
Context menu actions (:mod:`.actions`) run on the GUI thread and hand loading to the GUI's layer loader. Layers
dropped on a connection whose platform uploads (or on its upload listing) are uploaded by the GUI provider in
``ui/browser_drop.py`` (:func:`upload_target`).
"""

from __future__ import annotations

import threading
from typing import Any, Optional

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsDataCollectionItem,
    QgsDataItem,
    QgsErrorItem,
    QgsLayerItem,
    QgsMimeDataUtils,
)
from qgis.PyQt import sip
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from .. import log
from ..connections import Connection, store
from ..errors import GeodockError, url_hint
from ..gui_hooks import hooks
from ..i18n import tr
from ..icons import geometry_class, resource_icon
from ..layer_metadata import resource_tooltip
from ..platforms import adapter_for, registry
from ..platforms.base import LayerSource, ListQuery, PlatformAdapter, Resource
from ..version import PLUGIN_DIR
from .actions import refresh_action, resource_actions
from .uris import PROVIDER_KEY, default_source, mime_uri

PAGE_SIZE = 100
ROOT_PATH = "geodock:"


class GeodockRootItem(QgsDataCollectionItem):
    """ "Geodock": one child per connection; refreshed when connections change."""

    def __init__(self, parent: Optional[QgsDataItem] = None) -> None:
        super().__init__(parent, "Geodock", ROOT_PATH, PROVIDER_KEY)
        self.setIcon(QIcon(str(PLUGIN_DIR / "resources" / "icons" / "geodock.svg")))
        self.setCapabilitiesV2(Qgis.BrowserItemCapability.Fast)
        store().changed.connect(self._connections_changed)

    def _connections_changed(self) -> None:
        if not sip.isdeleted(self) and self.state() == QgsDataItem.Populated:
            self.refresh()

    def createChildren(self) -> list[QgsDataItem]:
        """One item per stored connection."""
        return owned_by(self, [ConnectionItem(self, connection) for connection in store().all()])

    def actions(self, parent: Any) -> list[QAction]:
        """Refresh."""
        return [refresh_action(parent, self.refresh)]


class ConnectionItem(QgsDataCollectionItem):
    """A Geodock connection: one child per resource kind it lists."""

    def __init__(self, parent: QgsDataItem, connection: Connection) -> None:
        super().__init__(parent, connection.name, f"{ROOT_PATH}/{connection.id}", PROVIDER_KEY)
        self.connection = connection
        self.setIcon(QgsApplication.getThemeIcon("/mIconConnect.svg"))
        self.setToolTip(connection.url)

    def createChildren(self) -> list[QgsDataItem]:
        """One item per resource kind the platform lists (runs on a worker thread)."""
        try:
            adapter = adapter_for(self.connection)
            kinds = adapter.browse_kinds()
        except (GeodockError, KeyError, ImportError) as err:
            return owned_by(self, [error_item(self, err, f"{self.connection.name}")])
        return owned_by(self, [KindItem(self, self.connection, kind.id, kind.title) for kind in kinds])

    def actions(self, parent: Any) -> list[QAction]:
        """Refresh."""
        return [refresh_action(parent, self.refresh)]


def _upload_kind(connection: Connection) -> Optional[str]:
    """The listing uploads to ``connection`` land in; None when its platform does not upload."""
    if not registry.supports(connection, registry.Capability.UPLOAD):
        return None
    return registry.platform(connection.kind).upload_kind


def upload_target(item: Optional[QgsDataItem]) -> Optional[Connection]:
    """The connection a drop on ``item`` uploads to: a connection item whose platform uploads, or its upload
    listing (the row's ``upload_kind``); None for any other item."""
    if item is None or sip.isdeleted(item) or not isinstance(item, (ConnectionItem, KindItem)):
        return None
    upload_kind = _upload_kind(item.connection)
    if upload_kind is None:
        return None
    if isinstance(item, ConnectionItem) or item.kind == upload_kind:
        return item.connection
    return None


def refresh_after_upload(item: QgsDataItem) -> None:
    """List the vector layers of ``item`` (a drop target) again so a newly published layer shows."""
    if isinstance(item, KindItem):
        item.reload()
        return
    listings = [
        child
        for child in getattr(item, "_python_children", [])
        if not sip.isdeleted(child) and isinstance(child, KindItem) and child.kind == _upload_kind(child.connection)
    ]
    for listing in listings:
        if listing.state() != QgsDataItem.NotPopulated:
            listing.reload()


def owned_by(parent: QgsDataItem, children: list[QgsDataItem]) -> list[QgsDataItem]:
    """Keep the Python side of ``children`` alive as long as ``parent`` (C++ owns and deletes the items).

    Without this, sip lets the Python subclass instances go once ``createChildren`` returned, and QGIS's later
    virtual calls (``createChildren``, ``actions``...) land on a dead wrapper. Items QGIS deleted are pruned.
    """
    kept = [child for child in getattr(parent, "_python_children", []) if not sip.isdeleted(child)]
    parent._python_children = kept + list(children)  # type: ignore[attr-defined]
    return children


def error_item(parent: QgsDataItem, err: BaseException, context: str) -> QgsErrorItem:
    """An error child with the one-line message (details go to the Geodock log tab)."""
    message = log.exception(url_hint(err), context)
    return QgsErrorItem(parent, message, f"{parent.path()}/error")


class PagedItem(QgsDataCollectionItem):
    """A listing loaded page by page: the pages loaded so far stay cached across refreshes."""

    def __init__(
        self,
        parent: QgsDataItem,
        name: str,
        path: str,
        connection: Connection,
        kind: str,
        parent_resource: Optional[Resource] = None,
    ) -> None:
        super().__init__(parent, name, path, PROVIDER_KEY)
        self.connection = connection
        self.kind = kind
        self.parent_resource = parent_resource
        self._lock = threading.Lock()
        self.resources: list[Resource] = []
        self.next: Any = None
        self.total: Optional[int] = None
        self.skipped = 0  # unreadable items the server listed (logged with their page's URL)
        self.started = False
        self.want_more = False

    def _load_page(self, adapter: PlatformAdapter) -> None:
        token = self.next if self.started else None
        page = adapter.list_page(self.kind, ListQuery(page_size=PAGE_SIZE), token, self.parent_resource, None)
        self.resources.extend(item for item in page.items if isinstance(item, Resource))
        self.next = page.next
        self.total = page.total if page.total is not None else self.total
        self.skipped += page.skipped
        self.started = True

    def createChildren(self) -> list[QgsDataItem]:
        """The cached pages' resources, plus the next page when asked for (runs on a worker thread)."""
        with self._lock:
            error: Optional[BaseException] = None
            adapter: Optional[PlatformAdapter] = None
            try:
                adapter = adapter_for(self.connection)
                if not self.started or (self.want_more and self.next is not None):
                    self._load_page(adapter)
            except (GeodockError, NotImplementedError, ValueError, KeyError, ImportError) as err:
                error = err
            self.want_more = False
            children: list[QgsDataItem] = []
            if self.started and adapter is not None:
                for position, resource in enumerate(self.resources):
                    item = resource_item(self, adapter, self.connection, resource)
                    item.setSortKey(f"{position:08d}")
                    children.append(item)
            if error is not None:
                item = error_item(self, error, tr("Listing {what}").format(what=self.name()))
                item.setSortKey("~error")
                children.append(item)
            elif self.started and self.next is not None:
                children.append(FetchMoreItem(self, len(self.resources), self.total))
            if self.skipped:
                note = tr("{n} unreadable items skipped (see the Geodock log)").format(n=self.skipped)
                skipped = QgsErrorItem(self, note, f"{self.path()}/skipped")
                skipped.setSortKey("~skipped")
                children.append(skipped)
            return owned_by(self, children)

    def fetch_more(self) -> None:
        """Load the next page into this item (on a worker thread, through ``refresh``)."""
        self.want_more = True
        self.refresh()

    def reload(self) -> None:
        """Forget the cached pages and list again from the first."""
        with self._lock:
            self.resources, self.next, self.total, self.started, self.skipped = [], None, None, False, 0
        self.refresh()

    def actions(self, parent: Any) -> list[QAction]:
        """Refresh (from the first page)."""
        return [refresh_action(parent, self.reload)]


class KindItem(PagedItem):
    """A resource kind of a connection (layers, rasters, processes...)."""

    def __init__(self, parent: QgsDataItem, connection: Connection, kind: str, title: str) -> None:
        super().__init__(parent, title, f"{parent.path()}/{kind}", connection, kind)
        self.setIcon(QgsApplication.getThemeIcon("/mIconFolder.svg"))


class ContainerItem(PagedItem):
    """A resource with children (a project, say): its children are listed like a kind."""

    def __init__(
        self, parent: QgsDataItem, adapter: PlatformAdapter, connection: Connection, resource: Resource
    ) -> None:
        super().__init__(
            parent,
            resource.title or resource.id,
            f"{parent.path()}/{resource.id}",
            connection,
            adapter.child_kind(resource),
            resource,
        )
        self.resource = resource
        self.setIcon(resource_icon(resource))
        self.setToolTip(resource_tooltip(connection, resource))

    def actions(self, parent: Any) -> list[QAction]:
        """The resource's actions, then Refresh."""
        return resource_actions(self, self.connection, self.resource, [], parent) + super().actions(parent)


class FetchMoreItem(QgsDataItem):
    """ "Fetch more…": double-click loads the next page into the parent listing."""

    def __init__(self, parent: PagedItem, loaded: int, total: Optional[int]) -> None:
        label = (
            tr("Fetch more… ({loaded} of {total})").format(loaded=loaded, total=total)
            if total is not None
            else tr("Fetch more… ({loaded} shown)").format(loaded=loaded)
        )
        super().__init__(Qgis.BrowserItemType.Custom, parent, label, f"{parent.path()}/more-{loaded}", PROVIDER_KEY)
        self.listing = parent
        self.setSortKey("~more")
        self.setIcon(QgsApplication.getThemeIcon("/mActionAdd.svg"))
        self.setState(Qgis.BrowserItemState.Populated)  # a leaf: no children, no expand arrow

    def handleDoubleClick(self) -> bool:
        """Load the next page."""
        self.listing.fetch_more()
        return True

    def actions(self, parent: Any) -> list[QAction]:
        """Fetch more."""
        more = QAction(tr("Fetch more"), parent)
        more.triggered.connect(lambda _=False: self.listing.fetch_more())
        return [more]


_LAYER_TYPES = {
    "raster": Qgis.BrowserLayerType.Raster,
    "vector-tile": Qgis.BrowserLayerType.VectorTile,
    "vectortile": Qgis.BrowserLayerType.VectorTile,
}
_GEOMETRY_LAYER_TYPES = {
    "point": Qgis.BrowserLayerType.Point,
    "line": Qgis.BrowserLayerType.Line,
    "polygon": Qgis.BrowserLayerType.Polygon,
    "table": Qgis.BrowserLayerType.TableLayer,
}


def browser_layer_type(resource: Resource, source: LayerSource) -> Qgis.BrowserLayerType:
    """The Browser icon/type of a source: raster, vector tiles, table, or the geometry's vector type."""
    if source.layer_type in _LAYER_TYPES:
        return _LAYER_TYPES[source.layer_type]
    geometry = geometry_class(resource.geometry_type)
    if resource.kind in ("table", "tables") and not geometry:
        return Qgis.BrowserLayerType.TableLayer
    return _GEOMETRY_LAYER_TYPES.get(geometry, Qgis.BrowserLayerType.Vector)


def resource_item(
    parent: QgsDataItem, adapter: PlatformAdapter, connection: Connection, resource: Resource
) -> QgsDataItem:
    """The Browser item of a resource: a container, a draggable layer, or a plain item."""
    if resource.has_children:
        return ContainerItem(parent, adapter, connection, resource)
    try:
        sources = list(adapter.layer_sources(resource))
    except (GeodockError, NotImplementedError, AttributeError):
        sources = []
    source = default_source(sources)
    if source is None:
        return ResourceItem(parent, connection, resource)
    return ResourceLayerItem(parent, connection, resource, sources, source)


class ResourceItem(QgsDataItem):
    """A resource that is not a layer (a process, a file, a document): details and links only."""

    def __init__(self, parent: QgsDataItem, connection: Connection, resource: Resource) -> None:
        super().__init__(
            Qgis.BrowserItemType.Custom,
            parent,
            resource.title or resource.id,
            f"{parent.path()}/{resource.id}",
            PROVIDER_KEY,
        )
        self.connection = connection
        self.resource = resource
        self.setToolTip(resource_tooltip(connection, resource))
        self.setIcon(resource_icon(resource))
        self.setState(Qgis.BrowserItemState.Populated)  # a leaf: no children, no expand arrow

    def actions(self, parent: Any) -> list[QAction]:
        """The resource's actions."""
        return resource_actions(self, self.connection, self.resource, [], parent)


class ResourceLayerItem(QgsLayerItem):
    """A resource that loads as a layer; dragging it carries the same URI as the Catalog dock's drag."""

    def __init__(
        self,
        parent: QgsDataItem,
        connection: Connection,
        resource: Resource,
        sources: list[LayerSource],
        source: LayerSource,
    ) -> None:
        uri = mime_uri(connection, resource, source)
        super().__init__(
            parent,
            resource.title or resource.id,
            f"{parent.path()}/{resource.id}",
            uri.uri,
            browser_layer_type(resource, source),
            uri.providerKey,
        )
        self.connection = connection
        self.resource = resource
        self.sources = sources
        self.source = source
        self._mime = uri
        self.setToolTip(resource_tooltip(connection, resource, source.label))
        self.setIcon(resource_icon(resource, source.layer_type))  # the Catalog's icon, not only the layer type's
        # QGIS 3.22's QgsLayerItem starts NotPopulated, which the Browser shows as an expand arrow.
        self.setState(Qgis.BrowserItemState.Populated)

    def mimeUri(self) -> QgsMimeDataUtils.Uri:
        """The URI a drag carries."""
        return self._mime

    def mimeUris(self) -> list[QgsMimeDataUtils.Uri]:
        """The URIs a drag carries (one)."""
        return [self._mime]

    def hasDragEnabled(self) -> bool:
        """Resource layers can be dragged to the map."""
        return True

    def handleDoubleClick(self) -> bool:
        """Add the layer to the map through the GUI's loader (QGIS's own handling without a GUI)."""
        if hooks.add_to_map is None:  # no GUI: QGIS's own handling
            return False
        hooks.add_to_map(self.connection, self.resource, self.source)
        return True

    def actions(self, parent: Any) -> list[QAction]:
        """The resource's actions."""
        return resource_actions(self, self.connection, self.resource, self.sources, parent)
