"""One sync of a fetched copy: its edits to the server, then the server's changes into it (:func:`sync`)."""

from __future__ import annotations

from typing import Any, Optional

from qgis.core import QgsFeedback

from .. import auth
from ..errors import GeodockError
from ..platforms import adapter_for, registry
from ..platforms.registry import Capability
from .changes import local_changes
from .model import FetchedCopy, Policy, SyncReport, connection_of
from .origin import base_ids, database
from .pull import pull
from .push import build_batch, find_conflicts, push


def writer_for(copy: FetchedCopy) -> Any:
    """The FEATURE_WRITE object of the copy's connection (GeodockError when its platform cannot write)."""
    return registry.capability(connection_of(copy), Capability.FEATURE_WRITE)


def reload_from_server(copy: FetchedCopy, feedback: Optional[QgsFeedback] = None, take_theirs: bool = False) -> Any:
    """Bring the server's changes into ``copy`` (any platform that fetches features); local edits are kept unless
    ``take_theirs``. The :class:`PullCounts`."""
    adapter = adapter_for(connection_of(copy))
    fids: Optional[set[int]] = None
    if take_theirs:
        with database(copy.path) as db:
            fids = local_changes(db, copy.layer, copy.origin).touched()
    return pull(copy, adapter, fids, feedback)


def sync(
    copy: FetchedCopy,
    policy: Policy = Policy.STOP,
    feedback: Optional[QgsFeedback] = None,
    writer: Optional[Any] = None,
    do_pull: bool = True,
    mine: Optional[set[int]] = None,
) -> SyncReport:
    """Send ``copy``'s edits (conflicts as ``policy`` says), record what the server accepted, then pull.

    ``mine`` (with KEEP_MINE): the only fids the user chose to keep; a conflict on any other stops the sync
    like STOP (``report.conflicts`` then lists those). Raises GeodockError before sending anything when the
    resource is read-only and there are edits.
    """
    with auth.credentials_held():  # a request per edit: the credentials are read once
        return _sync(copy, policy, feedback, writer or writer_for(copy), do_pull, mine)


def _sync(
    copy: FetchedCopy,
    policy: Policy,
    feedback: Optional[QgsFeedback],
    writer: Any,
    do_pull: bool,
    mine: Optional[set[int]],
) -> SyncReport:
    """:func:`sync`, with the writer chosen."""
    report = SyncReport()
    with database(copy.path) as db:
        changes = local_changes(db, copy.layer, copy.origin)
        versions = {fid: version for fid, (_sid, version) in base_ids(db, copy.layer).items()}
    resource = copy.resource()
    if len(changes):
        permission = writer.can_write(resource, feedback)
        if not permission.allowed:
            raise GeodockError(permission.reason)
        ids = list(changes.changed.values()) + list(changes.deleted.values())
        server = writer.server_features(resource, ids, feedback) if ids else {}
        report.conflicts, gone_both = find_conflicts(copy, changes, server, versions)
        unchosen = [c for c in report.conflicts if mine is not None and c.fid not in mine]
        if unchosen or (report.conflicts and policy is Policy.STOP):
            report.conflicts = unchosen or report.conflicts
            report.stopped = True
            return report
        batch = build_batch(copy, changes, report.conflicts, policy)
        recorder = push(writer, copy, batch, gone_both, feedback)
        report.added, report.changed, report.deleted = (recorder.count(k) for k in ("add", "update", "delete"))
        report.failed = recorder.failed()
    if do_pull:
        theirs = {c.fid for c in report.conflicts} if policy is Policy.TAKE_THEIRS else set()
        report.pulled = pull(copy, adapter_for(connection_of(copy)), theirs, feedback)
    return report
