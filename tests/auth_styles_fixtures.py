"""Fixtures of the auth-style tests: the auth gate (``tests/servers/auth_gate.py``) in front of real wraptile."""

from __future__ import annotations

from typing import Any

from servers import launch

GATE_TOKEN = "demo-gate-token"
GATE_KEY = "demo-gate-apikey"
GATE_USER = {"username": "demo", "password": "demo-password"}


def started_gate(server_pool: Any, upstream: launch.Server) -> launch.Server:
    """The auth gate in front of ``upstream`` (started once per session, stopped with the pool), its logins
    forgotten: the body of each test module's gate fixture."""
    gate = server_pool.running.get("auth-gate")
    if gate is None or not gate.alive():
        gate = launch.start("auth-gate", server_pool.workdir, extra_args=("--upstream", upstream.root))
        server_pool.running["auth-gate"] = gate
    gate._send_json("POST", "/__gate__/expire", {})
    return gate


def gate_stats(gate: launch.Server) -> dict[str, int]:
    """``{"logins", "refused"}`` of the gate so far."""
    return dict(gate._send_json("GET", "/__gate__/stats"))


def imported(connections, name: str, kind: str, url: str, credentials: Any = None, **extra: Any):
    """Import one entry (with ``credentials`` when given) and return the stored connection."""
    entry: dict[str, Any] = {"name": name, "kind": kind, "url": url, **extra}
    if credentials is not None:
        entry["credentials"] = credentials
    connections.import_json({"connections": [entry]})
    connection = connections.get(name)
    assert connection is not None
    return connection
