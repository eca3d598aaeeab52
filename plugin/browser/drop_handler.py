"""Drops of ``geodock`` custom URIs (resources without a native QGIS endpoint) on the map or Layers panel."""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import Qgis, QgsMimeDataUtils
from qgis.gui import QgsCustomDropHandler, QgsMessageBar

from .. import log
from ..gui_hooks import bar_text, hooks
from .uris import PROVIDER_KEY, decode_custom_uri


class GeodockDropHandler(QgsCustomDropHandler):
    """Starts a Geodock load (copy into a local layer) for each dropped ``geodock`` URI."""

    def __init__(self, message_bar: Optional[QgsMessageBar] = None) -> None:
        super().__init__()
        self.message_bar = message_bar  # None: the QGIS main window's, looked up at drop time
        self.started: list[Any] = []  # the loading tasks, newest last (tests wait on them)

    def customUriProviderKey(self) -> str:
        """The custom URI provider key this handler takes."""
        return PROVIDER_KEY

    def handleCustomUriDrop(self, uri: QgsMimeDataUtils.Uri) -> None:
        """Start loading the dropped reference (a message on the bar when it cannot be read)."""
        try:
            reference = decode_custom_uri(uri.uri or "")
        except ValueError as err:
            message = log.exception(err, "Geodock drop")
            bar = self.message_bar
            if bar is None:
                from qgis.utils import iface

                bar = iface.messageBar() if iface is not None else None
            if bar is not None:
                bar.pushMessage("Geodock", bar_text(message), Qgis.MessageLevel.Critical, 10)
            return
        if hooks.add_reference_to_map is None:  # no GUI
            return
        task: Optional[Any] = hooks.add_reference_to_map(self.message_bar, reference)
        if task is not None:
            self.started = [*self.started[-20:], task]


def handler_class() -> type[GeodockDropHandler]:
    """The handler class ``ui/main.py`` instantiates with ``iface`` and registers (called without arguments)."""
    return GeodockDropHandler
