"""Credentials for QGIS's own providers (WFS, XYZ/WMTS, vector tiles) talking to a Geodock connection.

A loaded layer's source never carries a secret. While Geodock is loaded, a ``QgsNetworkAccessManager``
request preprocessor recognises requests to a connection's service URLs and adds that connection's
credentials the platform's way (``Authorization: key``, ``?apikey=``, ``?token=``...), at request time,
in whichever thread the provider runs. Requests Geodock's own client made are already authenticated and
left alone. A ``Basic`` header that a layer's ``authcfg`` produced is replaced by the platform's scheme.

Credentials go only to the connection's own origin (:func:`plugin.net.origin.may_authenticate`). A request
given a query secret (``?token=``, ``?apikey=``) is kept out of QGIS's network disk cache, which would store
its URL: it is neither saved there nor answered from there.
"""

from __future__ import annotations

import threading
import traceback
from typing import Any, Optional

from qgis.core import QgsNetworkAccessManager
from qgis.PyQt.QtCore import QByteArray
from qgis.PyQt.QtNetwork import QNetworkRequest

from . import log
from .connections import ConnectionStore
from .errors import GeodockError
from .net.exchange import GEODOCK_REQUEST_ATTRIBUTE
from .net.origin import Origin, may_authenticate, origin_of
from .platforms import adapter_for
from .platforms.auth_appliers import AuthConfigAuth, NoAuth


def keep_off_disk_cache(request: QNetworkRequest) -> None:
    """Neither save ``request``'s answer to QGIS's network disk cache nor answer it from there."""
    request.setAttribute(QNetworkRequest.Attribute.CacheSaveControlAttribute, False)
    request.setAttribute(
        QNetworkRequest.Attribute.CacheLoadControlAttribute, QNetworkRequest.CacheLoadControl.AlwaysNetwork
    )


class ProviderAuth:
    """Installs/uninstalls the preprocessor and keeps its URL-prefix rules in step with the connections."""

    def __init__(self, store: ConnectionStore) -> None:
        """Rules from the connections of ``store`` (none until :meth:`install`)."""
        self.store = store
        self._rules: list[tuple[str, Any, Origin]] = []
        self._lock = threading.Lock()
        self._id: Optional[str] = None

    @property
    def installed(self) -> bool:
        """Whether the preprocessor is installed."""
        return self._id is not None

    def install(self) -> None:
        """Install the preprocessor and follow connection changes (idempotent)."""
        if self._id is not None:
            return
        self.refresh()
        self._id = QgsNetworkAccessManager.setRequestPreprocessor(self._preprocess)
        self.store.changed.connect(self.refresh)

    def uninstall(self) -> None:
        """Remove the preprocessor and forget the rules (idempotent)."""
        if self._id is None:
            return
        QgsNetworkAccessManager.removeRequestPreprocessor(self._id)
        self._id = None
        try:
            self.store.changed.disconnect(self.refresh)
        except TypeError:
            pass
        with self._lock:
            self._rules = []

    def refresh(self) -> None:
        """Rebuild the URL-prefix rules from the connections (longest prefix first)."""
        rules: list[tuple[str, Any, Origin]] = []
        for connection in self.store.all():
            if not connection.authcfg:
                continue
            try:
                adapter = adapter_for(connection)
            except (KeyError, GeodockError):
                continue
            if isinstance(adapter.auth, (AuthConfigAuth, NoAuth)):
                continue  # standard HTTP auth: QGIS applies the layer's own authcfg; or nothing to add
            for prefix in adapter.service_prefixes():
                rules.append((prefix, adapter.auth, origin_of(prefix)))
        rules.sort(key=lambda rule: len(rule[0]), reverse=True)
        with self._lock:
            self._rules = rules

    def applier_for(self, url: str) -> Any:
        """The auth applier of the connection whose service prefix ``url`` starts with (None: no connection's),
        when ``url`` is on that connection's origin."""
        with self._lock:
            rules = self._rules
        for prefix, applier, origin in rules:
            if url.startswith(prefix):
                return applier if may_authenticate(url, applier, origin) else None
        return None

    def _preprocess(self, request: QNetworkRequest) -> None:
        """Authenticate a provider's request to a connection's service (not Geodock's own requests)."""
        try:
            if request.attribute(GEODOCK_REQUEST_ATTRIBUTE):
                return
            applier = self.applier_for(request.url().toString())
            if applier is None:
                return
            if bytes(request.rawHeader(b"Authorization")).startswith(b"Basic "):
                request.setRawHeader(b"Authorization", QByteArray())
            before = request.url()
            applier.apply(request)
            if request.url() != before:  # a query secret: its URL must not be written to the disk cache
                keep_off_disk_cache(request)
        except Exception:  # never let an exception cross into QGIS's network code
            log.error(f"Geodock could not authenticate a provider request\n{traceback.format_exc()}")
