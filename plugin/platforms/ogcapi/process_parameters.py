"""Processing parameters for the inputs of an OGC API – Processes process, and their values as request values.

:func:`parameter_for` maps a :class:`ProcessInput` to a Processing parameter (the same mapping as the execution
form); :func:`parameter_value` reads an algorithm's parameter back as the value the server expects;
:func:`resolve_value` does the same for a value given as text (the INPUTS JSON of ``geodock:executeprocess``).
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional

from qgis.core import (  # type: ignore[attr-defined]  # QgsProcessingException is missing from qgis-stubs
    QgsFeedback,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterMatrix,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QDateTime, Qt

from ...html_sanitize import inert_text
from ...i18n import tr
from .process_description import InputKind, ProcessInput
from .process_text_inputs import (  # noqa: F401  # re-exported: callers import them from here
    Parameters,
    array_item,
    layer_collection,
    resolve_value,
    slug,
)
from .process_values import (
    encode_bbox,
    encode_date,
    encode_datetime,
    encode_link,
)

# Processing parameters ------------------------------------------------------------------------------------


def _number_parameter(spec: ProcessInput, title: str, default: Any) -> QgsProcessingParameterDefinition:
    """A number parameter (integer or double) with the input's bounds."""
    kind = (
        QgsProcessingParameterNumber.Type.Integer
        if spec.kind == InputKind.INTEGER
        else QgsProcessingParameterNumber.Type.Double
    )
    parameter = QgsProcessingParameterNumber(spec.name, title, kind, default, spec.optional)
    if spec.minimum is not None:
        parameter.setMinimum(spec.minimum)
    if spec.maximum is not None:
        parameter.setMaximum(spec.maximum)
    return parameter


def _boolean_parameter(spec: ProcessInput, title: str, default: Any) -> QgsProcessingParameterDefinition:
    """A checkbox parameter."""
    return QgsProcessingParameterBoolean(spec.name, title, bool(default), spec.optional)


def _enum_parameter(spec: ProcessInput, title: str, default: Any) -> QgsProcessingParameterDefinition:
    """A choice among the input's enumerated values."""
    options = [str(v) for v in spec.enum]
    index = options.index(str(default)) if default is not None and str(default) in options else None
    return QgsProcessingParameterEnum(spec.name, title, options, False, index, spec.optional)


def _extent_parameter(spec: ProcessInput, title: str, default: Any) -> QgsProcessingParameterDefinition:
    """An extent parameter for a bbox input."""
    return QgsProcessingParameterExtent(spec.name, title, None, spec.optional)


def _source_parameter(spec: ProcessInput, title: str, default: Any) -> QgsProcessingParameterDefinition:
    """A vector feature source for a FeatureCollection or geometry input."""
    return QgsProcessingParameterFeatureSource(
        spec.name,
        title,
        [QgsProcessing.SourceType.TypeVectorAnyGeometry],  # type: ignore[attr-defined]  # QGIS 3.22 name; stubs: Qgis.ProcessingSourceType
        None,
        spec.optional,
    )


def _file_parameter(spec: ProcessInput, title: str, default: Any) -> QgsProcessingParameterDefinition:
    """A file parameter (a path or a URL)."""
    return QgsProcessingParameterFile(spec.name, title, optional=spec.optional)


def _date_parameter(spec: ProcessInput, title: str, default: Any) -> QgsProcessingParameterDefinition:
    """A date or date-time parameter (its default read from ISO 8601)."""
    kind = (
        QgsProcessingParameterDateTime.Type.Date
        if spec.kind == InputKind.DATE
        else QgsProcessingParameterDateTime.Type.DateTime
    )
    value = QDateTime.fromString(default, Qt.DateFormat.ISODate) if isinstance(default, str) else None
    return QgsProcessingParameterDateTime(
        spec.name, title, kind, value if value and value.isValid() else None, spec.optional
    )


def _array_parameter(spec: ProcessInput, title: str, default: Any) -> QgsProcessingParameterDefinition:
    """Arrays: of enum values → a multiple choice; of layers → multiple layers; of numbers, strings or dates →
    a one-column table (a matrix: a row per value, comma-separated in ``qgis_process``); else JSON text."""
    item = spec.item
    item_kind = item.kind if item is not None else InputKind.JSON
    if item is not None and item_kind == InputKind.ENUM:
        options = [str(v) for v in item.enum]
        chosen = [options.index(str(v)) for v in default if str(v) in options] if isinstance(default, list) else None
        return QgsProcessingParameterEnum(spec.name, title, options, True, chosen or None, spec.optional)
    if item_kind in (InputKind.FEATURES, InputKind.GEOMETRY):
        vectors = QgsProcessing.SourceType.TypeVectorAnyGeometry  # type: ignore[attr-defined]  # QGIS 3.22 name
        return QgsProcessingParameterMultipleLayers(spec.name, title, vectors, None, spec.optional)
    if item is not None and item_kind in _MATRIX_ITEMS:
        rows = default if isinstance(default, list) else None
        header = inert_text(item.title if item.title != item.name else tr("Value"))
        return QgsProcessingParameterMatrix(spec.name, title, 1, False, [header], rows, spec.optional)
    return _text_parameter(spec, title, default)


def _text_parameter(spec: ProcessInput, title: str, default: Any) -> QgsProcessingParameterDefinition:
    """Strings, arrays (comma-separated or JSON) and objects (JSON) as a text parameter."""
    text_default = json.dumps(default) if isinstance(default, (list, dict)) else default
    return QgsProcessingParameterString(spec.name, title, text_default, spec.kind == InputKind.JSON, spec.optional)


_MATRIX_ITEMS = (InputKind.NUMBER, InputKind.INTEGER, InputKind.STRING, InputKind.DATE, InputKind.DATETIME)
_PARAMETERS: dict[str, Callable[[ProcessInput, str, Any], QgsProcessingParameterDefinition]] = {
    InputKind.NUMBER: _number_parameter,
    InputKind.INTEGER: _number_parameter,
    InputKind.BOOLEAN: _boolean_parameter,
    InputKind.ENUM: _enum_parameter,
    InputKind.BBOX: _extent_parameter,
    InputKind.FEATURES: _source_parameter,
    InputKind.GEOMETRY: _source_parameter,
    InputKind.FILE: _file_parameter,
    InputKind.DATE: _date_parameter,
    InputKind.DATETIME: _date_parameter,
    InputKind.ARRAY: _array_parameter,
}


def _hint(spec: ProcessInput) -> str:
    """How the value may be given, for the inputs where that is not obvious."""
    if spec.kind == InputKind.FILE:
        return tr("A local file (sent by value) or an http(s) URL (sent as a link).")
    if spec.kind == InputKind.FEATURES and spec.offers_link:
        return tr("A layer (sent as inline GeoJSON) or an http(s) URL (sent as a link).")
    if spec.kind == InputKind.DATETIME:
        return tr("Sent as ISO 8601 in UTC.")
    return ""


def parameter_for(spec: ProcessInput) -> Optional[QgsProcessingParameterDefinition]:
    """The Processing parameter of an input (the same mapping as the execution form)."""
    title = inert_text(spec.title or spec.name)  # QGIS shows it as a label that guesses rich text
    default = spec.default if spec.has_default else None
    parameter = _PARAMETERS.get(spec.kind, _text_parameter)(spec, title, default)
    parameter.setHelp(inert_text(f"{spec.description}\n{spec.type_label()}\n{_hint(spec)}".strip()))
    return parameter


# Parameter values → request values ------------------------------------------------------------------------


def _extent_value(
    algorithm: QgsProcessingAlgorithm, spec: ProcessInput, parameters: Parameters, context: QgsProcessingContext
) -> Optional[dict[str, Any]]:
    """An extent parameter as an OGC bbox value (None when unset)."""
    crs = algorithm.parameterAsExtentCrs(parameters, spec.name, context)
    extent = algorithm.parameterAsExtent(parameters, spec.name, context, crs)
    return None if extent.isNull() else encode_bbox(spec, extent, crs, context.transformContext())


def _source_value(
    algorithm: QgsProcessingAlgorithm,
    spec: ProcessInput,
    parameters: Parameters,
    context: QgsProcessingContext,
    feedback: QgsFeedback,
) -> Any:
    """A feature source parameter as a FeatureCollection (or its first geometry); None when unset or empty."""
    raw = parameters.get(spec.name)
    if spec.offers_link and isinstance(raw, str) and raw.startswith(("http://", "https://")):
        return encode_link(spec, raw)  # a oneOf that also takes a link: sent by reference
    source = algorithm.parameterAsSource(parameters, spec.name, context)
    if source is None:
        return None
    collection = layer_collection(source, spec, context, feedback)
    if spec.kind == InputKind.GEOMETRY:
        return collection["features"][0]["geometry"] if collection["features"] else None
    return collection


def _json_value(spec: ProcessInput, text: str) -> Any:
    """An array or object parameter's text: JSON, or (arrays only) comma-separated values."""
    try:
        return json.loads(text)
    except ValueError:
        if spec.kind == InputKind.JSON:
            raise QgsProcessingException(tr("{input} is not valid JSON").format(input=spec.title)) from None
        return [array_item(spec.item, part.strip()) for part in text.split(",") if part.strip()]


def _text_value(
    algorithm: QgsProcessingAlgorithm,
    spec: ProcessInput,
    parameters: Parameters,
    context: QgsProcessingContext,
    feedback: QgsFeedback,
) -> Any:
    """A text parameter as a file, array, object or string value (None when empty)."""
    text = algorithm.parameterAsString(parameters, spec.name, context)
    if text == "":
        return None
    if spec.kind == InputKind.FILE:
        return resolve_value(spec, text, context, feedback)
    if spec.kind in (InputKind.ARRAY, InputKind.JSON):
        return _json_value(spec, text)
    return text


def _date_value(
    algorithm: QgsProcessingAlgorithm, spec: ProcessInput, parameters: Parameters, context: QgsProcessingContext
) -> Optional[str]:
    """A date or date-time parameter as ISO 8601 (None when unset)."""
    moment = algorithm.parameterAsDateTime(parameters, spec.name, context)  # (QGIS 3.22 has no parameterAsDate)
    if spec.kind == InputKind.DATE:
        return encode_date(moment.date()) if moment.date().isValid() else None
    return encode_datetime(moment) if moment.isValid() else None


def _array_value(
    algorithm: QgsProcessingAlgorithm,
    spec: ProcessInput,
    parameters: Parameters,
    context: QgsProcessingContext,
    feedback: QgsFeedback,
) -> Any:
    """An array parameter (multiple choice, multiple layers, one-column table or JSON text) as a list."""
    item, raw = spec.item, parameters.get(spec.name)
    if item is None or (isinstance(raw, str) and raw.strip().startswith("[")):
        return _text_value(algorithm, spec, parameters, context, feedback)  # JSON text
    if item.kind == InputKind.ENUM:
        return [item.enum[i] for i in algorithm.parameterAsEnums(parameters, spec.name, context)] or None
    if item.kind in (InputKind.FEATURES, InputKind.GEOMETRY):
        collections: list[Any] = []
        for layer in algorithm.parameterAsLayerList(parameters, spec.name, context):
            collection = layer_collection(layer, item, context, feedback)
            if item.kind == InputKind.GEOMETRY:
                collections.extend(f["geometry"] for f in collection["features"][:1])
            else:
                collections.append(collection)
        return collections or None
    if item.kind in _MATRIX_ITEMS:
        cells = algorithm.parameterAsMatrix(parameters, spec.name, context)
        values = [v if isinstance(v, (int, float)) else array_item(item, str(v).strip()) for v in cells]
        return [v for v in values if v != ""] or None
    return _text_value(algorithm, spec, parameters, context, feedback)


def parameter_value(
    algorithm: QgsProcessingAlgorithm,
    spec: ProcessInput,
    parameters: Parameters,
    context: QgsProcessingContext,
    feedback: QgsFeedback,
) -> Any:
    """The value of ``algorithm``'s parameter for input ``spec`` as the server expects it (None: leave it out)."""
    name, kind = spec.name, spec.kind
    if kind == InputKind.INTEGER:
        return algorithm.parameterAsInt(parameters, name, context)
    if kind == InputKind.NUMBER:
        return algorithm.parameterAsDouble(parameters, name, context)
    if kind == InputKind.BOOLEAN:
        return algorithm.parameterAsBoolean(parameters, name, context)
    if kind == InputKind.ENUM:
        return spec.enum[algorithm.parameterAsEnum(parameters, name, context)]
    if kind == InputKind.BBOX:
        return _extent_value(algorithm, spec, parameters, context)
    if kind in (InputKind.FEATURES, InputKind.GEOMETRY):
        return _source_value(algorithm, spec, parameters, context, feedback)
    if kind in (InputKind.DATE, InputKind.DATETIME):
        return _date_value(algorithm, spec, parameters, context)
    if kind == InputKind.ARRAY:
        return _array_value(algorithm, spec, parameters, context, feedback)
    return _text_value(algorithm, spec, parameters, context, feedback)
