"""The Export dialog: choose items, CRS, formats, crop, name and folder; validate; submit to the job manager.

One dialog for every platform, showing only what the platform supports:

* Koordinates (the full model): editable item list, CRS, one format per data kind from ``OPTIONS /exports/``
  (display names), crop (none, map extent, a project layer's extent or geometry -- optionally its selected
  features only -- or a server crop feature), **validation before submit** (every invalid reason in words,
  licences, the zipped size estimate; Submit stays disabled while invalid or not yet validated);
* Geobox: one vector layer, format, output CRS, bbox crop, a CQL filter and the fields to keep;
* AmigoCloud: one dataset and a format.

Every server call runs in a task; the submitted export is handed to :func:`plugin.jobs.manager`, which
watches, downloads and adds it to the project.
"""

from __future__ import annotations

import html
import os
from functools import partial
from pathlib import Path
from typing import Any, Callable, Optional

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsMapLayerProxyModel,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.gui import QgsFileWidget, QgsGui, QgsMapLayerComboBox, QgsProjectionSelectionWidget
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..plugin import log, settings
from ..plugin.connections import KIND_TITLES, Connection
from ..plugin.errors import GeodockError
from ..plugin.gui_hooks import push_message
from ..plugin.job_model import Job
from ..plugin.jobs import manager
from ..plugin.net.download import safe_filename
from ..plugin.platforms.base import Resource
from ..plugin.tasks import run_in_background
from .plain_text import plain_label, plain_tooltip
from .resource_details import OfflineTextBrowser
from .slot_guard import guarded

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")
DATA_KINDS = (("vector", "Vector layers"), ("table", "Tables"), ("raster", "Rasters"), ("grid", "Grids"))
CROP_NONE, CROP_CANVAS, CROP_LAYER_EXTENT, CROP_LAYER_GEOMETRY, CROP_SERVER = range(5)


def tr(text: str) -> str:
    return QCoreApplication.translate("ExportDialog", text)


def human_size(size: Optional[float]) -> str:
    if size is None:
        return tr("unknown")
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


class ExportDialog(QDialog):
    """Export ``resources`` of ``connection`` (Koordinates, Geobox or AmigoCloud)."""

    def __init__(  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
        self,
        iface: Any,
        connection: Connection,
        resources: Optional[list[Resource]] = None,
        parent: Optional[QWidget] = None,
    ) -> None:
        super().__init__(parent)
        self.iface = iface
        self.connection = connection
        self.kind = connection.kind
        self.resources = list(resources or [])
        self.validation: Any = None
        self.validated_body: Optional[dict[str, Any]] = None
        self.submitted: Optional[Job] = None
        self._tasks: list[Any] = []
        self.formats: dict[str, list[Any]] = {}
        self.crop_features: list[Any] = []
        self.setObjectName("GeodockExportDialog")
        self.setWindowTitle(
            tr("Export from {platform}: {name}").format(
                platform=KIND_TITLES.get(self.kind, self.kind), name=connection.name
            )
        )
        self.resize(560, 720)  # the first time: room for the CRS and the hints (then as the user left it)
        QgsGui.enableAutoGeometryRestore(self)
        self._build()
        self._invalidate()
        self._load_server_choices()

    # Building ----------------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        koordinates = self.kind == "koordinates"

        items_box = QGroupBox(tr("Items") if koordinates else tr("Layer"), self)
        items_layout = QVBoxLayout(items_box)
        self.items_list = QListWidget(items_box)
        for resource in self.resources:
            self._add_item(resource.title or resource.id, resource.api_url or resource.id, resource.kind)
        items_layout.addWidget(self.items_list)
        add_row = QHBoxLayout()
        self.item_edit = QLineEdit(items_box)
        self.item_edit.setPlaceholderText(
            tr("Add by id (5, tables/5) or API URL") if koordinates else tr("Layer uuid or dataset id")
        )
        self.add_item_button = QPushButton(tr("Add"), items_box)
        self.add_item_button.clicked.connect(self._add_typed_item)
        self.item_edit.returnPressed.connect(self._add_typed_item)
        self.remove_item_button = QPushButton(tr("Remove"), items_box)
        self.remove_item_button.clicked.connect(self._remove_items)
        add_row.addWidget(self.item_edit, 1)
        add_row.addWidget(self.add_item_button)
        add_row.addWidget(self.remove_item_button)
        items_layout.addLayout(add_row)
        layout.addWidget(items_box, 1)

        form_box = QGroupBox(tr("Output"), self)
        form = QFormLayout(form_box)
        self.crs_widget = QgsProjectionSelectionWidget(form_box)
        self.crs_widget.setCrs(self._default_crs())
        self.crs_widget.crsChanged.connect(self._invalidate)
        if self.kind != "amigocloud":
            form.addRow(tr("CRS"), self.crs_widget)
        else:
            self.crs_widget.hide()
        self.format_combos: dict[str, QComboBox] = {}
        if koordinates:
            for kind, label in DATA_KINDS:
                combo = QComboBox(form_box)
                combo.setObjectName(f"format_{kind}")
                combo.addItem(tr("Loading formats…"), "")
                combo.currentIndexChanged.connect(self._invalidate)
                self.format_combos[kind] = combo
                form.addRow(tr("Format: {kind}").format(kind=tr(label)), combo)
        else:
            combo = QComboBox(form_box)
            combo.setObjectName("format_vector")
            for value, name in self._platform_formats().items():
                combo.addItem(name, value)
            combo.currentIndexChanged.connect(self._invalidate)
            self.format_combos["vector"] = combo
            form.addRow(tr("Format"), combo)
        layout.addWidget(form_box)

        self.crop_box = QGroupBox(tr("Crop"), self)
        crop_form = QFormLayout(self.crop_box)
        self.crop_mode = QComboBox(self.crop_box)
        self.crop_mode.addItem(tr("None: everything"), CROP_NONE)
        self.crop_mode.addItem(tr("Current map extent"), CROP_CANVAS)
        self.crop_mode.addItem(tr("Extent of a project layer"), CROP_LAYER_EXTENT)
        if koordinates:
            self.crop_mode.addItem(tr("Geometry of a project layer"), CROP_LAYER_GEOMETRY)
            self.crop_mode.addItem(tr("A crop feature of the server"), CROP_SERVER)
        self.crop_mode.currentIndexChanged.connect(self._crop_mode_changed)
        crop_form.addRow(tr("Crop to"), self.crop_mode)
        self.crop_layer = QgsMapLayerComboBox(self.crop_box)
        self.crop_layer.setFilters(QgsMapLayerProxyModel.Filter.HasGeometry)
        self.crop_layer.layerChanged.connect(self._invalidate)
        self.selected_only = QCheckBox(tr("Selected features only"), self.crop_box)
        self.selected_only.toggled.connect(self._invalidate)
        crop_form.addRow(tr("Layer"), self.crop_layer)
        crop_form.addRow("", self.selected_only)
        self.server_crop = QComboBox(self.crop_box)
        self.server_crop.currentIndexChanged.connect(self._invalidate)
        crop_form.addRow(tr("Crop feature"), self.server_crop)
        if self.kind == "amigocloud":
            self.crop_box.hide()
        layout.addWidget(self.crop_box)

        self.geobox_box = QGroupBox(tr("Filter"), self)
        geobox_form = QFormLayout(self.geobox_box)
        self.cql_edit = QLineEdit(self.geobox_box)
        self.cql_edit.setPlaceholderText("population > 1000000 AND name LIKE 'A%'")
        self.cql_edit.textChanged.connect(self._invalidate)
        geobox_form.addRow(tr("CQL filter"), self.cql_edit)
        self.fields_list = QListWidget(self.geobox_box)
        self.fields_list.itemChanged.connect(self._invalidate)
        geobox_form.addRow(tr("Fields to keep"), self.fields_list)
        self._fill_fields()
        if self.kind != "geobox":
            self.geobox_box.hide()
        layout.addWidget(self.geobox_box)

        dest_box = QGroupBox(tr("Destination"), self)
        dest = QFormLayout(dest_box)
        self.name_edit = QLineEdit(self._default_name(), dest_box)
        self.name_edit.textChanged.connect(self._invalidate)
        dest.addRow(tr("Export name"), self.name_edit)
        self.folder_widget = QgsFileWidget(dest_box)
        self.folder_widget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.folder_widget.setFilePath(str(settings.value(settings.LAST_FOLDER, "") or Path.home() / "Geodock"))
        dest.addRow(tr("Folder"), self.folder_widget)
        self.add_to_project = QCheckBox(tr("Add results to the project"), dest_box)
        self.add_to_project.setChecked(True)
        dest.addRow("", self.add_to_project)
        layout.addWidget(dest_box)

        # Server text (reasons, licences): escaped, in a browser that loads nothing and opens a link only
        # when it is http(s) and the user clicks it.
        self.report = OfflineTextBrowser(self)
        self.report.setMinimumHeight(90)
        layout.addWidget(self.report)
        self.status_label = plain_label(parent=self)
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self.buttons = QDialogButtonBox(self)
        self.validate_button = self.buttons.addButton(tr("Validate"), QDialogButtonBox.ButtonRole.ActionRole)
        self.validate_button.clicked.connect(self.validate)
        self.submit_button = self.buttons.addButton(tr("Submit export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.submit_button.clicked.connect(self.submit)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        if self.kind != "koordinates":
            self.validate_button.hide()
        self._crop_mode_changed()

    def _platform_formats(self) -> dict[str, str]:
        if self.kind == "geobox":
            from ..plugin.platforms.geobox.jobs import EXPORT_FORMATS
        else:
            from ..plugin.platforms.amigocloud.jobs import EXPORT_FORMATS
        return EXPORT_FORMATS

    def _default_crs(self) -> QgsCoordinateReferenceSystem:
        for resource in self.resources:
            if resource.crs:
                crs = QgsCoordinateReferenceSystem(resource.crs)
                if crs.isValid():
                    return crs
        return QgsProject.instance().crs() if QgsProject.instance().crs().isValid() else WGS84

    def _default_name(self) -> str:
        if len(self.resources) == 1:
            return self.resources[0].title or self.resources[0].id
        if self.resources:
            return tr("{title} and {count} more").format(title=self.resources[0].title, count=len(self.resources) - 1)
        return tr("Geodock export")

    def _fill_fields(self) -> None:
        self.fields_list.clear()
        for resource in self.resources[:1]:
            for name, _type in resource.fields:
                item = QListWidgetItem(name, self.fields_list)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)

    def _add_item(self, title: str, ref: str, kind: str = "") -> None:
        item = QListWidgetItem(f"{title}" + (f"  ({kind})" if kind else ""), self.items_list)
        item.setData(Qt.ItemDataRole.UserRole, ref)
        item.setToolTip(plain_tooltip(ref))

    @guarded
    def _add_typed_item(self) -> None:
        text = self.item_edit.text().strip()
        if not text:
            return
        if self.kind != "koordinates":
            self.items_list.clear()
        self._add_item(text, text)
        self.item_edit.clear()
        self._invalidate()

    @guarded
    def _remove_items(self) -> None:
        for item in self.items_list.selectedItems():
            self.items_list.takeItem(self.items_list.row(item))
        self._invalidate()

    @guarded
    def _crop_mode_changed(self, *_args: Any) -> None:
        mode = self.crop_mode.currentData()
        uses_layer = mode in (CROP_LAYER_EXTENT, CROP_LAYER_GEOMETRY)
        self.crop_layer.setEnabled(uses_layer)
        self.selected_only.setEnabled(uses_layer)
        self.server_crop.setEnabled(mode == CROP_SERVER)
        self._invalidate()

    # Server choices (formats, crop features) ---------------------------------------------------------

    def _run(self, description: str, work: Any, done: Any, on_failed: Optional[Callable[[], None]] = None) -> None:
        def failed(err: GeodockError) -> None:
            if not sip.isdeleted(self):
                self.status_label.setText(log.exception(err, description))
                if on_failed is not None:
                    on_failed()
                self._update_buttons()

        task = run_in_background(
            description, work, lambda result: None if sip.isdeleted(self) else done(result), failed
        )
        self._tasks.append(task)

    def _load_server_choices(self) -> None:
        if self.kind != "koordinates":
            return
        from ..plugin.platforms.koordinates.exports import KoordinatesExports

        api = KoordinatesExports(self.connection)

        def work(feedback: Any) -> tuple[dict[str, list[Any]], list[tuple[str, Any]]]:
            formats = api.formats(feedback)
            features = []
            for layer in api.crop_layers(feedback):
                features += [(f"{layer.name}: {f.name}", f) for f in api.crop_features(layer, feedback)]
            return formats, features

        what = tr("Loading the export formats of {name}").format(name=self.connection.name)
        self.status_label.setText(what + "…")
        self._run(what, work, self._choices_loaded, self._choices_failed)

    def _choices_failed(self) -> None:
        for combo in self.format_combos.values():
            combo.clear()
            combo.addItem(tr("(formats could not be loaded)"), "")

    def _choices_loaded(self, result: tuple[dict[str, list[Any]], list[tuple[str, Any]]]) -> None:
        self.formats, features = result
        self.status_label.clear()
        for kind, combo in self.format_combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(tr("(not exported)"), "")
            for fmt in self.formats.get(kind, []):
                combo.addItem(fmt.name, fmt.value)
            preferred = {
                "vector": "application/x-ogc-gpkg",
                "table": "text/csv",
                "raster": "image/tiff;subtype=geotiff",
                "grid": "image/tiff;subtype=geotiff",
            }
            index = combo.findData(preferred.get(kind, ""))
            combo.setCurrentIndex(index if index >= 0 else min(1, combo.count() - 1))
            combo.blockSignals(False)
        self.server_crop.blockSignals(True)
        self.server_crop.clear()
        for label, feature in features:
            self.server_crop.addItem(label, feature.url)
        self.server_crop.blockSignals(False)
        self._invalidate()

    # The request -------------------------------------------------------------------------------------

    def item_refs(self) -> list[str]:
        return [self.items_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.items_list.count())]

    def crop_geometry(self) -> Optional[QgsGeometry]:
        """The crop as a geometry in EPSG:4326 (None: no crop, or a server crop feature)."""
        mode = self.crop_mode.currentData()
        project = QgsProject.instance()
        if mode == CROP_CANVAS and self.iface is not None:
            canvas = self.iface.mapCanvas()
            geometry = QgsGeometry.fromRect(canvas.extent())
            source = canvas.mapSettings().destinationCrs()
        elif mode in (CROP_LAYER_EXTENT, CROP_LAYER_GEOMETRY):
            layer = self.crop_layer.currentLayer()
            if layer is None:
                raise GeodockError(tr("Choose a project layer to crop to"))
            source = layer.crs()
            if isinstance(layer, QgsVectorLayer) and layer.featureCount() == 0:
                raise GeodockError(tr("{layer} has no features to crop to").format(layer=layer.name()))
            selected = self.selected_only.isChecked() and isinstance(layer, QgsVectorLayer)
            if selected and layer.selectedFeatureCount() == 0:
                raise GeodockError(tr("{layer} has no selected feature").format(layer=layer.name()))
            if mode == CROP_LAYER_EXTENT:
                extent = layer.boundingBoxOfSelected() if selected else layer.extent()
                geometry = QgsGeometry.fromRect(extent)
            else:
                features = layer.selectedFeatures() if selected else layer.getFeatures()
                geometry = QgsGeometry.unaryUnion([f.geometry() for f in features if f.hasGeometry()])
                if geometry.type() != 2:  # not polygons: their extent
                    geometry = QgsGeometry.fromRect(geometry.boundingBox())
        else:
            return None
        if geometry.isEmpty() or geometry.area() <= 0:  # (a null extent makes a polygon of no area, not an empty one)
            raise GeodockError(tr("The crop area is empty: it covers no area"))
        if source != WGS84:
            geometry.transform(QgsCoordinateTransform(source, WGS84, project))
        return geometry

    def koordinates_body(self) -> dict[str, Any]:
        import json

        from ..plugin.platforms.koordinates.exports import export_body

        extent: Any = None
        if self.crop_mode.currentData() == CROP_SERVER:
            extent = self.server_crop.currentData() or None
            if not extent:
                raise GeodockError(tr("Choose one of the server's crop features"))
        else:
            geometry = self.crop_geometry()
            if geometry is not None:
                geometry.convertToMultiType()
                extent = json.loads(geometry.asJson(7))
        formats = {kind: combo.currentData() for kind, combo in self.format_combos.items() if combo.currentData()}
        crs = self.crs_widget.crs().authid()
        if not crs:
            raise GeodockError(tr("Choose a CRS with an authority id (EPSG:…)"))
        from ..plugin.platforms.koordinates.exports import KoordinatesExports

        api = KoordinatesExports(self.connection)
        items = [api.item_url(ref) for ref in self.item_refs()]
        return export_body(items, crs, formats, self.name_edit.text().strip(), extent)

    @guarded
    def _invalidate(self, *_args: Any) -> None:
        self.validation = None
        self.validated_body = None
        if hasattr(self, "report") and self.kind == "koordinates":
            self.report.setHtml(tr("<i>Validate the export to see whether it can be made.</i>"))
        self._update_buttons()

    @guarded
    def _update_buttons(self) -> None:
        if not hasattr(self, "submit_button"):
            return
        has_items = self.items_list.count() > 0
        if self.kind == "koordinates":
            self.validate_button.setEnabled(has_items and bool(self.formats))
            self.submit_button.setEnabled(self.validation is not None and self.validation.is_valid)
        else:
            self.submit_button.setEnabled(has_items and bool(self.format_combos["vector"].currentData()))

    # Validate and submit -----------------------------------------------------------------------------

    @guarded
    def validate(self) -> None:
        """Ask the server whether the export can be made; show every reason, the licences and the size."""
        from ..plugin.platforms.koordinates.exports import KoordinatesExports

        try:
            body = self.koordinates_body()
        except GeodockError as err:
            self.status_label.setText(err.message)
            return
        api = KoordinatesExports(self.connection)
        self.validate_button.setEnabled(False)
        self.status_label.setText(tr("Validating…"))
        self._run(
            tr("Validating the export"), lambda feedback: api.validate(body, feedback), partial(self._validated, body)
        )

    def _validated(self, body: dict[str, Any], validation: Any) -> None:
        self.validation = validation
        self.validated_body = body
        names = {
            self.items_list.item(i).data(Qt.ItemDataRole.UserRole): self.items_list.item(i).text()
            for i in range(self.items_list.count())
        }
        from ..plugin.platforms.koordinates.exports import KoordinatesExports

        api = KoordinatesExports(self.connection)
        names = {api.item_url(ref): text for ref, text in names.items()}
        esc = html.escape
        if validation.is_valid:
            report = "<p><b>" + esc(tr("The export is valid.")) + "</b></p>"
        else:
            report = "<p><b>" + esc(tr("The export cannot be made:")) + "</b></p><ul>"
            report += "".join(f"<li>{esc(problem)}</li>" for problem in validation.problems(names)) + "</ul>"
        if validation.licenses:
            report += "<p>" + esc(tr("Licences: {names}").format(names=", ".join(validation.licenses))) + "</p>"
        size = human_size(validation.size_estimate_zipped)
        report += "<p>" + esc(tr("Estimated zipped size: {size}").format(size=size)) + "</p>"
        self.report.setHtml(report)
        self.status_label.setText("")
        self._update_buttons()

    @guarded
    def submit(self) -> None:
        """Create the export on the server (in a task) and hand it to the job manager."""
        folder = self.folder_widget.filePath().strip()
        if not folder:
            self.status_label.setText(tr("Choose a destination folder"))
            return
        problem = unwritable(folder)
        if problem:
            self.status_label.setText(problem)
            return
        name = self.name_edit.text().strip() or self._default_name()
        target = str(Path(folder) / safe_filename(name, "export"))
        add = self.add_to_project.isChecked()
        try:
            work = self._creation(name, target, add)
        except GeodockError as err:
            self.status_label.setText(err.message)
            return
        settings.set_value(settings.LAST_FOLDER, folder)
        self.submit_button.setEnabled(False)
        self.status_label.setText(tr("Submitting…"))
        self._run(tr("Submitting the export {name}").format(name=name), work, self._submitted)

    def _creation(self, name: str, folder: str, add: bool) -> Any:
        connection = self.connection
        if self.kind == "koordinates":
            from ..plugin.platforms.koordinates.exports import KoordinatesExports

            body = self.validated_body or self.koordinates_body()
            body["name"] = name
            api = KoordinatesExports(connection)

            def work(feedback: Any) -> Job:
                job = api.create(body, feedback).to_job(connection, folder, add)
                job.title = name
                return job

            return work
        refs = self.item_refs()
        if not refs:
            raise GeodockError(tr("Choose what to export"))
        fmt = self.format_combos["vector"].currentData()
        if self.kind == "geobox":
            from ..plugin.platforms.geobox.jobs import GeoboxTasks

            crs = self.crs_widget.crs()
            srid = int(crs.authid().split(":")[1]) if crs.authid().upper().startswith("EPSG:") else None
            geometry = self.crop_geometry()
            bbox = None
            if geometry is not None:
                box: QgsRectangle = geometry.boundingBox()
                bbox = (box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum())
            fields = [
                self.fields_list.item(i).text()
                for i in range(self.fields_list.count())
                if self.fields_list.item(i).checkState() == Qt.CheckState.Checked
            ]
            if self.fields_list.count() and len(fields) == self.fields_list.count():
                fields = []  # all of them
            cql = self.cql_edit.text()
            api = GeoboxTasks(connection)

            def work(feedback: Any) -> Job:
                task = api.export_layer(refs[0], fmt, srid, bbox, 4326, cql, fields, safe_filename(name), feedback)
                job = task.to_job(connection, folder, add)
                job.title = name
                return job

            return work
        from ..plugin.platforms.amigocloud.jobs import AmigoCloudExports, new_job

        api = AmigoCloudExports(connection)
        dataset: Any = self.resources[0] if self.resources and self.resources[0].id == refs[0] else refs[0]

        def work(feedback: Any) -> Job:
            return new_job(connection, api.export_dataset(dataset, fmt, feedback), name, folder, add)

        return work

    def _submitted(self, job: Job) -> None:
        self.submitted = job
        manager().submit(job)
        self.status_label.setText(tr("Submitted: follow it in the Jobs panel."))
        if self.iface is not None:
            text = tr("Export {name} submitted; it is followed in the Jobs panel").format(name=job.title)
            push_message(self.iface.messageBar(), text)
        self.accept()

    def done(self, result: int) -> None:
        for task in self._tasks:
            if not sip.isdeleted(task):
                try:
                    task.on_done = None
                    task.on_error = None
                except RuntimeError:
                    pass
        super().done(result)


EXPORT_KINDS = ("koordinates", "geobox", "amigocloud")


def open_export_dialog(iface: Any, parent: Optional[QWidget] = None) -> Optional[ExportDialog]:  # noqa: QGS105 - iface is passed in on purpose (testable; pytest-qgis's iface)
    """The toolbar's Export…: pick a connection that can export, then show its Export dialog (non-modal)."""
    from qgis.PyQt.QtWidgets import QInputDialog

    from ..plugin.connections import store

    choices = [c for c in store().all() if c.kind in EXPORT_KINDS]
    if not choices:
        text = tr("Add a Koordinates, Geobox or AmigoCloud connection first (Geodock › Connections…)")
        push_message(iface.messageBar(), text, Qgis.MessageLevel.Warning)
        return None
    labels = [f"{c.name} ({KIND_TITLES.get(c.kind, c.kind)})" for c in choices]
    if len(choices) == 1:
        connection = choices[0]
    else:
        label, ok = QInputDialog.getItem(parent, tr("Export"), tr("Export from"), labels, 0, False)
        if not ok:
            return None
        connection = choices[labels.index(label)]
    dialog = ExportDialog(iface, connection, [], parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.show()
    return dialog


def open_export_for(connection: Connection, resources: list[Resource]) -> ExportDialog:
    """The Browser panel's "Export…": the Export dialog for ``resources`` in QGIS's main window (non-modal)."""
    from qgis.utils import iface

    dialog = ExportDialog(iface, connection, resources, iface.mainWindow())
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def unwritable(folder: str) -> str:
    """Why results cannot be written into ``folder`` (made when missing), or '' when they can."""
    path = Path(folder).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        return tr("Cannot use the folder {folder}: {reason}").format(folder=folder, reason=err.strerror or err)
    if not os.access(path, os.W_OK | os.X_OK):
        return tr("Cannot write into the folder {folder}").format(folder=folder)
    return ""
