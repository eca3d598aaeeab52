"""Who may write which dataset of the local AmigoCloud server, and SQL writes that fail on purpose.

* Each dataset has a ``permission_level`` (``owner`` by default; ``editor``; ``viewer``), in its JSON as the
  API gives it. An SQL write (POST to a project's ``sql`` URL) that names the table of a ``viewer`` dataset
  answers ``403 {"detail": "You do not have permission to perform this action."}`` and changes nothing.
* Test-only controls (no token), under ``/__amigocloud__``:

  ``POST .../permission`` ``{"dataset_id": d, "permission_level": "viewer"}``: set a dataset's permission;
  ``POST .../write_faults`` ``{"after": N, "status": S, "times": K}``: the SQL writes after the next ``N`` answer
  ``S`` (``K`` times) without being run: a server failing half-way through a save. Kept among the common faults,
  so ``DELETE /__faults__`` clears it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

from aiohttp import web
from common import Fault

LEVELS = ("owner", "editor", "viewer")
_TABLE = re.compile(r"\bdataset_(\d+)\b")
DENIED = "You do not have permission to perform this action."


@dataclass
class WriteFault(Fault):
    """Fails SQL writes after ``after`` more succeed; never taken by the common middleware."""

    after: int = 0

    def matches(self, path: str) -> bool:
        return False


def denied_tables(query: str, level_of: Callable[[int], Optional[str]]) -> list[int]:
    """The datasets a write names whose permission is ``viewer``."""
    return sorted({int(n) for n in _TABLE.findall(query) if level_of(int(n)) == "viewer"})


def take_write_fault(app: web.Application) -> Optional[WriteFault]:
    """The write fault this write meets (after counting down its ``after``), if any."""
    for fault in app["faults"]:
        if isinstance(fault, WriteFault):
            if fault.after > 0:
                fault.after -= 1
                return None
            fault.times -= 1
            if fault.times <= 0:
                app["faults"].remove(fault)
            return fault
    return None


def refuse_write(request: web.Request, query: str, level_of: Callable[[int], Optional[str]]) -> Optional[web.Response]:
    """The answer to an SQL write that may not run (read-only dataset, queued fault); None when it may."""
    if denied_tables(query, level_of):
        return web.json_response({"detail": DENIED}, status=403)
    fault = take_write_fault(request.app)
    if fault is not None:
        status = fault.status or 500
        return web.json_response({"detail": "Injected write failure"}, status=status)
    return None


def add_controls(app: web.Application, datasets: Callable[[web.Request], dict[int, Any]]) -> None:
    """The ``/__amigocloud__`` test controls (see the module docstring)."""

    async def set_permission(request: web.Request) -> web.Response:
        payload = await request.json()
        level = str(payload.get("permission_level") or "")
        meta = datasets(request).get(int(payload.get("dataset_id") or 0))
        if meta is None or level not in LEVELS:
            return web.json_response({"detail": "Unknown dataset or permission level."}, status=400)
        meta.permission_level = level
        return web.json_response({"dataset_id": meta.id, "permission_level": level})

    async def add_write_fault(request: web.Request) -> web.Response:
        payload = await request.json()
        request.app["faults"].append(
            WriteFault(
                status=int(payload.get("status", 500)),
                times=int(payload.get("times", 1)),
                after=int(payload.get("after", 0)),
            )
        )
        return web.json_response({"queued": len(request.app["faults"])})

    app.router.add_post("/__amigocloud__/permission", set_permission)
    app.router.add_post("/__amigocloud__/write_faults", add_write_fault)
