"""Recording a copy's origin: after a fetch, and when a fetched copy is written again elsewhere (a sink)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from ..fetch import FID_COLUMN
from .origin import Origin, base_ids, columns, database, fid_column, quote, record_base, record_ids, write_origin


def origin_of(connection: Any, resource: Any, fields: list[str]) -> Origin:
    """The origin of ``resource`` fetched through ``connection`` (its name, never its credentials)."""
    return Origin(
        connection=connection.name,
        platform=connection.kind,
        resource_kind=resource.kind,
        resource_id=resource.id,
        title=resource.title,
        fields=[name for name in fields if name != FID_COLUMN],
        geometry_type=resource.geometry_type or str(resource.raw.get("layer_type") or ""),
    )


def server_fields(path: Path, layer: str) -> list[str]:
    """The fetched layer's columns but its fid and geometry: the server's fields."""
    with database(path) as db:
        names = columns(db, layer)
        geometry = db.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)", (layer,)
        ).fetchone()
        pk = [str(r[1]) for r in db.execute(f"PRAGMA table_info({quote(layer)})") if r[5]]
    skip = set(pk) | ({str(geometry[0])} if geometry else set()) | {FID_COLUMN}
    return [name for name in names if name not in skip]


def record_copy(path: Path, layer: str, connection: Any, resource: Any, fields: Optional[list[str]] = None) -> None:
    """Store where ``layer`` of the GeoPackage ``path`` came from (after a fetch made it there)."""
    origin = origin_of(connection, resource, fields if fields is not None else server_fields(path, layer))
    with database(path) as db:
        write_origin(db, layer, origin)


def copy_base(fetched: Path, fetched_layer: str, target: Path, target_layer: str) -> None:
    """Carry a fetched copy's server ids over to a copy of it written elsewhere, then take the target's base.

    The target's rows carry the fetched copy's fid in :data:`plugin.fetch.FID_COLUMN` (written as a field);
    without that column rows are matched in order.
    """
    with database(fetched) as db:
        ids = base_ids(db, fetched_layer)
    with database(target) as db:
        key = quote(fid_column(db, target_layer))
        if FID_COLUMN in columns(db, target_layer):
            pairs = db.execute(f"SELECT {key}, {quote(FID_COLUMN)} FROM {quote(target_layer)}").fetchall()
        else:
            fids = [r[0] for r in db.execute(f"SELECT {key} FROM {quote(target_layer)} ORDER BY {key}")]
            pairs = list(zip(fids, sorted(ids)))
        record_ids(db, target_layer, [(int(t), *ids.get(int(s), (None, None))) for t, s in pairs if s is not None])
        record_base(db, target_layer)
