"""FunctionTask: a finished task lets go of its result and callbacks at once (not at the next garbage
collection, which may come only after QGIS has shut down -- deleting a layer then crashes)."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest
from helpers import wait_until
from qgis.core import QgsApplication, QgsTask

from geodock.plugin.tasks import FunctionTask


class _Result:
    pass


def test_a_finished_task_releases_its_result_without_the_garbage_collector(qgis_app):
    seen: list[weakref.ref] = []
    gc.disable()
    try:
        task = FunctionTask("geodock test", lambda feedback: _Result(), lambda result: seen.append(weakref.ref(result)))
        QgsApplication.taskManager().addTask(task)
        wait_until(lambda: seen, 30, "the task's callback")
        assert seen[0]() is None, "the task still holds its result"
        assert task.on_done is None and task.work is None
    finally:
        gc.enable()


def test_a_file_system_error_is_told_in_words_and_a_bug_as_a_bug(qgis_app, tmp_path):
    from helpers import run_task

    from geodock.plugin.errors import GeodockError

    missing = tmp_path / "gone" / "results.zip"
    with pytest.raises(GeodockError) as caught:
        run_task(lambda feedback: missing.read_bytes())
    assert caught.value.message == "Could not use a file (results.zip): No such file or directory"
    assert "Traceback" in caught.value.details
    with pytest.raises(GeodockError, match="Unexpected error: KeyError"):
        run_task(lambda feedback: {}["x"])


def test_the_leak_check_names_a_task_nobody_cancelled_and_ends_every_task(qgis_app):
    """What the autouse fixture of tests/conftest.py runs after each test: a task left running fails the test
    (named), a task the test cancelled only has to end; either way none is left for the next test."""
    from helpers import end_tasks_left_running

    release = threading.Event()

    def work(feedback) -> None:
        while not feedback.isCanceled() and not release.wait(0.01):
            pass

    left = FunctionTask("geodock test: left running", work)
    stopped = FunctionTask("geodock test: cancelled by its test", work)
    manager = QgsApplication.taskManager()
    try:
        for task in (left, stopped):
            manager.addTask(task)
        running = QgsTask.TaskStatus.Running
        wait_until(lambda: left.status() == running and stopped.status() == running, 30, "both tasks to run")
        stopped.cancel()
        assert end_tasks_left_running(10) == ["'geodock test: left running' (status 2)"]
        assert manager.activeTasks() == []  # (both ended: QGIS has deleted them)
    finally:
        release.set()
