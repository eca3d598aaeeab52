"""The "Geodock" tab of QGIS's log panel: every line goes through :func:`plugin.redact.redact` first."""

from __future__ import annotations

import threading

from qgis.core import Qgis, QgsMessageLog

from .errors import GeodockError
from .redact import MIN_SECRET_LENGTH, redact

TAG = "Geodock"

_known_secrets: set[str] = set()
_lock = threading.Lock()


def remember_secret(secret: str) -> None:
    """Mask ``secret`` in every later log line (called whenever a secret is read from the auth database).

    Only secrets of :data:`plugin.redact.MIN_SECRET_LENGTH` characters or more are kept: a shorter one
    (``wrong``) would mask parts of ordinary text; it is still masked where secrets appear (URLs, headers).
    """
    if secret and len(secret) >= MIN_SECRET_LENGTH:
        with _lock:
            _known_secrets.add(secret)


def clean(text: str) -> str:
    """``text`` with every known secret (as a whole token) and secret-looking part masked."""
    with _lock:
        secrets = tuple(sorted(_known_secrets))
    return redact(text, secrets)


def info(message: str) -> None:
    """Log ``message`` (secrets masked) as information."""
    QgsMessageLog.logMessage(clean(message), TAG, Qgis.MessageLevel.Info, notifyUser=False)


def warning(message: str) -> None:
    """Log ``message`` (secrets masked) as a warning."""
    QgsMessageLog.logMessage(clean(message), TAG, Qgis.MessageLevel.Warning, notifyUser=False)


def error(message: str) -> None:
    """Log ``message`` (secrets masked) as an error."""
    QgsMessageLog.logMessage(clean(message), TAG, Qgis.MessageLevel.Critical, notifyUser=False)


def exception(err: BaseException, context: str = "") -> str:
    """Log ``err`` with its details; returns the one-line message for the message bar."""
    if isinstance(err, GeodockError):
        message = err.message
        details = err.details
    else:
        message = f"{type(err).__name__}: {err}"
        details = ""
    line = f"{context}: {message}" if context else message
    error(line + (f"\n{details}" if details else ""))
    return clean(line)
