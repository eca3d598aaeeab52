"""``geodock:executeprocess`` and one algorithm per remote OGC API – Processes process.

``geodock:executeprocess`` runs any process of any ``ogcapi-processes`` connection: CONNECTION (name), PROCESS
(id), INPUTS (a JSON object; layer inputs may be layer ids, layer names or file paths, a bbox may be an
extent string "xmin,xmax,ymin,ymax [EPSG:code]", a file input a path or a URL), OUTPUT_FOLDER → RESULTS (the
results JSON), LAYERS (layer files made from the results), JOB_ID. Progress comes from the server's job status;
cancelling dismisses the job on the server.

:class:`RemoteProcessAlgorithm` is one remote process, with real Processing parameters built from its
description; :mod:`.process_catalog` makes one per cached description and keeps that cache filled.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from qgis.core import (  # type: ignore[attr-defined]  # QgsProcessingException is missing from qgis-stubs
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
from ...errors import CancelledError, GeodockError
from ...html_sanitize import inert_text
from ...i18n import tr
from ...processing.base import GeodockAlgorithm, connection_of_kind, connection_parameter
from ...results import expand_results
from .adapter import OgcProcessesAdapter, StatusInfo
from .execute_options import (
    ExecuteOptions,
    RequestFileError,
    build_request,
    check_options,
    options_from_request,
    process_of_request,
    raw_output_name,
    read_request,
)
from .execute_parameters import add_option_parameters, options_from_parameters, request_file
from .jobs import run_to_end
from .process_catalog import KIND, cache_path, refresh_cache  # noqa: F401  (the last two: for older imports)
from .process_description import InputKind, ProcessDescription
from .process_parameters import parameter_for, parameter_value, resolve_value, slug
from .process_values import validate_inputs


def run_process(
    connection_name: str,
    process_id: str,
    values: dict[str, Any],
    folder: str,
    context: QgsProcessingContext,
    feedback: QgsProcessingFeedback,
    description: Optional[ProcessDescription] = None,
    options: Optional[ExecuteOptions] = None,
    request_path: str = "",
) -> dict[str, Any]:
    """Resolve, validate, execute, follow and fetch; the algorithm outputs (RESULTS, LAYERS, JOB_ID).

    ``options``: the execute options (:mod:`.execute_options`); ``request_path``: an execution request file
    that replaces ``values`` and ``options``.
    """
    _active["runs"] += 1
    try:
        return _run_process(
            connection_name, process_id, values, folder, context, feedback, description, options, request_path
        )
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
    options: Optional[ExecuteOptions] = None,
    request_path: str = "",
) -> dict[str, Any]:
    """:func:`run_process` without the run count."""
    connection = connection_of_kind(connection_name, KIND)
    adapter = OgcProcessesAdapter(connection)
    try:
        if description is None:
            feedback.pushInfo(tr("Describing {process}…").format(process=process_id))
            description = adapter.describe(process_id, feedback)
        extra: dict[str, Any] = {}
        if request_path:
            saved = read_request(Path(request_path), description)
            values, options, extra = saved.inputs, saved.options, saved.extra
            feedback.pushInfo(tr("Using the execution request {file}").format(file=Path(request_path).name))
        options = options or ExecuteOptions()
        request: dict[str, Any] = {}
        for name, value in values.items():
            spec = description.input(name)
            request[name] = resolve_value(spec, value, context, feedback) if spec is not None else value
        problems = validate_inputs(description, request) + check_options(description, options)
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

        body = build_request(request, options, description, extra)
        asynchronous = options.asynchronous(description)
        output = raw_output_name(body, description)
        info, written = run_to_end(adapter, process_id, body, out, feedback, on_status, asynchronous, output)
        layer_files = expand_results(written.layer_files, out, feedback)  # zips unpacked safely
    except CancelledError:
        raise QgsProcessingException(tr("Cancelled; the job was dismissed on the server")) from None
    except GeodockError as err:
        log.exception(err, f"{connection_name}: {process_id}")
        raise QgsProcessingException(err.message) from None
    layers = []
    for path in layer_files:
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
        self.addParameter(
            QgsProcessingParameterString(self.PROCESS, self.tr("Process id (or the REQUEST_FILE's)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterString(self.INPUTS, self.tr("Inputs (JSON object)"), "{}", multiLine=True)
        )
        add_option_parameters(self, None)
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
        options = options_from_parameters(self, parameters, context, None)
        if isinstance(values.get("inputs"), dict) and set(values) <= {"inputs", "outputs", "response"}:
            if not options.outputs and not options.response and not options.transmission:
                options = options_from_request(values, options.mode)  # a whole execute request was given
            values = values["inputs"]
        path = request_file(self, parameters, context, None)
        process = self.parameterAsString(parameters, self.PROCESS, context).strip()
        if path and not process:
            try:
                process = process_of_request(Path(path))
            except RequestFileError as err:
                raise QgsProcessingException(err.message) from None
        if not process:
            raise QgsProcessingException(self.tr("Name the process: PROCESS, or a REQUEST_FILE that names it"))
        return run_process(
            self.parameterAsString(parameters, self.CONNECTION, context),
            process,
            values,
            self.parameterAsString(parameters, self.OUTPUT_FOLDER, context),
            context,
            feedback,
            options=options,
            request_path=path,
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
        add_option_parameters(self, self.description)
        self._add_outputs()

    def checkParameterValues(self, parameters: dict[str, Any], context: QgsProcessingContext) -> tuple[bool, str]:
        """With a REQUEST_FILE the inputs come from the file: required inputs may be left empty."""
        if request_file(self, parameters, context, self.description):
            return True, ""
        valid, message = super().checkParameterValues(parameters, context)
        return valid, message or ""

    def processAlgorithm(
        self,
        parameters: dict[str, Any],
        context: QgsProcessingContext,
        feedback: Optional[QgsProcessingFeedback],
    ) -> dict[str, Any]:
        """The set parameters as request values (defaults left out), then run the process."""
        if feedback is None:  # QGIS may run an algorithm without a feedback object
            feedback = QgsProcessingFeedback()
        path = request_file(self, parameters, context, self.description)
        values: dict[str, Any] = {}
        for spec in [] if path else self.description.inputs:  # a request file replaces the inputs
            if parameters.get(spec.name) is None and spec.kind != InputKind.BOOLEAN:
                continue
            value = parameter_value(self, spec, parameters, context, feedback)
            if value is None or (spec.has_default and value == spec.default):
                continue  # optional inputs left at their default stay out of the request
            values[spec.name] = value
        folder = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        options = options_from_parameters(self, parameters, context, self.description)
        return run_process(
            self.connection_name,
            self.description.id,
            values,
            folder,
            context,
            feedback,
            self.description,
            options,
            path,
        )


_active = {"runs": 0}  # process algorithms running now (process_catalog.reload_provider waits for none)
