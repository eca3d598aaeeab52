"""What a platform can do beyond browsing, as Protocols: the registry maps each :class:`.registry.Capability`
to a factory taking a connection and returning an object with that Protocol.

Browsing and loading are :class:`.base.PlatformAdapter` (every platform); ``PROCESSES`` is a processes platform's
adapter itself. Every method here blocks (network): call it from a QgsTask or an algorithm, never on the GUI
thread.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional, Protocol, Union

if TYPE_CHECKING:
    from pathlib import Path

    from qgis.core import QgsFeedback, QgsProject, QgsVectorLayer

    from ..job_model import Job
    from .base import Resource
    from .catalog_filters import FilterSpec
    from .feature_edits import EditBatch, EditOutcome, OutcomeCallback, ServerFeature, WritePermission


@dataclass
class ExportRequest:
    """What the user asked to export; each platform's subclass adds its own fields and builds the body."""

    name: str
    items: list[Any]
    folder: str = ""
    add_to_project: bool = True

    def body(self) -> dict[str, Any]:
        """The JSON body the platform's export endpoint takes."""
        raise NotImplementedError


@dataclass
class ExportChoices:
    """What the Export dialog may offer: formats per data kind (value, display name), and extra choices."""

    formats: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)  # e.g. layers to crop to


@dataclass
class ExportCheck:
    """The platform's verdict on an export before it is submitted."""

    is_valid: bool
    problems: list[str] = field(default_factory=list)  # one line each, for the user
    details: Any = None  # the platform's own answer


class Exporter(Protocol):
    """EXPORT: server-side exports the Export dialog and algorithms submit."""

    def choices(self, feedback: Optional[QgsFeedback] = None) -> ExportChoices:
        """Formats (and other choices) this connection offers."""

    def validate(self, request: ExportRequest, feedback: Optional[QgsFeedback] = None) -> Optional[ExportCheck]:
        """The platform's check of ``request``; None when the platform checks nothing before submitting."""

    def submit(self, request: ExportRequest, feedback: Optional[QgsFeedback] = None) -> Job:
        """Start the export; the Job to watch."""

    def describe(self, ref: str, feedback: Optional[QgsFeedback] = None) -> Resource:
        """The item an id (or URL) typed into the Export dialog names; NotFoundError when there is none."""


class CatalogFilters(Protocol):
    """CATALOG_FILTERS: facets the Catalog's listings filter on, on the server (see :mod:`.catalog_filters`)."""

    def filter_spec(self) -> FilterSpec:
        """The fields (no network): kinds, categories, dates, "in the map view"..."""

    def filter_choices(self, key: str, feedback: Optional[QgsFeedback] = None) -> list[tuple[str, str]]:
        """The (value, label) choices the server lists for field ``key`` (a field with ``from_server``)."""


class ServerJobs(Protocol):
    """SERVER_JOBS: jobs the platform keeps, listed in the Jobs dock."""

    def list_jobs(self, feedback: Optional[QgsFeedback] = None) -> list[Job]:
        """The platform's jobs, with folder and download state set."""


class Uploader(Protocol):
    """UPLOAD: send a local vector layer and publish it."""

    def upload_layer(
        self,
        source: Union[QgsVectorLayer, str, Path],
        name: str,
        feedback: Optional[QgsFeedback] = None,
        publish_as: str = "vector",
        input_srid: Optional[int] = None,
    ) -> str:
        """Upload and publish ``source`` as ``name``; the id of the new remote layer."""


class SqlRunner(Protocol):
    """SQL: run queries against a project's database."""

    def run_select(self, project_id: str, query: str, feedback: Optional[QgsFeedback] = None, limit: int = ...) -> Any:
        """The first page of a read-only query's rows."""

    def next_page(self, url: str, query: str = "", feedback: Optional[QgsFeedback] = None) -> Any:
        """The page at ``url`` (a page's ``next``)."""

    def iter_pages(
        self, project_id: str, query: str, feedback: Optional[QgsFeedback] = None, limit: int = ...
    ) -> Iterator[Any]:
        """Every page of a read-only query."""

    def execute_write(self, project_id: str, query: str, feedback: Optional[QgsFeedback] = None) -> int:
        """Run a writing statement; the number of rows it changed."""

    def list_tables(self, project_id: str, feedback: Optional[QgsFeedback] = None) -> list[Any]:
        """The project's tables."""

    def query_features(
        self, project_id: str, query: str, feedback: Optional[QgsFeedback] = None, limit: int = ...
    ) -> Any:
        """A query's rows as QGIS fields and features."""


class LiveData(Protocol):
    """LIVE: layers the platform keeps up to date by pushing changes."""

    def add_live_layer(self, dataset: Any, project: Optional[QgsProject] = None) -> Any:
        """Add ``dataset`` as a layer that follows the platform's changes; its LiveLayer."""

    def stop_all(self) -> None:
        """Stop every live layer."""


class FeatureWriter(Protocol):
    """FEATURE_WRITE: change a remote layer's features (see :mod:`.feature_edits` and :mod:`plugin.sync`).

    Features are GeoJSON dicts in EPSG:4326 whose properties are the resource's own fields; ids are text.
    """

    def can_write(self, resource: Resource, feedback: Optional[QgsFeedback] = None) -> WritePermission:
        """Whether the signed-in user may add, change and delete features of ``resource`` (and why not)."""

    def server_features(
        self, resource: Resource, server_ids: Sequence[str], feedback: Optional[QgsFeedback] = None
    ) -> dict[str, ServerFeature]:
        """The features ``server_ids`` as the server has them now; an id missing from the answer is deleted."""

    def push(
        self,
        resource: Resource,
        batch: EditBatch,
        feedback: Optional[QgsFeedback] = None,
        on_outcome: Optional[OutcomeCallback] = None,
    ) -> list[EditOutcome]:
        """Send ``batch`` in as few requests as the platform allows; one outcome per edit (``on_outcome`` is
        called as each is known). A refused edit is an outcome with its reason, never an exception; after a
        failure that is not the edit's own (network, server error) the rest are returned unsent."""
