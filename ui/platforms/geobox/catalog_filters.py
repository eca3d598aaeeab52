"""Geobox's Catalog filters: items shared with me (``shared``) and an OGC CQL filter (``q``) with examples."""

from __future__ import annotations

from typing import Optional

from qgis.PyQt.QtWidgets import QWidget

from ....plugin.i18n import tr
from ....plugin.platforms.catalog_filters import FilterSpec
from ...catalog_filters import FilterForm
from ...plain_text import plain_tooltip


class GeoboxCatalogFilters(FilterForm):
    """The generic form; the CQL field explains itself with examples (the server checks it: a wrong one is an
    error row with the server's message)."""

    def __init__(self, spec: FilterSpec, parent: Optional[QWidget] = None) -> None:
        super().__init__(spec, parent)
        cql = self.widgets.get("q")
        if cql is not None:
            examples = "\n".join(("name LIKE '%road%'", "feature_count > 1000", "created_at > '2024-01-01'"))
            cql.setToolTip(
                plain_tooltip(tr("An OGC CQL filter on the items' fields, e.g.:\n{examples}").format(examples=examples))
            )
