"""Geodock's own User-Agent on Geodock's requests (a QgsNetworkAccessManager request preprocessor)."""

from __future__ import annotations

from typing import Optional

from qgis.core import QgsNetworkAccessManager
from qgis.PyQt.QtNetwork import QNetworkRequest

from ..version import user_agent
from .exchange import GEODOCK_REQUEST_ATTRIBUTE

_ua_preprocessor_id: Optional[str] = None


def _set_user_agent(request: QNetworkRequest) -> None:
    """Give Geodock's own requests Geodock's User-Agent (the preprocessor)."""
    # QgsNetworkAccessManager sets its own User-Agent on every request before the preprocessors run.
    if request.attribute(GEODOCK_REQUEST_ATTRIBUTE):
        request.setRawHeader(b"User-Agent", user_agent().encode())


def install_user_agent() -> None:
    """Make Geodock's requests carry Geodock's User-Agent (idempotent)."""
    global _ua_preprocessor_id
    if _ua_preprocessor_id is None:
        _ua_preprocessor_id = QgsNetworkAccessManager.setRequestPreprocessor(_set_user_agent)


def uninstall_user_agent() -> None:
    """Remove the User-Agent preprocessor (idempotent)."""
    global _ua_preprocessor_id
    if _ua_preprocessor_id is not None:
        QgsNetworkAccessManager.removeRequestPreprocessor(_ua_preprocessor_id)
        _ua_preprocessor_id = None
