"""The toolbar's Upload: which platform's upload dialog to open, asked of the registry (never by name).

Rows that can upload (:attr:`Capability.UPLOAD` and a ``ui.upload_dialog``) are offered; when the user has
connections to some of them, only those. One row opens its dialog at once; several make a menu to choose from.
"""

from __future__ import annotations

from typing import Callable

from qgis.PyQt.QtCore import QPoint
from qgis.PyQt.QtWidgets import QMenu, QWidget

from ..plugin.i18n import tr
from ..plugin.platforms import registry
from ..plugin.platforms.registry import Capability, Platform


def upload_rows() -> list[Platform]:
    """The rows whose dialogs the Upload button can open: with connections first when there are some."""
    rows = [row for row in registry.platforms() if Capability.UPLOAD in row.capabilities and row.ui.upload_dialog]
    kinds = {connection.kind for connection in registry.connections_with(Capability.UPLOAD)}
    used = [row for row in rows if row.kind in kinds]
    return used or rows


def choose_upload(
    rows: list[Platform], parent: QWidget, at: QPoint, open_ref: Callable[[registry.Ref], object]
) -> QMenu | None:
    """Open the upload dialog of the only row of ``rows`` (:func:`upload_rows`), or pop up a menu of them at
    ``at`` and return it (keep it while it is shown); None when the dialog opened directly."""
    if len(rows) <= 1:
        for row in rows:
            open_ref(row.ui.upload_dialog)
        return None
    menu = QMenu(parent)
    menu.setObjectName("GeodockUploadChooser")
    for row in rows:
        action = menu.addAction(tr("Upload to {platform}…").format(platform=tr(row.title)))
        action.setObjectName(f"GeodockUploadTo_{row.kind}")
        action.triggered.connect(lambda _=False, ref=row.ui.upload_dialog: open_ref(ref))
    menu.popup(at)
    return menu
