"""Editors of the process form for data from QGIS: a layer (or a link instead, when the input also takes other
media types), several layers, a file (or a link). :class:`SourceEditors` is mixed into the form's input row:
the editors keep their widgets on the row (``layer_combo``, ``selected_only``, ``by_link``, ``url_edit``, ...),
where the form's tests and an opened request find them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from qgis.core import (
    QgsMapLayerProxyModel,
    QgsVectorLayer,
    QgsVectorLayerFeatureSource,
)
from qgis.gui import QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ....plugin.i18n import tr
from ....plugin.platforms.ogcapi.process_description import ProcessInput
from ....plugin.platforms.ogcapi.process_parameters import array_item
from ....plugin.platforms.ogcapi.process_values import (
    encode_file,
    encode_link,
)
from .form_editors import ListEditor, narrow_combo
from .layer_inputs import LayerInput


class SourceEditors:
    """Builders and readers of the layer, layers, file and link editors (mixed into ``InputRow``)."""

    spec: ProcessInput
    editor: QWidget

    def _choice(self, layout: QVBoxLayout, first: str, second: str) -> tuple[QRadioButton, QRadioButton]:
        """Two radio buttons on a line of their own (the first one on)."""
        line = QHBoxLayout()
        one, other = QRadioButton(first), QRadioButton(second)
        group = QButtonGroup(layout.parentWidget())
        for button in (one, other):
            group.addButton(button)
            line.addWidget(button)
        line.addStretch(1)
        one.setChecked(True)
        layout.addLayout(line)
        return one, other

    def _link_line(self, layout: QVBoxLayout, by_link: QRadioButton, hide: QWidget) -> None:
        """The URL field (and, for several media types, the media type), shown while ``by_link`` is on."""
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://…")
        layout.addWidget(self.url_edit)
        self.media_combo: Optional[QComboBox] = None
        links = [self.url_edit]
        if len(self.spec.media_types) > 1:
            self.media_combo = narrow_combo()
            self.media_combo.setToolTip(tr("The media type of the linked data"))
            geojson_first = sorted(self.spec.media_types, key=lambda m: "json" not in m)
            for media in geojson_first:
                self.media_combo.addItem(media, media)
            layout.addWidget(self.media_combo)
            links.append(self.media_combo)
        for widget in links:
            widget.hide()
            by_link.toggled.connect(widget.setVisible)
        by_link.toggled.connect(lambda on: hide.setVisible(not on))

    def _layer_editor(self, spec: ProcessInput) -> QWidget:
        """A vector layer combo with "selected features only" on its own line; a link instead when the input
        also takes other media types (inline GeoJSON is the default)."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        if spec.offers_link:
            self.by_layer, self.by_link = self._choice(layout, tr("Layer (GeoJSON)"), tr("Link"))
        layer_box = QWidget()
        layer_layout = QVBoxLayout(layer_box)
        layer_layout.setContentsMargins(0, 0, 0, 0)
        combo = QgsMapLayerComboBox()
        combo.setFilters(QgsMapLayerProxyModel.Filter.VectorLayer)
        combo.setObjectName("layer")
        selected = QCheckBox(tr("Selected features only"))
        selected.setObjectName("selected")
        layer_layout.addWidget(combo)
        layer_layout.addWidget(selected)
        layout.addWidget(layer_box)
        self.layer_combo, self.selected_only = combo, selected
        if spec.offers_link:
            self._link_line(layout, self.by_link, layer_box)
        return box

    def _file_editor(self, spec: ProcessInput) -> QWidget:
        """A file (by value) or a URL (by link), the choice on a line above."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.by_value, self.by_link = self._choice(layout, tr("File"), tr("Link"))
        self.file_widget = QgsFileWidget()
        layout.addWidget(self.file_widget)
        self._link_line(layout, self.by_link, self.file_widget)
        return box

    def _layers_value(self) -> list[LayerInput]:
        """The checked layers, each a :class:`LayerInput` (encoded later off the GUI thread)."""
        item = self.spec.item or self.spec
        layers = [layer for layer in self.layer_list.checked_layers() if isinstance(layer, QgsVectorLayer)]
        if not layers:
            raise ValueError(tr("{input}: check at least one layer").format(input=self.spec.title))
        return [
            LayerInput(item, QgsVectorLayerFeatureSource(layer), layer.crs(), None, layer.featureCount())
            for layer in layers
        ]

    def _items_value(self) -> list[Any]:
        """The list's values (typed rows read as numbers for number items)."""
        editor = self.editor
        assert isinstance(editor, ListEditor)
        if editor.choices:
            return editor.values()
        return [array_item(self.spec.item, text) for text in editor.texts()]

    def _link_value(self) -> Any:
        """The typed link (``{"href", "type"}``), its media type the one chosen."""
        url = self.url_edit.text().strip()
        if not url.startswith(("http://", "https://")):
            raise ValueError(tr("{input}: enter an http(s) link").format(input=self.spec.title))
        link = encode_link(self.spec, url)
        if self.media_combo is not None:
            link["type"] = self.media_combo.currentData()
        return link

    def _layer_value(self) -> LayerInput:
        """The chosen layer (or its selection) as a :class:`LayerInput`, encoded later off the GUI thread."""
        spec = self.spec
        layer = self.layer_combo.currentLayer()
        if not isinstance(layer, QgsVectorLayer):
            raise ValueError(tr("{input}: choose a vector layer").format(input=spec.title))
        selected = list(layer.selectedFeatureIds()) if self.selected_only.isChecked() else None
        if selected is not None and not selected:
            raise ValueError(tr("{input}: the layer has no selected features").format(input=spec.title))
        count = len(selected) if selected is not None else layer.featureCount()
        return LayerInput(spec, QgsVectorLayerFeatureSource(layer), layer.crs(), selected, count)

    def _file_value(self) -> Any:
        """The link, or the chosen file's content."""
        spec = self.spec
        if self.by_link.isChecked():
            return self._link_value()
        path = Path(self.file_widget.filePath())
        if not path.is_file():
            raise ValueError(tr("{input}: choose a file").format(input=spec.title))
        return encode_file(spec, path)
