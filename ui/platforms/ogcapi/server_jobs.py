"""The Processes dock's "Server jobs" pane: the server's own jobs (``/jobs``), started here or elsewhere, a
page at a time (``limit`` and the ``rel=next`` link) and by status; Follow a job, or Delete a finished one on the
server (after a confirmation)."""

from __future__ import annotations

from typing import Any, Callable, Optional

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import QComboBox, QHBoxLayout, QListWidget, QListWidgetItem, QToolButton, QVBoxLayout, QWidget

from ....plugin.i18n import tr
from ....plugin.net.paging import Page, PageToken
from ....plugin.platforms.ogcapi.adapter import STATES, OgcProcessesAdapter, StatusInfo
from ...plain_text import plain_tooltip
from ...slot_guard import guarded

Runner = Callable[..., None]  # (what, work(feedback), done(result), on_failed=): the dock's task runner
PAGE_SIZE = 50


def server_job_label(info: StatusInfo) -> str:
    """One line of the server's job list: id, process, status, and the progress while it runs (a final state
    is final: no progress beside it)."""
    parts = [info.job_id, info.process_id or "?", info.status]
    if info.progress is not None and not info.state.final:
        parts.append(f"{info.progress:.0f}%")
    return " · ".join(parts)


def _tool_button(text: str, tip: str, parent: QWidget, icon: str = "") -> QToolButton:
    """A compact button: its icon alone when it has one (the text as tooltip and accessible name)."""
    button = QToolButton(parent)
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(text)
    if icon:
        button.setIcon(QgsApplication.getThemeIcon(icon))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    return button


class ServerJobsPane(QWidget):
    """The server's jobs by status, page by page, with Follow and Delete for the chosen one."""

    followRequested = pyqtSignal()  # Follow clicked (or a job double-clicked): see :meth:`current_info`
    deleteRequested = pyqtSignal()  # Delete clicked: the dock asks, then deletes :meth:`current_info`

    def __init__(self, run: Runner, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._run = run
        self.adapter: Optional[OgcProcessesAdapter] = None
        self.infos: dict[str, StatusInfo] = {}  # kept in place: the dock shares it
        self.next: PageToken = None
        self.page_size = PAGE_SIZE
        self._generation = 0  # a new listing (another connection, state or List click) drops older answers
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.addItem(tr("All jobs"), "")
        for status in STATES:
            self.status_filter.addItem(tr(status.capitalize()), status)
        self.status_filter.setToolTip(tr("List only the jobs in this state"))
        self.status_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status_filter.setMinimumContentsLength(6)
        self.list_button = _tool_button(
            tr("List"), tr("List the jobs the server knows, started here or elsewhere"), self, "mActionRefresh.svg"
        )
        self.follow_button = _tool_button(tr("Follow"), tr("Watch the chosen job in the Jobs dock"), self)
        self.delete_button = _tool_button(
            tr("Delete"), tr("Delete the chosen finished job on the server"), self, "mActionDeleteSelected.svg"
        )
        for widget in (self.status_filter, self.list_button, self.follow_button, self.delete_button):
            buttons.addWidget(widget, 1 if widget is self.status_filter else 0)
        layout.addLayout(buttons)
        self.list = QListWidget(self)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        layout.addWidget(self.list, 1)
        self.more_button = _tool_button(tr("More jobs"), tr("List the next page of jobs"), self)
        self.more_button.hide()
        layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignRight)
        self._choose(None)
        self.list_button.clicked.connect(self.load)
        self.status_filter.currentIndexChanged.connect(lambda _index: self.load())
        self.more_button.clicked.connect(self.load_more)
        self.follow_button.clicked.connect(self.followRequested)
        self.delete_button.clicked.connect(self.deleteRequested)
        self.list.currentItemChanged.connect(lambda item, _previous: self._choose(item))
        self.list.itemDoubleClicked.connect(lambda _item: self.followRequested.emit())

    def set_adapter(self, adapter: Optional[OgcProcessesAdapter]) -> None:
        """Show the jobs of another connection (none until :meth:`load`)."""
        self.adapter = adapter
        self._generation += 1
        self.list.clear()
        self.infos.clear()
        self.next = None
        self.more_button.hide()
        self.list_button.setEnabled(adapter is not None)

    def current_info(self) -> Optional[StatusInfo]:
        """The status of the chosen job, or None."""
        item = self.list.currentItem()
        return self.infos.get(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    @guarded
    def _choose(self, item: Optional[QListWidgetItem]) -> None:
        """Follow for any chosen job, Delete for a finished one."""
        info = self.infos.get(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None
        self.follow_button.setEnabled(info is not None)
        self.delete_button.setEnabled(info is not None and info.state.final)

    @guarded
    def load(self) -> None:
        """List the first page of the server's jobs in the chosen state (in a task)."""
        self._generation += 1
        self.list.clear()
        self.infos.clear()
        self.next = None
        self.more_button.hide()
        self._fetch(None)

    @guarded
    def load_more(self) -> None:
        """Add the next page of jobs (the ``rel=next`` link of the last one)."""
        if self.next is not None:
            self._fetch(self.next)

    def _fetch(self, token: PageToken) -> None:
        """Fetch the page ``token`` (None: the first) and show its jobs."""
        if self.adapter is None:
            return
        adapter, status, generation = self.adapter, str(self.status_filter.currentData() or ""), self._generation
        page_size = self.page_size
        self.more_button.setEnabled(False)
        loading = QListWidgetItem(tr("Loading jobs…"))
        loading.setFlags(Qt.ItemFlag.NoItemFlags)
        self.list.addItem(loading)

        def done(page: Page) -> None:
            """Show the jobs, unless another listing started meanwhile."""
            if generation == self._generation:
                self.list.takeItem(self.list.row(loading))
                self.add_page(page)

        def failed(message: str) -> None:
            """Say it in the list too (where the user looks)."""
            if generation == self._generation:
                loading.setText(message)
                self.more_button.setEnabled(True)

        def work(feedback: Any) -> Page:
            return adapter.list_jobs(status, page_size, token, feedback)

        self._run(tr("Listing jobs"), work, done, on_failed=failed)

    def add_page(self, page: Page) -> None:
        """Add ``page``'s jobs to the list; More when the server has a next page."""
        for info in page.items:
            if info.job_id in self.infos:
                continue
            self.infos[info.job_id] = info
            item = QListWidgetItem(server_job_label(info))
            item.setData(Qt.ItemDataRole.UserRole, info.job_id)
            item.setToolTip(plain_tooltip("\n".join(t for t in (server_job_label(info), info.message) if t)))
            self.list.addItem(item)
        self.next = page.next
        self.more_button.setVisible(page.next is not None)
        self.more_button.setEnabled(True)
        if not self.infos:
            empty = QListWidgetItem(tr("The server lists no jobs"))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(empty)

    def forget(self, job_id: str) -> None:
        """Take the job ``job_id`` off the list (deleted on the server)."""
        self.infos.pop(job_id, None)
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == job_id:
                self.list.takeItem(row)
                break
        self._choose(self.list.currentItem())
