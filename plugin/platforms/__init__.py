"""Platform adapters, one module each, behind :class:`.base.PlatformAdapter`."""

from __future__ import annotations

from importlib import import_module
from typing import Optional

from ..connections import Connection
from ..net.client import HttpClient
from .base import PlatformAdapter

# Resource kinds each platform exports server-side (ui/export_dialog.py).
EXPORTABLE_KINDS: dict[str, tuple[str, ...]] = {
    "koordinates": ("vector", "raster", "table"),
    "geobox": ("vector", "view"),
    "amigocloud": ("dataset",),
}

_MODULES = {
    "koordinates": ("koordinates.adapter", "KoordinatesAdapter"),
    "geobox": ("geobox.adapter", "GeoboxAdapter"),
    "amigocloud": ("amigocloud.adapter", "AmigoCloudAdapter"),
    "ogcapi-processes": ("ogcapi.adapter", "OgcProcessesAdapter"),
}


def adapter_for(connection: Connection, client: Optional[HttpClient] = None) -> PlatformAdapter:
    """The adapter of ``connection``'s platform (modules are imported on first use, not at start-up)."""
    module_name, class_name = _MODULES[connection.kind]
    module = import_module(f"{__name__}.{module_name}")
    return getattr(module, class_name)(connection, client)
