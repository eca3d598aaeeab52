"""Geodock's version (read once from metadata.txt, the single source) and its User-Agent."""

from __future__ import annotations

import configparser
from functools import lru_cache
from pathlib import Path

from qgis.core import Qgis

PLUGIN_DIR = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def plugin_version() -> str:
    """The ``version`` of metadata.txt, e.g. ``"0.1.0"``."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(PLUGIN_DIR / "metadata.txt", encoding="utf-8")
    return parser.get("general", "version", fallback="0.0.0")


@lru_cache(maxsize=1)
def user_agent() -> str:
    """``Geodock/<version> QGIS/<version>``, sent with every request Geodock makes."""
    qgis_version = Qgis.version().split("-")[0]
    return f"Geodock/{plugin_version()} QGIS/{qgis_version}"
