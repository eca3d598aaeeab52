"""The platforms Geodock knows: one row each, and the lookups everything else asks instead of naming a platform.

A row (:class:`Platform`) says what a platform is called, how its URL looks, which class browses it and which
capabilities (:class:`Capability`) it has, each as a :data:`Ref` to a factory taking a connection. Adding a
platform is one package under ``plugin/platforms/`` (and ``ui/platforms/`` for its pieces of UI) and one
:func:`register` call. Refs are imported on first use (:func:`load`), so start-up imports no platform.

This module imports nothing from the plugin at module level: ``connections`` and ``redact`` import it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import reduce
from importlib import import_module
from typing import TYPE_CHECKING, Any, Optional, Union

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from ..connections import Connection
    from ..job_model import Job, JobBackend
    from ..net.client import HttpClient
    from .base import PlatformAdapter

Ref = str
"""``"module:attr"``; a leading ``.`` makes the module relative to the plugin's top package (``geodock``)."""

_TOP = __name__.split(".")[0]
_PLUGIN = ".plugin.platforms"
_UI = ".ui.platforms"


class Capability(str, Enum):
    """What a platform can do beyond the shared basics; each maps to a Protocol in :mod:`.capabilities`."""

    BROWSE = "browse"
    EXPORT = "export"
    SERVER_JOBS = "server_jobs"
    UPLOAD = "upload"
    SQL = "sql"
    LIVE = "live"
    PROCESSES = "processes"
    CATALOG_FILTERS = "catalog_filters"
    FEATURE_WRITE = "feature_write"


@dataclass(frozen=True)
class UiParts:
    """A platform's own pieces of UI, each imported only when shown."""

    export_form: Ref = ""  # QWidget form piece for the Export dialog
    docks: tuple[tuple[str, Ref, str, str], ...] = ()  # (key, dock class, title, icon) -> toolbar toggle + dock
    menu_actions: tuple[tuple[str, str, Ref], ...] = ()  # (objectName, title, dialog class(iface, parent)) -> Web menu
    layer_actions: tuple[tuple[str, str, Ref], ...] = ()  # same, on vector layers' context menu
    upload_dialog: Ref = ""  # dialog class(iface, parent) the toolbar's Upload opens (rows with UPLOAD)
    catalog_filters: Ref = ""  # the Catalog's filter form class(spec, parent) (default: ui/catalog_filters.py's)


@dataclass(frozen=True)
class Platform:
    """One platform's row: its names, its adapter and the refs of everything it brings."""

    kind: str
    title: str
    url_example: str
    adapter: Ref
    capabilities: Mapping[Capability, Ref] = field(default_factory=dict)  # factory(connection) per capability
    export_kinds: tuple[str, ...] = ()  # resource kinds with "Export…"
    upload_kind: str = ""  # the listing a drop uploads to
    job_backends: Mapping[str, Ref] = field(default_factory=dict)  # Job.kind -> JobBackend class
    algorithms: tuple[Ref, ...] = ()  # Processing algorithm classes
    dynamic_algorithms: Ref = ""  # function returning more algorithm instances
    dynamic_refresh: Ref = ""  # function(connections, feedback) -> [(name, processes, error)]: fetches what those list
    on_load: tuple[Ref, ...] = ()  # called when Geodock's Processing provider loads (QGIS start, qgis_process)
    on_unload: tuple[Ref, ...] = ()  # called at unload, only if that module was imported
    ui: UiParts = UiParts()


_rows: dict[str, Platform] = {}


def register(row: Platform) -> None:
    """Add (or replace) the row of ``row.kind``."""
    _rows[row.kind] = row


def unregister(kind: str) -> None:
    """Forget the row of ``kind`` (nothing when there is none)."""
    _rows.pop(kind, None)


def platforms() -> list[Platform]:
    """Every row, in registration order."""
    return list(_rows.values())


def platform(kind: str) -> Platform:
    """The row of ``kind``; KeyError when no platform has that kind."""
    return _rows[kind]


def kinds() -> tuple[str, ...]:
    """Every platform's kind, in registration order."""
    return tuple(_rows)


def _module_name(ref: Ref) -> str:
    module = ref.partition(":")[0]
    return f"{_TOP}{module}" if module.startswith(".") else module


def load(ref: Ref) -> Any:
    """The object ``ref`` names, importing its module on first use."""
    module_name, _, attr = ref.partition(":")
    module = import_module(module_name, _TOP) if module_name.startswith(".") else import_module(module_name)
    return reduce(getattr, attr.split("."), module) if attr else module


def loaded(ref: Ref) -> Optional[Any]:
    """The object ``ref`` names when its module is already imported, else None (imports nothing)."""
    module = sys.modules.get(_module_name(ref))
    if module is None:
        return None
    attr = ref.partition(":")[2]
    return reduce(getattr, attr.split("."), module) if attr else module


def _kind(kind_or_connection: Union[str, Connection]) -> str:
    return kind_or_connection if isinstance(kind_or_connection, str) else kind_or_connection.kind


def supports(kind_or_connection: Union[str, Connection], cap: Capability) -> bool:
    """Whether the platform of a kind (or of a connection) has capability ``cap``."""
    row = _rows.get(_kind(kind_or_connection))
    return row is not None and cap in row.capabilities


def connections_with(cap: Capability) -> list[Connection]:
    """The stored connections whose platform has capability ``cap``, in the store's order."""
    from ..connections import store

    return [connection for connection in store().all() if supports(connection, cap)]


def capability(connection: Connection, cap: Capability) -> Any:
    """The object implementing ``cap`` for ``connection`` (GeodockError when its platform has none)."""
    row = _rows.get(connection.kind)
    if row is None or cap not in row.capabilities:
        from ..errors import GeodockError
        from ..i18n import tr

        raise GeodockError(tr("{name} cannot do that ({what})").format(name=connection.name, what=cap.value))
    return load(row.capabilities[cap])(connection)


def adapter_for(connection: Connection, client: Optional[HttpClient] = None) -> PlatformAdapter:
    """The adapter of ``connection``'s platform (its module is imported on first use, not at start-up)."""
    return load(platform(connection.kind).adapter)(connection, client)


def job_backend(job: Job, connection: Connection) -> JobBackend:
    """The backend that polls and fetches ``job`` (GeodockError "No job backend for …" when none)."""
    row = _rows.get(job.platform)
    ref = row.job_backends.get(job.kind) if row is not None else None
    if ref is None:
        from ..errors import GeodockError
        from ..i18n import tr

        raise GeodockError(tr("No job backend for {platform} {kind}").format(platform=job.platform, kind=job.kind))
    return load(ref)(connection)


def _rows_of_today() -> tuple[Platform, ...]:
    """The four platforms Geodock ships with."""
    k, g, a, o = (f"{_PLUGIN}.{name}" for name in ("koordinates", "geobox", "amigocloud", "ogcapi"))
    upload = f"{_UI}.geobox.upload_dialog:UploadDialog"
    amigo_upload = f"{_UI}.amigocloud.upload_dialog:AmigoCloudUploadDialog"
    koordinates = Platform(
        kind="koordinates",
        title=QT_TRANSLATE_NOOP("@default", "Koordinates"),
        url_example="https://data.linz.govt.nz/services/api/v1/",
        adapter=f"{k}.adapter:KoordinatesAdapter",
        capabilities={
            Capability.BROWSE: f"{k}.adapter:KoordinatesAdapter",
            Capability.EXPORT: f"{k}.exporter:KoordinatesExporter",
            Capability.SERVER_JOBS: f"{k}.exports:KoordinatesExports",
            Capability.CATALOG_FILTERS: f"{k}.adapter:KoordinatesAdapter",
        },
        export_kinds=("vector", "raster", "table"),
        job_backends={"export": f"{k}.exports:KoordinatesExportBackend"},
        algorithms=(f"{k}.export_algorithm:KoordinatesExportAlgorithm",),
        ui=UiParts(
            export_form=f"{_UI}.koordinates.export_form:KoordinatesExportForm",
            catalog_filters=f"{_UI}.koordinates.catalog_filters:KoordinatesCatalogFilters",
        ),
    )
    geobox = Platform(
        kind="geobox",
        title=QT_TRANSLATE_NOOP("@default", "Geobox"),
        url_example="https://geobox.example.com/v1/",
        adapter=f"{g}.adapter:GeoboxAdapter",
        capabilities={
            Capability.BROWSE: f"{g}.adapter:GeoboxAdapter",
            Capability.EXPORT: f"{g}.exporter:GeoboxExporter",
            Capability.SERVER_JOBS: f"{g}.jobs:GeoboxTasks",
            Capability.UPLOAD: f"{g}.upload:GeoboxUploader",
            Capability.CATALOG_FILTERS: f"{g}.adapter:GeoboxAdapter",
            Capability.FEATURE_WRITE: f"{g}.writer:GeoboxFeatureWriter",
        },
        export_kinds=("vector", "view"),
        upload_kind="vectors",
        job_backends={"task": f"{g}.jobs:GeoboxTaskBackend", "export": f"{g}.jobs:GeoboxTaskBackend"},
        algorithms=(
            f"{g}.export_algorithm:GeoboxExportAlgorithm",
            f"{g}.upload_algorithm:GeoboxUploadAlgorithm",
        ),
        ui=UiParts(
            export_form=f"{_UI}.geobox.export_form:GeoboxExportForm",
            catalog_filters=f"{_UI}.geobox.catalog_filters:GeoboxCatalogFilters",
            upload_dialog=upload,
            menu_actions=(
                ("GeodockUploadMenuAction", QT_TRANSLATE_NOOP("@default", "Upload Layer to Geobox…"), upload),
                (
                    "GeodockCreateRemoteLayerAction",
                    QT_TRANSLATE_NOOP("@default", "Create Empty Geobox Layer…"),
                    f"{_UI}.geobox.upload_dialog:CreateEmptyLayerDialog",
                ),
            ),
            layer_actions=(
                ("GeodockUploadToGeoboxAction", QT_TRANSLATE_NOOP("@default", "Upload to Geobox…"), upload),
            ),
        ),
    )
    amigocloud = Platform(
        kind="amigocloud",
        title=QT_TRANSLATE_NOOP("@default", "AmigoCloud"),
        url_example="https://app.amigocloud.com/api/v1/",
        adapter=f"{a}.adapter:AmigoCloudAdapter",
        capabilities={
            Capability.BROWSE: f"{a}.adapter:AmigoCloudAdapter",
            Capability.EXPORT: f"{a}.exporter:AmigoCloudExporter",
            Capability.SQL: f"{a}.sql:AmigoCloudSql",
            Capability.LIVE: f"{a}.realtime.live_layer:AmigoCloudLive",
            Capability.UPLOAD: f"{a}.upload:AmigoCloudUploader",
            Capability.CATALOG_FILTERS: f"{a}.adapter:AmigoCloudAdapter",
            Capability.FEATURE_WRITE: f"{a}.writer:AmigoCloudFeatureWriter",
        },
        export_kinds=("dataset",),
        job_backends={"export": f"{a}.jobs:AmigoCloudJobBackend", "upload": f"{a}.upload_job:AmigoCloudUploadBackend"},
        algorithms=(f"{a}.sql_algorithm:AmigoCloudSqlAlgorithm", f"{a}.upload_algorithm:AmigoCloudUploadAlgorithm"),
        on_unload=(f"{a}.realtime.registry:stop_all",),
        ui=UiParts(
            export_form=f"{_UI}.amigocloud.export_form:AmigoCloudExportForm",
            catalog_filters=f"{_UI}.amigocloud.catalog_filters:AmigoCloudCatalogFilters",
            upload_dialog=amigo_upload,
            layer_actions=(
                (
                    "GeodockUploadToAmigoCloudAction",
                    QT_TRANSLATE_NOOP("@default", "Upload to AmigoCloud…"),
                    amigo_upload,
                ),
            ),
            menu_actions=(
                (
                    "GeodockSqlConsoleAction",
                    QT_TRANSLATE_NOOP("@default", "AmigoCloud SQL Console…"),
                    f"{_UI}.amigocloud.sql_console:SqlConsole",
                ),
                (
                    "GeodockLiveLayerAction",
                    QT_TRANSLATE_NOOP("@default", "Add Live AmigoCloud Layer…"),
                    f"{_UI}.amigocloud.live_layer_dialog:LiveLayerDialog",
                ),
            ),
        ),
    )
    ogcapi = Platform(
        kind="ogcapi-processes",
        title=QT_TRANSLATE_NOOP("@default", "OGC API – Processes"),
        url_example="https://processes.example.com/",
        adapter=f"{o}.adapter:OgcProcessesAdapter",
        capabilities={
            Capability.BROWSE: f"{o}.adapter:OgcProcessesAdapter",
            Capability.PROCESSES: f"{o}.adapter:OgcProcessesAdapter",
        },
        job_backends={"process": f"{o}.jobs:OgcJobBackend"},
        algorithms=(f"{o}.process_algorithms:ExecuteProcessAlgorithm",),
        dynamic_algorithms=f"{o}.process_catalog:dynamic_algorithms",
        dynamic_refresh=f"{o}.process_catalog:describe_connections",
        on_load=(f"{o}.process_catalog:start_with_plugin",),
        on_unload=(f"{o}.process_catalog:unwatch_connections",),
        ui=UiParts(
            docks=(
                (
                    "processes",
                    f"{_UI}.ogcapi.processes_dock:ProcessesDock",
                    QT_TRANSLATE_NOOP("@default", "Processes"),
                    "processes.svg",
                ),
            )
        ),
    )
    return koordinates, geobox, amigocloud, ogcapi


for _row in _rows_of_today():
    register(_row)
