"""Test-only control of the local Koordinates server's exports: a test decides how long an export runs.

These routes are no part of the Koordinates API (no token, outside ``/services/``); the plugin never sends
anything like them. A test (or a bench) calls them through ``launch.Server``:

* ``POST /__exports__/timing`` ``{"seconds": S}`` -- exports created from now on stay ``processing`` at least
  S seconds (instead of ``KOORDINATES_EXPORT_SECONDS``);
* ``POST /__exports__/hold`` -- exports created from now on stay ``processing`` (progress at most 0.95) until
  released, however long their build takes: a test that needs a running export has one, with no timing luck;
* ``POST /__exports__/release`` ``{"ids": [...]}`` -- let those held exports finish; without ids, every held
  export, and exports created from now on are no longer held;
* ``GET /__exports__/held`` -> ``{"held": [ids]}``: the exports held now;
* ``DELETE /__exports__/{id}`` -- the export is gone, as when the platform expires or deletes it: its URLs
  answer 404 from now on.

``DELETE /__faults__`` (every test's clean-up) also resets all this: the default timing, nothing held.
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional

from aiohttp import web


class ExportControl:
    """The timing and holds the next exports get."""

    def __init__(self, default_seconds: float) -> None:
        self.default_seconds = default_seconds
        self.seconds = default_seconds
        self.holding = False
        self.gates: dict[int, asyncio.Event] = {}  # export id -> set when a held export may finish

    def new_export(self, export_id: int) -> tuple[float, Optional[asyncio.Event]]:
        """(seconds, gate) of a new export: ``gate`` is None unless exports are held now."""
        if not self.holding:
            return self.seconds, None
        gate = self.gates[export_id] = asyncio.Event()
        return self.seconds, gate

    def ended(self, export_id: int) -> None:
        self.gates.pop(export_id, None)

    def release(self, ids: Optional[list[int]] = None) -> list[int]:
        """Let the held exports ``ids`` (default: all, and stop holding new ones) finish; the ids released."""
        if ids is None:
            self.holding = False
            ids = list(self.gates)
        released = [i for i in ids if i in self.gates and not self.gates[i].is_set()]
        for export_id in released:
            self.gates[export_id].set()
        return released

    def reset(self) -> None:
        self.release()
        self.seconds = self.default_seconds


def control(request: web.Request) -> ExportControl:
    return request.app["export_control"]


async def _payload(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    body = await request.json()
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(reason="Expected a JSON object")
    return body


async def set_timing(request: web.Request) -> web.Response:
    seconds = (await _payload(request)).get("seconds")
    if not isinstance(seconds, (int, float)) or seconds < 0:
        raise web.HTTPBadRequest(reason="seconds: a number >= 0")
    control(request).seconds = float(seconds)
    return web.json_response({"seconds": float(seconds)})


async def hold(request: web.Request) -> web.Response:
    control(request).holding = True
    return web.json_response({"holding": True})


async def release(request: web.Request) -> web.Response:
    ids = (await _payload(request)).get("ids")
    released = control(request).release([int(i) for i in ids] if ids is not None else None)
    return web.json_response({"released": released})


async def held(request: web.Request) -> web.Response:
    gates = control(request).gates
    return web.json_response({"held": sorted(i for i, gate in gates.items() if not gate.is_set())})


async def forget(request: web.Request) -> web.Response:
    """The export is gone from the server (its build stopped): its URLs answer 404 from now on."""
    store = request.app["exports"]
    export_id = int(request.match_info["id"])
    if store.records.pop(export_id, None) is None:
        raise web.HTTPNotFound()
    task = store.tasks.pop(export_id, None)
    if task is not None:
        task.cancel()
    control(request).ended(export_id)
    return web.json_response({"forgotten": export_id})


@web.middleware
async def reset_with_faults(request: web.Request, handler: Any) -> web.StreamResponse:
    """``DELETE /__faults__`` (a test's clean-up) also resets the export control."""
    response = await handler(request)
    if request.method == "DELETE" and request.path == "/__faults__":
        control(request).reset()
    return response


def install(app: web.Application, default_seconds: float) -> None:
    """Add the control routes and state to the Koordinates ``app``."""
    app["export_control"] = ExportControl(default_seconds)
    app.middlewares.append(reset_with_faults)
    r = app.router
    r.add_post("/__exports__/timing", set_timing)
    r.add_post("/__exports__/hold", hold)
    r.add_post("/__exports__/release", release)
    r.add_get("/__exports__/held", held)
    r.add_delete("/__exports__/{id:\\d+}", forget)
