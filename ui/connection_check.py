"""The Connections dialog's "Test Connection": one real request in a background task, its progress and Cancel in
the dialog's message bar. A mixin of :class:`.connections_dialog.ConnectionsDialog`; a result that comes back
after the dialog was closed or deleted, or after Cancel, is dropped.
"""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import Qgis, QgsFeedback
from qgis.gui import QgsMessageBar, QgsMessageBarItem
from qgis.PyQt import sip
from qgis.PyQt.QtGui import QCloseEvent
from qgis.PyQt.QtWidgets import QHBoxLayout, QProgressBar, QToolButton, QWidget

from ..plugin import log
from ..plugin.connections import Connection
from ..plugin.errors import CancelledError, GeodockError, url_hint
from ..plugin.i18n import tr
from ..plugin.platforms import adapter_for
from ..plugin.tasks import FunctionTask, run_in_background
from .slot_guard import guarded


class ConnectionCheck:
    """Testing the selected connection (mixed into the Connections dialog)."""

    message_bar: QgsMessageBar
    _test_task: Optional[FunctionTask]
    _test_item: Optional[QgsMessageBarItem]
    # and, from the dialog: selected_connection(), _update_buttons(), _push(text, level, title)

    @guarded
    def test_connection(self) -> Optional[FunctionTask]:
        """Make one real request with the selected connection in a background task; the result shows here."""
        connection = self.selected_connection()
        if connection is None or self._test_task is not None:
            return None
        try:
            connection.validate()
        except GeodockError as err:
            self._push(err.message, Qgis.MessageLevel.Warning)
            return None

        def work(feedback: QgsFeedback) -> str:
            return adapter_for(connection).check(feedback)

        self.message_bar.clearWidgets()
        self._test_item = self._busy_item(tr("Testing “{}”…").format(connection.name))
        self.message_bar.pushItem(self._test_item)
        task = run_in_background(
            tr("Testing Geodock connection “{}”").format(connection.name),
            work,
            lambda result: self._test_done(task, connection, result),
            lambda error: self._test_failed(task, connection, error),
        )
        self._test_task = task
        self._update_buttons()
        return task

    def _busy_item(self, text: str) -> QgsMessageBarItem:
        item = QgsMessageBarItem(text, Qgis.MessageLevel.Info, 0, self.message_bar)
        progress = QProgressBar(item)
        progress.setRange(0, 0)  # busy indicator: a connection check has no steps
        progress.setMaximumWidth(160)
        progress.setTextVisible(False)
        cancel = QToolButton(item)
        cancel.setText(tr("Cancel"))
        cancel.clicked.connect(self.cancel_test)
        box = QWidget(item)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(progress)
        row.addWidget(cancel)
        item.setWidget(box)
        return item

    @property
    def testing(self) -> bool:
        """Whether a connection test is running."""
        return self._test_task is not None

    @guarded
    def cancel_test(self) -> None:
        """Stop the running connection test; its late result, if any, is dropped."""
        task, self._test_task = self._test_task, None
        if task is not None and not sip.isdeleted(task):
            task.cancel()
        self._end_busy()

    def _end_busy(self) -> None:
        if self._test_item is not None and not sip.isdeleted(self._test_item):
            self.message_bar.popWidget(self._test_item)
        self._test_item = None
        self._update_buttons()

    def _is_current(self, task: FunctionTask) -> bool:
        return not sip.isdeleted(self) and task is self._test_task

    @guarded
    def _test_done(self, task: FunctionTask, connection: Connection, result: Any) -> None:
        if not self._is_current(task):
            return
        self._test_task = None
        self._end_busy()
        log.info(f"Connection {connection.name}: {result}")
        self._push(tr("{}: {}").format(connection.name, result), Qgis.MessageLevel.Success)

    @guarded
    def _test_failed(self, task: FunctionTask, connection: Connection, error: GeodockError) -> None:
        if not self._is_current(task):
            return
        self._test_task = None
        self._end_busy()
        if isinstance(error, CancelledError):
            return
        line = log.exception(url_hint(error), connection.name)
        self._push(line, Qgis.MessageLevel.Critical, title=tr("Connection failed"))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing (the window's close button) stops a running test: its result would have nowhere to go."""
        self.cancel_test()
        super().closeEvent(event)  # type: ignore[misc]

    def done(self, result: int) -> None:
        """Close (Close button, Escape): stop a running test, its result would have nowhere to go."""
        self.cancel_test()
        super().done(result)  # type: ignore[misc]
