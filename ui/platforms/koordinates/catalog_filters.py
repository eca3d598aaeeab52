"""Koordinates' Catalog filters: kind, category, licence, group and tag, the two date ranges on one row each
("Created [from] – [to]"), and "only data in the map view"."""

from __future__ import annotations

from ....plugin.i18n import tr
from ....plugin.platforms.catalog_filters import FilterField, FilterType
from ...catalog_filters import FilterForm, date_pair

RANGES = (("created_from", "created_to"), ("updated_from", "updated_to"))


class KoordinatesCatalogFilters(FilterForm):
    """The generic form, with each date range on one row."""

    def add_rows(self, fields: list[FilterField]) -> None:
        """Fields as rows, but each (from, to) date pair as one "Created"/"Updated" row, where the first was."""
        pending = list(fields)
        titles = {RANGES[0][0]: tr("Created"), RANGES[1][0]: tr("Updated")}
        by_key = {f.key: f for f in fields}
        while pending:
            spec_field = pending.pop(0)
            pair = next((end for start, end in RANGES if start == spec_field.key and end in by_key), None)
            if pair is not None and spec_field.type is FilterType.DATE_FROM:
                end = by_key[pair]
                pending.remove(end)
                date_pair(self, titles[spec_field.key], spec_field, end)
            else:
                super().add_rows([spec_field])
