"""The toy platform's adapter: one resource kind, "things", listed from memory (no network)."""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import QgsFeedback

from geodock.plugin.net.paging import Page, PageToken
from geodock.plugin.platforms.auth_appliers import AuthConfigAuth
from geodock.plugin.platforms.base import LayerSource, ListQuery, PlatformAdapter, Resource, ResourceKind

from . import KIND

THINGS = "things"
# The whole "server": (id, title) of each thing.
CATALOG = (("1", "Red thing"), ("2", "Green thing"), ("3", "Blue thing"))


class ToyAdapter(PlatformAdapter):
    """Lists :data:`CATALOG` as "things"; each loads as a memory point layer."""

    kind = KIND

    @property
    def auth(self) -> Any:
        """QGIS's own handling of the (unused) auth config."""
        return AuthConfigAuth(self.connection.authcfg, self.connection.base_url)

    def check(self, feedback: Optional[QgsFeedback] = None) -> str:
        """Nothing to reach: say how many things there are."""
        return f"Toy platform with {len(CATALOG)} things"

    def browse_kinds(self) -> list[ResourceKind]:
        """The one kind this platform lists."""
        return [ResourceKind(THINGS, "Things", ("title",))]

    def list_page(
        self,
        kind: str,
        query: ListQuery,
        token: PageToken = None,
        parent: Optional[Resource] = None,
        feedback: Optional[QgsFeedback] = None,
    ) -> Page:
        """One page of the things whose title contains the search text (``token`` is the offset)."""
        if kind != THINGS:
            raise NotImplementedError(f"toy cannot list {kind}")
        found = [thing(id_, title) for id_, title in CATALOG if query.search.lower() in title.lower()]
        found.sort(key=lambda resource: resource.title, reverse=query.descending)
        start = int(token or 0)
        end = start + query.page_size
        return Page(found[start:end], total=len(found), next=end if end < len(found) else None)

    def layer_sources(self, resource: Resource) -> list[LayerSource]:
        """A memory point layer named after the thing."""
        uri = "Point?crs=EPSG:4326&field=name:string(40)"
        return [LayerSource("Memory layer", "vector", "memory", uri, resource.title, default=True)]


def thing(id_: str, title: str) -> Resource:
    """The resource of one thing."""
    return Resource(id=id_, kind=THINGS, title=title, geometry_type="Point", crs="EPSG:4326")
