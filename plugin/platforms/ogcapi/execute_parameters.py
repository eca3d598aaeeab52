"""The execute options as Processing parameters of the process algorithms (advanced), and REQUEST_FILE.

Every process algorithm gets:

* ``REQUEST_FILE`` (optional): an execution request file (JSON, the format the Processes dock saves: see
  :mod:`.execution_request`). When given it *is* the request, inputs and options, and the other parameters are
  not used; it is checked first (bad JSON, another process, unknown outputs, invalid values: a clear error);
* ``OUTPUTS`` (advanced): the outputs to return. A per-process algorithm lists the process's outputs (none
  ticked: all); ``geodock:executeprocess`` takes their ids, comma-separated;
* ``RESPONSE`` (advanced): server default, raw or document;
* ``TRANSMISSION`` (advanced): server default, value or reference (for every output asked for);
* ``MODE`` (advanced): automatic, or one of asynchronous / synchronous that the process's ``jobControlOptions``
  allow (a per-process algorithm offers only those; ``geodock:executeprocess`` checks at run time).

A parameter is left out when the process has an input of the same name (inputs come first).
"""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
)

from ... import log
from ...html_sanitize import inert_text
from ...i18n import tr
from .execute_options import ExecuteOptions, allowed_modes
from .process_description import ProcessDescription

REQUEST_FILE = "REQUEST_FILE"
OUTPUTS = "OUTPUTS"
RESPONSE = "RESPONSE"
TRANSMISSION = "TRANSMISSION"
MODE = "MODE"
RESPONSE_VALUES = ("", "raw", "document")
TRANSMISSION_VALUES = ("", "value", "reference")


def mode_values(description: Optional[ProcessDescription]) -> list[str]:
    """The MODE choices: ``auto`` and the modes the process allows (all three without a description)."""
    return ["auto", *allowed_modes(description)]


def _mode_label(mode: str) -> str:
    labels = {"auto": tr("Automatic"), "async": tr("Asynchronous (a job)"), "sync": tr("Synchronous (wait)")}
    return labels[mode]


def _advanced(parameter: QgsProcessingParameterDefinition) -> QgsProcessingParameterDefinition:
    parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
    return parameter


def _add(algorithm: Any, parameter: QgsProcessingParameterDefinition) -> None:
    """Add ``parameter`` unless an input already has its name (in any case)."""
    taken = {definition.name().lower() for definition in algorithm.parameterDefinitions()}
    if parameter.name().lower() in taken:
        log.info(f"{algorithm.name()}: an input is named {parameter.name()}; that execute option is not offered")
        return
    algorithm.addParameter(parameter)


def add_option_parameters(algorithm: QgsProcessingAlgorithm, description: Optional[ProcessDescription]) -> None:
    """Add REQUEST_FILE and the advanced execute options to ``algorithm`` (``description``: its process, if one)."""
    _add(
        algorithm,
        QgsProcessingParameterFile(
            REQUEST_FILE, tr("Execution request file (JSON; replaces the inputs)"), extension="json", optional=True
        ),
    )
    if description is not None:
        titles = [inert_text(f"{o.title} ({o.name})" if o.title != o.name else o.name) for o in description.outputs]
        outputs: QgsProcessingParameterDefinition = QgsProcessingParameterEnum(
            OUTPUTS, tr("Outputs to return (none ticked: all)"), titles, allowMultiple=True, optional=True
        )
    else:
        outputs = QgsProcessingParameterString(OUTPUTS, tr("Outputs to return (ids, comma-separated)"), optional=True)
    _add(algorithm, _advanced(outputs))
    responses = [tr("Server default"), tr("Raw (the result itself)"), tr("Document (JSON of all outputs)")]
    _add(algorithm, _advanced(QgsProcessingParameterEnum(RESPONSE, tr("Response"), responses, False, 0, True)))
    transmissions = [tr("Server default"), tr("Value (in the answer)"), tr("Reference (a link)")]
    _add(
        algorithm,
        _advanced(QgsProcessingParameterEnum(TRANSMISSION, tr("Transmission mode"), transmissions, False, 0, True)),
    )
    modes = [_mode_label(mode) for mode in mode_values(description)]
    _add(algorithm, _advanced(QgsProcessingParameterEnum(MODE, tr("Execution"), modes, False, 0, True)))


def _own(algorithm: QgsProcessingAlgorithm, name: str, description: Optional[ProcessDescription]) -> bool:
    """Whether parameter ``name`` is an execute option (not an input of that name, in any case: QGIS finds
    parameters by name in any case)."""
    if algorithm.parameterDefinition(name) is None:
        return False
    return description is None or all(spec.name.lower() != name.lower() for spec in description.inputs)


def options_from_parameters(
    algorithm: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    description: Optional[ProcessDescription],
) -> ExecuteOptions:
    """The execute options the advanced parameters ask for."""
    options = ExecuteOptions()
    if _own(algorithm, OUTPUTS, description):
        if description is not None:
            picked = algorithm.parameterAsEnums(parameters, OUTPUTS, context)
            options.outputs = [description.outputs[i].name for i in picked if 0 <= i < len(description.outputs)]
        else:
            text = algorithm.parameterAsString(parameters, OUTPUTS, context)
            options.outputs = [name.strip() for name in text.split(",") if name.strip()]
    if _own(algorithm, RESPONSE, description):
        options.response = _pick(RESPONSE_VALUES, algorithm.parameterAsEnum(parameters, RESPONSE, context))
    if _own(algorithm, TRANSMISSION, description):
        options.transmission = _pick(TRANSMISSION_VALUES, algorithm.parameterAsEnum(parameters, TRANSMISSION, context))
    if _own(algorithm, MODE, description):
        options.mode = _pick(mode_values(description), algorithm.parameterAsEnum(parameters, MODE, context)) or "auto"
    return options


def _pick(values: Any, index: int) -> str:
    """``values[index]``, or the first value for an index out of range."""
    return str(values[index]) if 0 <= index < len(values) else str(values[0])


def request_file(
    algorithm: QgsProcessingAlgorithm,
    parameters: dict[str, Any],
    context: QgsProcessingContext,
    description: Optional[ProcessDescription],
) -> str:
    """The REQUEST_FILE path ("" when none is given)."""
    if not _own(algorithm, REQUEST_FILE, description):
        return ""
    return algorithm.parameterAsFile(parameters, REQUEST_FILE, context).strip()
