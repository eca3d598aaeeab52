"""Per-feature conflict choices, for the desktop's conflict dialog: what differs, then keep mine or take theirs.

:func:`conflict_details` reads both sides of each conflict (the copy's row, the server's feature now) into plain
text; :func:`resolve` applies the user's choice: the features whose server version the user takes are pulled
(:func:`.pull.pull` with ``take_theirs``), then the rest is synced with KEEP_MINE limited to the features the
user chose to keep. A conflict the user was not asked about (the server changed another edited feature in the
meantime) stops that sync instead of being overwritten: the caller asks again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Optional

from osgeo import ogr
from qgis.core import QgsFeedback

from ..i18n import tr
from ..platforms import adapter_for
from .engine import sync, writer_for
from .model import Conflict, FetchedCopy, Policy, SyncReport, connection_of
from .pull import pull
from .values import from_geojson, from_ogr

TEXT_LIMIT = 200  # characters of one value shown (server text is plain text, and short)


@dataclass(frozen=True)
class FieldDifference:
    """One field whose value here and on the server differ, both as plain text."""

    name: str
    mine: str
    theirs: str


@dataclass(frozen=True)
class ConflictDetail:
    """A conflict with what differs: the fields (mine vs theirs) and whether the geometries differ."""

    conflict: Conflict
    fields: list[FieldDifference] = field(default_factory=list)
    geometry: bool = False


def value_text(value: Any) -> str:
    """A field value as one line of plain text (empty values named, long ones cut)."""
    if value is None:
        return tr("(empty)")
    text = " ".join(str(list(value) if isinstance(value, tuple) else value).split())
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def _local_rows(copy: FetchedCopy, fids: Iterable[int]) -> dict[int, Any]:
    """The comparable form of the copy's rows ``fids`` (those still there)."""
    ds = ogr.Open(str(copy.path))
    try:
        layer = ds.GetLayerByName(copy.layer)
        rows = {}
        for fid in fids:
            feature = layer.GetFeature(fid)
            if feature is not None:
                rows[fid] = from_ogr(feature, copy.origin.fields)
        return rows
    finally:
        ds = None


def conflict_details(
    copy: FetchedCopy, conflicts: list[Conflict], writer: Optional[Any] = None, feedback: Optional[QgsFeedback] = None
) -> list[ConflictDetail]:
    """Each conflict with the fields whose values differ here and on the server now (BLOCKING: one read of the
    conflicting features). A side that deleted the feature has no values: its conflict lists no field."""
    if not conflicts:
        return []
    writer = writer or writer_for(copy)
    server = writer.server_features(copy.resource(), [c.server_id for c in conflicts], feedback)
    local = _local_rows(copy, [c.fid for c in conflicts])
    details = []
    for conflict in conflicts:
        mine, now = local.get(conflict.fid), server.get(conflict.server_id)
        if mine is None or now is None:
            details.append(ConflictDetail(conflict))
            continue
        theirs = from_geojson(now.feature, copy.origin.fields)
        their_values = dict(theirs[1])
        differences = [
            FieldDifference(name, value_text(value), value_text(their_values.get(name)))
            for name, value in mine[1]
            if name in their_values and their_values[name] != value
        ]
        details.append(ConflictDetail(conflict, differences, mine[0] != theirs[0]))
    return details


def resolve(
    copy: FetchedCopy,
    mine: set[int],
    theirs: set[int],
    feedback: Optional[QgsFeedback] = None,
    writer: Optional[Any] = None,
) -> SyncReport:
    """Apply the user's choice per conflicting feature (fids): ``theirs`` take the server's version, ``mine`` are
    sent over the server's; then the other edits are sent and the server's changes pulled, as :func:`.sync`.

    A conflict on a feature in neither set stops the sync (``report.stopped``, its conflicts listed): nothing is
    overwritten that the user did not choose to overwrite.
    """
    writer = writer or writer_for(copy)
    if theirs:
        pull(copy, adapter_for(connection_of(copy)), set(theirs), feedback)
    return sync(copy, Policy.KEEP_MINE, feedback, writer, mine=set(mine))
