"""The Catalog dock's details pane: a resource's full description, fetched off the GUI thread.

The description is remote HTML: it is sanitised (:mod:`plugin.html_sanitize`) and shown in a text browser
that loads no resource at all and opens links only when clicked, in the system browser. The thumbnail is
fetched through the Geodock HTTP client in a task, never by the text browser.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone
from typing import Any, Optional

from qgis.core import QgsFeedback
from qgis.PyQt import sip
from qgis.PyQt.QtCore import Qt, QUrl
from qgis.PyQt.QtGui import QDesktopServices, QImage, QPixmap, QResizeEvent, QTextDocument
from qgis.PyQt.QtWidgets import QLabel, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from ..plugin import log
from ..plugin.errors import CancelledError, GeodockError
from ..plugin.html_sanitize import safe_link, sanitize_html
from ..plugin.i18n import tr
from ..plugin.net.client import HttpRequest
from ..plugin.platforms.base import PlatformAdapter, Resource
from ..plugin.tasks import FunctionTask, run_in_background
from .slot_guard import guarded

THUMBNAIL_SIZE = 240
THUMBNAIL_SHARE = 3  # the preview takes at most a third of the pane's height: the text is what users read
MIN_THUMBNAIL = 48
MAX_THUMBNAIL_BYTES = 5 * 1024 * 1024


class OfflineTextBrowser(QTextBrowser):
    """A QTextBrowser that never loads anything (images, stylesheets) and never follows a link itself: a
    clicked link opens in the system browser when it is http(s), and nothing else ever opens."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open_link)
        self.requested: list[str] = []  # what the document asked to load (and did not get)

    def loadResource(self, kind: int, url: QUrl) -> Any:
        """An empty stand-in for every resource. Answering nothing (None) is not enough: Qt then reads the
        file itself, and ``<img src="/dev/zero">`` or a FIFO would exhaust memory or hang QGIS."""
        self.requested.append(url.toString())
        image = QTextDocument.ResourceType.ImageResource
        if kind in (image, getattr(image, "value", image)):  # an int with PyQt5, an enum value with PyQt6
            placeholder = QImage(1, 1, QImage.Format.Format_ARGB32)
            placeholder.fill(Qt.GlobalColor.transparent)
            return placeholder
        return " "

    @staticmethod
    @guarded
    def _open_link(url: QUrl) -> None:
        link = safe_link(url.toString())
        if link is not None and QUrl(link).scheme().lower() in ("http", "https") and QUrl(link).host():
            QDesktopServices.openUrl(QUrl(link))


def _row(label: str, value: str) -> str:
    return f"<tr><th align='left' valign='top'>{html.escape(label)}</th><td>{value}</td></tr>" if value else ""


def _date(value: str) -> str:
    """An ISO timestamp as ``YYYY-MM-DD`` (with ``HH:MM`` UTC unless midnight); other text unchanged."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d" if (moment.hour, moment.minute) == (0, 0) else "%Y-%m-%d %H:%M UTC")


def _number(value: float) -> str:
    return f"{value:.6g}"


def details_html(resource: Resource) -> str:
    """The whole details document of ``resource`` (description sanitised, every value escaped)."""
    esc = html.escape
    rows = [
        _row(tr("Kind"), esc(resource.kind)),
        _row(tr("Id"), esc(resource.id)),
        _row(tr("Geometry"), esc(resource.geometry_type or "")),
        _row(tr("CRS"), esc(resource.crs or "")),
        _row(
            tr("Extent"),
            esc(", ".join(_number(v) for v in resource.extent)) if resource.extent else "",
        ),
        _row(tr("Features"), f"{resource.feature_count:,}" if resource.feature_count is not None else ""),
        _row(tr("Licence"), esc(resource.license)),
        _row(tr("Created"), esc(_date(resource.created))),
        _row(tr("Updated"), esc(_date(resource.updated))),
    ]
    fields = ""
    if resource.fields:
        items = "".join(f"<li>{esc(name)} <i>{esc(kind)}</i></li>" for name, kind in resource.fields)
        fields = f"<h4>{esc(tr('Fields'))} ({len(resource.fields)})</h4><ul>{items}</ul>"
    link = safe_link(resource.web_url)
    web = f"<p><a href='{esc(link, quote=True)}'>{esc(tr('Open on the web'))}</a></p>" if link else ""
    return (
        f"<h3>{esc(resource.title or resource.id)}</h3>"
        f"<table cellspacing='2'>{''.join(rows)}</table>"
        f"{sanitize_html(resource.description)}{fields}{web}"
    )


class ResourceDetails(QWidget):
    """Title, thumbnail and details of the selected resource; ``show_resource`` fetches the full item."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.thumbnail = QLabel(self)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setVisible(False)
        self.thumbnail.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.preview = QPixmap()  # the thumbnail as it came, scaled to the pane on every resize
        self.browser = OfflineTextBrowser(self)
        layout.addWidget(self.thumbnail)
        layout.addWidget(self.browser, 1)
        self.resource: Optional[Resource] = None
        self.complete = False  # the full item (not only the list's summary) is shown
        self.generation = 0
        self._tasks: list[FunctionTask] = []
        self.clear()

    def clear(self, text: str = "") -> None:
        """Show ``text`` (or the hint to select an item) instead of a resource; stop loading."""
        self._cancel()
        self.resource = None
        self._set_preview(QPixmap())
        self.browser.setHtml(f"<p><i>{html.escape(text or self.tr('Select an item to see its details'))}</i></p>")

    def _cancel(self) -> None:
        self.generation += 1
        for task in self._tasks:
            try:
                task.cancel()
            except RuntimeError:
                pass
        self._tasks = []

    def show_resource(self, adapter: Optional[PlatformAdapter], resource: Resource) -> None:
        """Show what the list knows now, then the full item once the server answered."""
        self._cancel()
        self.resource = resource
        self.complete = False
        self._set_preview(QPixmap())
        self.browser.setHtml(details_html(resource))
        if adapter is None or not adapter.has_details:
            return
        generation = self.generation

        def work(feedback: QgsFeedback) -> Resource:
            return adapter.get_details(resource, feedback)

        self._tasks.append(
            run_in_background(
                self.tr("Details of {title}").format(title=resource.title),
                work,
                lambda full: self._details_done(generation, adapter, full),
                lambda error: self._details_failed(generation, error),
            )
        )

    def _live(self, generation: int) -> bool:
        return not sip.isdeleted(self) and generation == self.generation

    @guarded
    def _details_done(self, generation: int, adapter: PlatformAdapter, full: Resource) -> None:
        if not self._live(generation):
            return
        self.resource = full
        self.complete = True
        self.browser.setHtml(details_html(full))
        if safe_link(full.thumbnail_url):
            self._fetch_thumbnail(generation, adapter, full.thumbnail_url)

    @guarded
    def _details_failed(self, generation: int, error: GeodockError) -> None:
        if not self._live(generation) or isinstance(error, CancelledError):
            return
        message = log.exception(error, self.tr("Details"))
        self.browser.append(
            f"<p><b>{html.escape(self.tr('Could not load the details'))}</b>: {html.escape(message)}</p>"
        )

    def _fetch_thumbnail(self, generation: int, adapter: PlatformAdapter, url: str) -> None:
        def work(feedback: QgsFeedback) -> bytes:
            request = HttpRequest(url, auth=adapter.auth, accept="image/*", timeout=20)
            body = adapter.client.send(request, feedback).body
            return body[:MAX_THUMBNAIL_BYTES]

        self._tasks.append(
            run_in_background(
                self.tr("Thumbnail"),
                work,
                lambda data: self._thumbnail_done(generation, data),
                lambda error: log.warning(f"Thumbnail {url}: {error}") if self._live(generation) else None,
            )
        )

    @guarded
    def _thumbnail_done(self, generation: int, data: bytes) -> None:
        if not self._live(generation):
            return
        pixmap = QPixmap()
        if not pixmap.loadFromData(data):
            return
        self._set_preview(pixmap)

    def _set_preview(self, pixmap: QPixmap) -> None:
        """Show ``pixmap`` as the preview (a null one: none), scaled to the pane."""
        self.preview = pixmap
        self._scale_preview()

    def _scale_preview(self) -> None:
        if self.preview.isNull():
            self.thumbnail.clear()
            self.thumbnail.setVisible(False)
            return
        height = min(THUMBNAIL_SIZE, max(MIN_THUMBNAIL, self.height() // THUMBNAIL_SHARE))
        width = min(THUMBNAIL_SIZE, max(MIN_THUMBNAIL, self.width()))
        scaled = self.preview
        if scaled.width() > width or scaled.height() > height:
            scaled = scaled.scaled(
                width, height, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        self.thumbnail.setPixmap(scaled)
        self.thumbnail.setFixedHeight(scaled.height())
        self.thumbnail.setVisible(True)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Scale the preview to the pane's new size."""
        super().resizeEvent(event)
        self._scale_preview()

    def shutdown(self) -> None:
        """Stop every request (the dock is going away)."""
        self._cancel()
