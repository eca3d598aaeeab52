"""Processing parameters for the inputs of an OGC API – Processes process, and their values as request values.

:func:`parameter_for` maps a :class:`ProcessInput` to a Processing parameter (the same mapping as the execution
form); :func:`parameter_value` reads an algorithm's parameter back as the value the server expects;
:func:`resolve_value` does the same for a value given as text (the INPUTS JSON of ``geodock:executeprocess``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Optional

from qgis.core import (  # type: ignore[attr-defined]  # QgsProcessingException is missing from qgis-stubs
    QgsCoordinateReferenceSystem,
    QgsFeedback,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingUtils,
    QgsRectangle,
    QgsVectorLayer,
)

from ...html_sanitize import inert_text
from ...i18n import tr
from .process_description import InputKind, ProcessInput
from .process_values import collection_from_source, encode_bbox, encode_file, encode_link, qgis_crs

_EXTENT = re.compile(r"^\s*([-\d.eE+]+)\s*,\s*([-\d.eE+]+)\s*,\s*([-\d.eE+]+)\s*,\s*([-\d.eE+]+)\s*(?:\[(.+)\])?\s*$")
Parameters = dict[str, Any]


def slug(text: str) -> str:
    """``text`` as a Processing name part: lower case letters, digits and underscores."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "x"


# Inputs given as text (INPUTS JSON, or Processing values) → request values --------------------------------


def _layer(value: str, context: QgsProcessingContext) -> Optional[QgsVectorLayer]:
    """The valid vector layer that ``value`` (a layer id, name or file path) names, or None."""
    layer = QgsProcessingUtils.mapLayerFromString(value, context, True, QgsProcessingUtils.LayerHint.Vector)
    return layer if isinstance(layer, QgsVectorLayer) and layer.isValid() else None


def layer_collection(
    layer: Any, spec: ProcessInput, context: QgsProcessingContext, feedback: Optional[QgsFeedback] = None
) -> dict[str, Any]:
    """A vector layer or feature source as a GeoJSON FeatureCollection in the CRS ``spec`` expects."""
    total = layer.featureCount() if hasattr(layer, "featureCount") else 0
    return collection_from_source(
        layer.getFeatures(),
        layer.sourceCrs() if hasattr(layer, "sourceCrs") else layer.crs(),
        qgis_crs(spec.expected_crs()),
        context.transformContext(),
        feedback,
        max(total, 0),
    )


def _features_from_text(
    spec: ProcessInput, value: str, context: QgsProcessingContext, feedback: Optional[QgsFeedback]
) -> Any:
    """A layer named by ``value`` as a FeatureCollection (or its first geometry, for a geometry input)."""
    layer = _layer(value, context)
    if layer is None:
        raise QgsProcessingException(tr("{input}: no vector layer {value!r}").format(input=spec.title, value=value))
    collection = layer_collection(layer, spec, context, feedback)
    if spec.kind == InputKind.GEOMETRY:
        features = collection["features"]
        if not features:
            raise QgsProcessingException(tr("{input}: the layer has no features").format(input=spec.title))
        return features[0]["geometry"]
    return collection


def _bbox_from_text(spec: ProcessInput, value: str, context: QgsProcessingContext) -> dict[str, Any]:
    """An extent string ``xmin,xmax,ymin,ymax [EPSG:code]`` as an OGC bbox value."""
    match = _EXTENT.match(value)
    if not match:
        raise QgsProcessingException(
            tr("{input}: expected an extent 'xmin,xmax,ymin,ymax [EPSG:code]'").format(input=spec.title)
        )
    xmin, xmax, ymin, ymax = (float(match.group(i)) for i in range(1, 5))
    crs = QgsCoordinateReferenceSystem(match.group(5) or "EPSG:4326")
    return encode_bbox(spec, QgsRectangle(xmin, ymin, xmax, ymax), crs, context.transformContext())


def _file_from_text(spec: ProcessInput, value: str) -> Any:
    """A URL as a link, a local path as the file's content."""
    if value.startswith(("http://", "https://")):
        return encode_link(spec, value)
    path = Path(value)
    if not path.is_file():
        raise QgsProcessingException(tr("{input}: no file {path}").format(input=spec.title, path=value))
    return encode_file(spec, path)


def resolve_value(
    spec: ProcessInput, value: Any, context: QgsProcessingContext, feedback: Optional[QgsFeedback] = None
) -> Any:
    """A value from INPUTS made into what the server expects (layers, extents, files given as text)."""
    if not isinstance(value, str):
        if spec.kind == InputKind.BBOX and isinstance(value, list):
            return {"bbox": value, "crs": spec.bbox_crs_options()[0]}
        return value
    if spec.kind in (InputKind.FEATURES, InputKind.GEOMETRY):
        return _features_from_text(spec, value, context, feedback)
    if spec.kind == InputKind.BBOX:
        return _bbox_from_text(spec, value, context)
    if spec.kind == InputKind.FILE:
        return _file_from_text(spec, value)
    return value


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


def _text_parameter(spec: ProcessInput, title: str, default: Any) -> QgsProcessingParameterDefinition:
    """Strings, arrays (comma-separated or JSON) and objects (JSON) as a text parameter."""
    text_default = json.dumps(default) if isinstance(default, (list, dict)) else default
    return QgsProcessingParameterString(spec.name, title, text_default, spec.kind == InputKind.JSON, spec.optional)


_PARAMETERS: dict[str, Callable[[ProcessInput, str, Any], QgsProcessingParameterDefinition]] = {
    InputKind.NUMBER: _number_parameter,
    InputKind.INTEGER: _number_parameter,
    InputKind.BOOLEAN: _boolean_parameter,
    InputKind.ENUM: _enum_parameter,
    InputKind.BBOX: _extent_parameter,
    InputKind.FEATURES: _source_parameter,
    InputKind.GEOMETRY: _source_parameter,
    InputKind.FILE: _file_parameter,
}


def parameter_for(spec: ProcessInput) -> Optional[QgsProcessingParameterDefinition]:
    """The Processing parameter of an input (the same mapping as the execution form)."""
    title = inert_text(spec.title or spec.name)  # QGIS shows it as a label that guesses rich text
    default = spec.default if spec.has_default else None
    parameter = _PARAMETERS.get(spec.kind, _text_parameter)(spec, title, default)
    parameter.setHelp(inert_text(f"{spec.description}\n{spec.type_label()}".strip()))
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
    source = algorithm.parameterAsSource(parameters, spec.name, context)
    if source is None:
        return None
    collection = layer_collection(source, spec, context, feedback)
    if spec.kind == InputKind.GEOMETRY:
        return collection["features"][0]["geometry"] if collection["features"] else None
    return collection


def array_item(spec: Optional[ProcessInput], text: str) -> Any:
    """One comma-separated array item: a number for number items when it reads as one, else the text."""
    if spec is not None and spec.kind in (InputKind.NUMBER, InputKind.INTEGER):
        try:
            return int(text) if spec.kind == InputKind.INTEGER else float(text)
        except ValueError:
            return text
    return text


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
    return _text_value(algorithm, spec, parameters, context, feedback)
