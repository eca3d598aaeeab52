"""Context-menu actions of the Browser panel's Geodock items (built on the GUI thread, when the menu opens)."""

from __future__ import annotations

from typing import Any, Callable

from qgis.core import QgsApplication, QgsDataItem
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtGui import QDesktopServices, QGuiApplication
from qgis.PyQt.QtWidgets import QAction

from ..connections import Connection
from ..gui_hooks import hooks
from ..html_sanitize import safe_link
from ..i18n import tr
from ..platforms import registry
from ..platforms.base import LayerSource, Resource
from .uris import default_source


def refresh_action(parent: Any, slot: Callable[[], None]) -> QAction:
    """A "Refresh" action calling ``slot``."""
    refresh = QAction(QgsApplication.getThemeIcon("/mActionRefresh.svg"), tr("Refresh"), parent)
    refresh.triggered.connect(lambda _=False: slot())
    return refresh


def exportable(connection: Connection, resource: Resource) -> bool:
    """Whether ``resource`` can be exported server-side by its connection's platform."""
    if not registry.supports(connection, registry.Capability.EXPORT):
        return False
    return resource.kind in registry.platform(connection.kind).export_kinds


def _add_actions(connection: Connection, resource: Resource, sources: list[LayerSource], parent: Any) -> list[QAction]:
    """ "Add to map" (with the default source), and "Add to map as …" per source when there are several."""
    add_to_map = hooks.add_to_map
    if not sources or add_to_map is None:
        return []
    add = QAction(QgsApplication.getThemeIcon("/mActionAddLayer.svg"), tr("Add to map"), parent)
    chosen = default_source(sources)
    add.triggered.connect(lambda _=False: add_to_map(connection, resource, chosen))
    actions = [add]
    if len(sources) > 1:
        for source in sources:
            action = QAction(tr("Add to map as {label}").format(label=source.label), parent)
            action.triggered.connect(lambda _=False, s=source: add_to_map(connection, resource, s))
            actions.append(action)
    return actions


def _link_actions(resource: Resource, parent: Any) -> list[QAction]:
    """Copy id, copy URL (when it has one), open on the web (when its web link is safe)."""
    copy_id = QAction(QgsApplication.getThemeIcon("/mActionEditCopy.svg"), tr("Copy id"), parent)
    copy_id.triggered.connect(lambda _=False: QGuiApplication.clipboard().setText(resource.id))
    actions = [copy_id]
    url = resource.web_url or resource.api_url
    if url:
        copy_url = QAction(tr("Copy URL"), parent)
        copy_url.triggered.connect(lambda _=False: QGuiApplication.clipboard().setText(url))
        actions.append(copy_url)
    link = safe_link(resource.web_url)
    if link:
        open_web = QAction(tr("Open on the web"), parent)
        open_web.triggered.connect(lambda _=False: QDesktopServices.openUrl(QUrl(link)))
        actions.append(open_web)
    return actions


def resource_actions(
    item: QgsDataItem, connection: Connection, resource: Resource, sources: list[LayerSource], parent: Any
) -> list[QAction]:
    """The context menu the Catalog dock offers too: add (as…), export, copy id/URL, open on the web, and
    refresh the listing ``item`` is in."""
    actions = _add_actions(connection, resource, sources, parent)
    open_export = hooks.open_export
    if open_export is not None and exportable(connection, resource):
        export = QAction(QgsApplication.getThemeIcon("/mActionSharingExport.svg"), tr("Export…"), parent)
        export.triggered.connect(lambda _=False: open_export(connection, [resource]))
        actions.append(export)
    actions += _link_actions(resource, parent)
    reload = getattr(item.parent(), "reload", None)  # a paged listing (items.PagedItem)
    if callable(reload):
        actions.append(refresh_action(parent, reload))
    return actions
