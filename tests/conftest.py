"""Shared pytest set-up for both test runs.

* ``.venv`` (QGIS's Python, pytest-qgis): the plugin's tests, everything under ``tests/`` but ``tests/sdk``.
* ``.venv-servers`` (the official SDKs): ``tests/sdk``, which proves the local servers speak each platform's
  contract. Nothing here imports ``qgis`` at module level, so both runs share these fixtures.

The repository is the plugin folder; it is made importable as ``geodock`` (whatever the checkout folder
is called) through a symlink in ``build/pypath``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPATH = ROOT / "build" / "pypath"
PYPATH.mkdir(parents=True, exist_ok=True)
_link = PYPATH / "geodock"
if not _link.is_symlink():
    _link.symlink_to(ROOT, target_is_directory=True)
for _path in (str(PYPATH), str(ROOT / "tests")):
    if _path not in sys.path:
        sys.path.insert(0, _path)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from servers import launch  # noqa: E402

# Server-side job durations, fixed here so that no test's environment changes another test's server.
SERVER_TIMINGS = {"KOORDINATES_EXPORT_SECONDS": "3", "GEOBOX_TASK_SECONDS": "2", "AMIGOCLOUD_JOB_SECONDS": "2"}


class ServerPool:
    """Starts each local server the first time a test asks for it; stops them all at the end."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.running: dict[str, launch.Server] = {}

    def get(self, name: str) -> launch.Server:
        server = self.running.get(name)
        if server is None or not server.alive():
            server = launch.start(name, self.workdir, env=SERVER_TIMINGS)
            self.running[name] = server
        return server

    def stop_all(self) -> None:
        for server in self.running.values():
            server.stop()
        self.running.clear()


@pytest.fixture(scope="session")
def server_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerPool]:
    pool = ServerPool(tmp_path_factory.mktemp("servers"))
    yield pool
    pool.stop_all()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """A failed test's report ends with the log of each local server it used: the server's side of it."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for name, value in getattr(item, "funcargs", {}).items():
            if isinstance(value, launch.Server):
                report.sections.append((f"{name} server log (last lines)", value.log_tail(40)))


def _server(pool: ServerPool, name: str) -> Iterator[launch.Server]:
    server = pool.get(name)
    yield server
    if server.alive() and server.spec.health_path == "/__health__":
        server.clear_faults()


@pytest.fixture
def koordinates_server(server_pool: ServerPool) -> Iterator[launch.Server]:
    """The local Koordinates server (HTTPS, self-signed certificate at ``server.ca_file``)."""
    yield from _server(server_pool, "koordinates")


@pytest.fixture
def geobox_server(server_pool: ServerPool) -> Iterator[launch.Server]:
    yield from _server(server_pool, "geobox")


@pytest.fixture
def amigocloud_server(server_pool: ServerPool) -> Iterator[launch.Server]:
    yield from _server(server_pool, "amigocloud")


@pytest.fixture
def wraptile_server(server_pool: ServerPool) -> Iterator[launch.Server]:
    yield from _server(server_pool, "wraptile")


@pytest.fixture
def pygeoapi_server(server_pool: ServerPool) -> Iterator[launch.Server]:
    yield from _server(server_pool, "pygeoapi")


@pytest.fixture
def httpbin(server_pool: ServerPool) -> Iterator[launch.Server]:
    """A test HTTP server with faults, for the network client's tests."""
    yield from _server(server_pool, "httpbin")


@pytest.fixture
def httpbin_tls(server_pool: ServerPool) -> Iterator[launch.Server]:
    """The same test server over HTTPS (self-signed certificate at ``server.ca_file``)."""
    yield from _server(server_pool, "httpbin-tls")


@pytest.fixture(scope="session")
def refused_port() -> Iterator[int]:
    """A local port that refuses every connection for the whole session: bound but never listening, so no other
    process can take it (a fixed port such as 9 may be served by something on another machine)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


@pytest.fixture
def hostile(server_pool: ServerPool) -> Iterator[launch.Server]:
    """The hostile server (``tests/servers/hostile.py``): answers what the test scripts, records what it gets."""
    server = server_pool.get("hostile")
    server.script()
    yield server
    if server.alive():
        server._send_json("DELETE", "/__script__")


@pytest.fixture
def hostile_tls(server_pool: ServerPool) -> Iterator[launch.Server]:
    """The hostile server over HTTPS (self-signed certificate at ``server.ca_file``, valid for localhost too)."""
    server = server_pool.get("hostile-tls")
    server.script()
    yield server
    if server.alive():
        server._send_json("DELETE", "/__script__")


# QGIS-side fixtures (the plugin run only; qgis is imported inside them) --------------------------------

MASTER_PASSWORD = "geodock-test-master"


@pytest.fixture(scope="session")
def auth_db(qgis_app):
    """The QGIS authentication database of the test profile, unlocked."""
    from qgis.core import QgsApplication

    manager = QgsApplication.authManager()
    if not manager.masterPasswordIsSet():
        assert manager.setMasterPassword(MASTER_PASSWORD, True)
    return manager


@pytest.fixture
def provider_auth(connections):
    """Geodock's request preprocessor for QGIS's own providers, installed for the test."""
    from geodock.plugin.connections import store
    from geodock.plugin.provider_auth import ProviderAuth

    installed = ProviderAuth(store())
    installed.install()
    yield installed
    installed.uninstall()


@pytest.fixture
def connections(qgis_app, auth_db):
    """The Geodock connection store, emptied before and after the test."""
    from geodock.plugin.connections import store

    connection_store = store()
    for connection in connection_store.all():
        connection_store.remove(connection)
    yield connection_store
    from geodock.plugin.platforms.ogcapi.process_catalog import unwatch_connections

    unwatch_connections()  # (else removing them would start describing the test's OGC connections again)
    for connection in connection_store.all():
        connection_store.remove(connection)


@pytest.fixture
def kx(koordinates_server, connections):
    """The local Koordinates server as the only Geodock connection (its certificate trusted)."""
    from geodock.plugin.auth import trust_certificate_authorities

    trust_certificate_authorities([str(koordinates_server.ca_file)])
    (connection,) = connections.import_json({"connections": [koordinates_server.connection()]})
    return connection


@pytest.fixture
def koordinates(connections, koordinates_server):
    """The local Koordinates server as a connection, with credentials for QGIS's own providers (as in QGIS)."""
    from geodock.plugin.auth import trust_certificate_authorities
    from geodock.plugin.provider_auth import ProviderAuth

    trust_certificate_authorities([str(koordinates_server.ca_file)])
    connections.import_json({"connections": [koordinates_server.connection()]})
    provider_auth = ProviderAuth(connections)
    provider_auth.install()
    yield koordinates_server
    provider_auth.uninstall()


def _clear_jobs() -> None:
    """No saved jobs (nor a saved list set aside as unreadable) and an empty project."""
    from qgis.core import QgsProject

    from geodock.plugin import settings

    for key in (settings.JOBS, settings.JOBS_UNREADABLE):
        settings.remove(key)
    QgsProject.instance().clear()


@pytest.fixture
def clean_jobs(qgis_app):
    """No saved jobs and an empty project, before and after the test."""
    _clear_jobs()
    yield
    _clear_jobs()


def _forget_job_manager() -> None:
    """Forget every job of the process-wide job manager, stop it and delete it: ``manager()`` makes a new one."""
    from helpers import stop_job_manager
    from qgis.PyQt import sip

    from geodock.plugin.jobs import manager

    old = manager()
    for job in old.jobs():
        old.remove(job.id)
    stop_job_manager(old)
    sip.delete(old)
    assert manager() is not old


def _job_manager(iface):
    """The process-wide job manager (the one dialogs and docks submit to), new for the test and started on
    ``iface`` (resuming in an hour); with no saved jobs and an empty project before and after."""
    from geodock.plugin.jobs import manager

    _forget_job_manager()
    _clear_jobs()
    started = manager()
    started.start(iface, resume_delay=3600)
    try:
        yield started
    finally:
        _forget_job_manager()
        _clear_jobs()


@pytest.fixture
def jobs(qgis_app, qgis_iface, connections):
    """The job manager, new for the test and started on the test's interface (message bar)."""
    yield from _job_manager(qgis_iface)


@pytest.fixture
def manager(qgis_app):
    """The job manager, new for the test and started without an interface (job ends are logged)."""
    yield from _job_manager(None)


@pytest.fixture(autouse=True)
def _gui_hooks(request):
    """The GUI entry points plugin/ uses (menus, notifications), installed as the plugin's initGui does
    (for every test: a test that unloads the plugin clears them)."""
    if not request.config.pluginmanager.hasplugin("pytest_qgis"):
        yield
        return
    from geodock.plugin import gui_hooks
    from geodock.ui.gui_entry_points import install_gui_hooks

    install_gui_hooks()
    yield
    gui_hooks.clear()


@pytest.fixture(autouse=True)
def _geodock_log_on_failure(request):
    """Print the Geodock log tab's lines as they come (pytest shows them when a test fails)."""
    if not request.config.pluginmanager.hasplugin("pytest_qgis"):
        yield
        return
    from qgis.core import QgsApplication

    def show(message, tag, level):
        if tag == "Geodock":
            print(f"[Geodock log {int(level)}] {message}")

    QgsApplication.messageLog().messageReceived.connect(show)
    yield
    QgsApplication.messageLog().messageReceived.disconnect(show)


@pytest.fixture
def geodock_provider(qgis_app, qgis_processing):
    """A fresh ``geodock`` Processing provider for this test (removed afterwards)."""
    from qgis.core import QgsApplication

    from geodock.plugin.processing.provider import GeodockProvider

    registry = QgsApplication.processingRegistry()
    stale = registry.providerById("geodock")
    if stale is not None:
        registry.removeProvider(stale)
    provider = GeodockProvider()
    assert registry.addProvider(provider)
    yield provider
    if registry.providerById("geodock") is provider:
        registry.removeProvider(provider)


@pytest.fixture(autouse=True)
def _no_connection_watch_outlives_its_test(request):
    """The desktop plugin describes OGC processes whenever connections change, until it unloads; no later test
    may inherit that watch (its connections would be described behind its back)."""
    yield
    if request.config.pluginmanager.hasplugin("pytest_qgis"):
        from geodock.plugin.platforms.ogcapi.process_catalog import unwatch_connections

        unwatch_connections()


@pytest.fixture(autouse=True)
def _no_task_outlives_its_test(request):
    """Fail a test that leaves a QgsTask running that nobody cancelled, naming the task; cancel every task and
    wait until each has ended first, so that the next test starts with none of another test's tasks.

    A task the test (or its fixtures) cancelled -- a job manager stopped in ``finally`` -- is not a leak: it
    only has to end, and the test fails when it does not end within 30 s. (Besides hiding work whose outcome
    the test never checked, a task that overlaps the next test's set-up can deadlock inside QGIS: a request
    created on a worker while the GUI thread writes the auth database takes the auth manager's lock and
    Python's GIL in opposite orders.)
    """
    yield
    if not request.config.pluginmanager.hasplugin("pytest_qgis"):
        return
    from helpers import end_tasks_left_running

    leaked = end_tasks_left_running()
    if leaked:
        pytest.fail(f"the test left {len(leaked)} background task(s) running: {', '.join(leaked)}", pytrace=False)
