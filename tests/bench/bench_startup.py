"""Plugin start-up cost in the real QGIS desktop (under Xvfb): import + classFactory + initGui, in a fresh
QGIS process each time, beside QGIS's own bundled MetaSearch plugin loaded the same way in the same session.

QGIS runs with Python's bytecode cache as on a user's machine (``PYTHONDONTWRITEBYTECODE``, set on some build
machines, is removed for it): the first start after installing compiles the plugin's sources and is reported
on its own line; the goal is on the median of the starts after it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, time
import qgis.utils
from qgis.core import QgsNetworkAccessManager
requests = []
QgsNetworkAccessManager.instance().requestAboutToBeCreated.connect(lambda r: requests.append(r))
results = {}
for name in ("geodock", "MetaSearch"):
    start = time.perf_counter()
    qgis.utils.loadPlugin(name)
    qgis.utils.startPlugin(name)
    results[name] = (time.perf_counter() - start) * 1000
results["requests"] = len(requests)
with open(OUT, "w") as handle:
    json.dump(results, handle)
from qgis.PyQt.QtCore import QTimer
QTimer.singleShot(500, qgis.utils.iface.actionExit().trigger)
"""


def _measure(work: Path) -> dict:
    profiles = work / "profiles"
    plugins = profiles / "default" / "python" / "plugins"
    plugins.mkdir(parents=True)
    (plugins / "geodock").symlink_to(ROOT, target_is_directory=True)
    ini = profiles / "default" / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text("[PythonPlugins]\ngeodock=false\nMetaSearch=false\n[qgis]\ncheckVersion=false\nshowTips=false\n")
    out = work / "result.json"
    code = work / "probe.py"
    code.write_text(f"OUT = {str(out)!r}\n" + PROBE)
    display = f":{200 + os.getpid() % 500}"
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1)
        env = dict(os.environ, DISPLAY=display)
        env.pop("QT_QPA_PLATFORM", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            ["qgis", "--profiles-path", str(work), "--nologo", "--noversioncheck", "--code", str(code)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=180,
        )
    finally:
        xvfb.terminate()
        xvfb.wait()
    return json.loads(out.read_text())


def _drop_bytecode() -> None:
    """Remove the plugin's bytecode caches (not the venvs' under the same root)."""
    caches = [ROOT / "__pycache__"] + [
        c for d in ("plugin", "ui", "resources") for c in (ROOT / d).rglob("__pycache__")
    ]
    for cache in caches:
        shutil.rmtree(cache, ignore_errors=True)


def run(bench) -> None:
    _drop_bytecode()  # as just installed
    samples = [_measure(Path(tempfile.mkdtemp(prefix="geodock-bench-start-", dir=bench.workdir))) for _ in range(4)]
    first, later = samples[0], samples[1:]
    geodock = sorted(s["geodock"] for s in later)[1]
    metasearch = sorted(s["MetaSearch"] for s in later)[1]
    bench.report("startup_import_classfactory_initgui", geodock, "ms", "<", 100)
    bench.report("startup_reference_metasearch", metasearch, "ms", "~", round(metasearch))
    bench.report("startup_first_after_install_compiling", first["geodock"], "ms", "~", round(first["geodock"]))
    bench.report("startup_network_requests", max(s["requests"] for s in samples), "requests", "==", 0)
