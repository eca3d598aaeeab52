"""OGC API – Processes input values given as text -- the INPUTS JSON of ``geodock:executeprocess``, or a
Processing value -- made into request values: a layer id, name or path → a FeatureCollection, an extent string →
a bbox, a path → a file by value, a URL → a link. :mod:`.process_parameters` re-exports what it uses.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

from qgis.core import (  # type: ignore[attr-defined]  # QgsProcessingException is missing from qgis-stubs
    QgsCoordinateReferenceSystem,
    QgsFeedback,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingUtils,
    QgsRectangle,
    QgsVectorLayer,
)

from ...i18n import tr
from .process_description import InputKind, ProcessInput
from .process_values import (
    collection_from_source,
    encode_bbox,
    encode_file,
    encode_link,
    qgis_crs,
)

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
        if spec.kind == InputKind.ARRAY and spec.item is not None and isinstance(value, list):
            return [resolve_value(spec.item, item, context, feedback) for item in value]  # layers by name, ...
        return value
    if spec.kind == InputKind.FEATURES and spec.offers_link and value.startswith(("http://", "https://")):
        return encode_link(spec, value)  # a oneOf that also takes a link: sent by reference
    if spec.kind in (InputKind.FEATURES, InputKind.GEOMETRY):
        return _features_from_text(spec, value, context, feedback)
    if spec.kind == InputKind.BBOX:
        return _bbox_from_text(spec, value, context)
    if spec.kind == InputKind.FILE:
        return _file_from_text(spec, value)
    return value


def array_item(spec: Optional[ProcessInput], text: str) -> Any:
    """One comma-separated array item: a number for number items when it reads as one, else the text."""
    if spec is not None and spec.kind in (InputKind.NUMBER, InputKind.INTEGER):
        try:
            return int(text) if spec.kind == InputKind.INTEGER else float(text)
        except ValueError:
            return text
    return text
