"""Connections to remote platforms: stored in QgsSettings, their secrets only in the QGIS auth database.

A connection is a name, a kind (a platform's, see :func:`.platforms.registry.kinds`), a base
URL, an auth config id, an auth style with its settings (:mod:`.auth_styles`: not secrets) and free options.
The JSON exchange format is ``{"connections": [{"name", "kind", "url", "authcfg"[, "auth"][, "options"]}]}``
(``"auth": {"style": "apikey_header", "header": "X-API-Key"}``); for headless and fleet set-ups an imported
entry may carry ``"credentials"`` (``{"token"}``, ``{"apikey"[, "header"|"query"]}``, ``{"username",
"password"[, "login_url"]}``), which the import stores as a new auth config, keeping only its id, and which
imply the style (:func:`.auth_styles.from_credentials`). An export never carries a secret.
A top-level ``"certificate_authorities": [pem paths]`` names CAs for QGIS to trust: they are trusted only when
the importer says so explicitly (``trust_certificates=True``), since a trusted CA vouches for any HTTPS site.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QObject, QUrl, pyqtSignal

from . import auth, auth_styles, log, settings
from .auth_styles import url_secret
from .errors import GeodockError
from .i18n import tr
from .platforms import registry
from .redact import redact_url

__all__ = ["Connection", "ConnectionConfigError", "ConnectionStore", "kind_title", "store", "url_secret"]


def kind_title(kind: str) -> str:
    """The platform's name for connections of ``kind`` (the kind itself when no platform has it)."""
    return tr(registry.platform(kind).title) if kind in registry.kinds() else kind


MAX_NAME = 100  # characters of a connection name (it titles menus, lists and messages)


class ConnectionConfigError(GeodockError):
    """A connection definition is invalid (bad kind, URL, name...)."""


@dataclass
class Connection:
    """One connection: name, platform kind, base URL, auth config id, auth style and options (never a secret)."""

    name: str
    kind: str
    url: str
    authcfg: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    auth_style: str = auth_styles.DEFAULT  # how the credentials go out (:mod:`.auth_styles`)
    auth_settings: dict[str, str] = field(default_factory=dict)  # header / parameter name, login URL

    def validate(self) -> None:
        """Raise :class:`ConnectionConfigError` with a clear message when the connection cannot work, or when
        its URL carries a secret (the URL is stored in plain text: secrets go to an authentication config)."""
        if not self.name.strip():
            raise ConnectionConfigError(tr("A connection needs a name"))
        if len(self.name) > MAX_NAME:
            raise ConnectionConfigError(tr("A connection name is at most {count} characters").format(count=MAX_NAME))
        if self.kind not in registry.kinds():
            raise ConnectionConfigError(
                tr("Unknown connection kind {kind!r} (one of {kinds})").format(
                    kind=self.kind, kinds=", ".join(registry.kinds())
                )
            )
        # Before anything that shows the URL: a URL with a key in it is never echoed, in any form.
        secret = url_secret(self.url)
        if secret is not None:
            raise ConnectionConfigError(
                tr(
                    "{name}: the URL carries a secret ({secret}). Remove it and put the key in an "
                    "authentication configuration: a URL is stored in plain text"
                ).format(name=self.name, secret=secret)
            )
        url = QUrl(self.url)
        if not url.isValid() or url.scheme() not in ("http", "https") or not url.host():
            shown = redact_url(self.url)
            shown = shown if len(shown) <= 80 else shown[:77] + "…"
            raise ConnectionConfigError(
                tr("{name}: the URL must be an http(s) address, not {url!r}").format(name=self.name, url=shown)
            )
        if url.userInfo():
            raise ConnectionConfigError(
                tr(
                    "{name}: the URL holds a user name or password. Remove it and put the credentials in an "
                    "authentication configuration: a URL is stored in plain text"
                ).format(name=self.name)
            )
        trouble = auth_styles.problem(self.auth_style, self.auth_settings, self.base_url)
        if trouble is not None:
            raise ConnectionConfigError(f"{self.name}: {trouble}")

    @property
    def base_url(self) -> str:
        """The URL with exactly one trailing slash."""
        return self.url.rstrip("/") + "/"

    def to_json(self) -> dict[str, Any]:
        """The exchange form: never a secret, only the auth config id."""
        data: dict[str, Any] = {"name": self.name, "kind": self.kind, "url": self.url, "authcfg": self.authcfg}
        style = auth_styles.style_to_json(self.auth_style, self.auth_settings)
        if style is not None:
            data["auth"] = style
        if self.options:
            data["options"] = dict(self.options)
        return data


class ConnectionStore(QObject):
    """All connections, read from and written to QgsSettings; ``changed`` fires after every change."""

    changed = pyqtSignal()

    def all(self) -> list[Connection]:
        """Every usable stored connection, sorted by name."""
        s = QgsSettings()
        s.beginGroup(settings.CONNECTIONS)
        ids = s.childGroups()
        s.endGroup()
        result = []
        for cid in ids:
            prefix = f"{settings.CONNECTIONS}/{cid}"
            options = _json_object(s.value(f"{prefix}/options", "{}"))
            style = str(s.value(f"{prefix}/auth_style", "") or "")
            connection = Connection(
                name=s.value(f"{prefix}/name", ""),
                kind=s.value(f"{prefix}/kind", ""),
                url=s.value(f"{prefix}/url", ""),
                authcfg=s.value(f"{prefix}/authcfg", ""),
                options=options,
                id=cid,
                auth_style=style,
                auth_settings=auth_styles.kept_settings(style, _json_object(s.value(f"{prefix}/auth_settings", "{}"))),
            )
            if _holds_secret(connection):
                continue
            result.append(connection)
        return sorted(result, key=lambda c: c.name.lower())

    def get(self, name: str) -> Optional[Connection]:
        """The connection named ``name``, or None."""
        for connection in self.all():
            if connection.name == name:
                return connection
        return None

    def require(self, name: str) -> Connection:
        """The connection named ``name``; ConnectionConfigError when there is none."""
        connection = self.get(name)
        if connection is None:
            known = ", ".join(c.name for c in self.all()) or "none"
            raise ConnectionConfigError(
                tr("No Geodock connection named {name!r} (known: {known})").format(name=name, known=known)
            )
        return connection

    def save(self, connection: Connection) -> None:
        """Add or update ``connection`` (by id); names stay unique."""
        connection.validate()
        for other in self.all():
            if other.name == connection.name and other.id != connection.id:
                raise ConnectionConfigError(
                    tr("A connection named {name!r} exists already").format(name=connection.name)
                )
        s = QgsSettings()
        prefix = f"{settings.CONNECTIONS}/{connection.id}"
        s.setValue(f"{prefix}/name", connection.name)
        s.setValue(f"{prefix}/kind", connection.kind)
        s.setValue(f"{prefix}/url", connection.url)
        s.setValue(f"{prefix}/authcfg", connection.authcfg)
        s.setValue(f"{prefix}/options", json.dumps(connection.options))
        s.setValue(f"{prefix}/auth_style", connection.auth_style)
        s.setValue(f"{prefix}/auth_settings", json.dumps(connection.auth_settings))
        self.changed.emit()

    def remove(self, connection: Connection) -> None:
        """Delete ``connection`` from the settings."""
        QgsSettings().remove(f"{settings.CONNECTIONS}/{connection.id}")
        QgsSettings().remove(f"{settings.CATALOG_FILTERS}/{connection.id}")  # its Catalog filters go with it
        self.changed.emit()

    # Exchange -----------------------------------------------------------------------------------

    def export_json(self, connections: Optional[list[Connection]] = None) -> dict[str, Any]:
        """The exchange form of ``connections`` (default: all), without secrets."""
        return {"connections": [c.to_json() for c in (connections if connections is not None else self.all())]}

    def export_file(self, path: Path, connections: Optional[list[Connection]] = None) -> int:
        """Write the exchange form to ``path``; the number of connections written."""
        data = self.export_json(connections)
        Path(path).write_text(json.dumps(data, indent=2), encoding="utf-8")
        return len(data["connections"])

    def import_json(self, data: Any, replace: bool = True, trust_certificates: bool = False) -> list[Connection]:
        """Import connections from the exchange format; returns them as stored.

        An entry with ``credentials`` gets a new Basic auth config holding them, and the style they imply
        (unless the entry names one in ``auth``). An existing connection of
        the same name is updated when ``replace`` (its id kept), else the entry is refused. The file's
        ``certificate_authorities`` are added to QGIS's trusted CAs only when ``trust_certificates``.
        """
        cas = certificate_authorities(data)
        parsed: list[tuple[Connection, Optional[dict[str, Any]]]] = []
        # Every entry is checked before anything is stored: a file with a bad entry imports nothing.
        for index, entry in enumerate(data["connections"]):
            connection, credentials = parse_entry(index, entry)
            if any(earlier.name == connection.name for earlier, _ in parsed):
                raise ConnectionConfigError(tr("{name}: named twice in the file").format(name=connection.name))
            parsed.append((connection, credentials))
        if cas and trust_certificates:
            auth.trust_certificate_authorities(cas)
        return [self._store_imported(connection, credentials, replace) for connection, credentials in parsed]

    def _store_imported(
        self, connection: Connection, credentials: Optional[dict[str, Any]], replace: bool
    ) -> Connection:
        """Save one checked entry of an import (over the same-named connection when ``replace``)."""
        existing = self.get(connection.name)
        if existing is not None:
            if not replace:
                raise ConnectionConfigError(
                    tr("A connection named {name!r} exists already").format(name=connection.name)
                )
            connection.id = existing.id
        if credentials:
            imported = check_credentials(connection, credentials)
            connection.authcfg = auth.create_basic_config(
                credentials_config_name(connection), imported.username, imported.secret
            )
        self.save(connection)
        if existing is not None and existing.authcfg not in ("", connection.authcfg):
            self._drop_own_config(existing)
        return connection

    def _drop_own_config(self, replaced: Connection) -> None:
        """Remove the auth config an earlier import made for ``replaced`` once nothing uses it (each import
        of a file with credentials makes a new one; the old one would stay in the database, unused)."""
        if auth.config_name(replaced.authcfg) != credentials_config_name(replaced):
            return  # the user's own config: never removed
        if any(other.authcfg == replaced.authcfg for other in self.all()):
            return
        auth.remove_config(replaced.authcfg)

    def import_file(self, path: str | Path, replace: bool = True, trust_certificates: bool = False) -> list[Connection]:
        """Import the connections file at ``path`` (see :meth:`import_json`)."""
        return self.import_json(read_connections_file(path), replace, trust_certificates)


def read_connections_file(path: str | Path) -> Any:
    """The parsed JSON of a connections file (checked further on import)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise ConnectionConfigError(
            tr("Cannot read {file}: {reason}").format(file=Path(path).name, reason=err.strerror)
        ) from None
    except ValueError as err:
        raise ConnectionConfigError(
            tr("{file} is not valid JSON: {reason}").format(file=Path(path).name, reason=err)
        ) from None


def certificate_authorities(data: Any) -> list[str]:
    """The CA files a connections document names (``certificate_authorities``); raises when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("connections"), list):
        raise ConnectionConfigError(tr('Not a Geodock connections file: expected {"connections": [...]}'))
    cas = data.get("certificate_authorities") or []
    if not isinstance(cas, list) or not all(isinstance(path, str) and path for path in cas):
        raise ConnectionConfigError(tr("certificate_authorities must be a list of certificate file paths"))
    return list(cas)


def parse_entry(index: int, entry: Any) -> tuple[Connection, Optional[dict[str, Any]]]:
    """Connection #``index + 1`` of an import, checked, with its ``credentials`` (None when it has none)."""
    number = index + 1
    if not isinstance(entry, dict):
        raise ConnectionConfigError(tr("Connection #{number} is not an object").format(number=number))
    fields = {key: entry.get(key) or "" for key in ("name", "kind", "url", "authcfg")}
    wrong = [key for key, value in fields.items() if not isinstance(value, str)]
    if wrong:
        raise ConnectionConfigError(
            tr("Connection #{number}: {fields} must be text").format(number=number, fields=", ".join(wrong))
        )
    options = entry.get("options") or {}
    if not isinstance(options, dict):
        raise ConnectionConfigError(tr("Connection #{number}: options must be an object").format(number=number))
    try:
        style, style_settings = auth_styles.style_from_json(entry.get("auth"))
    except ValueError as err:
        raise ConnectionConfigError(tr("Connection #{number}: {reason}").format(number=number, reason=err)) from None
    connection = Connection(
        name=fields["name"].strip(),
        kind=fields["kind"],
        url=fields["url"],
        authcfg=fields["authcfg"],
        options=dict(options),
        auth_style=style,
        auth_settings=style_settings,
    )
    connection.validate()
    credentials = entry.get("credentials")
    if credentials is not None:
        imported = check_credentials(connection, credentials)
        if "auth" not in entry:  # an explicit style wins over the one the credentials imply
            connection.auth_style, connection.auth_settings = imported.style, imported.settings
            connection.validate()
    elif connection.authcfg and not auth.config_exists(connection.authcfg):
        raise ConnectionConfigError(
            tr("{name}: authentication configuration {authcfg} is not in this QGIS").format(
                name=connection.name, authcfg=connection.authcfg
            )
        )
    return connection, credentials


_ignored: set[str] = set()  # ids of saved connections already reported as ignored


def _holds_secret(connection: Connection) -> bool:
    """Whether a saved connection's URL carries a secret (saved by an older version): such a connection is
    not used, and the log says so once."""
    shape = url_secret(connection.url)
    if shape is None:
        return False
    if connection.id not in _ignored:
        _ignored.add(connection.id)
        log.warning(
            f"Connection {connection.name!r} is not used: its saved URL carries a secret ({shape}), which QGIS's "
            f"settings keep in plain text. Remove {settings.CONNECTIONS}/{connection.id} (Settings ▸ Options ▸ "
            "Advanced) and add the connection again with the key in an authentication configuration."
        )
    return True


def credentials_config_name(connection: Connection) -> str:
    """The name of the auth config an import makes for ``connection``'s credentials."""
    return f"Geodock: {connection.name}"


def check_credentials(connection: Connection, credentials: Any) -> auth_styles.Imported:
    """The secret an imported ``credentials`` object holds and the style it implies; raises when unusable."""
    try:
        return auth_styles.from_credentials(credentials, _has_own_way(connection))
    except ValueError as err:
        raise ConnectionConfigError(f"{connection.name}: {err}") from None


def _has_own_way(connection: Connection) -> bool:
    """Whether ``connection``'s platform puts tokens and keys its own way (not only through a QGIS auth config)."""
    from .platforms import adapter_for
    from .platforms.auth_appliers import AuthConfigAuth

    default = Connection(connection.name, connection.kind, connection.url, id=connection.id)
    return not isinstance(adapter_for(default).auth, AuthConfigAuth)


def _json_object(raw: Any) -> dict[str, Any]:
    """A JSON object stored in the settings ({} when it is missing or not one)."""
    try:
        value = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


_store: Optional[ConnectionStore] = None


def store() -> ConnectionStore:
    """The process-wide connection store."""
    global _store
    if _store is None:
        _store = ConnectionStore()
    return _store
