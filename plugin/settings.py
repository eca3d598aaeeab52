"""Every QgsSettings key Geodock uses, in one place. No secret is ever stored here: only auth config ids."""

from __future__ import annotations

from typing import Any

from qgis.core import QgsSettings

ROOT = "geodock"
CONNECTIONS = f"{ROOT}/connections"  # CONNECTIONS/<slug>/{name,kind,url,authcfg,options}
LAST_FOLDER = f"{ROOT}/lastFolder"
JOBS = f"{ROOT}/jobs"  # JSON list of watched remote jobs (no secrets)
JOBS_UNREADABLE = f"{ROOT}/jobsUnreadable"  # a saved JOBS value that could not be read, kept for the user
CATALOG_CONNECTION = f"{ROOT}/catalog/connection"
CATALOG_FILTERS = f"{ROOT}/catalog/filters"  # CATALOG_FILTERS/<connection id>: JSON {facet: value}, no secrets
SQL_HISTORY = f"{ROOT}/sql/history"  # JSON list of recent AmigoCloud SQL queries, newest first


def value(key: str, default: Any = None) -> Any:
    """The QGIS setting ``key`` (``default`` when unset)."""
    return QgsSettings().value(key, default)


def set_value(key: str, data: Any) -> None:
    """Store ``data`` as the QGIS setting ``key``."""
    QgsSettings().setValue(key, data)


def remove(key: str) -> None:
    """Remove the QGIS setting ``key``."""
    QgsSettings().remove(key)
