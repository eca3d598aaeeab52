"""Layer inputs of the process form: a feature source snapshot taken on the GUI thread, turned into GeoJSON
later on a worker thread (:func:`encode_layer_inputs`). The form itself never reads features.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeedback,
    QgsProject,
    QgsVectorLayerFeatureSource,
)

from ....plugin.platforms.ogcapi.process_description import InputKind, ProcessInput
from ....plugin.platforms.ogcapi.process_values import (
    collection_from_source,
    feature_request,
    qgis_crs,
)


@dataclass
class LayerInput:
    """A layer input to encode off the GUI thread (a feature source snapshot, never the layer itself)."""

    spec: ProcessInput
    source: QgsVectorLayerFeatureSource
    source_crs: QgsCoordinateReferenceSystem
    selected_ids: Optional[list[int]]
    feature_count: int


def _encode_layer(value: LayerInput, feedback: Optional[QgsFeedback]) -> Any:
    """One :class:`LayerInput` as GeoJSON (a FeatureCollection, or its first geometry for a geometry input)."""
    collection = collection_from_source(
        value.source.getFeatures(feature_request(value.selected_ids)),
        value.source_crs,
        qgis_crs(value.spec.expected_crs()),
        QgsProject.instance().transformContext(),
        feedback,
        value.feature_count,
    )
    if value.spec.kind == InputKind.GEOMETRY:
        features = collection["features"]
        return features[0]["geometry"] if features else None
    return collection


def encode_layer_inputs(values: dict[str, Any], feedback: Optional[QgsFeedback] = None) -> dict[str, Any]:
    """``values`` with every :class:`LayerInput` (alone or in a list) turned into GeoJSON (blocking; for a worker
    thread)."""
    out = {}
    for name, value in values.items():
        if isinstance(value, LayerInput):
            value = _encode_layer(value, feedback)
        elif isinstance(value, list) and any(isinstance(v, LayerInput) for v in value):
            value = [_encode_layer(v, feedback) if isinstance(v, LayerInput) else v for v in value]
        out[name] = value
    return out


def has_layers(value: Any) -> bool:
    """Whether ``value`` is (or lists) a layer still to encode (checked after encoding, not here)."""
    return isinstance(value, LayerInput) or (isinstance(value, list) and any(isinstance(v, LayerInput) for v in value))
