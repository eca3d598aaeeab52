"""AmigoCloud feature writes (the FEATURE_WRITE capability): SQL POSTed to the dataset's project ``sql`` URL.

A push is at most three requests (:mod:`.write_sql`): one ``DELETE ... WHERE pk IN (...)``, one ``UPDATE ... FROM
(VALUES ...)`` for every change, one multi-row ``INSERT ... RETURNING pk`` for every addition. Each statement is
one transaction on the server: it is taken or refused whole. The primary key (``primary_key``, ``amigo_id`` by
default) of a new feature is made here when it is text (AmigoCloud's ``amigo_id`` is 32 hex digits, as its
offline apps make them), so the answer is matched to the rows by key; otherwise the server's default fills it
and the keys ``RETURNING`` gives come back in the order of the rows.

Whether the user may write is the dataset's ``permission_level`` (``viewer`` / ``read``: read-only) or
``read_only``; the server's 403 decides in the end. AmigoCloud rows carry no update time or revision: conflicts
are found by comparing values (:mod:`plugin.sync.values`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Callable, Optional

from qgis.core import QgsFeedback

from ...connections import Connection
from ...errors import CancelledError, GeodockError, ResponseError, UnreadableResponseError
from ...i18n import tr
from ...net.client import HttpRequest
from ..feature_edits import (
    EditBatch,
    EditOutcome,
    FeatureEdit,
    OutcomeCallback,
    ServerFeature,
    WritePermission,
    readable_id,
)
from ..resource_json import text
from . import write_sql
from .adapter import _GEOJSON_COLUMN, AmigoCloudAdapter, _feature
from .write_sql import Target

READ_BATCH = 500  # keys per read of the server's features
OWN_FAULTS = (400, 404, 409, 422)  # the statement's own fault: the next statements are still sent
READ_ONLY_LEVELS = frozenset({"viewer", "view", "read", "read_only", "readonly", "r"})

Note = Callable[[EditOutcome], None]


def _stopped(error: str) -> str:
    return tr("Not sent: stopped after an earlier failure ({error})").format(error=error)


class AmigoCloudFeatureWriter:
    """Adds, changes and deletes rows of an AmigoCloud dataset through the SQL API (EPSG:4326, keys as text)."""

    def __init__(self, connection: Connection, adapter: Optional[AmigoCloudAdapter] = None) -> None:
        self.adapter = adapter or AmigoCloudAdapter(connection)
        self._details: dict[str, Any] = {}

    def _dataset(self, resource: Any, feedback: Optional[QgsFeedback]) -> Any:
        """The dataset's details (table, key, sql URL, schema, permission), read once per writer."""
        if resource.id not in self._details:
            known = resource if getattr(resource, "raw", None) and resource.raw.get("table_name") else None
            self._details[resource.id] = known or self.adapter.resource_by_id(resource.id, feedback)
        return self._details[resource.id]

    def _target(self, resource: Any, feedback: Optional[QgsFeedback]) -> Target:
        details = self._dataset(resource, feedback)
        raw = details.raw
        key = text(raw.get("primary_key")) or "amigo_id"
        geometry = text(raw.get("geometry_column")) or None
        sql_url = text(raw.get("sql")) or details.api_url.split("/datasets/")[0] + "/sql"
        types = {name: kind for name, kind in details.fields if name}
        columns = {name: kind for name, kind in types.items() if name not in (key, geometry)}
        table = text(raw.get("table_name")) or f"dataset_{details.id}"
        return Target(table, key, geometry, sql_url, columns, types.get(key, "string"))

    def can_write(self, resource: Any, feedback: Optional[QgsFeedback] = None) -> WritePermission:
        """The dataset's ``permission_level`` (or ``read_only``) as the API gives it."""
        details = self._dataset(resource, feedback)
        title = resource.title or details.title or resource.id
        level = text(details.raw.get("permission_level")).lower()
        if level in READ_ONLY_LEVELS or details.raw.get("read_only") is True:
            return WritePermission(
                False, tr("{title} is read-only on AmigoCloud (you may view it, not edit it)").format(title=title)
            )
        return WritePermission(True)

    def _post(self, url: str, query: str, feedback: Optional[QgsFeedback]) -> list[dict[str, Any]]:
        """POST one statement; the rows it returned."""
        request = HttpRequest(url, "POST", json={"query": query}, auth=self.adapter.auth)
        data = self.adapter.client.send(request, feedback).json()
        rows = data.get("data") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            raise UnreadableResponseError(tr("AmigoCloud answered an SQL write without rows"), str(data)[:300], url)
        return [row for row in rows if isinstance(row, dict)]

    def server_features(
        self, resource: Any, server_ids: Sequence[str], feedback: Optional[QgsFeedback] = None
    ) -> dict[str, ServerFeature]:
        """The rows ``server_ids`` now (``SELECT *, ST_AsGeoJSON(geometry)`` by key), in batches."""
        target = self._target(resource, feedback)
        wanted = [str(sid) for sid in dict.fromkeys(server_ids)]
        found: dict[str, ServerFeature] = {}
        for start in range(0, len(wanted), READ_BATCH):
            chunk = wanted[start : start + READ_BATCH]
            query = write_sql.select_sql(target, chunk, _GEOJSON_COLUMN)
            params = {"query": query, "offset": 0, "limit": len(chunk)}
            data = self.adapter.client.get_json(target.sql_url, params, self.adapter.auth, feedback)
            rows = data.get("data") if isinstance(data, dict) else None
            if not isinstance(rows, list):
                raise UnreadableResponseError(
                    tr("AmigoCloud answered an SQL page without rows"), str(data)[:300], target.sql_url
                )
            for row in rows:
                sid = row.get(target.key) if isinstance(row, dict) else None
                if sid is not None and str(sid) in chunk:
                    found[str(sid)] = ServerFeature(str(sid), _feature(row, target.geometry))
        return found

    def push(
        self,
        resource: Any,
        batch: EditBatch,
        feedback: Optional[QgsFeedback] = None,
        on_outcome: Optional[OutcomeCallback] = None,
    ) -> list[EditOutcome]:
        """The deletes, the changes, then the additions: one statement (one request) each."""
        outcomes: list[EditOutcome] = []

        def note(outcome: EditOutcome) -> None:
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)

        target = self._target(resource, feedback)
        stopped = ""
        for kind, edits, step in (
            ("delete", batch.deletes, self._delete),
            ("update", batch.updates, self._update),
            ("add", batch.adds, self._insert),
        ):
            if not edits:
                continue
            if stopped:
                for edit in edits:
                    note(EditOutcome(kind, edit.local_id, edit.server_id, error=stopped))
                continue
            stopped = step(target, edits, feedback, note)
        return outcomes

    def _send(
        self, target: Target, kind: str, query: str, edits: list[FeatureEdit], feedback: Any, note: Note
    ) -> tuple[Optional[list[dict[str, Any]]], str]:
        """POST ``query``: its rows, or (None, reason to stop) after refusing every edit with the server's reason."""
        try:
            return self._post(target.sql_url, query, feedback), ""
        except CancelledError:
            raise
        except GeodockError as err:
            for edit in edits:
                note(EditOutcome(kind, edit.local_id, edit.server_id, error=err.message))
            own = isinstance(err, ResponseError) and err.status in OWN_FAULTS
            return None, "" if own else _stopped(err.message)

    def _delete(self, target: Target, edits: list[FeatureEdit], feedback: Any, note: Note) -> str:
        """One DELETE; a feature already gone is deleted all the same."""
        query = write_sql.delete_sql(target, [str(edit.server_id) for edit in edits])
        rows, stop = self._send(target, "delete", query, edits, feedback, note)
        if rows is not None:
            for edit in edits:
                note(EditOutcome("delete", edit.local_id, edit.server_id))
        return stop

    def _valid(self, kind: str, edits: list[FeatureEdit], build: Callable[[FeatureEdit], str], note: Note) -> list:
        """``(edit, SQL row)`` of the edits SQL can hold; the others are refused with the reason."""
        rows = []
        for edit in edits:
            try:
                rows.append((edit, build(edit)))
            except ValueError as err:
                note(EditOutcome(kind, edit.local_id, edit.server_id, error=str(err)))
        return rows

    def _update(self, target: Target, edits: list[FeatureEdit], feedback: Any, note: Note) -> str:
        """One UPDATE ... FROM (VALUES ...); a row it did not return was gone from the server."""
        names = sorted(self._names(target, edits))
        rows = self._valid(
            "update", edits, lambda e: write_sql.update_row(target, str(e.server_id), e.feature, names), note
        )
        if not rows or (not names and not target.geometry):
            return ""
        sent = [edit for edit, _row in rows]
        query = write_sql.update_sql(target, [row for _edit, row in rows], names)
        answer, stop = self._send(target, "update", query, sent, feedback, note)
        if answer is not None:
            done = {str(row.get(target.key)) for row in answer}
            gone = tr("The feature is no longer on AmigoCloud (deleted there meanwhile)")
            for edit in sent:
                ok = str(edit.server_id) in done
                note(EditOutcome("update", edit.local_id, edit.server_id, error="" if ok else gone))
        return stop

    def _insert(self, target: Target, edits: list[FeatureEdit], feedback: Any, note: Note) -> str:
        """One multi-row INSERT ... RETURNING the keys."""
        names = sorted(self._names(target, edits))
        make_keys = target.key_type.lower() in ("string", "text", "")
        keys: dict[int, Optional[str]] = {e.local_id: uuid.uuid4().hex if make_keys else None for e in edits}
        rows = self._valid(
            "add", edits, lambda e: write_sql.insert_row(target, e.feature, names, keys[e.local_id]), note
        )
        if not rows:
            return ""
        sent = [edit for edit, _row in rows]
        query = write_sql.insert_sql(target, [row for _edit, row in rows], names, make_keys)
        answer, stop = self._send(target, "add", query, sent, feedback, note)
        if answer is None:
            return stop
        returned = [key for row in answer if (key := readable_id(row.get(target.key))) is not None]
        if not make_keys:  # the server's keys, in the order of the rows
            keys = dict(zip([e.local_id for e in sent], returned)) if len(returned) == len(sent) else {}
        missing = tr("AmigoCloud answered without the new feature's key")
        for edit in sent:
            key = keys.get(edit.local_id)
            ok = key is not None and key in returned
            note(EditOutcome("add", edit.local_id, key if ok else None, error="" if ok else missing))
        return ""

    @staticmethod
    def _names(target: Target, edits: list[FeatureEdit]) -> set[str]:
        """The dataset's writable columns the edits carry."""
        carried: set[str] = set()
        for edit in edits:
            carried.update((edit.feature.get("properties") or {}).keys())
        return carried & set(target.columns)
