"""The Catalog dock's filters: a "Filters" button beside the search field that opens a small panel with the
connection's filter form (:mod:`.catalog_filters`), built from what its platform offers.

The dock asks the registry whether the connection's platform has ``CATALOG_FILTERS``, never which platform it
is. Values are remembered per connection (:func:`plugin.platforms.catalog_filters.remember`), the server's
choices (categories, licences, projects...) load in a task, and "in the map view" sends the canvas extent
(EPSG:4326) and lists again when the map moves.
"""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsProject,
    QgsRectangle,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QHBoxLayout, QPushButton, QToolButton, QVBoxLayout, QWidget

from ..plugin import log
from ..plugin.connections import Connection
from ..plugin.errors import GeodockError
from ..plugin.i18n import tr
from ..plugin.platforms import registry
from ..plugin.platforms.base import ListQuery
from ..plugin.platforms.catalog_filters import FilteredQuery, FilterSpec, remember, remembered
from ..plugin.platforms.registry import Capability
from ..plugin.tasks import FunctionTask, run_in_background
from .catalog_filters import FilterForm
from .slot_guard import guarded

WORLD = (-180.0, -90.0, 180.0, 90.0)


class CatalogFilterBar:
    """Mixin of the Catalog dock: the filter button, panel and form of the current connection."""

    iface: Any
    connection: Optional[Connection]
    search_timer: Any

    def _build_filters(self, parent: QWidget) -> tuple[QToolButton, QWidget]:
        """The "Filters" button and its (hidden) panel; the dock places them."""
        self.filter_spec: Optional[FilterSpec] = None
        self.filter_form: Optional[FilterForm] = None
        self._choices_task: Optional[FunctionTask] = None
        self._choices_generation = 0
        self.filter_button = QToolButton(parent)
        self.filter_button.setObjectName("GeodockCatalogFilterButton")
        self.filter_button.setIcon(QgsApplication.getThemeIcon("/mActionFilter2.svg"))
        self.filter_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.filter_button.setCheckable(True)
        self.filter_button.setAutoRaise(True)
        self.filter_button.setToolTip(tr("Filter what the server lists"))
        self.filter_panel = QWidget(parent)
        self.filter_panel.setObjectName("GeodockCatalogFilterPanel")
        panel = QVBoxLayout(self.filter_panel)
        panel.setContentsMargins(0, 0, 0, 2)
        self._form_holder = QVBoxLayout()
        panel.addLayout(self._form_holder)
        clear_row = QHBoxLayout()
        clear_row.addStretch(1)
        self.clear_filters_button = QPushButton(tr("Clear filters"), self.filter_panel)
        self.clear_filters_button.setObjectName("GeodockClearFiltersButton")
        clear_row.addWidget(self.clear_filters_button)
        panel.addLayout(clear_row)
        self.filter_panel.setVisible(False)
        self.filter_button.toggled.connect(self.filter_panel.setVisible)
        self.clear_filters_button.clicked.connect(lambda _=False: self.clear_filters())
        canvas = self.iface.mapCanvas() if self.iface is not None else None
        if canvas is not None:
            canvas.extentsChanged.connect(self._map_moved)
        self._update_filter_button()
        return self.filter_button, self.filter_panel

    # The connection's form -----------------------------------------------------------------------------------

    def _connection_filters(self, listing: str) -> None:
        """Build the form of the current connection's platform (none: no button) with its remembered values."""
        self._cancel_choices()
        if self.filter_form is not None:
            self.filter_form.setParent(None)  # type: ignore[call-overload]
            self.filter_form.deleteLater()
        self.filter_form, self.filter_spec = None, None
        connection = self.connection
        if connection is not None and registry.supports(connection, Capability.CATALOG_FILTERS):
            try:
                self.filter_spec = registry.capability(connection, Capability.CATALOG_FILTERS).filter_spec()
                ref = registry.platform(connection.kind).ui.catalog_filters
                form_class = registry.load(ref) if ref else FilterForm
                self.filter_form = form_class(self.filter_spec, self.filter_panel)
            except (GeodockError, ImportError, AttributeError) as err:
                log.exception(err if isinstance(err, GeodockError) else GeodockError(str(err)))
                self.filter_form, self.filter_spec = None, None
        if self.filter_form is not None and connection is not None:
            self._form_holder.addWidget(self.filter_form)
            self.filter_form.set_values(remembered(connection.id))
            self.filter_form.show_listing(listing)
            self.filter_form.changed.connect(self._filters_changed)
            self._load_choices(connection)
        has_filters = self.filter_form is not None
        self.filter_button.setVisible(has_filters)
        self.filter_panel.setVisible(has_filters and self.filter_button.isChecked())
        self._update_filter_button(listing)

    def _listing_filters(self, listing: str) -> None:
        """The listing (kind) changed: show its fields only."""
        if self.filter_form is not None:
            self.filter_form.show_listing(listing)
        self._update_filter_button(listing)

    def _load_choices(self, connection: Connection) -> None:
        """Ask the server for the choices of the fields that have them (one task for all)."""
        spec = self.filter_spec
        keys = [f.key for f in spec.fields if f.from_server] if spec else []
        if not keys:
            return
        source = registry.capability(connection, Capability.CATALOG_FILTERS)

        def work(feedback: Any) -> dict[str, Any]:
            answers: dict[str, Any] = {}
            for key in keys:
                try:
                    answers[key] = source.filter_choices(key, feedback)
                except GeodockError as err:
                    if feedback.isCanceled():
                        raise
                    answers[key] = err
            return answers

        self._choices_generation += 1
        generation = self._choices_generation
        self._choices_task = run_in_background(
            tr("Listing the filters of {name}").format(name=connection.name),
            work,
            lambda answers: self._choices_loaded(generation, answers),
            lambda _error: self._choices_loaded(generation, {}),
        )

    @guarded
    def _choices_loaded(self, generation: int, answers: dict[str, Any]) -> None:
        if generation != self._choices_generation:
            return
        self._choices_task = None
        form = self.filter_form
        if form is None:
            return
        for key, answer in answers.items():
            if isinstance(answer, GeodockError):
                form.choices_failed(key, log.exception(answer, tr("Listing filter choices")))
            else:
                form.set_choices(key, answer)

    def _cancel_choices(self) -> None:
        self._choices_generation += 1
        task, self._choices_task = self._choices_task, None
        if task is not None:
            try:
                task.cancel()
            except RuntimeError:  # already finished and deleted
                pass

    # Values ------------------------------------------------------------------------------------------------

    def filter_values(self) -> dict[str, str]:
        """The values the form shows (all fields, also those hidden for this listing)."""
        return self.filter_form.values() if self.filter_form is not None else {}

    def set_filter_values(self, values: dict[str, str]) -> None:
        """Show ``values``, remember them and list again."""
        if self.filter_form is not None:
            self.filter_form.set_values(values)
            self._filters_changed()

    @guarded
    def clear_filters(self) -> None:
        """Clear every filter of this connection."""
        self.set_filter_values({})

    @guarded
    def _filters_changed(self) -> None:
        if self.connection is not None:
            remember(self.connection.id, self.filter_values())
        self._update_filter_button()
        self.search_timer.start()

    def _listing(self) -> str:
        kind = self.current_kind()  # type: ignore[attr-defined]
        return kind.id if kind else ""

    def _update_filter_button(self, listing: Optional[str] = None) -> None:
        listing = self._listing() if listing is None else listing
        spec = self.filter_spec
        count = len(spec.for_listing(listing, self.filter_values())) if spec else 0
        text = tr("Filters")
        self.filter_button.setText(f"{text} ({count})" if count else text)

    def filtered_query(self, query: ListQuery) -> ListQuery:
        """``query`` with the values that filter the current listing, and the map extent when asked."""
        spec = self.filter_spec
        if spec is None:
            return query
        listing = self._listing()
        values = self.filter_values()
        extent = self.map_extent() if spec.wants_map_view(listing, values) else None
        return FilteredQuery(
            query.search, query.sort, query.descending, query.page_size, spec.for_listing(listing, values), extent
        )

    def map_extent(self) -> tuple[float, float, float, float]:
        """The map canvas's extent in EPSG:4326 (the whole world when it has none or cannot be transformed)."""
        canvas = self.iface.mapCanvas() if self.iface is not None else None
        if canvas is None or canvas.extent().isEmpty():
            return WORLD
        extent = QgsRectangle(canvas.extent())
        crs = canvas.mapSettings().destinationCrs()
        wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
        if crs.isValid() and crs != wgs84:
            try:
                extent = QgsCoordinateTransform(crs, wgs84, QgsProject.instance()).transformBoundingBox(extent)
            except QgsCsException:
                return WORLD
        x0, y0, x1, y1 = extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()
        return _clamp(x0, 180.0), _clamp(y0, 90.0), _clamp(x1, 180.0), _clamp(y1, 90.0)

    @guarded
    def _map_moved(self) -> None:
        spec = self.filter_spec
        if spec is not None and spec.wants_map_view(self._listing(), self.filter_values()):
            self.search_timer.start()  # list again for the new view, once the map stops moving

    def _shutdown_filters(self) -> None:
        self._cancel_choices()
        canvas = self.iface.mapCanvas() if self.iface is not None else None
        if canvas is not None:
            try:
                canvas.extentsChanged.disconnect(self._map_moved)
            except TypeError:
                pass


def _clamp(value: float, limit: float) -> float:
    """``value`` within ``[-limit, limit]`` (monotonic: a box stays a box)."""
    return min(max(value, -limit), limit)
