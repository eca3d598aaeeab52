"""Every ref in the shipped registry rows names something that exists, and each capability's object has its
Protocol's methods: a typo in a row, or a capability class missing a method, fails here, not in a user's menu."""

from __future__ import annotations

import inspect

import pytest

from geodock.plugin.job_model import JobBackend
from geodock.plugin.platforms import capabilities, registry
from geodock.plugin.platforms.base import PlatformAdapter
from geodock.plugin.platforms.registry import Capability

PROTOCOLS = {
    Capability.EXPORT: capabilities.Exporter,
    Capability.SERVER_JOBS: capabilities.ServerJobs,
    Capability.UPLOAD: capabilities.Uploader,
    Capability.SQL: capabilities.SqlRunner,
    Capability.LIVE: capabilities.LiveData,
    Capability.CATALOG_FILTERS: capabilities.CatalogFilters,
    Capability.FEATURE_WRITE: capabilities.FeatureWriter,
}
SHIPPED = ("koordinates", "geobox", "amigocloud", "ogcapi-processes")


def refs(row: registry.Platform) -> list[str]:
    """Every ref a row holds."""
    ui = row.ui
    return [
        row.adapter,
        *row.capabilities.values(),
        *row.job_backends.values(),
        *row.algorithms,
        *([row.dynamic_algorithms] if row.dynamic_algorithms else []),
        *row.on_unload,
        *row.on_load,
        *([row.dynamic_refresh] if row.dynamic_refresh else []),
        *([ui.export_form] if ui.export_form else []),
        *([ui.catalog_filters] if ui.catalog_filters else []),
        *(dock[1] for dock in ui.docks),
        *(action[2] for action in ui.menu_actions + ui.layer_actions),
    ]


def test_the_four_platforms_are_registered_in_order():
    assert registry.kinds()[: len(SHIPPED)] == SHIPPED
    assert all(registry.supports(kind, Capability.BROWSE) for kind in SHIPPED)
    assert registry.supports("ogcapi-processes", Capability.PROCESSES)
    assert not registry.supports("ogcapi-processes", Capability.SERVER_JOBS)
    assert not registry.supports("no-such-kind", Capability.BROWSE)


@pytest.mark.parametrize("kind", SHIPPED)
def test_every_ref_loads(kind):
    for ref in refs(registry.platform(kind)):
        assert registry.load(ref) is not None, ref


@pytest.mark.parametrize("kind", SHIPPED)
def test_each_capability_has_its_protocol(kind):
    row = registry.platform(kind)
    assert issubclass(registry.load(row.adapter), PlatformAdapter)
    for backend in row.job_backends.values():
        assert issubclass(registry.load(backend), JobBackend), backend
    for cap, ref in row.capabilities.items():
        implementation = registry.load(ref)
        if cap in (Capability.BROWSE, Capability.PROCESSES):
            assert issubclass(implementation, PlatformAdapter), ref
            continue
        protocol = PROTOCOLS[cap]
        wanted = [name for name, _ in inspect.getmembers(protocol, inspect.isfunction) if not name.startswith("_")]
        missing = [name for name in wanted if not callable(getattr(implementation, name, None))]
        assert missing == [], f"{ref} lacks {missing} of {protocol.__name__}"


def test_a_relative_ref_is_the_plugins_and_loaded_imports_nothing():
    ref = ".plugin.platforms.registry:Capability"
    assert registry.load(ref) is Capability
    assert registry.loaded(ref) is Capability
    assert registry.loaded("geodock_no_such_module:thing") is None
