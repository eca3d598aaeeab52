"""`make bench`: every measure on a line of its own, beside its reference, in one run.

    bench: <name> = <value> <unit> (goal <op> <value>)

Each ``tests/bench/bench_*.py`` module has ``run(bench)``; ``bench.report(...)`` prints a line, ``bench.server``
starts a local server, ``bench.task`` runs blocking work in a real QgsTask while the GUI event loop turns.
Run one module: ``make bench ARGS=startup``.
"""

from __future__ import annotations

import gc
import importlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path[:0] = [str(ROOT / "build" / "pypath"), str(ROOT / "tests"), str(Path(__file__).parent)]
(ROOT / "build" / "pypath").mkdir(parents=True, exist_ok=True)
if not (ROOT / "build" / "pypath" / "geodock").is_symlink():
    (ROOT / "build" / "pypath" / "geodock").symlink_to(ROOT, target_is_directory=True)

settings_dir = Path(tempfile.mkdtemp(prefix="geodock-bench-"))
os.environ["QGIS_CUSTOM_CONFIG_PATH"] = str(settings_dir)

from qgis.core import QgsApplication  # noqa: E402
from qgis.PyQt.QtCore import QSettings  # noqa: E402

QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
APP = QgsApplication([], True)
APP.initQgis()

from servers import launch  # noqa: E402


class Bench:
    def __init__(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="geodock-bench-servers-"))
        self.servers: dict[tuple[str, tuple[str, ...]], launch.Server] = {}
        self.failures = 0

    def report(self, name: str, value: float, unit: str, op: str, goal: float) -> None:
        print(f"bench: {name} = {value:.4g} {unit} (goal {op} {goal:g})", flush=True)

    def server(self, name: str, *extra: str) -> launch.Server:
        key = (name, extra)
        if key not in self.servers:
            self.servers[key] = launch.start(name, self.workdir / f"{name}{len(self.servers)}", extra_args=extra)
        return self.servers[key]

    def connection(self, server: launch.Server, **entry: Any) -> Any:
        """``server`` as a Geodock connection (``entry`` overrides fields of its description), its certificate
        trusted, in the bench's throw-away profile."""
        from geodock.plugin.auth import trust_certificate_authorities
        from geodock.plugin.connections import store

        manager = QgsApplication.authManager()
        if not manager.masterPasswordIsSet():
            manager.setMasterPassword("geodock-bench-master", True)  # the bench's own throw-away profile
        if server.ca_file:
            trust_certificate_authorities([str(server.ca_file)])
        (connection,) = store().import_json({"connections": [dict(server.connection(), **entry)]})
        return connection

    def task(self, work: Callable[[Any], Any], timeout: float = 600.0) -> Any:
        from helpers import run_task

        return run_task(work, timeout)

    def close(self) -> None:
        """Stop the servers and remove their data (a run generates gigabytes: archives, big layers, uploads)."""
        for server in self.servers.values():
            server.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


# The benches that count the CPU seconds a transfer takes per GiB (see measure.touch_free_memory)
TRANSFERS = {"links", "links_amigocloud", "download", "exports", "upload", "amigocloud_upload"}


def main(argv: list[str]) -> int:
    wanted = set(argv)
    modules = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    bench = Bench()
    status = 0
    if not wanted or wanted & TRANSFERS:
        from measure import touch_free_memory

        gib, seconds = touch_free_memory()
        print(f"# touched {gib} GiB of free memory once, in {seconds:.0f} s (see measure.touch_free_memory)", flush=True)
    try:
        for module_name in modules:
            if wanted and module_name.removeprefix("bench_") not in wanted:
                continue
            start = time.monotonic()
            try:
                importlib.import_module(module_name).run(bench)
            except Exception:
                status = 1
                print(f"bench: {module_name} failed\n{traceback.format_exc()}", file=sys.stderr, flush=True)
            print(f"# {module_name}: {time.monotonic() - start:.1f} s", flush=True)
            # The next bench starts without this one's garbage: a closed dock's widgets and 10,000 rows would
            # otherwise be collected inside the next bench's measures (a 40 ms GIL-holding collection, measured).
            gc.collect()
    finally:
        bench.close()
        shutil.rmtree(settings_dir, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
