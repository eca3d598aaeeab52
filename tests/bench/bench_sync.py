"""Saving 1,000 changed features of a fetched Geobox layer: Geodock's sync beside the official SDK making the
same writes (one ``PUT vectorLayers/{uuid}/features/{id}/`` per feature) to the same local server.

The server generates a 2,000-point layer (``--big-layer``); Geodock fetches it into a GeoPackage copy that knows
its origin, as ``geodock:fetchlayer`` does. Each round, 1,000 features of the copy get a new ``label`` (written
with OGR, as any tool could), then :func:`plugin.sync.sync` runs in a real QgsTask while the GUI event loop
turns: the permission check, the conflict check (the server's current values of the 1,000), the 1,000 PUTs, the
recording of the new base, then the pull of the server's changes. The SDK changes the *other* 1,000 features (so
neither makes a conflict for the other; Geodock's pull then brings the SDK's changes in, as a save does).

Reported: the time of each (median of three interleaved rounds after a warm-up, see :mod:`measure`) and their
ratio (goal ≤ 1.5× the SDK's, Geodock doing the conflict check and the pull besides), the GUI thread's longest
stall during a sync (worst round, goal ≤ 50 ms), and the memory Geodock's process grows by (goal ≤ 64 MiB).
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from helpers import StallProbe
from measure import PeakRss, interleaved
from osgeo import ogr
from servers.launch import GEOBOX_APIKEY

from geodock.plugin.platforms import adapter_for
from geodock.plugin.platforms.base import ListQuery
from geodock.plugin.sync.engine import sync
from geodock.plugin.sync.model import Policy, open_copy, parse_source
from geodock.plugin.sync.origin import base_ids, database
from geodock.plugin.sync.record import record_copy

LAYER_SIZE = 2000
CHANGED = 1000
ROUNDS = 3
ROOT = Path(__file__).resolve().parents[2]
SDK = [str(ROOT / ".venv-servers" / "bin" / "python"), str(Path(__file__).with_name("geobox_sdk_writes.py"))]


def _fetch(bench, connection, folder: Path) -> tuple[str, str]:
    """The generated layer fetched into a copy that records its origin: (layer uuid, OGR source)."""
    adapter = adapter_for(connection)
    found = bench.task(lambda fb: adapter.list_page("vectors", ListQuery(search="points"), None, None, fb))
    resource = bench.task(lambda fb: adapter.get_details(found.items[0], fb))
    assert resource.feature_count == LAYER_SIZE, resource.feature_count

    def fetch(feedback) -> str:
        uri = adapter.fetch_features(resource, str(folder / "sync-copy.gpkg"), None, feedback)
        record_copy(*parse_source(uri), connection, resource)
        return uri

    return resource.id, bench.task(fetch, timeout=300)


def _edit(source: str, label: str) -> None:
    """A new ``label`` on the copy's first CHANGED features (by fid), in one OGR transaction."""
    path, layer_name = parse_source(source)
    ds = ogr.Open(str(path), 1)
    layer = ds.GetLayerByName(layer_name)
    layer.StartTransaction()
    for fid in range(1, CHANGED + 1):
        feature = layer.GetFeature(fid)
        feature.SetField("label", f"{label}-{fid}")
        assert layer.SetFeature(feature) == 0
    layer.CommitTransaction()
    ds = None


def run(bench) -> None:
    server = bench.server("geobox", "--big-layer", str(LAYER_SIZE))
    connection = bench.connection(server, name="Bench sync Geobox", credentials={"apikey": GEOBOX_APIKEY})
    layer_uuid, source = _fetch(bench, connection, bench.workdir)
    copy = open_copy(source)
    with database(copy.path) as db:
        ids = base_ids(db, copy.layer)
    others = sorted(int(sid) for fid, (sid, _v) in ids.items() if fid > CHANGED and sid is not None)[:CHANGED]
    assert len(others) == CHANGED
    stalls: list[float] = []
    growth: list[float] = []
    rounds = iter(range(1000))

    def geodock() -> float:
        _edit(source, f"geodock{next(rounds)}")
        probe = StallProbe()
        with PeakRss() as peak:
            probe.start()
            start = time.perf_counter()
            report = bench.task(lambda fb: sync(open_copy(source), Policy.STOP, fb), timeout=600)
            elapsed = time.perf_counter() - start
            stalls.append(probe.stop())
        growth.append(peak.growth)
        assert (report.changed, len(report.failed), len(report.conflicts)) == (CHANGED, 0, 0), report
        return elapsed

    def sdk() -> float:
        args = {"uuid": layer_uuid, "ids": others, "label": f"sdk{next(rounds)}"}
        done = subprocess.run([*SDK, server.root, json.dumps(args)], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        return float(json.loads(done.stdout)["seconds"])

    seconds = interleaved(ROUNDS, {"sdk": sdk, "geodock": geodock})
    bench.report(f"sync_{CHANGED}_changed_sdk_puts", seconds["sdk"], "s", "ref", 0)
    bench.report(f"sync_{CHANGED}_changed_geodock_save", seconds["geodock"], "s", "<=", round(1.5 * seconds["sdk"], 3))
    bench.report("sync_save_time_vs_sdk", seconds["geodock"] / seconds["sdk"], "x", "<=", 1.5)
    bench.report(f"sync_{CHANGED}_gui_longest_stall_worst_of_{ROUNDS + 1}", max(stalls), "ms", "<=", 50)
    bench.report(f"sync_{CHANGED}_memory_growth", max(growth), "MiB", "<=", 64)
