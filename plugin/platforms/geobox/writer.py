"""Geobox feature writes (the FEATURE_WRITE capability): ``features/`` POST, PUT, and ``deleteFeatures``.

Geobox takes one feature per ``POST features/?in_srid=`` and ``PUT features/{id}/?in_srid=``, and any number of
deletes in one ``POST deleteFeatures/`` (form ``feature_ids``, ``run_async=false``): a push is one request for
the deletes, then one per change and per addition. Whether a layer may be edited is its ``settings/``
``edit_settings`` (``editable``, ``allow_insert``, ``allow_delete``); views are read-only. Geobox features carry
no update time or revision: conflicts are found by comparing values (:mod:`plugin.sync.values`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional, Union

from qgis.core import QgsFeedback

from ...connections import Connection
from ...errors import (
    CancelledError,
    GeodockError,
    NotFoundError,
    PermissionDeniedError,
    ResponseError,
    UnreadableResponseError,
)
from ...i18n import tr
from ...net.client import HttpRequest, HttpResponse
from ..feature_edits import (
    EditBatch,
    EditOutcome,
    FeatureEdit,
    OutcomeCallback,
    ServerFeature,
    WritePermission,
    readable_id,
)
from .adapter import GeoboxAdapter
from .models import COLLECTION_OF_KIND

READ_BATCH = 500  # feature ids per ``features/?feature_ids=`` read
OWN_FAULTS = (400, 404, 409, 422)  # the edit's own fault: the next edits are still sent


class GeoboxFeatureWriter:
    """Adds, changes and deletes features of a Geobox vector layer (EPSG:4326 in, ids as text)."""

    def __init__(self, connection: Connection, adapter: Optional[GeoboxAdapter] = None) -> None:
        self.adapter = adapter or GeoboxAdapter(connection)

    def _path(self, resource: Any, tail: str) -> str:
        return self.adapter.url(COLLECTION_OF_KIND.get(resource.kind, "vectorLayers/") + f"{resource.id}/{tail}")

    def can_write(self, resource: Any, feedback: Optional[QgsFeedback] = None) -> WritePermission:
        """Views are read-only; a layer as its ``edit_settings`` say (no settings: writable, the server decides)."""
        title = resource.title or resource.id
        if resource.kind == "view":
            return WritePermission(False, tr("{title} is a Geobox view: views are read-only").format(title=title))
        applier = self.adapter.authenticated(feedback)
        try:
            data = self.adapter.client.get_json(
                self._path(resource, "settings/"), params={"f": "json"}, auth=applier, feedback=feedback
            )
        except NotFoundError:
            return WritePermission(True)
        except PermissionDeniedError:
            return WritePermission(False, tr("You may not change {title} on Geobox").format(title=title))
        edit = data.get("edit_settings") if isinstance(data, dict) else None
        if not isinstance(edit, dict):
            return WritePermission(True)
        if edit.get("editable") is False:
            return WritePermission(False, tr("{title} is read-only on Geobox (editing is off)").format(title=title))
        return WritePermission(
            True, insert=edit.get("allow_insert") is not False, delete=edit.get("allow_delete") is not False
        )

    def server_features(
        self, resource: Any, server_ids: Sequence[str], feedback: Optional[QgsFeedback] = None
    ) -> dict[str, ServerFeature]:
        """The features ``server_ids`` now (``features/?feature_ids=``, EPSG:4326), in batches."""
        applier = self.adapter.authenticated(feedback)
        wanted = [sid for sid in dict.fromkeys(server_ids) if str(sid).lstrip("-").isdigit()]
        found: dict[str, ServerFeature] = {}
        for start in range(0, len(wanted), READ_BATCH):
            chunk = wanted[start : start + READ_BATCH]
            params = {"f": "json", "out_srid": 4326, "feature_ids": ",".join(chunk), "limit": len(chunk)}
            data = self.adapter.client.get_json(self._path(resource, "features/"), params, applier, feedback)
            features = data.get("features") if isinstance(data, dict) else None
            if not isinstance(features, list):
                raise UnreadableResponseError(
                    tr("Geobox answered a features page that is not GeoJSON"), str(data)[:300]
                )
            for item in features:
                if isinstance(item, dict) and item.get("id") is not None and str(item["id"]) in chunk:
                    found[str(item["id"])] = ServerFeature(str(item["id"]), item)
        return found

    def push(
        self,
        resource: Any,
        batch: EditBatch,
        feedback: Optional[QgsFeedback] = None,
        on_outcome: Optional[OutcomeCallback] = None,
    ) -> list[EditOutcome]:
        """Deletes in one ``deleteFeatures`` request, then each change (PUT) and addition (POST)."""
        outcomes: list[EditOutcome] = []
        stopped = ""

        def note(outcome: EditOutcome) -> None:
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)

        if batch.deletes:
            stopped = self._delete_all(resource, batch.deletes, feedback, note)
        steps = [("update", edit) for edit in batch.updates] + [("add", edit) for edit in batch.adds]
        if stopped:
            for kind, edit in steps:
                note(EditOutcome(kind, edit.local_id, edit.server_id, error=stopped))
            return outcomes
        applier = self.adapter.authenticated(feedback)
        requests = [self._request(resource, kind, edit, applier) for kind, edit in steps]
        halt = ""

        def heard(index: int, answer: Union[HttpResponse, GeodockError]) -> bool:
            nonlocal halt
            if isinstance(answer, CancelledError):
                raise answer
            kind, edit = steps[index]
            outcome, stop = self._outcome(kind, edit, answer)
            note(outcome)
            if stop and not halt:
                halt = tr("Not sent: stopped after an earlier failure ({error})").format(error=outcome.error)
            return not halt

        sent = self.adapter.client.send_each(requests, feedback, heard)
        for kind, edit in steps[sent:]:
            note(EditOutcome(kind, edit.local_id, edit.server_id, error=halt))
        return outcomes

    def _delete_all(
        self, resource: Any, deletes: list[FeatureEdit], feedback: Optional[QgsFeedback], note: OutcomeCallback
    ) -> str:
        """``deleteFeatures`` for every delete; the reason to stop when it failed (its edits are all refused)."""
        ids = [str(edit.server_id) for edit in deletes]
        request = HttpRequest(
            self._path(resource, "deleteFeatures/"),
            "POST",
            form={"feature_ids": ",".join(ids), "run_async": "false"},
            auth=self.adapter.authenticated(feedback),
        )
        try:
            self.adapter.client.send(request, feedback)
        except CancelledError:
            raise
        except GeodockError as err:
            for edit in deletes:
                note(EditOutcome("delete", edit.local_id, edit.server_id, error=err.message))
            own = isinstance(err, ResponseError) and err.status in OWN_FAULTS
            return "" if own else tr("Not sent: stopped after an earlier failure ({error})").format(error=err.message)
        for edit in deletes:
            note(EditOutcome("delete", edit.local_id, edit.server_id))
        return ""

    def _request(self, resource: Any, kind: str, edit: FeatureEdit, applier: Any) -> HttpRequest:
        """The PUT (``update``) or POST (``add``) of one edit."""
        tail = f"features/{edit.server_id}/" if kind == "update" else "features/"
        body = {
            "type": "Feature",
            "geometry": edit.feature.get("geometry"),
            "properties": edit.feature.get("properties"),
        }
        return HttpRequest(
            self._path(resource, tail),
            "PUT" if kind == "update" else "POST",
            params={"in_srid": 4326},
            json=body,
            auth=applier,
        )

    @staticmethod
    def _outcome(kind: str, edit: FeatureEdit, answer: Union[HttpResponse, GeodockError]) -> tuple[EditOutcome, bool]:
        """The outcome of one write, and whether the next edits should not be sent."""
        if isinstance(answer, GeodockError):
            own = isinstance(answer, ResponseError) and answer.status in OWN_FAULTS
            return EditOutcome(kind, edit.local_id, edit.server_id, error=answer.message), not own
        try:
            doc = answer.json()
        except GeodockError as err:
            return EditOutcome(kind, edit.local_id, edit.server_id, error=err.message), True
        if kind == "update":  # a change keeps its id, whatever the answer names
            return EditOutcome(kind, edit.local_id, edit.server_id, doc if isinstance(doc, dict) else None), False
        server_id = readable_id(doc.get("id")) if isinstance(doc, dict) else None
        if server_id is None:
            return EditOutcome(
                kind, edit.local_id, None, error=tr("Geobox answered without a readable id for the new feature")
            ), True
        return EditOutcome(kind, edit.local_id, server_id, doc), False
