"""Python's cycle collector and the GUI thread: the objects QGIS starts with are left out of full collections.

A full (generation 2) collection walks every container object of the interpreter: QGIS's Python, every plugin's
modules and classes, hundreds of thousands of them in a desktop session. It runs on whichever thread happens to
cross the allocation threshold, often a Geodock worker building a page of results, and holds Python's GIL
throughout, so the GUI thread waits for it. `make bench` (``bench_busy``, Catalog paging on a busy machine) found
full collections of 12-21 ms on worker threads in the worst runs, in the bench's small interpreter (63,000
objects); a desktop session has several times as many.

What exists once QGIS has started (modules, classes, functions, singletons) seldom becomes garbage.
:func:`freeze_startup_objects` moves it to Python's permanent generation (``gc.freeze``), which collections skip:
they then walk only what was made since. :func:`thaw` gives it back when Geodock is unloaded. Freezing again later
(QGIS finished loading every plugin) moves the newer objects too.
"""

from __future__ import annotations

import gc

_state = {"frozen": False}


def freeze_startup_objects() -> int:
    """Leave every object alive now out of later collections; returns how many are left out."""
    gc.collect(1)  # the young garbage first: frozen, it would never be collected
    gc.freeze()
    _state["frozen"] = True
    return gc.get_freeze_count()


def thaw() -> None:
    """Give the objects frozen by :func:`freeze_startup_objects` back to the collector (idempotent)."""
    if _state["frozen"]:
        gc.unfreeze()
        _state["frozen"] = False
