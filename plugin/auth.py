"""Credentials, kept only in the QGIS authentication database.

QGIS 3.22 has no "API header" auth method, so a platform token or key lives in a **Basic** auth config
(its password field; the username says what it is, e.g. ``apikey``) and is read back at request time.
A Geobox username/password config is exchanged for a bearer token kept in memory only.
Every secret read here is registered with :func:`plugin.log.remember_secret`, so no log line can show it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from qgis.core import QgsApplication, QgsAuthCertUtils, QgsAuthMethodConfig
from qgis.PyQt.QtCore import QCryptographicHash
from qgis.PyQt.QtNetwork import QNetworkRequest, QSslCertificate

from . import log
from .errors import AuthenticationError, GeodockError
from .i18n import tr

BASIC = "Basic"


@dataclass(frozen=True)
class Credentials:
    """The username and password of a Basic auth config (the password may be a token or key)."""

    username: str
    password: str


class AuthDatabaseError(GeodockError):
    """The QGIS authentication database is locked or refused an operation."""


def _manager():
    """QGIS's authentication manager."""
    return QgsApplication.authManager()


_AUTH_LOCK = threading.RLock()


@contextmanager
def serialized() -> Iterator[None]:
    """Run Geodock's auth-database calls one at a time, whatever thread they come from.

    QGIS 3.22's ``QgsAuthManager`` takes its two mutexes in opposite orders in ``storeAuthenticationConfig``
    and ``loadAuthenticationConfig``: saving a connection's credentials on the GUI thread while a task reads
    credentials deadlocks both, and QGIS freezes (reproduced; ``tests/test_auth_concurrency.py``). Not while
    the database is still locked: unlocking may need the GUI thread (the master password prompt), which must
    not be waiting here then.
    """
    if not _manager().masterPasswordIsSet():
        yield
        return
    with _AUTH_LOCK:
        yield


def ensure_unlocked() -> None:
    """Make sure the auth database can be used (asks QGIS for the master password if needed)."""
    manager = _manager()
    if manager.isDisabled():
        raise AuthDatabaseError(tr("The QGIS authentication system is disabled"), manager.disabledMessage())
    if manager.masterPasswordIsSet():
        return
    # Headless (qgis_process, servers): the QGIS way is a password file named by QGIS_AUTH_PASSWORD_FILE.
    # QGIS reads it itself when the database already has a master password; a new database is set up here.
    password_file = os.environ.get("QGIS_AUTH_PASSWORD_FILE", "")
    if password_file and Path(password_file).is_file():
        password = Path(password_file).read_text(encoding="utf-8").strip()
        if password and manager.setMasterPassword(password, True):
            return
        raise AuthDatabaseError(
            tr("The password in QGIS_AUTH_PASSWORD_FILE does not unlock the QGIS authentication database")
        )
    if not manager.setMasterPassword(True):
        raise AuthDatabaseError(
            tr("The QGIS authentication database is locked: set or enter its master password"),
            "Headless runs can unlock it with QGIS_AUTH_PASSWORD_FILE.",
        )


def create_basic_config(name: str, username: str, password: str) -> str:
    """Store a new Basic auth config and return its id."""
    ensure_unlocked()
    config = QgsAuthMethodConfig(BASIC)
    config.setName(name)
    config.setConfig("username", username)
    config.setConfig("password", password)
    config.setConfig("realm", "")
    with serialized():
        ok = _manager().storeAuthenticationConfig(config)
    stored = ok[0] if isinstance(ok, tuple) else ok
    if not stored or not config.id():
        raise AuthDatabaseError(
            tr("Could not store the credentials of {name} in the QGIS authentication database").format(name=name)
        )
    log.remember_secret(password)
    return config.id()


def config_exists(authcfg: str) -> bool:
    """Whether the auth database holds config ``authcfg``."""
    with serialized():
        return bool(authcfg) and authcfg in _manager().configIds()


def config_name(authcfg: str) -> str:
    """The name of auth config ``authcfg`` ('' when there is none); reads no secret."""
    if not authcfg:
        return ""
    with serialized():
        config = _manager().availableAuthMethodConfigs().get(authcfg)
    return config.name() if config is not None else ""


def remove_config(authcfg: str) -> bool:
    """Remove auth config ``authcfg`` from the QGIS authentication database."""
    ensure_unlocked()
    with serialized():
        return bool(_manager().removeAuthenticationConfig(authcfg))


_held = threading.local()


@contextmanager
def credentials_held() -> Iterator[None]:
    """Within, this thread reads each config's credentials from the database once (a batch of requests: a sync's
    thousand writes read them once, not twice per request); they are kept in memory only, and forgotten after."""
    outer = getattr(_held, "cache", None)
    if outer is None:
        _held.cache = {}
    try:
        yield
    finally:
        if outer is None:
            _held.cache = None


def read_credentials(authcfg: str) -> Optional[Credentials]:
    """Username and password of Basic config ``authcfg``; None for no config or another method."""
    if not authcfg:
        return None
    cache: Optional[dict[str, Optional[Credentials]]] = getattr(_held, "cache", None)
    if cache is not None:
        if authcfg not in cache:
            cache[authcfg] = _load_credentials(authcfg)
        return cache[authcfg]
    return _load_credentials(authcfg)


def _load_credentials(authcfg: str) -> Optional[Credentials]:
    """``read_credentials`` from the database."""
    manager = _manager()
    config = QgsAuthMethodConfig()
    with serialized():
        if authcfg not in manager.configIds():
            raise AuthenticationError(
                tr("Authentication configuration {authcfg} does not exist").format(authcfg=authcfg), 401
            )
        loaded = manager.loadAuthenticationConfig(authcfg, config, True)
    ok = loaded[0] if isinstance(loaded, tuple) else loaded
    if isinstance(loaded, tuple) and len(loaded) > 1:
        config = loaded[1]
    if not ok:
        raise AuthenticationError(
            tr("The authentication configuration could not be read (is the database unlocked?)"), 401
        )
    if config.method() != BASIC:
        return None
    password = config.config("password", "")
    log.remember_secret(password)
    return Credentials(config.config("username", ""), password)


def method_of(authcfg: str) -> str:
    """The auth method key of ``authcfg`` (e.g. ``Basic``, ``OAuth2``), '' when there is none."""
    if not authcfg:
        return ""
    with serialized():
        return _manager().configAuthMethodKey(authcfg)


def update_network_request(request: QNetworkRequest, authcfg: str) -> bool:
    """Let QGIS's auth method of ``authcfg`` (Basic, OAuth2, PKI...) authenticate ``request``."""
    with serialized():
        return bool(_manager().updateNetworkRequest(request, authcfg))


@dataclass(frozen=True)
class CertificateAuthority:
    """A certificate read from a CA file, with what a user needs to decide whether to trust it."""

    path: str
    subject: str
    sha256: str  # colon-separated hex, as certificate viewers show it
    certificate: QSslCertificate


def read_certificate_authorities(paths: list[str]) -> list[CertificateAuthority]:
    """The certificates in the PEM files ``paths`` (a missing file is logged and skipped); trusts nothing."""
    found = []
    for path in paths:
        if not Path(path).is_file():
            log.warning(f"Certificate authority file {path} not found")
            continue
        for cert in QgsAuthCertUtils.certsFromFile(path):
            hexed = bytes(cert.digest(QCryptographicHash.Algorithm.Sha256).toHex()).decode().upper()
            digest = ":".join(hexed[i : i + 2] for i in range(0, len(hexed), 2))
            subject = cert.subjectDisplayName() or QgsAuthCertUtils.resolvedCertName(cert) or "?"
            found.append(CertificateAuthority(path, subject, digest, cert))
    return found


def trust_certificate_authorities(paths: list[str]) -> int:
    """Add the PEM certificate authorities in ``paths`` to QGIS's trusted CAs; returns how many.

    Only on an explicit choice: a trusted CA vouches for any HTTPS site, in QGIS and every plugin."""
    return trust_certificates([found.certificate for found in read_certificate_authorities(paths)])


def trust_certificates(certificates: list[QSslCertificate]) -> int:
    """Add ``certificates`` to QGIS's trusted CAs (the exact ones a user was shown); returns how many."""
    manager = _manager()
    stored = []
    with serialized():
        for cert in certificates:
            if manager.storeCertAuthority(cert):
                stored.append(cert.subjectDisplayName())
        if stored:
            manager.rebuildCaCertsCache()
            manager.rebuildTrustedCaCertsCache()
    for subject in stored:
        log.info(f"Trusted certificate authority {subject}")
    return len(stored)


class TokenCache:
    """Short-lived tokens (e.g. Geobox bearer tokens) in memory, per auth config; thread-safe."""

    def __init__(self) -> None:
        """An empty cache."""
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Optional[str]:
        """The token held under ``key``, or None."""
        with self._lock:
            return self._tokens.get(key)

    def put(self, key: str, token: str) -> None:
        """Hold ``token`` under ``key`` (and mask it in logs from now on)."""
        log.remember_secret(token)
        with self._lock:
            self._tokens[key] = token

    def drop(self, key: str) -> None:
        """Forget the token under ``key``."""
        with self._lock:
            self._tokens.pop(key, None)

    def clear(self) -> None:
        """Forget every token."""
        with self._lock:
            self._tokens.clear()


tokens = TokenCache()
