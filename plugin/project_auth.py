"""Logging in for a reopened project's remote layers, so that they render without a visit to the Catalog.

Some platforms exchange a username and password for a bearer token that lives in memory only (Geobox,
:class:`~plugin.platforms.auth_appliers.LoginTokenAuth`). :mod:`plugin.provider_auth` adds that token to
QGIS's own provider requests (vector tiles, XYZ), but after a QGIS restart there is no token until something
logs in, and a reopened project's tile layers come out blank. :class:`ProjectAuth` watches the project: when
it is read, or when layers carrying Geodock's ``geodock/resource`` property are added, it finds the
connections whose credentials still need a login, logs in on a worker thread (:func:`plugin.tasks.run_in_background`)
and then reloads and repaints those connections' layers. Nothing here touches the network on the GUI thread.
"""

from __future__ import annotations

import json
from typing import Callable, Iterable, Optional

from qgis.core import QgsFeedback, QgsMapLayer, QgsProject
from qgis.PyQt.QtCore import QObject, QTimer, QUrl
from qgis.PyQt.QtNetwork import QNetworkRequest

from . import log
from .connections import Connection, ConnectionStore
from .errors import GeodockError
from .i18n import tr
from .layers import RESOURCE_PROPERTY
from .platforms import adapter_for
from .platforms.auth_appliers import LoginTokenAuth
from .tasks import FunctionTask, run_in_background

LOCAL_PROVIDERS = ("ogr", "gdal", "spatialite", "memory")
"""Providers whose Geodock layers are local copies (the cache GeoPackage): they need no credentials."""


def connection_name_of(layer: QgsMapLayer) -> Optional[str]:
    """The Geodock connection name recorded on ``layer`` (``geodock/resource``), or None."""
    raw = layer.customProperty(RESOURCE_PROPERTY)
    if not raw:
        return None
    try:
        data = json.loads(str(raw))
    except ValueError:
        return None
    name = data.get("connection") if isinstance(data, dict) else None
    return str(name) if name else None


def is_remote(layer: QgsMapLayer) -> bool:
    """Whether ``layer`` reads from the network (a provider request that needs the connection's credentials)."""
    provider = layer.providerType()
    if provider in LOCAL_PROVIDERS:
        return layer.source().startswith("/vsicurl")
    return True


def needs_login(connection: Connection) -> bool:
    """Whether ``connection``'s provider requests would go out without credentials until a login.

    Local only (reads the auth DB and the in-memory token cache): applies the connection's credentials
    to a blank request and sees whether anything was added.
    """
    try:
        applier = adapter_for(connection).auth
    except (KeyError, GeodockError):
        return False
    if not isinstance(applier, LoginTokenAuth):
        return False
    probe_url = "https://geodock.invalid/"
    request = QNetworkRequest(QUrl(probe_url))
    applier.apply(request)
    return not request.hasRawHeader(b"Authorization") and request.url().toString() == probe_url


class ProjectAuth(QObject):
    """Logs in (in the background) for the connections a project's remote layers use, then repaints them."""

    def __init__(
        self,
        store: ConnectionStore,
        notify: Optional[Callable[[str], None]] = None,
        project: Optional[QgsProject] = None,
    ) -> None:
        """Watch ``project`` (default: the current one); ``notify`` hears failed logins."""
        super().__init__()
        self.store = store
        self.notify = notify
        self.project = project or QgsProject.instance()
        self._pending: set[str] = set()
        self._in_flight: set[str] = set()
        self._tasks: set[FunctionTask] = set()
        self._attached = False

    def attach(self) -> None:
        """Watch the project (no network call here)."""
        if self._attached:
            return
        self.project.readProject.connect(self._project_read)
        self.project.layersAdded.connect(self._layers_added)
        self._attached = True

    def detach(self) -> None:
        """Stop watching the project and cancel logins under way."""
        if not self._attached:
            return
        for signal, slot in (
            (self.project.readProject, self._project_read),
            (self.project.layersAdded, self._layers_added),
        ):
            try:
                signal.disconnect(slot)
            except TypeError:
                pass
        self._attached = False
        self._pending.clear()
        for task in list(self._tasks):
            task.on_done = None
            task.on_error = None
            task.cancel()
        self._tasks.clear()
        self._in_flight.clear()

    # Signals ---------------------------------------------------------------------------------------------

    def _project_read(self, *_args: object) -> None:
        """A project was read: queue all its layers."""
        self.queue(self.project.mapLayers().values())

    def _layers_added(self, layers: list[QgsMapLayer]) -> None:
        """Layers were added: queue them."""
        self.queue(layers)

    def queue(self, layers: Iterable[QgsMapLayer]) -> None:
        """Note the connections ``layers`` use; one background login per connection follows shortly."""
        names = {name for layer in layers if is_remote(layer) and (name := connection_name_of(layer))}
        if not names:
            return
        if not self._pending:
            QTimer.singleShot(0, self._flush)  # layersAdded fires per layer while a project is read: batch them
        self._pending |= names

    def _flush(self) -> None:
        """Start one background login for the queued connections that need one."""
        names, self._pending = self._pending, set()
        connections = []
        for name in sorted(names - self._in_flight):
            connection = self.store.get(name)
            if connection is not None and needs_login(connection):
                connections.append(connection)
        if not connections:
            return
        self._in_flight |= {c.name for c in connections}
        task = run_in_background(
            tr("Geodock: logging in for the project's layers"),
            lambda feedback: self._login_all(connections, feedback),
            None,
            None,
        )
        task.on_done = lambda logged_in, t=task, cs=connections: self._done(t, cs, logged_in)
        task.on_error = lambda error, t=task, cs=connections: self._failed(t, cs, error)
        self._tasks.add(task)

    # Worker thread ---------------------------------------------------------------------------------------

    @staticmethod
    def _login_all(connections: list[Connection], feedback: QgsFeedback) -> list[tuple[str, Optional[GeodockError]]]:
        """Log in for each connection (BLOCKING: worker thread); one failure does not stop the others."""
        results: list[tuple[str, Optional[GeodockError]]] = []
        for connection in connections:
            if feedback.isCanceled():
                break
            try:
                adapter = adapter_for(connection)
                adapter.prepare_sources(feedback)
                applier = adapter.auth
                if isinstance(applier, LoginTokenAuth):  # the login style of any platform
                    applier.ensure_token(feedback)
                results.append((connection.name, None))
            except GeodockError as err:
                results.append((connection.name, err))
        return results

    # GUI thread ------------------------------------------------------------------------------------------

    def _done(
        self, task: FunctionTask, connections: list[Connection], results: list[tuple[str, Optional[GeodockError]]]
    ) -> None:
        """Logins ended: report failures, repaint the layers of those that worked."""
        self._finish(task, connections)
        ok = {name for name, error in results if error is None}
        for name, error in results:
            if error is not None:
                self._report(error, name)
        self.refresh_layers(ok)

    def _failed(self, task: FunctionTask, connections: list[Connection], error: GeodockError) -> None:
        """The login task failed as a whole: report it."""
        self._finish(task, connections)
        self._report(error, ", ".join(c.name for c in connections))

    def _finish(self, task: FunctionTask, connections: list[Connection]) -> None:
        """Forget the task and its connections' logins under way."""
        self._tasks.discard(task)
        self._in_flight -= {c.name for c in connections}

    def _report(self, error: GeodockError, names: str) -> None:
        """Log a failed login and tell the user through ``notify``."""
        line = log.exception(error, tr("Geodock could not log in to {names}").format(names=names))
        if self.notify is not None:
            self.notify(line)

    def refresh_layers(self, names: set[str]) -> None:
        """Reload and repaint the project's remote layers of the connections ``names``."""
        for layer in self.project.mapLayers().values():
            if is_remote(layer) and connection_name_of(layer) in names:
                layer.reload()
                layer.triggerRepaint()
