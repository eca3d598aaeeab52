"""Platform packages, one per platform, behind :class:`.base.PlatformAdapter`; :mod:`.registry` lists them."""

from __future__ import annotations

from . import registry

adapter_for = registry.adapter_for
