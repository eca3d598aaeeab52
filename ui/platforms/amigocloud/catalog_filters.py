"""AmigoCloud's Catalog filter: one project, whose datasets are then listed instead of the projects."""

from __future__ import annotations

from ....plugin.i18n import tr
from ....plugin.platforms.catalog_filters import FilterField
from ...catalog_filters import FilterForm


class AmigoCloudCatalogFilters(FilterForm):
    """The generic form; "All projects" when no project is chosen."""

    def any_text(self, spec_field: FilterField) -> str:
        """The project combo's "not set" choice."""
        return tr("All projects") if spec_field.key == "project" else super().any_text(spec_field)
