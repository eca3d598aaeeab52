"""A test-only platform: one package and one registry row, outside ``plugin/`` and ``ui/``.

``tests/test_platform_registry.py`` registers :func:`row` and finds the platform in the connection editor, the
Catalog dock, the Browser and Processing: adding a platform touches no file of the plugin. Its refs are absolute
module paths (this folder is importable because ``tests/`` is on ``sys.path``).
"""

from __future__ import annotations

from geodock.plugin.platforms.registry import Capability, Platform

KIND = "toy"
TITLE = "Toy"
URL_EXAMPLE = "https://toy.example/api/"


def row() -> Platform:
    """The toy platform's registry row: a title, a URL example, an adapter that browses, one algorithm."""
    adapter = "toy_platform.adapter:ToyAdapter"
    return Platform(
        kind=KIND,
        title=TITLE,
        url_example=URL_EXAMPLE,
        adapter=adapter,
        capabilities={Capability.BROWSE: adapter},
        algorithms=("toy_platform.algorithm:ToyAlgorithm",),
    )
