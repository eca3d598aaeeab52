"""Sending a copy's edits: conflicts with the server's changes, the batch a policy leaves, and recording each
outcome in the copy as soon as it is known (so what was sent stays recorded even if the rest fails)."""

from __future__ import annotations

import sqlite3
from typing import Any, Optional

from osgeo import ogr
from qgis.core import QgsFeedback

from ..platforms.feature_edits import EditBatch, EditOutcome, FeatureEdit, ServerFeature
from .changes import LocalChanges, base_values, feature_json, wgs84_transform
from .model import Conflict, FetchedCopy, Policy
from .origin import database, forget, rebase, record_ids
from .values import from_geojson, same


def find_conflicts(
    copy: FetchedCopy, changes: LocalChanges, server: dict[str, ServerFeature], versions: dict[int, Optional[str]]
) -> tuple[list[Conflict], list[int]]:
    """Conflicts among the local changes and deletes (``server``: those features now); and the fids deleted on
    both sides (nothing to send, only to forget)."""
    fids = list(changes.changed) + list(changes.deleted)
    with database(copy.path) as db:
        base = base_values(db, copy.layer, copy.origin, fids)
    conflicts: list[Conflict] = []
    gone_both: list[int] = []
    for local, edits in (("changed", changes.changed), ("deleted", changes.deleted)):
        for fid, sid in edits.items():
            now = server.get(sid)
            if now is None:
                if local == "deleted":
                    gone_both.append(fid)
                else:
                    conflicts.append(Conflict(fid, sid, local, "deleted"))
            elif _server_changed(now, base.get(fid), versions.get(fid), copy.origin.fields):
                conflicts.append(Conflict(fid, sid, local, "changed"))
    return conflicts, gone_both


def _server_changed(now: ServerFeature, base: Any, version: Optional[str], fields: list[str]) -> bool:
    """Whether the server's feature differs from the base: by version when both have one, else by values."""
    if now.version is not None and version is not None:
        return now.version != version
    return base is None or not same(base, from_geojson(now.feature, fields))


def build_batch(copy: FetchedCopy, changes: LocalChanges, conflicts: list[Conflict], policy: Policy) -> EditBatch:
    """The edits to send: every local edit, conflicts as ``policy`` says (never called with STOP and conflicts)."""
    conflicted = {c.fid: c for c in conflicts}
    batch = EditBatch()
    ds = ogr.Open(str(copy.path))
    try:
        layer = ds.GetLayerByName(copy.layer)
        to_wgs84 = wgs84_transform(layer)

        def edit(fid: int, server_id: Optional[str]) -> FeatureEdit:
            return FeatureEdit(fid, server_id, feature_json(layer.GetFeature(fid), copy.origin, to_wgs84))

        batch.adds = [edit(fid, None) for fid in changes.added]
        for fid, sid in changes.changed.items():
            conflict = conflicted.get(fid)
            if conflict is None:
                batch.updates.append(edit(fid, sid))
            elif policy is Policy.KEEP_MINE:
                (batch.adds if conflict.server == "deleted" else batch.updates).append(
                    edit(fid, None if conflict.server == "deleted" else sid)
                )
        for fid, sid in changes.deleted.items():
            if fid not in conflicted or policy is Policy.KEEP_MINE:
                batch.deletes.append(FeatureEdit(fid, sid))
    finally:
        ds = None
    return batch


class Recorder:
    """Writes each accepted edit into the copy at once, each in a transaction of its own: the server id of an
    addition, the new base of a change, the end of a deleted feature's base. One connection serves the whole
    push (:meth:`close` ends it)."""

    def __init__(self, copy: FetchedCopy) -> None:
        self.copy = copy
        self.outcomes: list[EditOutcome] = []
        self._db: Optional[sqlite3.Connection] = None

    def __call__(self, outcome: EditOutcome) -> None:
        """Record one outcome (a refused edit stays a local change: nothing is written)."""
        self.outcomes.append(outcome)
        if not outcome.ok:
            return
        layer, base = self.copy.layer, self.copy.origin.base_table
        if self._db is None:
            self._db = sqlite3.connect(str(self.copy.path), timeout=30)
        with self._db as db:  # committed now: what the server took stays recorded whatever comes next
            if outcome.kind == "delete":
                forget(db, layer, base, [outcome.local_id])
                return
            if outcome.kind == "add":
                record_ids(db, layer, [(outcome.local_id, outcome.server_id, None)])
            rebase(db, layer, base, [outcome.local_id])

    def close(self) -> None:
        """End the connection (idempotent)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def count(self, kind: str) -> int:
        """How many edits of ``kind`` the server accepted."""
        return sum(1 for o in self.outcomes if o.ok and o.kind == kind)

    def failed(self) -> list[EditOutcome]:
        """The edits refused or not sent, each with its reason."""
        return [o for o in self.outcomes if not o.ok]


def push(
    writer: Any, copy: FetchedCopy, batch: EditBatch, gone_both: list[int], feedback: Optional[QgsFeedback]
) -> Recorder:
    """Send ``batch`` through ``writer`` and record what the server did; forget features deleted on both sides."""
    if gone_both:
        with database(copy.path) as db:
            forget(db, copy.layer, copy.origin.base_table, gone_both)
    recorder = Recorder(copy)
    try:
        if len(batch):
            writer.push(copy.resource(), batch, feedback, recorder)
    finally:
        recorder.close()
    return recorder
