"""The GUI side of "Add to map": load a remote resource in a task, add it to the project, tell the user.

Used by the Catalog dock, the Browser panel's context menus and drops of ``geodock`` custom URIs.
Layer building is :mod:`plugin.layers` (``load_resource`` blocks, so it runs in a ``QgsTask``);
``add_to_project`` runs on the GUI thread once the layer is there.
"""

from __future__ import annotations

from typing import Callable, Optional

from qgis.core import Qgis, QgsFeedback, QgsMapLayer
from qgis.gui import QgsMessageBar
from qgis.PyQt.QtCore import QCoreApplication

from ..plugin import log
from ..plugin.browser.uris import CustomReference, default_source
from ..plugin.connections import Connection
from ..plugin.errors import CancelledError, GeodockError
from ..plugin.gui_hooks import push_message
from ..plugin.platforms import adapter_for
from ..plugin.platforms.base import LayerSource, Resource
from ..plugin.tasks import FunctionTask, run_in_background


def tr(text: str) -> str:
    return QCoreApplication.translate("LayerLoading", text)


def _bar(message_bar: Optional[QgsMessageBar]) -> QgsMessageBar:
    """``message_bar``, else the QGIS main window's."""
    if message_bar is not None:
        return message_bar
    from qgis.utils import iface

    return iface.messageBar()


def _blocking_load(
    connection: Connection, resource: Resource, source: LayerSource, feedback: QgsFeedback
) -> QgsMapLayer:
    from ..plugin.layers import load_resource

    return load_resource(connection, resource, source, feedback)


def _add(
    bar: QgsMessageBar, resource: Resource, layer: QgsMapLayer, on_added: Optional[Callable[[QgsMapLayer], None]]
) -> None:
    from ..plugin.layers import add_to_project

    add_to_project(layer, resource)
    push_message(bar, tr("Added {name} to the map").format(name=layer.name()), Qgis.MessageLevel.Success, 4)
    if on_added is not None:
        on_added(layer)


def _failed(bar: QgsMessageBar, title: str, error: GeodockError) -> None:
    if isinstance(error, CancelledError):
        return
    message = log.exception(error, tr("Loading {title}").format(title=title))
    push_message(bar, message, Qgis.MessageLevel.Critical, 10)


def add_to_map(
    message_bar: Optional[QgsMessageBar],
    connection: Connection,
    resource: Resource,
    source: Optional[LayerSource] = None,
    on_added: Optional[Callable[[QgsMapLayer], None]] = None,
) -> Optional[FunctionTask]:
    """Load ``resource`` (its default source unless ``source``) in a task and add it to the project."""
    bar = _bar(message_bar)
    if source is None:
        try:
            source = default_source(adapter_for(connection).layer_sources(resource))
        except (GeodockError, NotImplementedError, AttributeError) as err:
            _failed(bar, resource.title, err if isinstance(err, GeodockError) else GeodockError(str(err)))
            return None
    if source is None:
        text = tr("{title} cannot be added to the map").format(title=resource.title)
        push_message(bar, text, Qgis.MessageLevel.Warning, 6)
        return None
    chosen = source
    return run_in_background(
        tr("Loading {title}").format(title=resource.title),
        lambda feedback: _blocking_load(connection, resource, chosen, feedback),
        lambda layer: _add(bar, resource, layer, on_added),
        lambda error: _failed(bar, resource.title, error),
    )


def add_reference_to_map(
    message_bar: Optional[QgsMessageBar],
    reference: CustomReference,
    on_added: Optional[Callable[[QgsMapLayer], None]] = None,
) -> FunctionTask:
    """Load a dropped ``geodock`` URI: the resource's details and sources are read first when not known."""
    bar = _bar(message_bar)
    holder: dict[str, Resource] = {"resource": reference.resource}

    def work(feedback: QgsFeedback) -> QgsMapLayer:
        resource, source = reference.resource, reference.source
        if source is None:
            adapter = adapter_for(reference.connection)
            resource = adapter.get_details(resource, feedback)
            sources = adapter.layer_sources(resource)
            source = next((s for s in sources if s.label == reference.source_label), None) or default_source(sources)
            if source is None:
                raise GeodockError(f"{resource.title} cannot be added to the map")
        holder["resource"] = resource
        return _blocking_load(reference.connection, resource, source, feedback)

    title = reference.resource.title or reference.resource.id
    return run_in_background(
        tr("Loading {title}").format(title=title),
        work,
        lambda layer: _add(bar, holder["resource"], layer, on_added),
        lambda error: _failed(bar, title, error),
    )
