"""The auth applier of a connection's auth style (:mod:`plugin.auth_styles`), or the platform's own one.

Every applier is bound to the connection's URL (``origin``): its credentials go to that origin only
(:mod:`plugin.net.origin`). The login style is the one exception that sends something elsewhere, and only by
the user's explicit choice: the username and password go to the configured login URL, a POST that the client
never lets a redirect carry to another origin; the token that comes back goes to the connection's origin only.
No URL a server hands over is ever used as a login URL.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional

from qgis.core import QgsFeedback

from .. import auth_styles
from ..errors import AuthenticationError
from ..i18n import tr
from .auth_appliers import (
    ApiKeyHeaderAuth,
    AuthConfigAuth,
    BasicAuth,
    HeaderKeyAuth,
    LoginTokenAuth,
    NoAuth,
    QueryTokenAuth,
)

if TYPE_CHECKING:
    from ..connections import Connection
    from ..net.client import HttpClient

_TOKEN = re.compile(r"^[\x21-\x7e]{1,8192}$")  # visible ASCII: nothing that could break out of a header


def login_for_token(client: HttpClient, url: str, username: str, password: str, feedback: Optional[QgsFeedback]) -> str:
    """POST ``username`` and ``password`` (an OAuth2 password grant, form-encoded) to ``url``; the token.

    Blocking: worker threads only. The answer must be JSON with ``access_token`` (or ``token``).
    """
    from ..net.client import HttpRequest

    form = {"grant_type": "password", "username": username, "password": password}
    data = client.send(HttpRequest(url, "POST", form=form, retries=0, timeout=30), feedback).json()
    token = (data.get("access_token") or data.get("token")) if isinstance(data, dict) else None
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise AuthenticationError(tr("The login answered without a usable access token"), 401)
    return token


def styled_auth(connection: Connection, client: HttpClient, default: Any) -> Any:
    """The applier for ``connection``'s auth style; ``default`` is the platform's own applier."""
    style, settings = connection.auth_style, connection.auth_settings
    cfg, origin = connection.authcfg, connection.url
    if style == auth_styles.NONE:
        return NoAuth(origin)
    if style == auth_styles.BASIC:
        return BasicAuth(cfg, origin)
    if style == auth_styles.BEARER:
        return HeaderKeyAuth(cfg, "Bearer", origin)
    if style == auth_styles.APIKEY_HEADER:
        return ApiKeyHeaderAuth(cfg, auth_styles.header_name(settings), origin)
    if style == auth_styles.APIKEY_QUERY:
        return QueryTokenAuth(cfg, auth_styles.parameter_name(settings), origin)
    if style == auth_styles.QGIS:
        return AuthConfigAuth(cfg, origin)
    if style == auth_styles.LOGIN:
        url = auth_styles.login_url(settings, connection.base_url)
        return LoginTokenAuth(
            cfg,
            lambda username, password, feedback: login_for_token(client, url, username, password, feedback),
            origin=origin,
            key_usernames=(),
            token_usernames=(),
            cache_key=url,
        )
    return default
