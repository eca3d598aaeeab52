"""Live AmigoCloud layers: a memory point layer (EPSG:4326) kept up to date by a dataset's ``realtime`` events.

Events arrive on the GUI thread (the socket is asynchronous); they are only queued there. A ~50 ms timer
then applies everything queued as one edit of the layer's data provider -- the latest position of each
object moves its point (``changeGeometryValues``), unknown objects are added (``addFeatures``) -- so a
thousand events a second cost a few small edits, never a reload. The state (live, reconnecting, stopped)
is a signal and a suffix of the layer name. Every live layer stops when its layer is removed from the
project, and :func:`.registry.stop_all` stops them all (plugin unload).

Server input is checked (:mod:`.events`): a malformed event is logged and skipped. Failed sessions and
authentications are retried with backoff (:mod:`.limits`); the seqs applied and the objects are bounded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Optional

from qgis.core import (
    QgsFeature,
    QgsFeedback,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QDateTime, QObject, QTimer, pyqtSignal

from .... import log
from ....connections import Connection
from ....errors import GeodockError, ResponseError
from ....i18n import tr
from ....net import json_limits
from ....tasks import run_in_background
from ..adapter import AmigoCloudAdapter
from .events import MalformedFrameError, Position, ProblemLog, parse_realtime, position, sample
from .limits import Backoff, SeqWindow
from .registry import register, stop_all
from .socketio import ConnectionState, SocketIoClient, websocket_url

NAMESPACE = "/amigosocket"
FLUSH_MS = 50
MAX_OBJECTS = 100_000  # objects one live layer tracks (new ones beyond are skipped)
STATE_SUFFIX = {
    ConnectionState.CONNECTING.value: QT_TRANSLATE_NOOP("@default", "connecting…"),
    ConnectionState.LIVE.value: QT_TRANSLATE_NOOP("@default", "live"),
    ConnectionState.RECONNECTING.value: QT_TRANSLATE_NOOP("@default", "reconnecting…"),
    ConnectionState.STOPPED.value: QT_TRANSLATE_NOOP("@default", "stopped"),
}
_INTERNAL_EVENTS = frozenset({"realtime", "authenticated", "authentication_failed", "connect", "disconnect"})


@dataclass
class DatasetRef:
    """What a live layer needs to know about its dataset."""

    project_id: str
    dataset_id: str
    name: str
    owner: str = "0"

    @property
    def path(self) -> str:
        """The dataset's API path."""
        return f"users/{self.owner}/projects/{self.project_id}/datasets/{self.dataset_id}"


@dataclass
class SessionInfo:
    """A websocket session for a dataset, and the current positions to start from."""

    userid: Any
    session: str
    snapshot: list[dict[str, Any]]


def start_session(connection: Connection, dataset: DatasetRef, feedback: Optional[QgsFeedback] = None) -> SessionInfo:
    """Blocking: the user id, a dataset websocket session, and the objects' current positions (via SQL)."""
    adapter = AmigoCloudAdapter(connection)
    me = adapter.client.get_json(adapter.url("me"), auth=adapter.auth, feedback=feedback)
    session = adapter.client.get_json(
        adapter.url(f"{dataset.path}/start_websocket_session"), auth=adapter.auth, feedback=feedback
    )
    token = (session or {}).get("websocket_session")
    if not token:
        raise GeodockError(tr("AmigoCloud did not open a websocket session for this dataset"))
    return SessionInfo(me.get("id"), str(token), _snapshot(adapter, dataset, feedback))


def _snapshot(adapter: AmigoCloudAdapter, dataset: DatasetRef, feedback: Optional[QgsFeedback]) -> list[dict]:
    """The objects' positions now (best effort: a live layer also fills from the events alone)."""
    from ..postgres_sql import quote_identifier
    from ..sql import AmigoCloudSql

    try:
        detail = adapter.client.get_json(adapter.url(dataset.path), auth=adapter.auth, feedback=feedback)
        table, geometry = detail.get("table_name"), detail.get("geometry_column")
        key = detail.get("primary_key") or "amigo_id"
        if not table or not geometry:
            return []
        key, geometry, table = (quote_identifier(str(name)) for name in (key, geometry, table))
        query = f"SELECT {key} AS object_id, ST_AsGeoJSON({geometry}) AS geojson FROM {table}"
        rows = []
        for page in AmigoCloudSql(adapter.connection).iter_pages(dataset.project_id, query, feedback):
            for object_id, geojson in page.rows:
                if not geojson:
                    continue
                try:
                    geometry = json_limits.loads(geojson)
                except ValueError:
                    continue  # not GeoJSON: no position for this object
                coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
                if isinstance(coordinates, list) and len(coordinates) >= 2:
                    rows.append({"object_id": object_id, "longitude": coordinates[0], "latitude": coordinates[1]})
        return rows
    except (GeodockError, ValueError, AttributeError, TypeError, KeyError, RecursionError) as err:
        log.warning(f"Live layer {dataset.name}: no starting positions ({err})")
        return []


class LiveLayer(QObject):
    """A memory point layer fed by one dataset's realtime events."""

    stateChanged = pyqtSignal(str)  # a ConnectionState value
    userEvent = pyqtSignal(str, object)  # e.g. "project:creation_succeeded", payload
    failed = pyqtSignal(str)  # one line for the message bar
    applied = pyqtSignal(int)  # events applied by the last flush

    def __init__(self, connection: Connection, dataset: DatasetRef, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.connection = connection
        self.dataset = dataset
        self.base_name = dataset.name
        self.layer = QgsVectorLayer(
            "Point?crs=EPSG:4326&field=object_id:string(64)&field=seq:integer&field=updated:datetime",
            dataset.name,
            "memory",
        )
        self.layer.setCustomProperty("geodock/live", f"{connection.name}|{dataset.path}")
        self.fids: dict[str, int] = {}
        self.pending: dict[str, tuple[float, float, int, float]] = {}  # object_id -> lon, lat, seq, sent_at
        self.pending_events: list[tuple[int, float]] = []  # (seq, sent_at) of queued events
        self.applied_seqs = SeqWindow()  # the last events applied (a bounded window)
        self.latencies: list[float] = []  # seconds from sent_at to the edit applied (when keep_latencies)
        self.sent_times: list[float] = []  # sent_at of the events applied (when keep_latencies)
        self.keep_latencies = False
        self.state = ConnectionState.STOPPED.value
        self.client: Optional[SocketIoClient] = None
        self.session: Optional[SessionInfo] = None
        self._stopped = False
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self.flush)
        self._starting: Any = None
        self._backoff = Backoff()  # new websocket sessions (after a failed request or authentication)
        self.problems = ProblemLog(f"Live layer {dataset.name}")
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.timeout.connect(self.start)

    # Life cycle ----------------------------------------------------------------------------------------

    def start(self) -> None:
        """Open a websocket session (in the background), then the socket."""
        self._stopped = False
        self._set_state(ConnectionState.CONNECTING.value)
        connection, dataset = self.connection, self.dataset
        self._starting = run_in_background(
            f"Geodock: live layer {dataset.name}",
            lambda feedback: start_session(connection, dataset, feedback),
            self._session_ready,
            self._session_failed,
        )

    def _session_ready(self, info: SessionInfo) -> None:
        self._starting = None
        if self._stopped or sip.isdeleted(self):
            return
        self.session = info  # (the backoff is forgotten only once authenticated and stable)
        for row in info.snapshot:
            found = position(row)
            if found is not None:
                self._queue(found, 0, 0.0)
        self.flush()
        if self.client is None:
            self.client = SocketIoClient(websocket_url(self.connection.url), NAMESPACE, self)
            self.client.namespaceConnected.connect(self._authenticate)
            self.client.received.connect(self._on_event)
            self.client.stateChanged.connect(self._on_socket_state)
            self.client.failed.connect(self.failed)
            self.client.open()
        else:
            self._authenticate()

    def _session_failed(self, error: GeodockError) -> None:
        self._starting = None
        if self._stopped or sip.isdeleted(self):
            return
        message = log.exception(error, f"Live layer {self.dataset.name}")
        if isinstance(error, ResponseError) and error.status in (401, 403, 404):
            self.failed.emit(message)  # retrying cannot help: wrong token, project token, no such dataset
            self.stop()
            return
        # A network failure: try again with backoff, as after a dropped socket.
        if self._backoff.attempts == 0:
            self.failed.emit(message)
        self._retry_later()

    def _retry_later(self) -> None:
        """Start a new session after the backoff's next delay (once: a retry already planned stands)."""
        if self._stopped or self._retry_timer.isActive() or self._starting is not None:
            return
        delay = self._backoff.next_delay()
        log.info(f"Live layer {self.dataset.name}: new session in {delay:.1f} s (attempt {self._backoff.attempts})")
        self._set_state(ConnectionState.RECONNECTING.value)
        self._retry_timer.start(round(delay * 1000))

    def stop(self) -> None:
        """Close the socket and stop applying events (the layer keeps its last positions)."""
        if self._stopped:
            return
        self._stopped = True
        if self._starting is not None and not sip.isdeleted(self._starting):
            try:
                self._starting.cancel()
            except RuntimeError:
                pass
        self._starting = None
        self._flush_timer.stop()
        self._retry_timer.stop()
        if self.client is not None:
            self.client.close()
        self._set_state(ConnectionState.STOPPED.value)

    # Socket --------------------------------------------------------------------------------------------

    def _authenticate(self) -> None:
        if self.client is None or self.session is None:
            return
        dataset_id = self.dataset.dataset_id
        self.client.emit(
            "authenticate",
            {
                "userid": self.session.userid,
                "datasetid": int(dataset_id) if str(dataset_id).isdecimal() else dataset_id,
                "websocket_session": self.session.session,
            },
        )

    def _on_socket_state(self, state: str) -> None:
        if not self._stopped:
            self._set_state(state)

    def _on_event(self, name: str, payload: Any) -> None:
        """An event from the socket (a slot: a malformed event is logged and skipped, never raised)."""
        if self._stopped:
            return
        try:
            self._handle_event(name, payload)
        except MalformedFrameError as err:
            self.problems.report(err.message, payload)
        except Exception as err:  # whatever else a server's event does to us: skip it, keep listening
            self.problems.report(f"an event that could not be applied ({type(err).__name__}: {err})", payload)

    def _handle_event(self, name: str, payload: Any) -> None:
        if name == "realtime":
            event = parse_realtime(payload)
            if event.dataset_id != str(self.dataset.dataset_id):
                return
            if event.skipped:
                self.problems.report(f"{event.skipped} row(s) of event {event.seq} that are not positions")
            for found in event.positions:
                self._queue(found, event.seq, event.sent_at)
            self.pending_events.append((event.seq, event.sent_at))
            if not self._flush_timer.isActive():
                self._flush_timer.start(FLUSH_MS)
        elif name == "authenticated":
            self._backoff.healthy()
        elif name == "authentication_failed":
            if self._retry_timer.isActive() or self._starting is not None:
                return  # a new session is already on its way
            detail = payload.get("detail") if isinstance(payload, dict) else payload
            log.warning(f"Live layer {self.dataset.name}: authentication failed ({sample(detail)}); new session")
            self._retry_later()  # a fresh websocket session; the socket stays open and re-authenticates
        elif name not in _INTERNAL_EVENTS:
            self.userEvent.emit(name, payload)

    def _queue(self, found: Position, seq: int, sent_at: float) -> None:
        oid = found.object_id
        if len(self.fids) + len(self.pending) >= MAX_OBJECTS and oid not in self.fids and oid not in self.pending:
            self.problems.report(f"a new object beyond {MAX_OBJECTS} objects", oid)
            return
        self.pending[oid] = (found.longitude, found.latitude, seq, sent_at)

    # Applying ------------------------------------------------------------------------------------------

    def flush(self) -> None:
        """Apply every queued position as one provider edit (moves, then additions)."""
        if not self.pending or sip.isdeleted(self.layer):
            self.pending_events.clear()
            return
        pending, self.pending = self.pending, {}
        events, self.pending_events = self.pending_events, []
        provider = self.layer.dataProvider()
        now = QDateTime.currentDateTimeUtc()
        seq_index = self.layer.fields().indexOf("seq")
        updated_index = self.layer.fields().indexOf("updated")
        geometries: dict[int, QgsGeometry] = {}
        attributes: dict[int, dict[int, Any]] = {}
        new_ids: list[str] = []
        new_features: list[QgsFeature] = []
        for object_id, (lon, lat, seq, _sent) in pending.items():
            geometry = QgsGeometry.fromPointXY(QgsPointXY(lon, lat))
            fid = self.fids.get(object_id)
            if fid is None:
                feature = QgsFeature(self.layer.fields())
                feature.setAttributes([object_id, seq, now])
                feature.setGeometry(geometry)
                new_ids.append(object_id)
                new_features.append(feature)
            else:
                geometries[fid] = geometry
                attributes[fid] = {seq_index: seq, updated_index: now}
        if geometries:
            provider.changeGeometryValues(geometries)
            provider.changeAttributeValues(attributes)
        if new_features:
            ok, added = provider.addFeatures(new_features)
            if ok:
                for object_id, feature in zip(new_ids, added):
                    self.fids[object_id] = feature.id()
            self.layer.updateExtents()
        self.layer.triggerRepaint()
        done = time.time()
        for seq, sent_at in events:
            self.applied_seqs.add(seq)
            if self.keep_latencies and sent_at:
                self.latencies.append(done - sent_at)
                self.sent_times.append(sent_at)
        self.applied.emit(len(events))

    # State ---------------------------------------------------------------------------------------------

    def _set_state(self, state: str) -> None:
        if state == self.state:
            return
        self.state = state
        if not sip.isdeleted(self.layer):
            self.layer.setName(f"{self.base_name} [{tr(STATE_SUFFIX.get(state, state))}]")
        self.stateChanged.emit(state)


class AmigoCloudLive:
    """The live-data capability of an AmigoCloud connection (:class:`...capabilities.LiveData`)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add_live_layer(self, dataset: DatasetRef, project: Optional[QgsProject] = None) -> LiveLayer:
        """Create a live layer for ``dataset``, add it to ``project`` and start listening."""
        live = LiveLayer(self.connection, dataset)
        (project or QgsProject.instance()).addMapLayer(live.layer)
        register(live)
        live.start()
        return live

    def stop_all(self) -> None:
        """Stop every live layer (of every connection)."""
        stop_all()
