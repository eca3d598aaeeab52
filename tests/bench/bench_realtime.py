"""Realtime AmigoCloud layers under load: 1,000 ``realtime`` events a second for 10 s from the local server
(``POST /__realtime__``) into a live layer. Reports events applied (every ``seq`` in the burst's range, goal:
none missing), the GUI thread's longest stall while they arrive (goal ≤ 50 ms), and the delay from an event's
``sent_at`` to its point moved in the layer (median and p95; the ~50 ms coalescing window is part of it)."""

from __future__ import annotations

import json
import statistics
import time
import urllib.request

from helpers import StallProbe, wait_until

from geodock.plugin.platforms.amigocloud.realtime.live_layer import AmigoCloudLive, DatasetRef
from geodock.plugin.platforms.amigocloud.realtime.registry import stop_all

RATE, SECONDS = 1000, 10


def _post(server, path: str, body: dict) -> dict:
    request = urllib.request.Request(
        server.root + path, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def run(bench) -> None:
    server = bench.server("amigocloud")
    connection = bench.connection(server, name="Bench AmigoCloud")
    live = AmigoCloudLive(connection).add_live_layer(DatasetRef("2", "5", "vehicles"))
    try:
        wait_until(lambda: live.state == "live" and len(live.applied_seqs - {0}) > 0, 60, "live layer")
        first = max(live.applied_seqs) + 1
        live.latencies.clear()
        live.sent_times.clear()
        live.keep_latencies = True
        probe = StallProbe()
        probe.start()
        planned = _post(server, "/__realtime__", {"rate": RATE, "seconds": SECONDS})
        started = time.monotonic()
        wait_until(lambda: time.monotonic() - started > SECONDS, SECONDS + 30, "the burst")
        # Then until nothing new arrives for a second.
        last = [len(live.applied_seqs), time.monotonic()]

        def settled() -> bool:
            if len(live.applied_seqs) != last[0]:
                last[:] = [len(live.applied_seqs), time.monotonic()]
            return time.monotonic() - last[1] > 1.0

        wait_until(settled, 60, "the last events")
        stall = probe.stop()
        top = max(live.applied_seqs)
        expected = set(range(first, top + 1))
        missing = len(expected - live.applied_seqs)
        applied = len(expected & live.applied_seqs)
        elapsed = time.monotonic() - started
        latencies = sorted(1000 * x for x in live.latencies)
        bench.report("realtime_events_planned", float(planned.get("events", 0)), "events", "==", RATE * SECONDS)
        bench.report("realtime_events_applied", applied, "events", ">=", RATE * SECONDS)
        bench.report("realtime_events_missing", missing, "events", "==", 0)
        # The rate the burst reached, over the burst alone: the server's once-a-second mover events before and
        # after it (seconds apart) would stretch the span.
        times = sorted(live.sent_times)[: RATE * SECONDS]
        span = times[-1] - times[0] if len(times) > 1 else elapsed
        bench.report("realtime_server_emit_rate", (len(times) - 1) / max(span, 1e-6), "events/s", ">=", 0.98 * RATE)
        bench.report("realtime_gui_longest_stall", stall, "ms", "<=", 50)
        if latencies:
            bench.report("realtime_delay_median", statistics.median(latencies), "ms", "<=", 100)
            bench.report("realtime_delay_p95", latencies[int(0.95 * (len(latencies) - 1))], "ms", "<=", 250)
    finally:
        stop_all()
