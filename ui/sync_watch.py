"""Editable fetched layers in the desktop: the project's Geodock copies are watched from the moment they are added.

A fetched copy is a GeoPackage layer that knows its origin (:func:`plugin.sync.model.open_copy`). For each one:

* when the platform writes features (the registry's FEATURE_WRITE), starting to edit asks the server in the
  background whether the resource may be changed (a read-only one says so and editing stops), and every save (the
  edits committed to the GeoPackage: ``afterCommitChanges``) sends the edits to the server
  (:class:`.sync_runs.SyncRuns`);
* on other platforms, starting to edit says that the edits stay in the copy;
* the layer's context menu has *Geodock ▸ Reload from Server* and *Sync with Server*.

Nothing here touches the network on the GUI thread: finding copies reads the GeoPackage's own origin table.
"""

from __future__ import annotations

import sqlite3
from functools import partial
from typing import Any, Callable, Optional

from qgis.core import Qgis, QgsMapLayer, QgsMapLayerType, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QAction

from ..plugin.errors import GeodockError
from ..plugin.i18n import tr
from ..plugin.platforms import registry
from ..plugin.platforms.registry import Capability
from ..plugin.sync.model import open_copy
from .plain_text import push_message
from .slot_guard import guarded
from .sync_runs import SyncRuns

MENU = "Geodock"  # the layer context menu's Geodock entries (as ui/main.py's layer actions)


def copy_platform(layer: QgsMapLayer) -> Optional[str]:
    """The platform kind ``layer`` was fetched from, when it is a Geodock copy (None otherwise)."""
    if not isinstance(layer, QgsVectorLayer) or layer.providerType() != "ogr":
        return None
    if ".gpkg" not in layer.source().lower():
        return None
    try:
        return open_copy(layer).origin.platform
    except (GeodockError, OSError, ValueError, RuntimeError, sqlite3.Error):  # not a copy, or not readable
        return None


class SyncWatch:
    """Watches the project's fetched copies; ``attach()`` at initGui, ``detach()`` at unload."""

    def __init__(self, iface: Any) -> None:  # noqa: QGS105 - the plugin's iface (pytest-qgis's in tests)
        self.iface = iface
        self.runs = SyncRuns(iface)
        self.watched: dict[str, list[tuple[Any, Callable[..., Any]]]] = {}  # layer id -> (signal, slot)
        self.writable: set[str] = set()  # watched layers whose platform writes features
        self.actions: list[QAction] = []
        self.attached = False

    def attach(self) -> None:
        """Watch the copies in the project now and those added later; add the layer menu's actions."""
        if self.attached:
            return
        self.attached = True
        project = QgsProject.instance()
        project.layersAdded.connect(self.layers_added)
        project.layersWillBeRemoved.connect(self.layers_removed)
        for object_name, title, slot in (
            ("GeodockReloadFromServerAction", tr("Reload from Server"), self.reload_active),
            ("GeodockSyncWithServerAction", tr("Sync with Server"), self.sync_active),
        ):
            action = QAction(title, self.iface.mainWindow())
            action.setObjectName(object_name)
            action.triggered.connect(slot)
            self.iface.addCustomActionForLayerType(action, MENU, QgsMapLayerType.VectorLayer, False)
            self.actions.append(action)
        self.layers_added(list(project.mapLayers().values()))

    def detach(self) -> None:
        """Stop watching: disconnect everything, remove the actions, cancel running work."""
        if not self.attached:
            return
        self.attached = False
        project = QgsProject.instance()
        project.layersAdded.disconnect(self.layers_added)
        project.layersWillBeRemoved.disconnect(self.layers_removed)
        for layer_id in list(self.watched):
            self._unwatch(layer_id)
        for action in self.actions:
            self.iface.removeCustomActionForLayerType(action)
            action.setParent(None)
            action.deleteLater()
        self.actions.clear()
        self.runs.shutdown()

    @guarded
    def layers_added(self, layers: list[QgsMapLayer]) -> None:
        """Watch the fetched copies among ``layers``."""
        for layer in layers:
            platform = copy_platform(layer) if layer.id() not in self.watched else None
            if platform is None:
                continue
            writes = registry.supports(platform, Capability.FEATURE_WRITE)
            slots: list[tuple[Any, Callable[..., Any]]] = [
                (layer.editingStarted, partial(self.editing_started if writes else self.editing_local, layer.id()))
            ]
            if writes:
                slots.append((layer.afterCommitChanges, partial(self.committed, layer.id())))
            for signal, slot in slots:
                signal.connect(slot)
            self.watched[layer.id()] = slots
            if writes:
                self.writable.add(layer.id())
            for action in self.actions:
                self.iface.addCustomActionForLayer(action, layer)

    @guarded
    def layers_removed(self, layer_ids: list[str]) -> None:
        """Forget layers leaving the project."""
        for layer_id in layer_ids:
            self._unwatch(layer_id)

    def _unwatch(self, layer_id: str) -> None:
        self.writable.discard(layer_id)
        for signal, slot in self.watched.pop(layer_id, []):
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):  # the layer is already gone
                pass

    def _layer(self, layer_id: str) -> Optional[QgsVectorLayer]:
        layer = QgsProject.instance().mapLayer(layer_id)
        return layer if isinstance(layer, QgsVectorLayer) and layer_id in self.watched else None

    # Layer signals -----------------------------------------------------------------------------------------

    @guarded
    def editing_started(self, layer_id: str) -> None:
        """Editing a copy of a writable platform: check, in the background, that its resource takes edits."""
        layer = self._layer(layer_id)
        if layer is not None:
            self.runs.check_write(layer)

    @guarded
    def editing_local(self, layer_id: str) -> None:
        """Editing a copy of a platform Geodock cannot write to: say that the edits stay local."""
        layer = self._layer(layer_id)
        if layer is not None:
            push_message(
                self.iface.messageBar(),
                tr("Edits to {layer} stay in this local copy: Geodock cannot send them to its platform").format(
                    layer=layer.name()
                ),
                Qgis.MessageLevel.Info,
            )

    @guarded
    def committed(self, layer_id: str) -> None:
        """The layer's edits are in the GeoPackage: send them (after QGIS has finished its commit)."""
        QTimer.singleShot(0, partial(self.save_now, layer_id))

    @guarded
    def save_now(self, layer_id: str) -> None:
        """Sync the copy with the server (in a task)."""
        layer = self._layer(layer_id)
        if layer is not None:
            self.runs.save(layer)

    # The layer menu's actions (the layer whose menu it is is the current one) ------------------------------

    def _active_copy(self) -> Optional[QgsVectorLayer]:
        layer = self.iface.activeLayer()
        if isinstance(layer, QgsVectorLayer) and layer.id() in self.watched:
            return layer
        push_message(
            self.iface.messageBar(),
            tr("Select a layer fetched by Geodock first"),
            Qgis.MessageLevel.Warning,
        )
        return None

    @guarded
    def reload_active(self) -> None:
        """*Reload from Server* on the current layer."""
        layer = self._active_copy()
        if layer is not None:
            self.runs.reload(layer)

    @guarded
    def sync_active(self) -> None:
        """*Sync with Server* on the current layer: its saved edits sent (again), then the server's pulled."""
        layer = self._active_copy()
        if layer is None:
            return
        if layer.id() not in self.writable:
            push_message(
                self.iface.messageBar(),
                tr("Geodock cannot send edits to the platform of {layer}").format(layer=layer.name()),
                Qgis.MessageLevel.Warning,
            )
            return
        self.runs.save(layer)
