"""The GUI side of "Add to map": load a remote resource in one task, add it to the project, tell the user.

Used by the Catalog dock, the Browser panel's context menus and drops of ``geodock`` custom URIs.
:func:`plugin.layers.load` does the work on a worker thread (source choice and layer building); the layer is
added to the project on the GUI thread once it is there.
"""

from __future__ import annotations

from typing import Callable, Optional

from qgis.core import Qgis, QgsFeedback, QgsMapLayer
from qgis.gui import QgsMessageBar

from ..plugin import layers, log
from ..plugin.browser.uris import CustomReference
from ..plugin.connections import Connection
from ..plugin.errors import CancelledError, GeodockError
from ..plugin.gui_hooks import push_message
from ..plugin.i18n import tr
from ..plugin.platforms.base import LayerSource, Resource
from ..plugin.tasks import FunctionTask, run_in_background

Loaded = tuple[Resource, QgsMapLayer]


def _bar(message_bar: Optional[QgsMessageBar]) -> QgsMessageBar:
    """``message_bar``, else the QGIS main window's."""
    if message_bar is not None:
        return message_bar
    from qgis.utils import iface

    return iface.messageBar()


def _start(
    message_bar: Optional[QgsMessageBar],
    connection: Connection,
    resource: Resource,
    source: Optional[LayerSource],
    source_label: Optional[str],
    on_added: Optional[Callable[[QgsMapLayer], None]],
) -> FunctionTask:
    """The one task of "add to map": :func:`plugin.layers.load` on the worker, then add and tell."""
    bar = _bar(message_bar)
    title = resource.title or resource.id

    def work(feedback: QgsFeedback) -> Loaded:
        return layers.load(connection, resource, source, source_label, feedback)

    def done(loaded: Loaded) -> None:
        _resource, layer = loaded
        layers.add_to_project(layer)
        push_message(bar, tr("Added {name} to the map").format(name=layer.name()), Qgis.MessageLevel.Success, 4)
        if on_added is not None:
            on_added(layer)

    def failed(error: GeodockError) -> None:
        if isinstance(error, CancelledError):
            return
        if isinstance(error, layers.NoLayerSourceError):
            push_message(bar, error.message, Qgis.MessageLevel.Warning, 6)
            return
        message = log.exception(error, tr("Loading {title}").format(title=title))
        push_message(bar, message, Qgis.MessageLevel.Critical, 10)

    return run_in_background(tr("Loading {title}").format(title=title), work, done, failed)


def add_to_map(
    message_bar: Optional[QgsMessageBar],
    connection: Connection,
    resource: Resource,
    source: Optional[LayerSource] = None,
    on_added: Optional[Callable[[QgsMapLayer], None]] = None,
) -> FunctionTask:
    """Load ``resource`` (its default source unless ``source``) in a task and add it to the project."""
    return _start(message_bar, connection, resource, source, None, on_added)


def add_reference_to_map(
    message_bar: Optional[QgsMessageBar],
    reference: CustomReference,
    on_added: Optional[Callable[[QgsMapLayer], None]] = None,
) -> FunctionTask:
    """Load a dropped ``geodock`` URI: the resource's details and sources are read first when not known."""
    return _start(
        message_bar, reference.connection, reference.resource, reference.source, reference.source_label, on_added
    )
