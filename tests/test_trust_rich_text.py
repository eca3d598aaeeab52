"""Trust boundary, rich text: what a server sends is shown as text, never as live markup.

Qt renders rich text wherever it guesses it (labels, tooltips, message boxes) and the QGIS message bar always
does, with clickable links. Markup from a server would be live there: ``<img src="...">`` makes Qt read that
local file (``/dev/zero`` took 2 GiB, a FIFO hung QGIS), ``<a href="smb://...">`` is a click away. The hostile
server sends such titles, descriptions, messages and licences; each must reach the screen as the literal text.
A wide PNG stands in for ``/dev/zero``: a label that loaded it is as wide as the image, one showing text is not.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import run_task, wait_until
from qgis.core import Qgis, QgsLayerMetadataFormatter, QgsProject
from qgis.PyQt.QtCore import QObject, Qt, QUrl, pyqtSlot
from qgis.PyQt.QtGui import QColor, QDesktopServices, QImage, QTextDocument
from qgis.PyQt.QtWidgets import QApplication, QCheckBox, QLabel, QTextBrowser

IMAGE_WIDTH = 3000
SMB_LINK = '<a href="smb://evil.example/share">open</a>'
TAG = re.compile(r"<[A-Za-z/!?]")
TOKEN = "t0ken-rich-text-0123456789"


@pytest.fixture
def wide_png(tmp_path) -> Path:
    """A local image 3000 px wide: markup that loads it makes its widget that wide."""
    path = tmp_path / "wide.png"
    image = QImage(IMAGE_WIDTH, 2, QImage.Format.Format_ARGB32)
    image.fill(QColor("red"))
    assert image.save(str(path))
    return path


@pytest.fixture
def opened():
    """The URLs handed to the desktop to open (real Qt URL handlers for the schemes a link could have)."""

    class Recorder(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.urls: list[str] = []

        @pyqtSlot(QUrl)
        def record(self, url: QUrl) -> None:
            self.urls.append(url.toString())

    recorder = Recorder()
    schemes = ("http", "https", "smb", "file", "mailto", "data")
    for scheme in schemes:
        QDesktopServices.setUrlHandler(scheme, recorder, "record")
    yield recorder.urls
    for scheme in schemes:
        QDesktopServices.unsetUrlHandler(scheme)


def shown(text: str) -> str:
    """What Qt shows for ``text`` where it guesses the format (tooltips): its rendering when it takes it for
    rich text, else the text itself."""
    if not Qt.mightBeRichText(text):
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def live_markup(document: QTextDocument) -> list[str]:
    """The links and images in ``document``."""
    found = []
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            char_format = fragments.fragment().charFormat()
            if char_format.isAnchor():
                found.append(char_format.anchorHref())
            if char_format.isImageFormat():
                found.append(char_format.toImageFormat().name())
            fragments += 1
        block = block.next()
    return found


# The message bar ---------------------------------------------------------------------------------------


def test_message_bar_shows_a_server_link_and_image_as_text(jobs, qgis_iface, wide_png, tmp_path):
    from geodock.plugin.job_model import Job, JobState
    from geodock.ui.jobs_dock import notify_job_end

    image = f'<img src="{wide_png}">'
    pushed = []
    qgis_iface.messageBar().widgetAdded.connect(pushed.append)
    job = Job("koordinates", "x", "1", f"Roads {SMB_LINK}", "export", JobState.SUCCEEDED, folder=str(tmp_path))
    job.message = image
    notify_job_end(jobs, job)
    (item,) = pushed
    browser = item.findChild(QTextBrowser)
    assert live_markup(browser.document()) == []  # no clickable smb: link, no image read
    assert SMB_LINK in browser.toPlainText() and image in browser.toPlainText()

    qgis_iface.messageBar().clear_messages()
    failed = Job("koordinates", "x", "2", "Rivers", "export", JobState.FAILED, message=SMB_LINK)
    notify_job_end(jobs, failed)
    (text,) = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    assert "<a href" not in text and SMB_LINK in shown(f"<p>{text}</p>")


def test_a_failing_slot_shows_the_server_message_as_text(qgis_iface):
    from geodock.plugin.errors import ResponseError
    from geodock.ui.slot_guard import guarded

    class Box(QCheckBox):
        @guarded
        def fail(self) -> None:
            raise ResponseError(f"Not found (404): {SMB_LINK}", 404)

    qgis_iface.messageBar().clear_messages()
    box = Box("box")
    box.clicked.connect(box.fail)
    box.click()
    (text,) = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    assert "<a href" not in text and SMB_LINK in shown(f"<p>{text}</p>")


# The Export dialog's licence report ---------------------------------------------------------------------


def test_export_licence_report_shows_markup_as_text_and_opens_no_link(hostile, connections, qgis_iface, opened):
    from geodock.plugin.platforms.base import Resource
    from geodock.ui.export_dialog import ExportDialog

    api = "/services/api/v1/"
    entry = {"name": "Hostile kx", "kind": "koordinates", "url": hostile.root + api, "credentials": {"token": TOKEN}}
    connections.import_json({"connections": [entry]})
    licence = f'CC BY {SMB_LINK} <img src="file:///etc/hostname">'
    hostile.script(
        {
            "method": "POST",
            "path": api + "exports/validate/",
            "json": {
                "is_valid": False,
                "invalid_reasons": ["<b>bold</b>-reason"],
                "items": [
                    {
                        "item": "{root}" + api + "layers/1/",
                        "is_valid": False,
                        "invalid_reasons": ['<img src="/dev/zero">'],
                        "license": {"title": licence, "url": "smb://evil.example/licence"},
                    }
                ],
                "size_estimate_zipped": 1024,
            },
        }
    )
    resource = Resource("1", "vector", "<i>Roads</i>", crs="EPSG:4326", api_url=hostile.root + api + "layers/1/")
    dialog = ExportDialog(qgis_iface, connections.get("Hostile kx"), [resource])
    dialog.validate()
    wait_until(lambda: dialog.validation is not None, 30, f"validation ({dialog.status_label.text()})")
    report = dialog.report
    assert not report.openExternalLinks() and not report.openLinks()  # nothing opens by itself
    assert live_markup(report.document()) == [] and report.requested == []
    text = report.toPlainText()
    assert licence in text and '<img src="/dev/zero">' in text and "<i>Roads</i>" in text, text

    for link in ("smb://evil.example/share", "file:///etc/hostname", "data:text/html,x", "mailto:a@b.c"):
        report.anchorClicked.emit(QUrl(link))  # what a click on such a link would do
    report.anchorClicked.emit(QUrl("https://example.com/licence"))
    assert opened == ["https://example.com/licence"]  # http(s) only, and only when clicked
    dialog.close()


# Error pages --------------------------------------------------------------------------------------------


ERROR_PAGES = (
    "<html><title>&lt;img src=x&gt;</title></html>",
    "<h1>&lt;a href='smb://x/y'&gt;hi&lt;/a&gt;</h1>",
    "<body><p>&#60;img src=/dev/zero&#62; and &lt;!-- x --&gt;</p></body>",
    "<title>&amp;lt;img src=x&amp;gt;</title>",  # escaped twice: one unescaping must not make markup either
)


def test_html_error_pages_become_text_that_is_never_markup():
    from geodock.plugin.errors import error_for_status, html_text

    for page in ERROR_PAGES:
        text = html_text(page)
        assert "img src" in text or "href" in text, text  # the words stay
        message = error_for_status(502, page.encode(), "text/html").message
        for line in (text, message):
            assert not TAG.search(line), (page, line)  # no tag
            document = QTextDocument()
            document.setHtml(line)  # even taken for rich text: words, never an image or a link
            assert live_markup(document) == [], (page, line)


# Process titles and descriptions ------------------------------------------------------------------------


def _live_labels(widget) -> list[str]:
    """The texts of ``widget``'s labels that render an image or a link to another place (rich text with
    markup in it: a label may be rich text on purpose, when it escapes what it shows)."""
    live = []
    for label in widget.findChildren(QLabel):
        rich = label.textFormat() == Qt.TextFormat.RichText or (
            label.textFormat() == Qt.TextFormat.AutoText and Qt.mightBeRichText(label.text())
        )
        if rich:
            document = QTextDocument()
            document.setHtml(label.text())
            if [found for found in live_markup(document) if found != "retry"]:
                live.append(label.text())
    return live


def _hostile_process(hostile, connections, image: str):
    """The hostile server as an OGC API - Processes connection whose process ``evil`` has markup everywhere."""
    from geodock.plugin.platforms.ogcapi.adapter import OgcProcessesAdapter

    process = {"id": "evil", "title": f"Evil {image}", "description": f"Does {SMB_LINK}", "version": "1"}
    description = {
        **process,
        "inputs": {
            "size": {"title": f"Size {image}", "description": f"How big {image}", "schema": {"type": "integer"}},
            "name": {"title": SMB_LINK, "description": image, "schema": {"type": "string"}, "minOccurs": 0},
        },
        "outputs": {"result": {"title": image, "schema": {"type": "object"}}},
    }
    hostile.script(
        {"path": "/ogc/processes/evil", "json": description},
        {"path": "/ogc/processes", "json": {"processes": [process], "links": []}},
        {"path": "/ogc/conformance", "json": {"conformsTo": []}},
        {"path": "/ogc/", "json": {"title": f"Hostile {image}", "links": []}},
    )
    connections.import_json(
        {"connections": [{"name": "Hostile OGC", "kind": "ogcapi-processes", "url": hostile.root + "/ogc/"}]}
    )
    adapter = OgcProcessesAdapter(connections.get("Hostile OGC"))
    return run_task(lambda feedback: adapter.describe("evil", feedback))


def test_process_titles_and_descriptions_are_shown_literally(hostile, connections, qgis_iface, wide_png):
    from geodock.ui.platforms.ogcapi.process_form import ProcessForm
    from geodock.ui.platforms.ogcapi.processes_dock import ProcessesDock

    image = f'<img src="{wide_png}">'
    form = ProcessForm(_hostile_process(hostile, connections, image))
    form.show()
    QApplication.processEvents()
    assert _live_labels(form) == []
    titles = [label.text() for label in form.findChildren(QLabel)]
    assert f"Size {image} *" in titles and SMB_LINK in titles
    assert max(label.sizeHint().width() for label in form.findChildren(QLabel)) < IMAGE_WIDTH
    size = form.rows["size"]
    for tip in (size.editor.toolTip(), form.layout().labelForField(size).toolTip()):
        assert f"How big {image}" in shown(tip), tip

    # The Processes dock: the list's tooltip, the server line, the description pane.
    dock = ProcessesDock(qgis_iface)
    try:
        dock.reload_connections()
        wait_until(lambda: dock.process_list.count() > 0, 30, f"processes listed ({dock.server_label.text()})")
        item = dock.process_list.item(0)
        assert item.text() == f"Evil {image}" and shown(item.toolTip()) == f"Does {SMB_LINK}"
        assert f"Hostile {image}" in shown(dock.server_label.text())
        dock.process_list.setCurrentRow(0)
        wait_until(lambda: dock.form is not None, 30, "form built")
        assert live_markup(dock.description_view.document()) == []
        assert _live_labels(dock) == []
        assert max(label.sizeHint().width() for label in dock.findChildren(QLabel)) < IMAGE_WIDTH
    finally:
        dock.shutdown()
        dock.deleteLater()


def test_processing_algorithm_of_a_process_holds_no_server_markup(hostile, connections, wide_png):
    """QGIS's Processing dialog shows parameter names in labels that guess rich text, and the help as HTML."""
    from geodock.plugin.platforms.ogcapi.process_algorithms import RemoteProcessAlgorithm

    algorithm = RemoteProcessAlgorithm("Hostile OGC", _hostile_process(hostile, connections, f'<img src="{wide_png}">'))
    algorithm.initAlgorithm()
    parameters = algorithm.parameterDefinitions()
    texts = [algorithm.displayName(), algorithm.shortHelpString()]
    texts += [p.description() for p in parameters] + [p.help() for p in parameters]
    assert len(parameters) >= 2 and "img src" in algorithm.shortHelpString()
    assert [text for text in texts if TAG.search(text)] == []


def test_task_descriptions_hold_no_server_markup(qgis_app, wide_png):
    """QGIS's status bar shows the running task's description in a rich-text tooltip (``description<br>time``)."""
    from geodock.plugin.tasks import run_in_background

    done: list[str] = []
    task = run_in_background(f'Loading Roads <img src="{wide_png}">', lambda feedback: "ok", done.append)
    description = task.description()
    wait_until(lambda: done == ["ok"], 30, "the task ended")
    assert "img src" in description and not TAG.search(description)


# The details pane and layer metadata --------------------------------------------------------------------


def test_details_pane_loads_nothing_and_opens_only_clicked_http_links(qgis_app, wide_png, opened):
    from geodock.ui.resource_details import OfflineTextBrowser

    browser = OfflineTextBrowser()
    browser.setHtml(f'<p>x<img src="{wide_png}"><img src="file://{wide_png}"></p>')
    browser.show()
    QApplication.processEvents()
    loaded = browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(str(wide_png)))
    assert loaded is None or loaded.width() < IMAGE_WIDTH  # asked for, never read from the disk
    assert len(browser.requested) == 2 and opened == []
    for link in ("smb://evil.example/share", "file:///etc/hostname", "mailto:a@b.c", "https:/no-host"):
        browser.anchorClicked.emit(QUrl(link))
    browser.anchorClicked.emit(QUrl("http://example.com/page"))
    assert opened == ["http://example.com/page"]


def test_layer_metadata_holds_no_server_markup(connections, wide_png):
    from geodock.plugin.connections import Connection
    from geodock.plugin.layer_metadata import metadata_for
    from geodock.plugin.platforms.base import Resource

    image = f'<img src="{wide_png}">'
    resource = Resource(
        "1",
        "vector",
        f"Roads {image}",
        description=f"<p>Roads of {SMB_LINK}</p><script>alert(1)</script>&lt;img src=x&gt;",
        license=image,
        web_url="smb://evil.example/share",
        api_url="https://example.com/layers/1/",
    )
    metadata = metadata_for(Connection("Hostile", "koordinates", "https://example.com/"), resource)
    formatter = QgsLayerMetadataFormatter(metadata)
    html = formatter.identificationSectionHtml() + formatter.accessSectionHtml() + formatter.linksSectionHtml()
    assert "<img" not in html and "<script" not in html and "smb:" not in html, html
    assert "Roads of open" in metadata.abstract() and "alert" not in metadata.abstract()
    assert [link.url for link in metadata.links()] == ["https://example.com/layers/1/"]
    QgsProject.instance().clear()
