"""What plugin/ asks of Geodock's desktop GUI, without importing ui/.

ui/ fills these in when the GUI starts (:func:`ui.main.install_gui_hooks`, called by ``initGui``); unload
clears them. Without a GUI (``qgis_process``, a script running Processing) they stay None, and what needs
them (adding a layer from a Browser menu, the Export dialog, the end-of-job message) is not offered.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Callable, Optional

if TYPE_CHECKING:
    from .connections import Connection
    from .platforms.base import LayerSource, Resource


@dataclass
class GuiHooks:
    add_to_map: Optional[Callable[[Connection, Resource, Optional[LayerSource]], Any]] = None
    """Load a resource (with this source, or its default) into the project, in the background."""
    add_reference_to_map: Optional[Callable[[Any, Any], Any]] = None
    """(message bar or None, a decoded ``geodock`` URI reference) -> the loading task, or None."""
    open_export: Optional[Callable[[Connection, list[Resource]], Any]] = None
    """Open the Export dialog for these resources."""
    notify_job_end: Optional[Callable[[Any, Any], None]] = None
    """(job manager, job): tell the user a job ended (message bar, with "Add to map")."""


hooks = GuiHooks()


def clear() -> None:
    """Forget every hook (the GUI is going away)."""
    for field in fields(hooks):
        setattr(hooks, field.name, None)
