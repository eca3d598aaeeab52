"""Adding a resource to the map is one task: the platform is asked once, and the source is chosen and the
layer built on the worker thread; the GUI thread only adds the finished layer (and says so)."""

from __future__ import annotations

import threading

import pytest
from helpers import wait_until
from qgis.core import Qgis, QgsProject
from toy_platform.adapter import ToyAdapter, thing

from geodock.plugin.browser.uris import CustomReference
from geodock.plugin.connections import Connection
from geodock.plugin.platforms import registry
from geodock.plugin.platforms.registry import Capability, Platform
from geodock.ui.layer_loading import add_reference_to_map, add_to_map

KIND = "loading-toy"
calls: list[tuple[str, bool]] = []  # (what, on the GUI thread)


class CountingAdapter(ToyAdapter):
    """The toy adapter, noting each creation and each source or details question, and on which thread."""

    kind = KIND

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        calls.append(("adapter", _on_gui_thread()))

    def layer_sources(self, resource):
        calls.append(("sources", _on_gui_thread()))
        return [] if resource.id == "none" else super().layer_sources(resource)

    def get_details(self, resource, feedback=None):
        calls.append(("details", _on_gui_thread()))
        return thing(resource.id, f"{resource.title} (details)")


def _on_gui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@pytest.fixture
def connection():
    adapter = f"{__name__}:CountingAdapter"
    registry.register(
        Platform(KIND, "Loading toy", "https://toy.example/", adapter, capabilities={Capability.BROWSE: adapter})
    )
    calls.clear()
    QgsProject.instance().removeAllMapLayers()
    try:
        yield Connection(name="Loading toy", kind=KIND, url="https://toy.example/")
    finally:
        registry.unregister(KIND)
        QgsProject.instance().removeAllMapLayers()


def _layers() -> list:
    return list(QgsProject.instance().mapLayers().values())


def test_add_to_map_asks_the_platform_once_and_chooses_the_source_on_the_worker(connection, qgis_iface):
    add_to_map(qgis_iface.messageBar(), connection, thing("1", "Red thing"))
    wait_until(lambda: len(_layers()) == 1, 30, "the layer in the project")
    assert _layers()[0].name() == "Red thing" and _layers()[0].isValid()
    assert calls == [("adapter", False), ("sources", False)]


def test_a_dropped_reference_reads_details_then_loads_in_the_same_task(connection, qgis_iface):
    reference = CustomReference(connection, thing("2", "Green thing"), "Memory layer")
    add_reference_to_map(qgis_iface.messageBar(), reference)
    wait_until(lambda: len(_layers()) == 1, 30, "the layer in the project")
    assert _layers()[0].name() == "Green thing (details)"  # the source of the detailed resource
    assert calls == [("adapter", False), ("details", False), ("sources", False)]


def test_a_resource_without_a_source_is_a_warning_not_an_error(connection, qgis_iface):
    bar = qgis_iface.messageBar()
    bar.clear_messages()
    task = add_to_map(bar, connection, thing("none", "Shapeless thing"))
    wait_until(lambda: bar.get_messages(Qgis.MessageLevel.Warning), 30, "the warning")
    assert task is not None
    [warning] = bar.get_messages(Qgis.MessageLevel.Warning)
    assert "Shapeless thing cannot be added to the map" in warning
    assert bar.get_messages(Qgis.MessageLevel.Critical) == [] and _layers() == []
    assert [on_gui for what, on_gui in calls] == [False, False]
