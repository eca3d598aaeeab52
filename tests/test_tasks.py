"""FunctionTask: a finished task lets go of its result and callbacks at once (not at the next garbage
collection, which may come only after QGIS has shut down -- deleting a layer then crashes)."""

from __future__ import annotations

import gc
import weakref

from helpers import wait_until
from qgis.core import QgsApplication

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
