"""Test helpers for the plugin run: run blocking work in a real QgsTask and wait for it on the GUI thread."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any, Callable

from qgis.core import (
    QgsApplication,
    QgsFeature,
    QgsFeedback,
    QgsGeometry,
    QgsPointXY,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication, QElapsedTimer, QEventLoop, QTimer

from geodock.plugin.tasks import FunctionTask


def spin(seconds: float) -> None:
    """Run the GUI event loop for ``seconds``."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, message: str = "condition") -> None:
    """Spin the event loop until ``condition()`` is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            tasks = [t.description() for t in QgsApplication.taskManager().activeTasks()]
            raise AssertionError(f"timed out after {timeout:g} s waiting for {message} (active tasks: {tasks})")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)


def wait_for_no_tasks(timeout: float = 30.0) -> None:
    """Wait until QGIS's task manager has no active task (every reply handed on, every result delivered)."""
    manager = QgsApplication.taskManager()
    wait_until(lambda: not manager.activeTasks(), timeout, "every background task to end")


def stop_job_manager(manager: Any, timeout: float = 30.0) -> None:
    """``manager.stop()``, then wait until the watcher and downloads it cancelled have ended (they end soon
    after; any other task still running is left for the test's leak check)."""
    manager.stop()
    names = ("Geodock: watching remote jobs", "Geodock: downloading ")
    tasks = QgsApplication.taskManager()
    wait_until(
        lambda: not [t for t in tasks.activeTasks() if t.description().startswith(names)],
        timeout,
        "the job manager's tasks to end",
    )


def _cancelled(task: Any) -> bool:
    """Whether ``task`` was asked to stop (QGIS's own C++ tasks do not expose it to Python: not cancelled)."""
    try:
        return bool(task.isCanceled())
    except (AttributeError, RuntimeError, TypeError):
        return False


def end_tasks_left_running(timeout: float = 30.0) -> list[str]:
    """Cancel every active QgsTask and wait until each has ended; return those nobody had cancelled (their
    description and status). The leak check after every test (``tests/conftest.py``)."""
    manager = QgsApplication.taskManager()
    active = manager.activeTasks()
    leaked = [f"{task.description()!r} (status {int(task.status())})" for task in active if not _cancelled(task)]
    for task in active:
        task.cancel()
    wait_until(lambda: not manager.activeTasks(), timeout, "background tasks to end after the test")
    return leaked


class TaskRun:
    """A FunctionTask started in QGIS's task manager, with its outcome."""

    def __init__(self, work: Callable[[QgsFeedback], Any], description: str = "test work") -> None:
        self.done = False
        self.result: Any = None
        self.error: Any = None
        self.description = description
        self.task = FunctionTask(description, work, self._ok, self._fail)
        QgsApplication.taskManager().addTask(self.task)

    def _ok(self, result: Any) -> None:
        self.result, self.done = result, True

    def _fail(self, error: Any) -> None:
        self.error, self.done = error, True

    def wait(self, timeout: float = 60.0) -> TaskRun:
        wait_until(lambda: self.done, timeout, self.description)  # (QGIS deletes a task once it has ended)
        return self


def run_task(work: Callable[[QgsFeedback], Any], timeout: float = 60.0) -> Any:
    """Run ``work(feedback)`` in a QgsTask; return its result or raise its error."""
    run = TaskRun(work).wait(timeout)
    if run.error is not None:
        details = getattr(run.error, "details", "")
        if details:
            print(f"task failed: {details}")  # the traceback of an unexpected error, for the test report
        raise run.error
    return run.result


class StallProbe:
    """Measures the GUI thread's longest stall: a 5 ms timer that records the largest gap between ticks."""

    def __init__(self, interval_ms: int = 5) -> None:
        self.interval = interval_ms
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.longest_ms = 0.0
        self._last = 0

    def start(self) -> None:
        self.clock.start()
        self._last = 0
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.longest_ms = max(self.longest_ms, float(now - self._last))
        self._last = now

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.longest_ms


PLUGIN_ROOT = Path(__file__).resolve().parent.parent


def headless_profile(tmp_path: Path, master_password: str = "headless-master-pw") -> tuple[dict[str, str], Path]:
    """A fresh QGIS profile with Geodock installed and enabled, for ``qgis_process`` runs; returns the
    environment to run them with (auth database unlocked the QGIS way, ``QGIS_AUTH_PASSWORD_FILE``) and the
    profile folder."""
    root = tmp_path / "profiles-root"
    profile = root / "profiles" / "default"
    plugins = profile / "python" / "plugins"
    plugins.mkdir(parents=True)
    (plugins / "geodock").symlink_to(PLUGIN_ROOT, target_is_directory=True)
    ini = profile / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True)
    ini.write_text("[PythonPlugins]\ngeodock=true\n")
    password = tmp_path / "master"
    password.write_text(master_password)
    env = dict(
        os.environ,
        QGIS_CUSTOM_CONFIG_PATH=str(root),
        QGIS_AUTH_PASSWORD_FILE=str(password),
        QT_QPA_PLATFORM="offscreen",
    )
    for name in ("PYTEST_XDIST_WORKER", "PYTHONPATH"):  # Geodock comes from the profile only, as for a user
        env.pop(name, None)
    return env, profile


def qgis_process(
    env: dict[str, str], algorithm: str, timeout: float = 300, **params: Any
) -> subprocess.CompletedProcess:
    """``qgis_process.bin run ALGORITHM --NAME=value ...`` (Debian's ``qgis_process`` wrapper adds an option
    that makes it refuse to run); fails the test with its output when it does not exit 0."""
    args = ["qgis_process.bin", "run", algorithm, *(f"--{name}={value}" for name, value in params.items())]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


# GeoPackage test data -------------------------------------------------------------------------------------


def memory_layer(name: str = "towns") -> QgsVectorLayer:
    """Three test towns (Alpha, Beta, Gamma: a name and a population each) in a memory point layer."""
    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string(20)&field=population:integer", name, "memory")
    features = []
    for index, (town, x, y) in enumerate([("Alpha", 10.5, 59.9), ("Beta", 5.3, 60.4), ("Gamma", 18.9, 69.6)]):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([town, 1000 * (index + 1)])
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def write_gpkg(folder: Path, name: str) -> Path:
    """The three test towns written to ``folder/<name>.gpkg`` as its table ``name``; the file's path."""
    path = folder / f"{name}.gpkg"
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = name
    source = memory_layer()
    written = QgsVectorFileWriter.writeAsVectorFormatV3(source, str(path), source.transformContext(), options)
    assert written[0] == QgsVectorFileWriter.WriterError.NoError
    return path


def gpkg_layer(folder: Path, name: str) -> QgsVectorLayer:
    """The three test towns written to ``folder/<name>.gpkg`` and opened from there."""
    path = write_gpkg(folder, name)
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    assert layer.isValid()
    return layer
