"""Tasks of the local Geobox server: PENDING, then PROGRESS (``current``/``total`` rising over
``GEOBOX_TASK_SECONDS``, default 2) while the work runs in a worker thread, then SUCCESS, FAILURE or ABORTED."""

from __future__ import annotations

import asyncio
import os
import uuid as _uuid
from typing import Any, Callable, Optional

import geobox_store as store
from geobox_state import State
from geobox_store import ApiError, Task


def task_seconds() -> float:
    return max(0.0, float(os.environ.get("GEOBOX_TASK_SECONDS", "2")))


def start_task(
    st: State, name: str, work: Callable[[], Any], commit: Callable[[Any], dict], uuid: Optional[str] = None
) -> Task:
    """Register a PENDING task and run it: ``work`` in a thread while progress rises over ``GEOBOX_TASK_SECONDS``,
    then ``commit(result)`` (on the loop) gives the task's ``result``. Errors end in FAILURE, an abort in ABORTED."""
    task = Task(id=st.new_id(), uuid=uuid or str(_uuid.uuid4()), name=name)
    st.tasks[task.uuid] = task
    asyncio.get_running_loop().create_task(_run_task(task, work, commit))
    return task


async def _run_task(task: Task, work: Callable[[], Any], commit: Callable[[Any], dict]) -> None:
    duration = task_seconds()
    steps = 10
    await asyncio.sleep(min(0.3, duration / 5))
    if task.final:
        return
    task.state = "PROGRESS"
    future = asyncio.get_running_loop().run_in_executor(None, work)
    for step in range(1, steps):
        if task.abort_requested:
            break
        task.current = step * task.total // steps
        await asyncio.sleep(duration / steps)
    try:
        value = await future
        if task.abort_requested:
            return
        task.result = commit(value)
        task.current = task.total
        task.state = "SUCCESS"
    except Exception as exc:  # the task's own failure: report it in the task
        if task.abort_requested:
            return
        message = str(exc.detail if isinstance(exc, ApiError) else exc) or type(exc).__name__
        task.result = {"errors": [message], "detail": {"msg": message}}
        task.state = "FAILURE"
    finally:
        task.finished_at = task.finished_at or store.now()
