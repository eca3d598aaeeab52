"""``geodock:executeprocess`` and one algorithm per remote OGC API – Processes process.

``geodock:executeprocess`` runs any process of any ``ogcapi-processes`` connection: CONNECTION (name), PROCESS
(id), INPUTS (a JSON object; layer inputs may be layer ids, layer names or file paths, a bbox may be an
extent string "xmin,xmax,ymin,ymax [EPSG:code]", a file input a path or a URL), OUTPUT_FOLDER → RESULTS (the
results JSON), LAYERS (layer files made from the results), JOB_ID. Progress comes from the server's job status;
cancelling dismisses the job on the server.

:func:`dynamic_algorithms` adds one algorithm per remote process with real Processing parameters built from
its description. It runs when the provider loads (QGIS start-up): no network there, only the description
cache (``<profile>/geodock/ogc_processes.json``), which :func:`refresh_in_background` rewrites in a task
when connections change or the Processes dock loads a connection, then reloads the provider's algorithms.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Optional

from qgis.core import (  # type: ignore[attr-defined]  # QgsProcessingException is missing from qgis-stubs
    QgsApplication,
    QgsFeedback,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingOutputString,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
    QgsProcessingUtils,
)

from ... import log
from ...connections import Connection, store
from ...errors import CancelledError, GeodockError
from ...html_sanitize import inert_text
from ...i18n import tr
from ...net.filenames import write_atomically
from ...processing.base import GeodockAlgorithm, connection_of_kind, connection_parameter
from .adapter import OgcProcessesAdapter, StatusInfo
from .jobs import run_to_end
from .process_description import InputKind, ProcessDescription, execute_request
from .process_parameters import parameter_for, parameter_value, resolve_value, slug
from .process_values import validate_inputs

KIND = "ogcapi-processes"
CACHE_FILE = "ogc_processes.json"


def run_process(
    connection_name: str,
    process_id: str,
    values: dict[str, Any],
    folder: str,
    context: QgsProcessingContext,
    feedback: QgsProcessingFeedback,
    description: Optional[ProcessDescription] = None,
) -> dict[str, Any]:
    """Resolve, validate, execute, follow and fetch; the algorithm outputs (RESULTS, LAYERS, JOB_ID)."""
    _active["runs"] += 1
    try:
        return _run_process(connection_name, process_id, values, folder, context, feedback, description)
    finally:
        _active["runs"] -= 1


def _run_process(
    connection_name: str,
    process_id: str,
    values: dict[str, Any],
    folder: str,
    context: QgsProcessingContext,
    feedback: QgsProcessingFeedback,
    description: Optional[ProcessDescription],
) -> dict[str, Any]:
    """:func:`run_process` without the run count."""
    connection = connection_of_kind(connection_name, KIND)
    adapter = OgcProcessesAdapter(connection)
    try:
        if description is None:
            feedback.pushInfo(tr("Describing {process}…").format(process=process_id))
            description = adapter.describe(process_id, feedback)
        request: dict[str, Any] = {}
        for name, value in values.items():
            spec = description.input(name)
            request[name] = resolve_value(spec, value, context, feedback) if spec is not None else value
        problems = validate_inputs(description, request)
        if problems:
            raise QgsProcessingException("; ".join(problems))
        # no folder (e.g. an unset model output): a fresh temporary one, never the working directory
        out = Path(folder) if folder.strip() else Path(QgsProcessingUtils.generateTempFilename("geodock-results"))
        out.mkdir(parents=True, exist_ok=True)
        last = {"message": "", "job": ""}

        def on_status(info: StatusInfo) -> None:
            """Tell the job's id once, its progress, and each new message."""
            if info.job_id and not last["job"]:
                last["job"] = info.job_id
                feedback.pushInfo(tr("Job {job} on {connection}").format(job=info.job_id, connection=connection.name))
            if info.progress is not None:
                feedback.setProgress(max(0.0, min(100.0, info.progress)))
            if info.message and info.message != last["message"]:
                last["message"] = info.message
                feedback.pushInfo(info.message)

        info, written = run_to_end(adapter, process_id, execute_request(request), out, feedback, on_status)
    except CancelledError:
        raise QgsProcessingException(tr("Cancelled; the job was dismissed on the server")) from None
    except GeodockError as err:
        log.exception(err, f"{connection_name}: {process_id}")
        raise QgsProcessingException(err.message) from None
    layers = []
    for path in written.layer_files:
        layer_name = path.stem
        layers.append(str(path))
        context.addLayerToLoadOnCompletion(
            str(path), QgsProcessingContext.LayerDetails(layer_name, context.project(), layer_name)
        )
    feedback.setProgress(100)
    return {"RESULTS": str(written.results_file), "LAYERS": layers, "JOB_ID": info.job_id}


class _ProcessAlgorithmBase(GeodockAlgorithm):
    """The outputs every process algorithm shares (results folder, JSON, layers, job id)."""

    OUTPUT_FOLDER = "OUTPUT_FOLDER"
    RESULTS = "RESULTS"
    LAYERS = "LAYERS"
    JOB_ID = "JOB_ID"

    def _add_outputs(self) -> None:
        """Add the results folder parameter and the outputs."""
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, self.tr("Results folder")))
        self.addOutput(QgsProcessingOutputFile(self.RESULTS, self.tr("Results (JSON)")))
        self.addOutput(QgsProcessingOutputMultipleLayers(self.LAYERS, self.tr("Result layers")))
        self.addOutput(QgsProcessingOutputString(self.JOB_ID, self.tr("Job id")))


class ExecuteProcessAlgorithm(_ProcessAlgorithmBase):
    """``geodock:executeprocess``: any process of any connection, inputs as JSON."""

    CONNECTION = "CONNECTION"
    PROCESS = "PROCESS"
    INPUTS = "INPUTS"

    def name(self) -> str:
        """The algorithm's id within the Geodock provider."""
        return "executeprocess"

    def displayName(self) -> str:
        """The algorithm's title."""
        return self.tr("Execute an OGC API process")

    def group(self) -> str:
        """The group it is listed in."""
        return self.tr("OGC API – Processes")

    def groupId(self) -> str:
        """The id of its group."""
        return "ogcapiprocesses"

    def shortHelpString(self) -> str:
        """The help shown beside the parameters."""
        return self.tr(
            "Runs a process of an OGC API – Processes connection and waits for its job. INPUTS is a JSON object of "
            "the process inputs; a GeoJSON input may be given as a layer id, layer name or file path (sent as a "
            "FeatureCollection in the CRS the process expects, EPSG:4326 by default), a bounding box as "
            "'xmin,xmax,ymin,ymax [EPSG:code]', a file as a path (sent by value) or a URL (by link). GeoJSON "
            "results become layers, links are downloaded, and all outputs are written to the results JSON. "
            "Cancelling dismisses the job on the server."
        )

    def initAlgorithm(self, config: Any = None) -> None:
        """Connection, process id and INPUTS parameters, and the shared outputs."""
        self.addParameter(connection_parameter(self.CONNECTION, self.tr("Connection (name)"), KIND))
        self.addParameter(QgsProcessingParameterString(self.PROCESS, self.tr("Process id")))
        self.addParameter(
            QgsProcessingParameterString(self.INPUTS, self.tr("Inputs (JSON object)"), "{}", multiLine=True)
        )
        self._add_outputs()

    def processAlgorithm(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: Optional[QgsProcessingFeedback],
    ) -> dict[str, Any]:
        """Read INPUTS (an object, or a whole execute request) and run the process."""
        if feedback is None:  # QGIS may run an algorithm without a feedback object
            feedback = QgsProcessingFeedback()
        text = self.parameterAsString(parameters, self.INPUTS, context).strip() or "{}"
        try:
            values = json.loads(text)
        except ValueError as err:
            raise QgsProcessingException(self.tr("INPUTS is not valid JSON: {error}").format(error=err)) from None
        if not isinstance(values, dict):
            raise QgsProcessingException(self.tr("INPUTS must be a JSON object of input names and values"))
        if isinstance(values.get("inputs"), dict) and len(values) <= 2:
            values = values["inputs"]  # a whole execute request was given
        return run_process(
            self.parameterAsString(parameters, self.CONNECTION, context),
            self.parameterAsString(parameters, self.PROCESS, context).strip(),
            values,
            self.parameterAsString(parameters, self.OUTPUT_FOLDER, context),
            context,
            feedback,
        )


# One algorithm per remote process ---------------------------------------------------------------------------


class RemoteProcessAlgorithm(_ProcessAlgorithmBase):
    """One remote process of one connection, with parameters from its (cached) description."""

    def __init__(self, connection_name: str, description: ProcessDescription) -> None:
        """The process of ``description`` on connection ``connection_name``."""
        super().__init__()
        self.connection_name = connection_name
        self.description = description

    def createInstance(self) -> RemoteProcessAlgorithm:
        """A copy for Processing to run."""
        return type(self)(self.connection_name, self.description)

    def name(self) -> str:
        """``ogc_<connection>_<process>``."""
        return f"ogc_{slug(self.connection_name)}_{slug(self.description.id)}"

    def displayName(self) -> str:
        """The process's title (inert: QGIS may show it as rich text)."""
        return inert_text(self.description.title or self.description.id)

    def group(self) -> str:
        """The connection's name."""
        return self.connection_name

    def groupId(self) -> str:
        """``ogc_<connection>``."""
        return f"ogc_{slug(self.connection_name)}"

    def shortHelpString(self) -> str:
        """The process's description and its inputs with their types."""
        lines = [self.description.description, ""]
        lines += [f"{i.title} ({i.name}): {i.type_label()}" for i in self.description.inputs]
        return inert_text("\n".join(lines).strip())  # the Processing dialog shows it as HTML

    def initAlgorithm(self, config: Any = None) -> None:
        """One parameter per input, and the shared outputs."""
        for spec in self.description.inputs:
            parameter = parameter_for(spec)
            if parameter is not None:
                self.addParameter(parameter)
        self._add_outputs()

    def processAlgorithm(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: Optional[QgsProcessingFeedback],
    ) -> dict[str, Any]:
        """The set parameters as request values (defaults left out), then run the process."""
        if feedback is None:  # QGIS may run an algorithm without a feedback object
            feedback = QgsProcessingFeedback()
        values: dict[str, Any] = {}
        for spec in self.description.inputs:
            if parameters.get(spec.name) is None and spec.kind != InputKind.BOOLEAN:
                continue
            value = parameter_value(self, spec, parameters, context, feedback)
            if value is None or (spec.has_default and value == spec.default):
                continue  # optional inputs left at their default stay out of the request
            values[spec.name] = value
        folder = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        return run_process(
            self.connection_name, self.description.id, values, folder, context, feedback, self.description
        )


# The description cache ----------------------------------------------------------------------------------


def cache_path() -> Path:
    """The description cache file (``<profile>/geodock/ogc_processes.json``)."""
    return Path(QgsApplication.qgisSettingsDirPath()) / "geodock" / CACHE_FILE


def read_cache() -> dict[str, Any]:
    """The cached descriptions per connection name (empty when missing or unreadable)."""
    path = cache_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, ValueError) as err:
        log.warning(f"The OGC process cache {path} could not be read: {err}")
        return {}
    return data if isinstance(data, dict) else {}


def refresh_cache(connections: Optional[list[Connection]] = None, feedback: Optional[QgsFeedback] = None) -> int:
    """Describe every process of ``connections`` (default: all OGC ones) into the cache (blocking)."""
    everything = [c for c in store().all() if c.kind == KIND]
    targets = everything if connections is None else [c for c in connections if c.kind == KIND]
    cache = {name: entry for name, entry in read_cache().items() if name in {c.name for c in everything}}
    count = 0
    for connection in targets:
        adapter = OgcProcessesAdapter(connection)
        try:
            descriptions = [adapter.describe(p.id, feedback).raw for p in adapter.processes(feedback)]
        except CancelledError:
            raise
        except GeodockError as err:
            log.warning(f"{connection.name}: process descriptions not refreshed: {err.message}")
            continue
        cache[connection.name] = {"url": connection.url, "fetched": time.time(), "processes": descriptions}
        count += len(descriptions)
    write_atomically(cache_path(), json.dumps(cache).encode("utf-8"))  # (a temporary file of its own per writer)
    return count


_active = {"runs": 0}


def reload_provider() -> None:
    """Reload the provider's algorithms -- later if one of them is running (a reload deletes them)."""
    if _active["runs"] > 0:
        from qgis.PyQt.QtCore import QTimer

        QTimer.singleShot(1000, reload_provider)
        return
    provider = QgsApplication.processingRegistry().providerById("geodock")
    if provider is not None:
        provider.refreshAlgorithms()


def refresh_in_background(connections: Optional[list[Connection]] = None) -> Any:
    """Refresh the cache in a QgsTask, then reload the provider's algorithms (GUI thread)."""
    from ...tasks import run_in_background

    return run_in_background(
        tr("Geodock: describing OGC processes"),
        lambda feedback: refresh_cache(connections, feedback),
        lambda _count: reload_provider(),
        lambda err: log.warning(f"OGC process descriptions not refreshed: {err.message}"),
    )


_watching = {"connected": False}


def _on_connections_changed() -> None:
    """Connections changed: refresh the cache in the background."""
    refresh_in_background()


def watch_connections() -> None:
    """Refresh the cache whenever connections change (called by the Processes dock; until :func:`unwatch`)."""
    if _watching["connected"]:
        return
    _watching["connected"] = True
    store().changed.connect(_on_connections_changed)


def unwatch_connections() -> None:
    """Stop refreshing the cache on connection changes (the plugin unloads)."""
    if not _watching["connected"]:
        return
    _watching["connected"] = False
    store().changed.disconnect(_on_connections_changed)


def dynamic_algorithms() -> list[QgsProcessingAlgorithm]:
    """One algorithm per cached process of every OGC connection (no network: cache only)."""
    connections = {c.name: c for c in store().all() if c.kind == KIND}
    algorithms: list[QgsProcessingAlgorithm] = []
    for name, entry in read_cache().items():
        connection = connections.get(name)
        if connection is None or not isinstance(entry, dict) or entry.get("url") != connection.url:
            continue
        seen: set[str] = set()
        for raw in entry.get("processes", []) or []:
            try:
                description = ProcessDescription.from_json(raw)
            except (TypeError, ValueError, AttributeError) as err:
                log.warning(f"{name}: a cached process description could not be read: {err}")
                continue
            algorithm = RemoteProcessAlgorithm(name, description)
            if description.id and algorithm.name() not in seen:
                seen.add(algorithm.name())
                algorithms.append(algorithm)
    return algorithms
