"""Drops on the Catalog dock's list: layers and files dropped there are uploaded to the current connection when
its platform takes uploads (:attr:`Capability.UPLOAD`, see :mod:`.browser_drop`). A mixin of
:class:`.catalog_dock.CatalogDock`.
"""

from __future__ import annotations

from typing import Any, Optional

from qgis.PyQt import sip
from qgis.PyQt.QtCore import QEvent, QMimeData, QObject, Qt
from qgis.PyQt.QtWidgets import QTreeView

from ..plugin.connections import Connection
from ..plugin.platforms import registry
from ..plugin.platforms.registry import Capability
from .browser_drop import can_decode, start_uploads

DROP_EVENTS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)


class CatalogDrops:
    """Uploads of what is dropped on the list (mixed into the dock)."""

    iface: Any
    connection: Optional[Connection]
    view: QTreeView
    uploads: list[Any]  # upload tasks started by drops, newest last (tests wait on them)

    def _accept_drops(self) -> None:
        """Let the list's viewport take drops; :meth:`_drop_event` decides on each."""
        self.uploads = []
        self.view.setAcceptDrops(True)
        self.view.viewport().setAcceptDrops(True)

    def _can_upload(self) -> bool:
        return self.connection is not None and registry.supports(self.connection, Capability.UPLOAD)

    def accepts_drop(self, mime: Optional[QMimeData], source: Optional[QObject] = None) -> bool:
        """Whether a drop of ``mime`` uploads: the connection takes uploads and the drag did not start in this list."""
        return self._can_upload() and source is not self.view and can_decode(mime)

    def _drop_event(self, event: QEvent) -> bool:
        """Handle a drag or drop event of the list's viewport (always consumed)."""
        if not self.accepts_drop(event.mimeData(), event.source()):
            event.ignore()
            return True
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        if event.type() == QEvent.Type.Drop:
            self.upload_dropped(event.mimeData())
        return True

    def upload_dropped(self, mime: QMimeData) -> list[Any]:
        """Upload the vector layers in ``mime`` to the current connection; list again after each."""
        connection = self.connection
        if connection is None or not self._can_upload():
            return []

        def uploaded(_uuid: str) -> None:
            dock: Any = self
            if not sip.isdeleted(dock) and self.connection is not None and self.connection.id == connection.id:
                dock.reload()

        tasks = start_uploads(connection, mime, self.iface.messageBar() if self.iface else None, uploaded)
        self.uploads = [*self.uploads[-20:], *tasks]
        return tasks
