"""The desktop's sync work on fetched copies, each in a QgsTask: save (sync), conflict choices, write check, reload.

One run per layer at a time: a save while the layer's run is going is remembered and run after it. Outcomes go to
the message bar (plain text); conflicts open :class:`.sync_conflicts.ConflictDialog`. The layer is found again by
its id when a run ends, and reloaded in place (``layer.reload()``: same object, style, joins and references kept).
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Optional

from qgis.core import Qgis, QgsFeedback, QgsProject, QgsVectorLayer

from ..plugin import log
from ..plugin.errors import CancelledError, GeodockError
from ..plugin.i18n import tr
from ..plugin.sync.choices import conflict_details, resolve
from ..plugin.sync.engine import reload_from_server, sync, writer_for
from ..plugin.sync.model import Policy, SyncReport, open_copy
from ..plugin.tasks import FunctionTask, run_in_background
from .plain_text import push_message
from .slot_guard import guarded
from .sync_conflicts import ConflictDialog

FAILURES_SHOWN = 5  # failed features named in the message bar (the log lists them all)


def _layer(layer_id: str) -> Optional[QgsVectorLayer]:
    layer = QgsProject.instance().mapLayer(layer_id)
    return layer if isinstance(layer, QgsVectorLayer) else None


def report_text(name: str, report: SyncReport) -> str:
    """What a sync did, in one line."""
    sent = tr("{layer} saved to the server: {added} added, {changed} changed, {deleted} deleted").format(
        layer=name, added=report.added, changed=report.changed, deleted=report.deleted
    )
    pulled = report.pulled
    if pulled.added or pulled.changed or pulled.deleted:
        sent += "; " + tr("from the server: {added} added, {changed} changed, {deleted} deleted").format(
            added=pulled.added, changed=pulled.changed, deleted=pulled.deleted
        )
    return sent


def failure_text(name: str, report: SyncReport) -> str:
    """Which features were not saved and why; they stay local changes of the copy."""
    lines = [
        tr("Feature {fid} ({kind}): {reason}").format(fid=o.local_id, kind=o.kind, reason=o.error)
        for o in report.failed
    ]
    head = tr(
        "{count} edit(s) to {layer} were not saved to the server. They stay local changes of the copy: "
        "Geodock ▸ Sync with Server in the layer's menu (or the next save) sends them again."
    ).format(count=len(lines), layer=name)
    more = len(lines) - FAILURES_SHOWN
    shown = lines[:FAILURES_SHOWN] + (
        [tr("and {count} more (see the Geodock log)").format(count=more)] if more > 0 else []
    )
    return "\n".join([head, *shown])


class SyncRuns:
    """Starts and ends the sync work of the project's fetched copies."""

    def __init__(self, iface: Any) -> None:  # noqa: QGS105 - the plugin's iface (pytest-qgis's in tests)
        self.iface = iface
        self.tasks: dict[str, FunctionTask] = {}  # layer id -> its running work
        self.again: set[str] = set()  # layers saved again while their sync ran
        self.dialogs: dict[str, ConflictDialog] = {}  # layer id -> its open conflict dialog
        self.checks: dict[str, FunctionTask] = {}  # layer id -> its running write-permission check

    def _tell(self, text: str, level: Qgis.MessageLevel, duration: int = -1) -> None:
        push_message(self.iface.messageBar(), text, level, duration)

    def _start(
        self, layer: QgsVectorLayer, description: str, work: Callable[[QgsFeedback], Any], done: Callable[..., None]
    ) -> None:
        layer_id, name = layer.id(), layer.name()

        def ended(result: Any) -> None:
            self.tasks.pop(layer_id, None)
            done(layer_id, name, result)
            self._next(layer_id)

        def failed(error: GeodockError) -> None:
            self.tasks.pop(layer_id, None)
            self._failed(name, description, error)
            self._next(layer_id)

        self.tasks[layer_id] = run_in_background(description.format(layer=name), work, ended, failed)

    def _next(self, layer_id: str) -> None:
        layer = _layer(layer_id)
        if layer_id in self.again and layer is not None:
            self.again.discard(layer_id)
            self.save(layer)

    def _failed(self, name: str, description: str, error: GeodockError) -> None:
        if isinstance(error, CancelledError):
            return
        line = log.exception(error, description.format(layer=name))
        self._tell(
            tr("{layer}: {error} Your edits stay in the copy.").format(layer=name, error=line),
            Qgis.MessageLevel.Warning,
            15,
        )

    # Save --------------------------------------------------------------------------------------------------

    def save(self, layer: QgsVectorLayer) -> None:
        """Sync ``layer``'s copy (its edits are committed to the file) with the server, conflicts stopping it."""
        if layer.id() in self.tasks:
            self.again.add(layer.id())
            return
        source = layer.source()

        def work(feedback: QgsFeedback) -> tuple[SyncReport, list[Any]]:
            copy = open_copy(source)
            report = sync(copy, Policy.STOP, feedback)
            return report, conflict_details(copy, report.conflicts, None, feedback) if report.stopped else []

        self._start(layer, tr("Geodock: saving {layer} to the server"), work, self._saved)

    def _saved(self, layer_id: str, name: str, result: tuple[SyncReport, list[Any]]) -> None:
        report, details = result
        layer = _layer(layer_id)
        if report.stopped:
            self._ask(layer_id, name, details)
            return
        if layer is not None:
            layer.reload()
            layer.triggerRepaint()
        if report.failed:
            log.warning(failure_text(name, report).replace("\n", "; "))
            self._tell(failure_text(name, report), Qgis.MessageLevel.Warning, 30)
        else:
            self._tell(report_text(name, report), Qgis.MessageLevel.Success)

    # Conflicts ---------------------------------------------------------------------------------------------

    def _ask(self, layer_id: str, name: str, details: list[Any]) -> None:
        old = self.dialogs.pop(layer_id, None)
        if old is not None:
            old.close()
            old.deleteLater()
        dialog = ConflictDialog(name, details, self.iface.mainWindow())
        dialog.accepted.connect(partial(self.chosen, layer_id))
        dialog.rejected.connect(partial(self.not_chosen, layer_id))
        self.dialogs[layer_id] = dialog
        dialog.open()

    @guarded
    def chosen(self, layer_id: str) -> None:
        """The user chose per feature: apply it (theirs pulled, mine sent over the server's), then the rest."""
        dialog = self.dialogs.pop(layer_id, None)
        layer = _layer(layer_id)
        if dialog is None or layer is None:
            return
        mine, theirs = dialog.choices()
        dialog.deleteLater()
        source = layer.source()

        def work(feedback: QgsFeedback) -> tuple[SyncReport, list[Any]]:
            copy = open_copy(source)
            report = resolve(copy, mine, theirs, feedback)
            return report, conflict_details(copy, report.conflicts, None, feedback) if report.stopped else []

        self._start(layer, tr("Geodock: saving {layer} to the server"), work, self._saved)

    @guarded
    def not_chosen(self, layer_id: str) -> None:
        """The dialog was closed without a choice: nothing was sent, the edits stay in the copy."""
        dialog = self.dialogs.pop(layer_id, None)
        layer = _layer(layer_id)
        if dialog is not None:
            dialog.deleteLater()
        name = layer.name() if layer is not None else ""
        self._tell(
            tr(
                "Nothing of {layer} was sent to the server: your edits stay in the copy. Geodock ▸ Sync with "
                "Server in the layer's menu asks again."
            ).format(layer=name),
            Qgis.MessageLevel.Warning,
        )

    # Write permission --------------------------------------------------------------------------------------

    def check_write(self, layer: QgsVectorLayer) -> None:
        """Ask the server whether ``layer``'s resource may be changed; when not, say so and stop editing."""
        source = layer.source()

        def work(feedback: QgsFeedback) -> Any:
            copy = open_copy(source)
            return writer_for(copy).can_write(copy.resource(), feedback)

        layer_id, name = layer.id(), layer.name()
        description = tr("Geodock: may {layer} be changed on the server?")

        def done(permission: Any) -> None:
            self.checks.pop(layer_id, None)
            self._permission(layer_id, name, permission)

        def failed(error: GeodockError) -> None:
            self.checks.pop(layer_id, None)
            self._failed(name, description, error)

        self.checks[layer_id] = run_in_background(description.format(layer=name), work, done, failed)

    def _permission(self, layer_id: str, name: str, permission: Any) -> None:
        layer = _layer(layer_id)
        if permission.allowed:
            refused = ([tr("new features")] if not permission.insert else []) + (
                [tr("deletions")] if not permission.delete else []
            )
            if refused:
                self._tell(
                    tr("{layer} takes no {what} on the server").format(layer=name, what=tr(" or ").join(refused)),
                    Qgis.MessageLevel.Info,
                )
            return
        if layer is not None and layer.isEditable() and not layer.isModified():
            layer.rollBack()
            self._tell(
                tr("{reason}: editing {layer} is stopped, since its edits could not be saved to the server.").format(
                    reason=permission.reason.rstrip("."), layer=name
                ),
                Qgis.MessageLevel.Warning,
                15,
            )
            return
        self._tell(
            tr("{reason}: your edits to {layer} will stay in this copy only.").format(
                reason=permission.reason.rstrip("."), layer=name
            ),
            Qgis.MessageLevel.Warning,
            15,
        )

    # Reload ------------------------------------------------------------------------------------------------

    def reload(self, layer: QgsVectorLayer) -> None:
        """Bring the server's changes into ``layer``'s copy and reload the layer in place."""
        if layer.isModified():
            self._tell(
                tr("Save or discard your edits to {layer} first: Reload from Server reads the saved copy.").format(
                    layer=layer.name()
                ),
                Qgis.MessageLevel.Warning,
            )
            return
        if layer.id() in self.tasks:
            self._tell(
                tr("{layer} is being synced: try again when it is done").format(layer=layer.name()),
                Qgis.MessageLevel.Info,
            )
            return
        source = layer.source()

        def work(feedback: QgsFeedback) -> Any:
            return reload_from_server(open_copy(source), feedback)

        self._start(layer, tr("Geodock: reloading {layer} from the server"), work, self._reloaded)

    def _reloaded(self, layer_id: str, name: str, counts: Any) -> None:
        layer = _layer(layer_id)
        if layer is not None:
            layer.reload()
            layer.triggerRepaint()
        text = tr("{layer} reloaded from the server: {added} added, {changed} changed, {deleted} deleted").format(
            layer=name, added=counts.added, changed=counts.changed, deleted=counts.deleted
        )
        if counts.kept:
            text += "; " + tr("{count} feature(s) keep your edits not yet sent").format(count=len(counts.kept))
        self._tell(text, Qgis.MessageLevel.Success)

    def shutdown(self) -> None:
        """Cancel the running work and close the dialogs (the plugin unloads)."""
        for task in [*self.tasks.values(), *self.checks.values()]:
            task.cancel()
        self.tasks.clear()
        self.checks.clear()
        self.again.clear()
        for dialog in self.dialogs.values():
            dialog.close()
            dialog.deleteLater()
        self.dialogs.clear()
