"""How each platform wants its credentials on a request (all read from the QGIS auth database).

Each applier is bound to its connection's URL (``origin``): the HTTP client and the provider preprocessor
call :meth:`apply` only for requests to that origin (:mod:`plugin.net.origin`), never for another host, port
or scheme, whatever URL a server hands over.
"""

from __future__ import annotations

import base64
from typing import Callable, Optional

from qgis.core import QgsFeedback
from qgis.PyQt.QtNetwork import QNetworkRequest

from .. import auth
from ..i18n import tr
from .base import set_query_item


class HeaderKeyAuth:
    """A token from a Basic config's password sent as ``Authorization: <scheme> <token>`` (Koordinates: ``key``)."""

    def __init__(self, authcfg: str, scheme: str, origin: str = "") -> None:
        """Send the token of config ``authcfg`` as ``<scheme> <token>`` to ``origin`` only."""
        self.authcfg = authcfg
        self.scheme = scheme
        self.origin = origin

    def describe(self) -> str:
        """What goes out, for the user."""
        return tr("the token as Authorization: {scheme} …").format(scheme=self.scheme)

    def apply(self, request: QNetworkRequest) -> None:
        """Set the ``Authorization`` header from the config's token (nothing when there is none)."""
        credentials = auth.read_credentials(self.authcfg)
        if credentials and credentials.password:
            request.setRawHeader(b"Authorization", f"{self.scheme} {credentials.password}".encode())

    def renew(self, feedback: Optional[QgsFeedback]) -> bool:
        """A key does not expire: nothing to renew."""
        return False


class QueryTokenAuth:
    """A token from a Basic config's password sent as a query parameter (AmigoCloud ``token``)."""

    def __init__(self, authcfg: str, parameter: str, origin: str = "") -> None:
        """Send the token of config ``authcfg`` as query parameter ``parameter`` to ``origin`` only."""
        self.authcfg = authcfg
        self.parameter = parameter
        self.origin = origin

    def describe(self) -> str:
        """What goes out, for the user."""
        return tr("the token as the query parameter ?{name}=").format(name=self.parameter)

    def apply(self, request: QNetworkRequest) -> None:
        """Add the config's token as the query parameter (nothing when there is none)."""
        credentials = auth.read_credentials(self.authcfg)
        if credentials and credentials.password:
            set_query_item(request, self.parameter, credentials.password)

    def renew(self, feedback: Optional[QgsFeedback]) -> bool:
        """A token does not expire: nothing to renew."""
        return False


class AuthConfigAuth:
    """QGIS's own handling of any auth config (Basic, OAuth2, PKI...) -- for standard HTTP auth."""

    def __init__(self, authcfg: str, origin: str = "") -> None:
        """Apply config ``authcfg`` to requests to ``origin`` only."""
        self.authcfg = authcfg
        self.origin = origin

    def describe(self) -> str:
        """What goes out, for the user."""
        return tr("what QGIS's authentication method makes of the configuration (Basic, OAuth2, PKI…)")

    def apply(self, request: QNetworkRequest) -> None:
        """Let QGIS's auth manager authenticate the request with the config."""
        if self.authcfg:
            auth.update_network_request(request, self.authcfg)

    def renew(self, feedback: Optional[QgsFeedback]) -> bool:
        """QGIS renews what it manages: nothing to do here."""
        return False


class LoginTokenAuth:
    """Username/password exchanged for a bearer token (kept in memory, renewed once on a 401).

    A Basic config whose username is one of ``key_usernames`` is sent as the ``key_parameter`` query parameter
    instead, one whose username is one of ``token_usernames`` holds a ready-made bearer token (Geobox: ``apikey``
    and ``token``; the generic login style has neither: every config logs in).
    """

    def __init__(
        self,
        authcfg: str,
        login: Callable[[str, str, Optional[QgsFeedback]], str],
        key_parameter: str = "apikey",
        origin: str = "",
        key_usernames: tuple[str, ...] = ("", "apikey"),
        token_usernames: tuple[str, ...] = ("token",),
        cache_key: str = "",
    ) -> None:
        """``login(username, password, feedback)`` returns a token; API keys go as ``key_parameter``."""
        self.authcfg = authcfg
        self.login = login
        self.key_parameter = key_parameter
        self.origin = origin
        self.key_usernames = key_usernames
        self.token_usernames = token_usernames
        self.cache_key = cache_key

    def describe(self) -> str:
        """What goes out, for the user."""
        if not self.key_usernames:
            return tr("a bearer token from a login with the user name and password")
        return tr(
            "a bearer token from a login with the user name and password; a ready-made access token (user name "
            "“token”) as Bearer; an API key (user name “apikey”) as ?{name}="
        ).format(name=self.key_parameter)

    def _key(self) -> str:
        """The key of this config's token in :data:`plugin.auth.tokens`."""
        return f"login:{self.authcfg}:{self.cache_key}" if self.cache_key else f"login:{self.authcfg}"

    def _logs_in(self, credentials: Optional[auth.Credentials]) -> bool:
        """Whether ``credentials`` are a username and password to log in with (not a key or a token)."""
        return credentials is not None and credentials.username not in self.key_usernames + self.token_usernames

    def apply(self, request: QNetworkRequest) -> None:
        """Add the API key, the ready-made token, or the bearer token held from the last login (no network call)."""
        credentials = auth.read_credentials(self.authcfg)
        if not credentials:
            return
        if credentials.username in self.token_usernames:
            if credentials.password:
                request.setRawHeader(b"Authorization", f"Bearer {credentials.password}".encode())
            return
        if credentials.username in self.key_usernames:
            set_query_item(request, self.key_parameter, credentials.password)
            return
        token = auth.tokens.get(self._key())
        if token:
            request.setRawHeader(b"Authorization", f"Bearer {token}".encode())

    def ensure_token(self, feedback: Optional[QgsFeedback] = None, force: bool = False) -> None:
        """Log in (a network call: worker threads only) unless a token is already held."""
        credentials = auth.read_credentials(self.authcfg)
        if credentials is None or not self._logs_in(credentials):
            return
        if force:
            auth.tokens.drop(self._key())
        if auth.tokens.get(self._key()) is None:
            auth.tokens.put(self._key(), self.login(credentials.username, credentials.password, feedback))

    def renew(self, feedback: Optional[QgsFeedback]) -> bool:
        """Log in again after a 401 (not for API keys or ready-made tokens); ``True`` when the request may be
        retried."""
        if not self._logs_in(auth.read_credentials(self.authcfg)):
            return False
        self.ensure_token(feedback, force=True)
        return True


class ApiKeyHeaderAuth:
    """A key from a Basic config's password sent as a header of its own (``X-API-Key: <key>``)."""

    def __init__(self, authcfg: str, header: str, origin: str = "") -> None:
        """Send the key of config ``authcfg`` as header ``header`` to ``origin`` only."""
        self.authcfg = authcfg
        self.header = header
        self.origin = origin

    def describe(self) -> str:
        """What goes out, for the user."""
        return tr("the key as the header {header}: …").format(header=self.header)

    def apply(self, request: QNetworkRequest) -> None:
        """Set the header from the config's key (nothing when there is none)."""
        credentials = auth.read_credentials(self.authcfg)
        if credentials and credentials.password:
            request.setRawHeader(self.header.encode("ascii"), credentials.password.encode())

    def renew(self, feedback: Optional[QgsFeedback]) -> bool:
        """A key does not expire: nothing to renew."""
        return False


class BasicAuth:
    """HTTP Basic from a Basic config's username and password (no other auth method)."""

    def __init__(self, authcfg: str, origin: str = "") -> None:
        """Send config ``authcfg``'s username and password to ``origin`` only."""
        self.authcfg = authcfg
        self.origin = origin

    def describe(self) -> str:
        """What goes out, for the user."""
        return tr("the user name and password as HTTP Basic")

    def apply(self, request: QNetworkRequest) -> None:
        """Set ``Authorization: Basic`` (nothing for no config or another method)."""
        credentials = auth.read_credentials(self.authcfg)
        if credentials and (credentials.username or credentials.password):
            pair = base64.b64encode(f"{credentials.username}:{credentials.password}".encode()).decode()
            request.setRawHeader(b"Authorization", f"Basic {pair}".encode())

    def renew(self, feedback: Optional[QgsFeedback]) -> bool:
        """A password does not expire: nothing to renew."""
        return False


class NoAuth:
    """No credentials at all, whatever auth config the connection names."""

    def __init__(self, origin: str = "") -> None:
        """Nothing for ``origin``."""
        self.authcfg = ""
        self.origin = origin

    def describe(self) -> str:
        """What goes out, for the user."""
        return tr("nothing")

    def apply(self, request: QNetworkRequest) -> None:
        """Leave ``request`` as it is."""

    def renew(self, feedback: Optional[QgsFeedback]) -> bool:
        """Nothing to renew."""
        return False
