"""Local Geobox server: feature writes beyond one feature at a time, who may write, and write faults.

* ``GET/PUT vectorLayers/{uuid}/settings/``: ``{general_settings, edit_settings, tile_settings}`` as the SDK's
  ``VectorLayer.settings`` / ``set_settings`` read and write them. ``edit_settings.editable`` false (the default for
  a layer another user shared, ``owner_id`` != 1) makes the layer read-only: every feature write answers 403.
  Views are read-only too.
* ``POST vectorLayers/{uuid}/deleteFeatures/`` (form ``feature_ids`` "1,2,3", ``q``, ``run_async``): with
  ``run_async=false`` the deletion is done before the answer ``{"deleted": n}``; else a finished task.
* ``POST /__geobox__/write_faults`` ``{"after": N, "status": S, "times": K}``: the feature writes (POST, PUT,
  DELETE under ``features/``, and ``deleteFeatures``) after the next ``N`` answer ``S`` (``K`` times): a server
  failing half-way through a save. With ``"answer": {...}`` instead, the write is done and answered with that
  JSON (a hostile server: a new feature's ``id`` as an object, say). Kept among the common faults, so
  ``DELETE /__faults__`` clears it too.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from aiohttp import web
from common import Fault
from geobox_store import ApiError, Layer

DEFAULT_SETTINGS: dict[str, dict[str, Any]] = {
    "general_settings": {"title_field": None, "domain_display_type": "Value", "allow_export": True},
    "edit_settings": {
        "editable": True,
        "edit_geometry": True,
        "editable_attributes": "[ALL]",
        "allow_insert": True,
        "allow_delete": True,
    },
    "tile_settings": {"min_zoom": 0, "max_zoom": 24, "max_features": 65536, "filter_features": True, "fields": []},
}


@dataclass
class WriteFault(Fault):
    """Fails feature writes after ``after`` more succeed; never taken by the common middleware."""

    after: int = 0
    answer: Any = None  # the JSON to answer the write with, once done (None: fail with ``status``)

    def matches(self, path: str) -> bool:
        return False


def settings_of(app: web.Application, layer: Layer) -> dict[str, Any]:
    """The layer's settings (created on first use: read-only for a layer another user shared)."""
    table = app.setdefault("geobox_settings", {})
    if layer.uuid not in table:
        value = copy.deepcopy(DEFAULT_SETTINGS)
        value["edit_settings"]["editable"] = layer.owner_id == 1 and not layer.is_view
        table[layer.uuid] = value
    return table[layer.uuid]


def check_writable(app: web.Application, layer: Layer) -> None:
    """403 when ``layer`` may not be written."""
    if layer.is_view:
        raise ApiError(403, "Views are read-only")
    if not settings_of(app, layer)["edit_settings"].get("editable", True):
        raise ApiError(403, "You do not have permission to edit this layer")


def is_feature_write(request: web.Request) -> bool:
    """A POST/PUT/DELETE under ``features/``, or ``deleteFeatures``."""
    path = request.path
    if "/deleteFeatures" in path:
        return request.method == "POST"
    return "/features" in path and request.method in ("POST", "PUT", "DELETE")


def take_write_fault(app: web.Application) -> WriteFault | None:
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


def middleware(state_of: Callable[[web.Request], Any]) -> Any:
    """Read-only layers and write faults, before a feature write reaches its handler."""

    @web.middleware
    async def writes(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> Any:
        if is_feature_write(request) and "uuid" in request.match_info:
            check_writable(request.app, state_of(request).layer(request))
            fault = take_write_fault(request.app)
            if fault is not None and fault.answer is not None:
                await handler(request)
                return web.json_response(fault.answer)
            if fault is not None:
                raise ApiError(fault.status or 500, "Injected write failure")
        return await handler(request)

    return writes


async def add_write_fault(request: web.Request) -> web.Response:
    """``POST /__geobox__/write_faults``: see the module docstring."""
    payload = await request.json()
    request.app["faults"].append(
        WriteFault(
            status=int(payload.get("status", 500)),
            times=int(payload.get("times", 1)),
            after=int(payload.get("after", 0)),
            answer=payload.get("answer"),
        )
    )
    return web.json_response({"queued": len(request.app["faults"])})


def routes(add: Callable[[str, str, Callable], None], state_of: Callable[[web.Request], Any], store: Any) -> None:
    """Add the settings and ``deleteFeatures`` routes through the app's ``add(method, path, handler)``."""

    async def get_settings(request: web.Request) -> web.Response:
        return web.json_response(settings_of(request.app, state_of(request).layer(request)))

    async def put_settings(request: web.Request) -> web.Response:
        layer = state_of(request).layer(request)
        body = await request.json()
        current = settings_of(request.app, layer)
        for group, values in (body or {}).items():
            if group in current and isinstance(values, dict):
                current[group].update(values)
        return web.json_response(current)

    async def delete_features(request: web.Request) -> web.Response:
        layer = state_of(request).layer(request)
        form = await request.post()
        raw = form.get("feature_ids") or ""
        ids = [int(part) for part in str(raw).replace("[", "").replace("]", "").split(",") if part.strip()]
        if not ids and not form.get("q"):
            raise ApiError(
                422, [{"loc": ["body", "feature_ids"], "msg": "feature_ids or q is required", "type": "value_error"}]
            )
        deleted = 0
        for fid in ids:
            try:
                store.delete_feature(layer, fid)
                deleted += 1
            except ApiError:
                pass  # already gone: deleting it is done
        if str(form.get("run_async", "true")).lower() in ("false", "0"):
            return web.json_response({"deleted": deleted})
        return web.json_response({"deleted": deleted, "task_id": None})

    for prefix in ("/vectorLayers", "/vectorLayerViews"):
        add("GET", f"{prefix}/{{uuid}}/settings/", get_settings)
        add("PUT", f"{prefix}/{{uuid}}/settings/", put_settings)
        add("POST", f"{prefix}/{{uuid}}/deleteFeatures/", delete_features)
