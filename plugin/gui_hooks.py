"""What plugin/ asks of Geodock's desktop GUI, without importing ui/.

ui/ fills these in when the GUI starts (:func:`ui.gui_entry_points.install_gui_hooks`, called by ``initGui``); unload
clears them. Without a GUI (``qgis_process``, a script running Processing) they stay None, and what needs
them (adding a layer from a Browser menu, the Export dialog, the end-of-job message) is not offered.

:func:`push_message` is the one way Geodock (plugin/ and ui/) puts text in a QGIS message bar; :func:`tell`
is the same for plugin/ code that holds an ``iface`` (or None without a GUI: the text goes to the log).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Callable, Optional

from qgis.core import Qgis

if TYPE_CHECKING:
    from .connections import Connection
    from .platforms.base import LayerSource, Resource


@dataclass
class GuiHooks:
    """The GUI's callbacks plugin/ may call (each None without a GUI)."""

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


def bar_text(text: str) -> str:
    """``text`` as the markup a QGIS message bar shows as exactly that text.

    A message bar renders its text as rich text in a text browser: markup in it would be live (``<img>``
    loads a local file, ``<a href="smb://...">`` is a link one click opens). Messages carry server text
    (titles, job and error messages), so every message is escaped."""
    return html.escape(text, quote=False).replace("\n", "<br>")


def push_message(bar: Any, text: str, level: Qgis.MessageLevel = Qgis.MessageLevel.Info, duration: int = -1) -> None:
    """Show ``text`` (plain text) in the message ``bar`` under Geodock's title; -1: the level's usual time."""
    bar.pushMessage("Geodock", bar_text(text), level, duration)


def tell(iface: Any, text: str, success: bool = False) -> None:  # noqa: QGS105 - the job manager's iface (None headless)
    """Show ``text`` in ``iface``'s message bar as a success or a warning; without an interface, log it."""
    if iface is None:
        from . import log

        log.info(text)
        return
    level = Qgis.MessageLevel.Success if success else Qgis.MessageLevel.Warning
    push_message(iface.messageBar(), text, level)
