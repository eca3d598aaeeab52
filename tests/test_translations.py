"""Geodock speaks QGIS's language: the French translation loads, the plugin shows French titles under a French
QGIS, every translation keeps its message's placeholders, and ``make translations`` regenerates exactly the files
in i18n/ (so the .ts holds every tr() string of the code)."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtWidgets import QAction, QToolBar

import geodock
from geodock.plugin import i18n
from geodock.plugin.archive import ArchiveError, extract_zip
from geodock.plugin.errors import error_for_status
from geodock.plugin.i18n import install_translator, remove_translator, tr
from geodock.ui.main import TOOLBAR_NAME

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "i18n" / "geodock_fr.ts"
FIELD = re.compile(r"\{[^{}]*\}")


@pytest.fixture
def french(qgis_app):
    """Geodock's French translation installed, removed afterwards."""
    assert install_translator("fr")
    yield
    remove_translator()


def test_french_translation_translates_titles_and_messages(french, tmp_path):
    assert i18n.qm_file("fr").is_file()
    assert tr("Catalog") == "Catalogue"
    assert tr("Connections…") == "Connexions…"
    # a message built in plugin/ comes out in French, its values in place
    assert error_for_status(404, b'{"detail": "no layer 7"}').message == "Introuvable (404): no layer 7"
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../escape.txt", "x")
    with pytest.raises(ArchiveError) as caught:
        extract_zip(archive, tmp_path / "out")
    assert caught.value.message == "evil.zip a été refusé : l'entrée '../escape.txt' pointe hors du dossier (..)"


def test_english_is_the_source_text(qgis_app):
    assert not install_translator("en")  # no geodock_en.qm: the source text is English
    assert tr("Catalog") == "Catalog"


def _actions(qgis_iface) -> dict[str, str]:
    return {a.objectName(): a.text() for a in qgis_iface.mainWindow().findChildren(QAction) if a.objectName()}


def test_plugin_in_a_french_qgis_shows_french_titles(qgis_iface, qgis_app):
    settings = QgsSettings()
    saved = {key: settings.value(key) for key in ("locale/overrideFlag", "locale/userLocale")}
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "fr_FR")
    plugin = None
    try:
        assert QgsApplication.locale()[:2] == "fr"
        plugin = geodock.classFactory(qgis_iface)
        plugin.initGui()
        actions = _actions(qgis_iface)
        assert actions["GeodockConnectionsAction"] == "Connexions…"
        assert actions["GeodockCatalogAction"] == "Catalogue"
        assert actions["GeodockJobsAction"] == "Tâches"
        assert actions["GeodockProcessesAction"] == "Processus"
        assert actions["GeodockExportAction"] == "Exporter…"
        assert actions["GeodockUploadMenuAction"] == "Téléverser une couche vers Geobox…"
        assert actions["GeodockSqlConsoleAction"] == "Console SQL AmigoCloud…"
        toolbars = qgis_iface.mainWindow().findChildren(QToolBar, TOOLBAR_NAME)
        assert [t.windowTitle() for t in toolbars] == ["Geodock"]
        plugin.toggle_dock("catalog", True)
        assert plugin.docks["catalog"].windowTitle() == "Catalogue"
        plugin.unload()
        plugin = None
        assert tr("Catalog") == "Catalog"  # unload removed the translator
    finally:
        if plugin is not None:
            plugin.unload()
        remove_translator()
        for key, value in saved.items():
            if value is None:
                settings.remove(key)
            else:
                settings.setValue(key, value)


def test_every_translation_keeps_the_placeholders_of_its_message():
    messages = list(ET.parse(TS).getroot().iter("message"))
    translated = [(m.findtext("source") or "", m.findtext("translation") or "") for m in messages]
    translated = [(source, text) for source, text in translated if text]
    assert len(translated) >= 40
    wrong = [(s, t) for s, t in translated if sorted(FIELD.findall(s)) != sorted(FIELD.findall(t))]
    assert wrong == []


def test_make_translations_regenerates_the_committed_files(tmp_path):
    """``make translations`` on a copy of the sources writes the same .ts and .qm as i18n/ holds: every tr()
    string is in the .ts (a new or changed message means running ``make translations``)."""
    for name in ("Makefile", "metadata.txt", "__init__.py"):
        shutil.copy2(ROOT / name, tmp_path / name)
    ignore = shutil.ignore_patterns("__pycache__")
    for folder in ("plugin", "ui", "i18n"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=ignore)
    done = subprocess.run(["make", "-s", "translations"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    new, old = _sources(tmp_path / "i18n" / TS.name), _sources(TS)
    stale = "i18n/ is out of date: run `make translations`"
    assert (sorted(new - old), sorted(old - new)) == ([], []), stale  # (messages missing, messages gone)
    for name in (TS.name, "geodock_fr.qm"):
        assert (tmp_path / "i18n" / name).read_bytes() == (ROOT / "i18n" / name).read_bytes(), f"{name}: {stale}"


def _sources(ts: Path) -> set[tuple[str, str]]:
    """(context, source text) of every message in the .ts ``ts``."""
    root = ET.parse(ts).getroot()
    return {
        (c.findtext("name") or "", m.findtext("source") or "") for c in root.iter("context") for m in c.iter("message")
    }
