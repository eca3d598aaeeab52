"""The running live layers: each stops when its layer leaves the project, and :func:`stop_all` stops them all
(plugin unload: the platform's ``on_unload``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from qgis.core import QgsProject

if TYPE_CHECKING:
    from .live_layer import LiveLayer

_live: dict[str, LiveLayer] = {}
_project_hooked = False


def _on_layer_removed(layer_id: str) -> None:
    live = _live.pop(layer_id, None)
    if live is not None:
        live.stop()
        live.deleteLater()


def register(live: LiveLayer) -> None:
    """Track ``live`` so it stops with its layer or with the plugin."""
    global _project_hooked
    _live[live.layer.id()] = live
    if not _project_hooked:
        QgsProject.instance().layerWillBeRemoved[str].connect(_on_layer_removed)
        _project_hooked = True


def live_layers() -> list[LiveLayer]:
    """Every running live layer."""
    return list(_live.values())


def live_layer_for(layer_id: str) -> Optional[LiveLayer]:
    """The live layer feeding map layer ``layer_id``, if any."""
    return _live.get(layer_id)


def stop_all() -> None:
    """Stop every live layer and let go of the project's signal (plugin unload)."""
    global _project_hooked
    for live in list(_live.values()):
        live.stop()
        live.deleteLater()
    _live.clear()
    if _project_hooked:
        try:
            QgsProject.instance().layerWillBeRemoved[str].disconnect(_on_layer_removed)
        except TypeError:
            pass
        _project_hooked = False
