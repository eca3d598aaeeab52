"""What a :class:`.capabilities.FeatureWriter` reads and writes: features as GeoJSON dicts in EPSG:4326.

A platform's writer knows nothing of GeoPackages or QGIS layers: the sync core (:mod:`plugin.sync`) hands it
:class:`FeatureEdit` lists and records what comes back. ``local_id`` is the copy's feature id (the GeoPackage
fid), echoed back so the caller can match answers to rows; ``server_id`` is the platform's id, as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

_ID = re.compile(r"^[\w.:-]{1,100}$")


def readable_id(value: Any) -> Optional[str]:
    """A feature id a server sent, as text: a whole number or a short word (letters, digits, ``_.:-``); None for
    anything else (an object, a list, a bool, a long or odd string), which must never become a feature's id."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and _ID.match(value):
        return value
    return None


@dataclass(frozen=True)
class WritePermission:
    """Whether the signed-in user may change a resource, and the reason (one line for the user) when not."""

    allowed: bool
    reason: str = ""
    insert: bool = True
    update: bool = True
    delete: bool = True


@dataclass
class FeatureEdit:
    """One feature to add (``server_id`` None), change or delete: a GeoJSON Feature dict in EPSG:4326."""

    local_id: int
    server_id: Optional[str]
    feature: dict[str, Any] = field(default_factory=dict)


@dataclass
class EditBatch:
    """Every edit of one push, by kind."""

    adds: list[FeatureEdit] = field(default_factory=list)
    updates: list[FeatureEdit] = field(default_factory=list)
    deletes: list[FeatureEdit] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.adds) + len(self.updates) + len(self.deletes)


@dataclass
class EditOutcome:
    """What the server did with one edit: accepted (``error`` empty) with its id and values, or refused and why."""

    kind: str  # "add", "update" or "delete"
    local_id: int
    server_id: Optional[str] = None  # the server's id (assigned by it for an add)
    feature: Optional[dict[str, Any]] = None  # the server's answer (its values), when it gave one
    error: str = ""  # one line for the user when the server refused or the edit was not sent

    @property
    def ok(self) -> bool:
        """True when the server accepted the edit."""
        return not self.error


OutcomeCallback = Callable[[EditOutcome], None]
"""Called once per edit as soon as its outcome is known, so the caller records what was sent at once."""


@dataclass
class ServerFeature:
    """A feature as the server has it now: its GeoJSON (EPSG:4326) and its version when the platform has one."""

    server_id: str
    feature: dict[str, Any]
    version: Optional[str] = None  # an update time or revision; None: compare values
