"""How each platform wants its credentials on a request (all read from the QGIS auth database).

Each applier is bound to its connection's URL (``origin``): the HTTP client and the provider preprocessor
call :meth:`apply` only for requests to that origin (:mod:`plugin.net.origin`), never for another host, port
or scheme, whatever URL a server hands over.
"""

from __future__ import annotations

from typing import Callable, Optional

from qgis.core import QgsFeedback
from qgis.PyQt.QtNetwork import QNetworkRequest

from .. import auth
from .base import set_query_item


class HeaderKeyAuth:
    """A token from a Basic config's password sent as ``Authorization: <scheme> <token>`` (Koordinates: ``key``)."""

    def __init__(self, authcfg: str, scheme: str, origin: str = "") -> None:
        """Send the token of config ``authcfg`` as ``<scheme> <token>`` to ``origin`` only."""
        self.authcfg = authcfg
        self.scheme = scheme
        self.origin = origin

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

    def apply(self, request: QNetworkRequest) -> None:
        """Let QGIS's auth manager authenticate the request with the config."""
        if self.authcfg:
            auth.update_network_request(request, self.authcfg)

    def renew(self, feedback: Optional[QgsFeedback]) -> bool:
        """QGIS renews what it manages: nothing to do here."""
        return False


class LoginTokenAuth:
    """Username/password exchanged for a bearer token (kept in memory, renewed once on a 401);
    a Basic config whose username is ``apikey`` (or empty) is sent as the ``apikey`` query parameter instead."""

    def __init__(
        self,
        authcfg: str,
        login: Callable[[str, str, Optional[QgsFeedback]], str],
        key_parameter: str = "apikey",
        origin: str = "",
    ) -> None:
        """``login(username, password, feedback)`` returns a token; API keys go as ``key_parameter``."""
        self.authcfg = authcfg
        self.login = login
        self.key_parameter = key_parameter
        self.origin = origin

    def _key(self) -> str:
        """The key of this config's token in :data:`plugin.auth.tokens`."""
        return f"login:{self.authcfg}"

    def apply(self, request: QNetworkRequest) -> None:
        """Add the API key, or the bearer token held from the last login (no network call)."""
        credentials = auth.read_credentials(self.authcfg)
        if not credentials:
            return
        if credentials.username in ("", "apikey", "token"):
            set_query_item(request, self.key_parameter, credentials.password)
            return
        token = auth.tokens.get(self._key())
        if token:
            request.setRawHeader(b"Authorization", f"Bearer {token}".encode())

    def ensure_token(self, feedback: Optional[QgsFeedback] = None, force: bool = False) -> None:
        """Log in (a network call: worker threads only) unless a token is already held."""
        credentials = auth.read_credentials(self.authcfg)
        if not credentials or credentials.username in ("", "apikey", "token"):
            return
        if force:
            auth.tokens.drop(self._key())
        if auth.tokens.get(self._key()) is None:
            auth.tokens.put(self._key(), self.login(credentials.username, credentials.password, feedback))

    def renew(self, feedback: Optional[QgsFeedback]) -> bool:
        """Log in again after a 401 (not for API keys); ``True`` when the request may be retried."""
        credentials = auth.read_credentials(self.authcfg)
        if not credentials or credentials.username in ("", "apikey", "token"):
            return False
        self.ensure_token(feedback, force=True)
        return True
