"""Uploading dropped layers: a layer dragged from the Layers panel, or a file from the Browser or the file
manager, dropped on a connection that can take uploads (:attr:`Capability.UPLOAD`; or on its platform's
``upload_kind`` listing) in the Browser panel or on the Catalog dock's list. Each layer is uploaded and
published by the platform's uploader in its own background task (progress and cancel in the task manager);
the listing is refreshed when it is done and failures show one line in the message bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from qgis.core import Qgis, QgsDataItem, QgsFeedback, QgsMapLayerType, QgsMimeDataUtils, QgsVectorLayer
from qgis.gui import QgsDataItemGuiContext, QgsDataItemGuiProvider, QgsMessageBar
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QMimeData, Qt

from ..plugin import log
from ..plugin.browser.items import refresh_after_upload, upload_target
from ..plugin.connections import Connection
from ..plugin.errors import CancelledError, GeodockError
from ..plugin.gui_hooks import push_message
from ..plugin.i18n import tr
from ..plugin.platforms.registry import Capability, capability
from ..plugin.tasks import FunctionTask, run_in_background

NAME = "Geodock upload"  # the Browser GUI provider's name


@dataclass
class DroppedLayer:
    """A vector layer to upload and the remote name it gets (the layer's own name)."""

    name: str
    layer: QgsVectorLayer


def can_decode(mime: Optional[QMimeData]) -> bool:
    """Whether ``mime`` may carry layers: QGIS's layer URIs or local file URLs."""
    if mime is None:
        return False
    return QgsMimeDataUtils.isUriList(mime) or any(url.isLocalFile() for url in mime.urls())


def dropped_layers(mime: QMimeData) -> tuple[list[DroppedLayer], list[str]]:
    """The vector layers ``mime`` carries, and the names of what was dropped but cannot be uploaded.

    A Layers-panel drag refers to the project's layer (uploaded as it is, edits included); a Browser drag carries
    a provider key and URI (a GeoPackage table, a shapefile...), opened as a layer here; a file from the file
    manager is opened with OGR.
    """
    layers: list[DroppedLayer] = []
    skipped: list[str] = []
    if QgsMimeDataUtils.isUriList(mime):
        for uri in QgsMimeDataUtils.decodeUriList(mime):
            layer = _layer_of(uri)
            if layer is None:
                skipped.append(uri.name or uri.uri)
            else:
                layers.append(DroppedLayer(uri.name or layer.name(), layer))
        return layers, skipped
    for url in mime.urls():
        if not url.isLocalFile():
            continue
        path = Path(url.toLocalFile())
        layer = QgsVectorLayer(str(path), path.stem, "ogr")
        if layer.isValid():
            layers.append(DroppedLayer(path.stem, layer))
        else:
            skipped.append(path.name)
    return layers, skipped


def _layer_of(uri: QgsMimeDataUtils.Uri) -> Optional[QgsVectorLayer]:
    if uri.layerType != "vector":
        return None
    project_layer = uri.mapLayer()
    if project_layer is not None:
        return project_layer if project_layer.type() == QgsMapLayerType.VectorLayer else None
    if not uri.providerKey or not uri.uri:
        return None
    layer = QgsVectorLayer(uri.uri, uri.name or "layer", uri.providerKey)
    return layer if layer.isValid() else None


def start_uploads(
    connection: Connection,
    mime: QMimeData,
    message_bar: Optional[QgsMessageBar],
    on_uploaded: Optional[Callable[[str], None]] = None,
) -> list[FunctionTask]:
    """Start one upload task per vector layer in ``mime``; ``on_uploaded(uuid)`` runs after each success."""
    layers, skipped = dropped_layers(mime)
    if skipped:
        _push(
            message_bar,
            tr("Only vector layers can be uploaded to {connection}: {names} skipped").format(
                connection=connection.name, names=", ".join(skipped)
            ),
            Qgis.MessageLevel.Warning,
        )
    return [_start_upload(connection, dropped, message_bar, on_uploaded) for dropped in layers]


def _start_upload(
    connection: Connection,
    dropped: DroppedLayer,
    message_bar: Optional[QgsMessageBar],
    on_uploaded: Optional[Callable[[str], None]],
) -> FunctionTask:
    layer = dropped.layer  # held by this closure until the task ends (a Browser file is not in the project)

    def work(feedback: QgsFeedback) -> str:
        uploader = capability(connection, Capability.UPLOAD)
        return uploader.upload_layer(layer, dropped.name, feedback)

    def done(uuid: str) -> None:
        _push(
            message_bar,
            tr("{name} published on {connection}").format(name=dropped.name, connection=connection.name),
            Qgis.MessageLevel.Success,
        )
        if on_uploaded is not None:
            on_uploaded(uuid)

    def failed(error: GeodockError) -> None:
        if isinstance(error, CancelledError):
            _push(message_bar, tr("Upload of {name} cancelled").format(name=dropped.name), Qgis.MessageLevel.Info)
            return
        message = log.exception(error, f"Upload of {dropped.name} to {connection.name}")
        _push(
            message_bar,
            tr("Upload of {name} failed: {message}").format(name=dropped.name, message=message),
            Qgis.MessageLevel.Critical,
        )

    return run_in_background(
        tr("Uploading {name} to {connection}").format(name=dropped.name, connection=connection.name),
        work,
        done,
        failed,
    )


def _push(message_bar: Optional[QgsMessageBar], text: str, level: Qgis.MessageLevel) -> None:
    bar = message_bar
    if bar is None or sip.isdeleted(bar):
        from qgis.utils import iface

        bar = iface.messageBar() if iface is not None else None
    if bar is not None:
        push_message(bar, text, level, 10)
    else:
        log.info(text)


class UploadDropGuiProvider(QgsDataItemGuiProvider):
    """Lets a connection item that can take uploads, and its upload listing, take dropped layers and upload them."""

    def __init__(self) -> None:
        super().__init__()
        self.started: list[FunctionTask] = []  # the upload tasks, newest last (tests wait on them)

    def name(self) -> str:
        """The provider's name in QGIS's registry."""
        return NAME

    def acceptDrop(self, item: QgsDataItem, context: QgsDataItemGuiContext) -> bool:
        """Whether ``item`` takes drops (an upload target)."""
        return upload_target(item) is not None

    def handleDrop(
        self, item: QgsDataItem, context: QgsDataItemGuiContext, data: QMimeData, action: Qt.DropAction
    ) -> bool:
        """Upload the layers ``data`` carries to ``item``'s connection; list ``item`` again after each."""
        connection = upload_target(item)
        if connection is None or not can_decode(data):
            return False
        message_bar = context.messageBar() if context is not None else None

        def uploaded(_uuid: str) -> None:
            if not sip.isdeleted(item):
                refresh_after_upload(item)

        tasks = start_uploads(connection, data, message_bar, uploaded)
        self.started = [*self.started[-20:], *tasks]
        return True


def create_gui_provider() -> UploadDropGuiProvider:
    """The provider ``ui/main.py`` registers with ``QgsGui.dataItemGuiProviderRegistry()``."""
    return UploadDropGuiProvider()
