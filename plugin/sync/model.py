"""The sync core's vocabulary: a fetched copy, the conflict policy, conflicts and the report of a sync."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import GeodockError
from ..i18n import tr
from .origin import Origin, read_origin

if TYPE_CHECKING:
    from ..platforms.base import Resource
    from ..platforms.feature_edits import EditOutcome


class Policy(str, Enum):
    """What to do with a feature changed both here and on the server since the copy's base."""

    STOP = "stop"  # send nothing, pull nothing: the caller resolves (the desktop asks per feature)
    KEEP_MINE = "keep_mine"  # the local version wins (a feature deleted on the server is added again)
    TAKE_THEIRS = "take_theirs"  # the server's version wins (the local edit is dropped)


@dataclass(frozen=True)
class Conflict:
    """One feature edited on both sides: what happened to it here and there (``changed`` or ``deleted``)."""

    fid: int
    server_id: str
    local: str
    server: str


@dataclass
class PullCounts:
    """What a pull brought into the copy."""

    added: int = 0
    changed: int = 0
    deleted: int = 0
    kept: list[int] = field(default_factory=list)  # fids whose local edit was kept over a server change


@dataclass
class SyncReport:
    """The outcome of :func:`plugin.sync.sync`: edits the server accepted, conflicts, failures, the pull."""

    added: int = 0
    changed: int = 0
    deleted: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    failed: list[EditOutcome] = field(default_factory=list)  # still local changes, each with its reason
    stopped: bool = False  # Policy.STOP met conflicts: nothing was sent or pulled
    pulled: PullCounts = field(default_factory=PullCounts)


@dataclass
class FetchedCopy:
    """One layer of a GeoPackage made by a Geodock fetch, with its origin."""

    path: Path
    layer: str
    origin: Origin

    def resource(self) -> Resource:
        """The remote resource the copy came from (id, kind, title and geometry type only)."""
        from ..platforms.base import Resource

        return Resource(
            self.origin.resource_id,
            self.origin.resource_kind,
            self.origin.title,
            geometry_type=self.origin.geometry_type or None,
        )


def parse_source(source: str) -> tuple[Path, str]:
    """``(GeoPackage path, layer name)`` of an OGR source string (``path|layername=name``, or a path alone)."""
    path, _, rest = source.partition("|")
    layer = ""
    for part in rest.split("|"):
        key, _, value = part.partition("=")
        if key.strip().lower() == "layername":
            layer = value.strip()
    if not layer:
        from osgeo import ogr

        ds = ogr.Open(path)
        if ds is not None and ds.GetLayerCount() >= 1:
            layer = ds.GetLayer(0).GetName()
        ds = None
    return Path(path), layer


def open_copy(source: Any) -> FetchedCopy:
    """The fetched copy behind ``source`` (an OGR source string or a QgsVectorLayer); GeodockError when the layer
    is not a GeoPackage made by a Geodock fetch."""
    text = source.source() if hasattr(source, "source") else str(source)
    path, layer = parse_source(text)
    origin = read_origin(path, layer) if path.suffix.lower() == ".gpkg" and layer else None
    if origin is None or not origin.base_table:
        raise GeodockError(
            tr("{layer} is not a copy fetched by Geodock: it does not know which server it came from").format(
                layer=layer or path.name
            )
        )
    return FetchedCopy(path, layer, origin)


def connection_of(copy: FetchedCopy) -> Any:
    """The stored connection the copy names (GeodockError when there is none by that name now)."""
    from ..connections import store

    connection = store().get(copy.origin.connection)
    if connection is None:
        raise GeodockError(
            tr("No Geodock connection named {name}: add it (or rename one) to sync {layer}").format(
                name=copy.origin.connection, layer=copy.layer
            )
        )
    return connection
