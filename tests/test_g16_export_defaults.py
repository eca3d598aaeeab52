"""Export defaults (issue 16): the name from the items, ids resolved to titles, one folder level per job, the
"Export from" chooser on the connection in use, and Koordinates' raster attribute table (``rat``) formats."""

from __future__ import annotations

import zipfile
from pathlib import Path

from helpers import run_task, wait_until
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QInputDialog


def _resource(kx, item_id: int, title: str, kind: str = "vector"):
    from geodock.plugin.platforms.base import Resource

    return Resource(str(item_id), kind, title, crs="EPSG:4326", api_url=kx.base_url + f"layers/{item_id}/")


def _formats_loaded(dialog) -> None:
    wait_until(lambda: dialog.form.formats, 30, "the export formats")


def test_the_name_comes_from_the_first_item_and_follows_the_items(kx, qgis_iface):
    from geodock.ui.export_dialog import ExportDialog

    one = ExportDialog(qgis_iface, kx, [_resource(kx, 1, "World Countries")])
    assert one.name_edit.text() == "World Countries"
    _formats_loaded(one)
    one.close()
    two = ExportDialog(qgis_iface, kx, [_resource(kx, 1, "World Countries"), _resource(kx, 2, "States")])
    assert two.name_edit.text() == "World Countries and 1 more"
    two.items_list.setCurrentRow(1)
    two.remove_item_button.click()
    assert two.name_edit.text() == "World Countries"  # the name follows the items ...
    two.name_edit.setText("My countries")
    two.item_edit.setText("3")
    two.add_item_button.click()
    wait_until(lambda: "Disputed Borders" in two.items_list.item(1).text(), 30, "the title of item 3")
    assert two.name_edit.text() == "My countries"  # ... until the user writes one of their own
    _formats_loaded(two)
    two.close()


def test_an_id_added_shows_at_once_then_its_title_then_the_name(kx, qgis_iface):
    from geodock.ui.export_dialog import ExportDialog

    dialog = ExportDialog(qgis_iface, kx, [])
    assert dialog.name_edit.text() == "Geodock export"  # nothing to name it after yet
    dialog.item_edit.setText("tables/5")
    dialog.add_item_button.click()
    assert dialog.items_list.item(0).text() == "tables/5"  # shown as typed while it is looked up
    wait_until(lambda: dialog.items_list.item(0).text().startswith("Country Codes"), 30, "the table's title")
    assert dialog.items_list.item(0).text() == "Country Codes  (table)"
    assert dialog.item_refs() == ["tables/5"]  # still stands for what was typed
    assert dialog.name_edit.text() == "Country Codes"
    dialog.item_edit.setText("1")
    dialog.add_item_button.click()
    wait_until(lambda: dialog.name_edit.text() == "Country Codes and 1 more", 30, "the name of two items")
    _formats_loaded(dialog)
    dialog.close()


def test_an_unknown_id_is_said_so_and_stays_an_id(kx, qgis_iface):
    from geodock.ui.export_dialog import ExportDialog

    dialog = ExportDialog(qgis_iface, kx, [])
    dialog.item_edit.setText("999")
    dialog.add_item_button.click()
    wait_until(lambda: "not found" in dialog.items_list.item(0).text(), 30, "the look-up of 999")
    assert dialog.items_list.item(0).text() == "999 (not found)"
    assert "Nothing has the id 999" in dialog.status_label.text(), dialog.status_label.text()
    assert dialog.name_edit.text() == "999"  # the id, not "999 (not found)"
    _formats_loaded(dialog)
    dialog.close()


def test_an_amigocloud_dataset_id_is_resolved_to_its_name(amigocloud_server, connections, qgis_iface):
    from geodock.ui.export_dialog import ExportDialog

    (ac,) = connections.import_json({"connections": [amigocloud_server.connection()]})
    dialog = ExportDialog(qgis_iface, ac, [])
    dialog.item_edit.setText("2")
    dialog.add_item_button.click()
    wait_until(lambda: dialog.items_list.item(0).text() != "2", 30, "the dataset's name")
    assert dialog.items_list.item(0).text().startswith("states_provinces"), dialog.items_list.item(0).text()
    assert dialog.name_edit.text() == "states_provinces"
    dialog.close()


def test_closing_the_dialog_stops_a_look_up(hostile, connections, qgis_iface):
    """An id still being looked up when the dialog closes: its task is cancelled, not left waiting."""
    from geodock.ui.export_dialog import ExportDialog

    api = "/services/api/v1/"
    hostile.script(
        {"method": "GET", "path": api + "layers/7/", "hold": "item", "json": {"id": 7, "title": "x"}},
        {"method": "OPTIONS", "path": api + "exports/", "json": {}},
    )
    entry = {"name": "Slow kx", "kind": "koordinates", "url": hostile.root + api, "credentials": {"token": "t"}}
    (connection,) = connections.import_json({"connections": [entry]})
    try:
        dialog = ExportDialog(qgis_iface, connection, [])
        dialog.item_edit.setText("7")
        dialog.add_item_button.click()
        wait_until(lambda: [r for r in hostile.received() if r["path"].endswith("layers/7/")], 30, "the look-up")
        dialog.close()
        assert dialog.items_list.item(0).text() == "7"
    finally:
        hostile.release("item")


def test_one_folder_level_per_job_with_a_suffix_only_when_taken(kx, jobs, qgis_iface, tmp_path):
    from geodock.plugin.job_model import JobState
    from geodock.ui.export_dialog import ExportDialog

    (tmp_path / "World Countries").mkdir()
    (tmp_path / "World Countries" / "mine.txt").write_text("the user's")
    dialog = ExportDialog(qgis_iface, kx, [_resource(kx, 1, "World Countries")])
    _formats_loaded(dialog)
    dialog.validate_button.click()
    wait_until(lambda: dialog.validation is not None, 30, "validation")
    dialog.folder_widget.setFilePath(str(tmp_path))
    dialog.submit_button.click()
    wait_until(lambda: dialog.submitted is not None, 30, "submitted")
    job = jobs.get(dialog.submitted.id)
    assert Path(job.folder) == tmp_path / "World Countries (1)"  # the name was taken: a suffix
    wait_until(lambda: job.download == "done", 60, "downloaded")
    assert job.state == JobState.SUCCEEDED and job.outputs
    for output in job.outputs:  # exports/<name>/<item>/<file>: the archive's folders, not a folder per archive
        parts = Path(output).relative_to(job.folder).parts
        assert len(parts) == 2 and not any("World Countries" in part for part in parts), parts
    assert not list(Path(job.folder).glob("*.zip"))  # unpacked into the job's folder, then removed
    assert (tmp_path / "World Countries" / "mine.txt").read_text() == "the user's"


def test_a_second_download_into_the_same_folder_takes_free_names(tmp_path):
    from geodock.plugin.jobs.fetching import new_job_folder
    from geodock.plugin.platforms.koordinates.exports import unpack_into

    folder = new_job_folder(tmp_path, "Same: name")  # a name is one plain, portable folder name
    assert folder == tmp_path / "Same_ name" and new_job_folder(tmp_path, "Same: name") == tmp_path / "Same_ name (1)"
    for _ in range(2):
        archive = folder / "Same-1.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("countries/countries.geojson", '{"type": "FeatureCollection", "features": []}')
        files = unpack_into(archive, folder)
    assert [p.relative_to(folder).as_posix() for p in files] == ["countries (1)/countries.geojson"]
    assert sorted(p.name for p in folder.iterdir()) == ["countries", "countries (1)"]


def _choose_from(current, parent=None) -> str:
    """Open the toolbar's chooser with ``current`` in use; the label it preselects (the chooser is then closed)."""
    from geodock.ui.export_dialog import open_export_dialog

    seen: list[str] = []

    def look() -> None:
        chooser = QApplication.activeModalWidget()
        if not isinstance(chooser, QInputDialog):
            QTimer.singleShot(10, look)
            return
        seen.append(chooser.textValue())
        chooser.reject()

    QTimer.singleShot(0, look)
    assert open_export_dialog(None, parent, current) is None  # cancelled
    return seen[0]


def test_the_chooser_preselects_the_connection_in_use(connections, qgis_iface):
    entries = [
        {"name": name, "kind": kind, "url": f"https://{kind}.invalid/api/", "credentials": {"token": "t"}}
        for name, kind in (("Amigo", "amigocloud"), ("Box", "geobox"), ("Kx", "koordinates"))
    ]
    _amigo, box, kx = connections.import_json({"connections": entries})
    assert _choose_from(kx).startswith("Kx (")
    assert _choose_from(box).startswith("Box (")
    assert _choose_from(None).startswith("Amigo (")  # nothing in use: the first


def test_rat_formats_are_offered_and_accepted(kx, koordinates_server, qgis_iface, tmp_path):
    from geodock.plugin.platforms.koordinates.exports import KoordinatesExports, export_body
    from geodock.ui.export_dialog import ExportDialog

    dialog = ExportDialog(qgis_iface, kx, [_resource(kx, 4, "World Relief", "raster")])
    _formats_loaded(dialog)
    rat = dialog.form.format_combos["rat"]
    assert not rat.isHidden() and rat.findText("ERDAS Imagine") > 0
    assert rat.currentData() == "application/x-erdas-hfa"
    rat.setCurrentIndex(rat.findText("KEA") if rat.findText("KEA") > 0 else rat.findText("ERDAS Imagine"))
    for kind in ("vector", "table", "raster", "grid"):
        dialog.form.format_combos[kind].setCurrentIndex(0)  # (not exported): only the rat format
    request = dialog.form.request("relief rat", dialog.items(), "", True)
    assert set(request.formats) == {"rat"}
    dialog.close()

    api = KoordinatesExports(kx)
    body = export_body([api.item_url(4)], "EPSG:4326", {"rat": "application/x-erdas-hfa"}, name="relief rat")
    check = run_task(lambda fb: api.validate(body, fb))
    assert check.is_valid, check.problems()
    koordinates_server.export_timing(0.2)
    export = run_task(lambda fb: api.create(body, fb))
    wait_until(lambda: run_task(lambda fb: api.get(export.id, fb)).state == "complete", 60, "the rat export")
    archive = run_task(lambda fb: api.download(api.get(export.id, fb), tmp_path, fb))
    assert any(name.endswith(".img") for name in zipfile.ZipFile(archive).namelist())
