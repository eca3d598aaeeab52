"""The OGC process description cache, and the algorithms it gives: one per remote process, as soon as a
connection exists.

The provider lists the cached descriptions when it loads (:func:`dynamic_algorithms`, QGIS start-up): no
network there. The cache (``<profile>/geodock/ogc_processes.json``) is filled

- in the desktop, in the background: :func:`start_with_plugin` (the registry row's ``on_load``) watches the
  connection store; a connection added, imported or changed is described in a QgsTask, a removed one loses
  its entry at once (:func:`unwatch_connections` stops this and cancels what runs, at unload);
- by ``geodock:importconnections`` and ``geodock:refreshprocesses`` (blocking, on their worker; also in
  ``qgis_process``, whose next call lists the new algorithms): :func:`describe_connections`;
- when the Processes dock loads a connection (:func:`refresh_in_background`).

Each entry is tied to the connection's URL and auth config. A connection whose processes cannot be listed
gets an entry with its error and no process: nothing stale is shown, the error is logged, the other
connections go on, and the watch does not try it again until the connection changes (a refresh does).
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any, NamedTuple, Optional

from qgis.core import QgsApplication, QgsFeedback, QgsProcessingAlgorithm
from qgis.PyQt.QtCore import QObject, Qt, pyqtSignal, pyqtSlot

from ... import log
from ...connections import Connection, store
from ...errors import CancelledError, GeodockError
from ...i18n import tr
from ...net.filenames import write_atomically
from .adapter import OgcProcessesAdapter
from .process_description import ProcessDescription

KIND = "ogcapi-processes"
CACHE_FILE = "ogc_processes.json"


class Described(NamedTuple):
    """What describing one connection gave: its name, how many processes, and the error ("" when none)."""

    name: str
    processes: int
    error: str = ""


_lock = threading.Lock()  # one read-modify-write of the cache file at a time (tasks and algorithms)
_in_flight: set[tuple[str, str, str]] = set()  # (name, url, authcfg) being described now
_state: dict[str, Any] = {"watching": False, "fingerprint": None, "reloader": None}
_tasks: list[tuple[Any, set[tuple[str, str, str]]]] = []  # the watch's tasks and what each describes


def cache_path() -> Path:
    """The description cache file (``<profile>/geodock/ogc_processes.json``)."""
    return Path(QgsApplication.qgisSettingsDirPath()) / "geodock" / CACHE_FILE


def read_cache() -> dict[str, Any]:
    """The cached entries per connection name (empty when missing or unreadable)."""
    path = cache_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, ValueError) as err:
        log.warning(f"The OGC process cache {path} could not be read: {err}")
        return {}
    return data if isinstance(data, dict) else {}


def _key(connection: Connection) -> tuple[str, str, str]:
    return connection.name, connection.url, connection.authcfg


def _matches(entry: Any, connection: Connection) -> bool:
    """Whether a cache entry was made for this connection as it is now (same URL and auth config)."""
    return (
        isinstance(entry, dict)
        and entry.get("url") == connection.url
        and entry.get("authcfg", connection.authcfg) == connection.authcfg  # (older entries have no authcfg)
    )


def _ogc_connections() -> list[Connection]:
    return [c for c in store().all() if c.kind == KIND]


def _describe_one(connection: Connection, feedback: Optional[QgsFeedback]) -> tuple[dict[str, Any], Described]:
    """The cache entry of one connection (network, blocking); CancelledError goes through."""
    entry: dict[str, Any] = {"url": connection.url, "authcfg": connection.authcfg, "fetched": time.time()}
    adapter = OgcProcessesAdapter(connection)
    try:
        summaries = adapter.processes(feedback)
    except CancelledError:
        raise
    except GeodockError as err:
        log.error(f"{connection.name}: its processes could not be listed, so none is offered: {err.message}")
        return {**entry, "processes": [], "error": err.message}, Described(connection.name, 0, err.message)
    descriptions = []
    for summary in summaries:
        try:
            descriptions.append(adapter.describe(summary.id, feedback).raw)
        except CancelledError:
            raise
        except GeodockError as err:  # one unreadable process: the others are still offered
            log.error(f"{connection.name}: process {summary.id} could not be described: {err.message}")
    return {**entry, "processes": descriptions, "error": ""}, Described(connection.name, len(descriptions))


def describe_connections(
    connections: Optional[list[Connection]] = None, feedback: Optional[QgsFeedback] = None
) -> list[Described]:
    """Describe every process of ``connections`` (default: every OGC one) into the cache (blocking), drop the
    entries of connections that are gone, and have the provider reload its algorithms (GUI only, later)."""
    targets = _ogc_connections() if connections is None else [c for c in connections if c.kind == KIND]
    keys = [_key(c) for c in targets]
    with _lock:
        _in_flight.update(keys)
    try:
        described = [_describe_one(connection, feedback) for connection in targets]
    finally:
        with _lock:
            _in_flight.difference_update(keys)
    with _lock:
        cache = _pruned(read_cache())
        for connection, (entry, _outcome) in zip(targets, described):
            cache[connection.name] = entry
        write_atomically(cache_path(), json.dumps(cache).encode("utf-8"))
    request_reload()
    return [outcome for _entry, outcome in described]


def refresh_cache(connections: Optional[list[Connection]] = None, feedback: Optional[QgsFeedback] = None) -> int:
    """:func:`describe_connections`; the number of processes described."""
    return sum(outcome.processes for outcome in describe_connections(connections, feedback))


def _pruned(cache: dict[str, Any]) -> dict[str, Any]:
    """``cache`` without the entries of connections that are gone or changed (URL, auth config)."""
    current = {c.name: c for c in _ogc_connections()}
    return {name: entry for name, entry in cache.items() if name in current and _matches(entry, current[name])}


def prune_cache() -> bool:
    """Drop the entries of removed or changed connections (no network); whether any was dropped."""
    with _lock:
        cache = read_cache()
        kept = _pruned(cache)
        if kept == cache:
            return False
        write_atomically(cache_path(), json.dumps(kept).encode("utf-8"))
    return True


def undescribed() -> list[Connection]:
    """The OGC connections without an entry of their own (new, or changed since), not being described now."""
    cache = read_cache()
    with _lock:
        busy = set(_in_flight)
    return [c for c in _ogc_connections() if not _matches(cache.get(c.name), c) and _key(c) not in busy]


# Reloading the provider ----------------------------------------------------------------------------------


def _fingerprint() -> str:
    """What :func:`dynamic_algorithms` would list now (reloading is skipped when it would list the same)."""
    cache = read_cache()
    used = {c.name: cache[c.name].get("processes") for c in _ogc_connections() if _matches(cache.get(c.name), c)}
    return json.dumps(used, sort_keys=True)


def _runs() -> int:
    from .process_algorithms import _active  # (the count of running process algorithms lives with them)

    return int(_active["runs"])


def reload_provider() -> None:
    """Reload the provider's algorithms when they would change -- later if one of them is running (a reload
    deletes them). GUI thread."""
    if _runs() > 0:
        from qgis.PyQt.QtCore import QTimer

        QTimer.singleShot(1000, reload_provider)
        return
    provider = QgsApplication.processingRegistry().providerById("geodock")
    if provider is not None and _fingerprint() != _state["fingerprint"]:
        provider.refreshAlgorithms()


class _Reloader(QObject):
    """Carries a reload request from any thread to the GUI thread (queued: never inside the caller)."""

    requested = pyqtSignal()

    def __init__(self) -> None:
        """A reloader moved to the application's (GUI) thread, its slot called there."""
        super().__init__()
        app = QgsApplication.instance()
        if app is not None:
            self.moveToThread(app.thread())  # (pushed from the thread that made it, as Qt allows)
        self.requested.connect(self.reload, Qt.ConnectionType.QueuedConnection)

    @pyqtSlot()
    def reload(self) -> None:
        """:func:`reload_provider`, on the GUI thread."""
        reload_provider()


def _reloader() -> _Reloader:
    """The one reloader."""
    with _lock:
        if _state["reloader"] is None:
            _state["reloader"] = _Reloader()
        return _state["reloader"]


def request_reload() -> None:
    """Reload the provider's algorithms on the GUI thread once it is free (from any thread). Never in
    ``qgis_process``: it lists algorithms afresh in its next call, and the one running must not be deleted."""
    if QgsApplication.platform() != "qgis_process":
        _reloader().requested.emit()


# Watching the connections (desktop) ------------------------------------------------------------------------


def refresh_in_background(connections: Optional[list[Connection]] = None) -> Any:
    """Describe ``connections`` (default: all OGC ones) in a QgsTask; the provider reloads afterwards."""
    from ...tasks import run_in_background

    return run_in_background(
        tr("Geodock: describing OGC processes"),
        lambda feedback: describe_connections(connections, feedback),
        None,
        lambda err: log.warning(f"OGC process descriptions not refreshed: {err.message}"),
    )


def _on_connections_changed() -> None:
    """Connections changed: forget the removed ones now, describe the new or changed ones in the background."""
    if prune_cache():
        reload_provider()
    _tasks[:] = [(task, keys) for task, keys in _tasks if not _ended(task)]
    pending = {key for _task, keys in _tasks for key in keys}
    targets = [c for c in undescribed() if _key(c) not in pending]
    if targets:
        _tasks.append((refresh_in_background(targets), {_key(c) for c in targets}))


def _ended(task: Any) -> bool:
    from qgis.core import QgsTask

    try:
        return task.status() in (QgsTask.TaskStatus.Complete, QgsTask.TaskStatus.Terminated)
    except RuntimeError:  # QGIS deleted it when it ended
        return True


def watch_connections() -> None:
    """Keep the algorithms in step with the connections (until :func:`unwatch_connections`); no network now."""
    if _state["watching"]:
        return
    _state["watching"] = True
    store().changed.connect(_on_connections_changed)


def unwatch_connections() -> None:
    """Stop watching the connections and cancel the descriptions it started (the plugin unloads)."""
    for task, _keys in _tasks:
        if not _ended(task):
            task.cancel()
    _tasks.clear()
    if not _state["watching"]:
        return
    _state["watching"] = False
    store().changed.disconnect(_on_connections_changed)


def start_with_plugin() -> None:
    """The registry row's ``on_load``: watch the connections in the QGIS desktop only (``qgis_process`` and
    scripts describe through ``geodock:importconnections`` and ``geodock:refreshprocesses`` instead)."""
    if QgsApplication.platform() == "desktop":
        watch_connections()


# The algorithms -----------------------------------------------------------------------------------------


def dynamic_algorithms() -> list[QgsProcessingAlgorithm]:
    """One algorithm per cached process of every OGC connection (no network: cache only)."""
    from .process_algorithms import RemoteProcessAlgorithm

    connections = {c.name: c for c in _ogc_connections()}
    cache = read_cache()
    _state["fingerprint"] = _fingerprint()
    algorithms: list[QgsProcessingAlgorithm] = []
    for name, entry in cache.items():
        connection = connections.get(name)
        if connection is None or not _matches(entry, connection):
            continue
        seen: set[str] = set()
        for raw in entry.get("processes", []) or []:
            try:
                description = ProcessDescription.from_json(raw)
            except (TypeError, ValueError, AttributeError, GeodockError) as err:
                log.warning(f"{name}: a cached process description could not be read: {err}")
                continue
            algorithm = RemoteProcessAlgorithm(name, description)
            if description.id and algorithm.name() not in seen:
                seen.add(algorithm.name())
                algorithms.append(algorithm)
    return algorithms
