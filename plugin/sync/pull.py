"""Bringing the server's changes into a fetched copy, in place: same file, same layer, same fids.

The resource is fetched whole into a scratch GeoPackage beside the copy (the platform's own fetch), then each
server feature is matched to the copy's by server id and compared with the base (:mod:`.values`): a feature the
server added is added, one it changed is rewritten, one it deleted is deleted. A feature also edited here keeps
the local edit unless ``take_theirs`` names it (it is then a conflict left for the caller). Layer rows are
written with OGR, then the base (``geodock_base`` and the snapshot) with SQLite; the layer's style, joins and
project references stay, since the layer's source does not change.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Optional

from osgeo import ogr
from qgis.core import QgsFeedback

from ..errors import GeodockError
from ..i18n import tr
from .changes import base_values, local_changes
from .model import FetchedCopy, PullCounts
from .origin import base_ids, database, forget, rebase, record_ids
from .values import Canonical, from_ogr, same

_PLAN_KEYS = ("add", "rewrite", "delete")


def fetch_scratch(copy: FetchedCopy, adapter: Any, feedback: Optional[QgsFeedback]) -> str:
    """The resource fetched whole into a scratch GeoPackage beside the copy; its path."""
    scratch = copy.path.with_name(f".{copy.path.stem}.pull-{uuid.uuid4().hex[:8]}.gpkg")
    resource = adapter.resource_by_id(copy.origin.resource_id, feedback)
    source = adapter.fetch_features(resource, str(scratch), None, feedback)
    return source.partition("|")[0]


def _server_rows(scratch: str, fields: list[str]) -> tuple[dict[str, tuple[int, Canonical]], str]:
    """``{server id: (scratch fid, comparable form)}`` of the scratch copy, and its layer name."""
    ds = ogr.Open(scratch)
    layer = ds.GetLayer(0)
    name = layer.GetName()
    with database(Path(scratch)) as db:
        ids = {fid: sid for fid, (sid, _version) in base_ids(db, name).items() if sid is not None}
    rows = {ids[f.GetFID()]: (f.GetFID(), from_ogr(f, fields)) for f in layer if f.GetFID() in ids}
    ds = None
    return rows, name


def plan(
    copy: FetchedCopy, server: dict[str, tuple[int, Canonical]], take_theirs: set[int]
) -> tuple[dict[str, list[Any]], list[int]]:
    """What to do to the copy: ``add`` [(sid, scratch fid)], ``rewrite`` [(fid, scratch fid)], ``delete`` [fid];
    and the fids whose local edit is kept over a server change."""
    with database(copy.path) as db:
        ids = base_ids(db, copy.layer)
        edited = local_changes(db, copy.layer, copy.origin).touched()
        by_sid = {sid: fid for fid, (sid, _v) in ids.items() if sid is not None}
        base = base_values(db, copy.layer, copy.origin, [by_sid[s] for s in server if s in by_sid])
    todo: dict[str, list[Any]] = {key: [] for key in _PLAN_KEYS}
    kept: list[int] = []
    for sid, (scratch_fid, values) in server.items():
        fid = by_sid.get(sid)
        if fid is None:
            todo["add"].append((sid, scratch_fid))
        elif fid not in base or not same(base[fid], values):
            if fid in edited and fid not in take_theirs:
                kept.append(fid)
            else:
                todo["rewrite"].append((fid, scratch_fid))
    for sid, fid in by_sid.items():
        if sid not in server:
            if fid in edited and fid not in take_theirs:
                kept.append(fid)
            else:
                todo["delete"].append(fid)
    return todo, kept


def _copy_values(target: ogr.Feature, source: ogr.Feature, fields: Iterable[str]) -> None:
    """The server's fields and geometry of ``source`` onto ``target`` (fields matched by name)."""
    for name in fields:
        to, frm = target.GetFieldIndex(name), source.GetFieldIndex(name)
        if to < 0 or frm < 0:
            continue
        if source.IsFieldSetAndNotNull(frm):
            target.SetField(to, source.GetField(frm))
        else:
            target.SetFieldNull(to)
    geometry = source.GetGeometryRef()
    target.SetGeometry(geometry.Clone() if geometry is not None else None)


def apply(copy: FetchedCopy, scratch: str, scratch_layer: str, todo: dict[str, list[Any]]) -> list[tuple[int, str]]:
    """Write the plan's rows into the copy's layer (OGR); the ``(fid, server id)`` of the rows it added."""
    ds = ogr.Open(str(copy.path), 1)
    source_ds = ogr.Open(scratch)
    if ds is None or source_ds is None:
        raise GeodockError(tr("Could not open {file} to bring the server's changes in").format(file=copy.path.name))
    layer, source = ds.GetLayerByName(copy.layer), source_ds.GetLayerByName(scratch_layer)
    added: list[tuple[int, str]] = []
    layer.StartTransaction()
    for sid, scratch_fid in todo["add"]:
        row = ogr.Feature(layer.GetLayerDefn())
        _copy_values(row, source.GetFeature(scratch_fid), copy.origin.fields)
        layer.CreateFeature(row)
        added.append((row.GetFID(), sid))
    for fid, scratch_fid in todo["rewrite"]:
        row = layer.GetFeature(fid)
        fresh = row is None
        if fresh:  # deleted here, taken back from the server under its old fid
            row = ogr.Feature(layer.GetLayerDefn())
            row.SetFID(fid)
        _copy_values(row, source.GetFeature(scratch_fid), copy.origin.fields)
        (layer.CreateFeature if fresh else layer.SetFeature)(row)
    for fid in todo["delete"]:
        if layer.GetFeature(fid) is not None:
            layer.DeleteFeature(fid)
    layer.CommitTransaction()
    ds = source_ds = None
    return added


def pull(
    copy: FetchedCopy, adapter: Any, take_theirs: Optional[set[int]] = None, feedback: Optional[QgsFeedback] = None
) -> PullCounts:
    """Bring the server's changes into ``copy`` (see the module docstring); ``take_theirs``: fids whose local
    edit gives way to the server's version."""
    scratch = fetch_scratch(copy, adapter, feedback)
    try:
        server, scratch_layer = _server_rows(scratch, copy.origin.fields)
        todo, kept = plan(copy, server, take_theirs or set())
        added = apply(copy, scratch, scratch_layer, todo)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.remove(scratch + suffix)
            except OSError:
                pass
    with database(copy.path) as db:
        record_ids(db, copy.layer, [(fid, sid, None) for fid, sid in added])
        rebase(db, copy.layer, copy.origin.base_table, [fid for fid, _sid in added])
        rebase(db, copy.layer, copy.origin.base_table, [fid for fid, _s in todo["rewrite"]])
        forget(db, copy.layer, copy.origin.base_table, todo["delete"])
    return PullCounts(len(added), len(todo["rewrite"]), len(todo["delete"]), kept)
