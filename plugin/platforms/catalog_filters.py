"""The Catalog's faceted filters: what a platform lets a listing filter on (:class:`FilterSpec`), the query that
carries the chosen values to its adapter (:class:`FilteredQuery`), and the values remembered per connection.

A platform with filters has the ``CATALOG_FILTERS`` capability (:class:`.capabilities.CatalogFilters`): its
adapter says which fields it has (:meth:`filter_spec`) and lists a field's choices from the server
(:meth:`filter_choices`); its ``list_page`` sends the values as the platform's own query parameters, so every
filter is applied on the server. The Catalog dock builds the form from the spec (or the platform's own form
piece, ``UiParts.catalog_filters``) and never names a platform.

Values are plain strings by field key (``""``: not set). They hold no secret and are remembered in QgsSettings
per connection id; the map view's extent is never stored, only whether the filter is on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Optional

from .. import settings
from .base import ListQuery

FILTERS_KEY = settings.CATALOG_FILTERS
MAX_VALUE = 2000  # characters of one remembered value (a CQL filter is the longest)
MAX_CHOICES = 1000  # choices kept from one server list
MAX_LABEL = 200


class FilterType(str, Enum):
    """How a field is chosen, and so which widget the form gives it."""

    CHOICE = "choice"  # one of ``choices`` (and of the server's list when ``from_server``); "" is any
    TEXT = "text"  # free text (a tag, a CQL expression)
    FLAG = "flag"  # on ("true") or off ("")
    DATE_FROM = "date_from"  # an ISO date, inclusive
    DATE_TO = "date_to"  # an ISO date, inclusive
    MAP_VIEW = "map_view"  # "true": only items meeting the map canvas's extent (sent as the query's ``extent``)


@dataclass(frozen=True)
class FilterField:
    """One facet of a platform's listings."""

    key: str  # stable: the remembered value's key and the adapter's name for it
    label: str  # translated, short (the dock is 300 px wide)
    type: FilterType
    choices: tuple[tuple[str, str], ...] = ()  # fixed (value, label) choices
    from_server: bool = False  # :meth:`CatalogFilters.filter_choices` lists (more) choices
    listings: tuple[str, ...] = ()  # browse kinds (``ResourceKind.id``) it applies to; () for every one
    hint: str = ""  # placeholder / tooltip (translated)

    def applies_to(self, listing: str) -> bool:
        """Whether the field filters the listing ``listing``."""
        return not self.listings or listing in self.listings


@dataclass(frozen=True)
class FilterSpec:
    """The fields a connection's listings filter on, in the order the form shows them."""

    fields: tuple[FilterField, ...] = ()

    def field(self, key: str) -> Optional[FilterField]:
        """The field called ``key`` (None when there is none)."""
        return next((f for f in self.fields if f.key == key), None)

    def for_listing(self, listing: str, values: Mapping[str, str]) -> dict[str, str]:
        """The set values of the fields that apply to ``listing``."""
        return {f.key: values[f.key] for f in self.fields if values.get(f.key) and f.applies_to(listing)}

    def wants_map_view(self, listing: str, values: Mapping[str, str]) -> bool:
        """Whether a map-view field is on for ``listing``."""
        return any(f.type is FilterType.MAP_VIEW for f in self.fields if f.key in self.for_listing(listing, values))


@dataclass
class FilteredQuery(ListQuery):
    """A :class:`ListQuery` with facet values and, when "in the map view" is on, the canvas extent."""

    filters: dict[str, str] = field(default_factory=dict)
    extent: Optional[tuple[float, float, float, float]] = None  # EPSG:4326 xmin, ymin, xmax, ymax


def filters_of(query: ListQuery) -> tuple[dict[str, str], Optional[tuple[float, float, float, float]]]:
    """The facet values and extent a query carries (none for a plain :class:`ListQuery`)."""
    if isinstance(query, FilteredQuery):
        return dict(query.filters), query.extent
    return {}, None


def day_start(value: str) -> str:
    """An ISO date as the first instant of that day (UTC), for ``.gte``."""
    return f"{value[:10]}T00:00:00Z"


def day_end(value: str) -> str:
    """An ISO date as the last second of that day (UTC), for ``.lte``: "to 3 May" includes 3 May."""
    return f"{value[:10]}T23:59:59Z"


def bbox_text(extent: tuple[float, float, float, float]) -> str:
    """``xmin,ymin,xmax,ymax`` with 6 decimals (about 0.1 m): short URLs, no float noise."""
    return ",".join(f"{value:.6f}" for value in extent)


def readable_choices(docs: Any, value_keys: tuple[str, ...], label_keys: tuple[str, ...]) -> list[tuple[str, str]]:
    """(value, label) pairs from a server's list; entries of the wrong shape are skipped (server text is
    untrusted: values and labels are strings or numbers, labels cut to :data:`MAX_LABEL` characters)."""
    choices: list[tuple[str, str]] = []
    for doc in docs if isinstance(docs, list) else []:
        if not isinstance(doc, dict):
            continue
        value = next((doc[k] for k in value_keys if isinstance(doc.get(k), (str, int)) and doc.get(k) != ""), None)
        label = next((doc[k] for k in label_keys if isinstance(doc.get(k), str) and doc.get(k).strip()), None)
        if value is None or isinstance(value, bool):
            continue
        choices.append((str(value)[:MAX_LABEL], (label or str(value)).strip()[:MAX_LABEL]))
        if len(choices) >= MAX_CHOICES:
            break
    return choices


# Remembered values ----------------------------------------------------------------------------------------


def remembered(connection_id: str) -> dict[str, str]:
    """The filter values last used with the connection ``connection_id`` (strings only; {} when none)."""
    raw = settings.value(f"{FILTERS_KEY}/{connection_id}", "")
    try:
        data = json.loads(raw) if isinstance(raw, str) and raw else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v[:MAX_VALUE] for k, v in data.items() if isinstance(k, str) and isinstance(v, str) and v}


def remember(connection_id: str, values: Mapping[str, str]) -> None:
    """Keep ``values`` (the set ones) for the connection ``connection_id``."""
    kept = {k: str(v)[:MAX_VALUE] for k, v in values.items() if v}
    if kept:
        settings.set_value(f"{FILTERS_KEY}/{connection_id}", json.dumps(kept, sort_keys=True))
    else:
        settings.remove(f"{FILTERS_KEY}/{connection_id}")
