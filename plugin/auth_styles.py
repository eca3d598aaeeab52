"""How a connection authenticates (its *auth style*), and the checks on what a connection may store.

A style and its settings are not secrets: they live on the :class:`~plugin.connections.Connection` (settings,
exports), while the secret itself (token, key, password) stays in the QGIS auth database, in the connection's
auth config. The styles:

* ``""`` the platform's own way (what each platform did before styles existed: Koordinates ``Authorization:
  key``, AmigoCloud ``?token=``, Geobox login or ``?apikey=``, OGC API the QGIS auth config);
* ``none``; ``basic`` (HTTP Basic from a Basic config); ``bearer`` (``Authorization: Bearer <password>``);
* ``apikey_header`` (a header, ``X-API-Key`` unless ``header`` names another); ``apikey_query`` (a query
  parameter, ``apikey`` unless ``parameter`` names another);
* ``login`` (username and password POSTed to ``login_url`` for a token kept in memory, renewed once on a 401);
* ``qgis`` (QGIS's own handling of any auth method: Basic, OAuth2, PKI...).

Nothing here touches the network; :mod:`plugin.platforms.styled_auth` builds the appliers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional
from urllib.parse import unquote

from qgis.PyQt.QtCore import QUrl

from .i18n import QT_TRANSLATE_NOOP, tr
from .redact import SECRET_PARAMS

DEFAULT, NONE, BASIC, BEARER, APIKEY_HEADER, APIKEY_QUERY, LOGIN, QGIS = (
    "",
    "none",
    "basic",
    "bearer",
    "apikey_header",
    "apikey_query",
    "login",
    "qgis",
)
STYLES = (DEFAULT, NONE, BASIC, BEARER, APIKEY_HEADER, APIKEY_QUERY, LOGIN, QGIS)
TITLES = {
    DEFAULT: QT_TRANSLATE_NOOP("@default", "The platform's own way"),
    NONE: QT_TRANSLATE_NOOP("@default", "None"),
    BASIC: QT_TRANSLATE_NOOP("@default", "Basic (user name and password)"),
    BEARER: QT_TRANSLATE_NOOP("@default", "Bearer token"),
    APIKEY_HEADER: QT_TRANSLATE_NOOP("@default", "API key in a header"),
    APIKEY_QUERY: QT_TRANSLATE_NOOP("@default", "API key in a query parameter"),
    LOGIN: QT_TRANSLATE_NOOP("@default", "Login for a token"),
    QGIS: QT_TRANSLATE_NOOP("@default", "QGIS authentication method (OAuth2, PKI…)"),
}
HEADER, PARAMETER, LOGIN_URL = "header", "parameter", "login_url"
SETTING_OF = {APIKEY_HEADER: HEADER, APIKEY_QUERY: PARAMETER, LOGIN: LOGIN_URL}
DEFAULT_HEADER = "X-API-Key"
DEFAULT_PARAMETER = "apikey"

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")  # an RFC 9110 token
# Headers that steer the HTTP exchange itself, or go to a proxy: never a place for a key.
_RESERVED_HEADERS = {
    "host",
    "content-length",
    "content-type",
    "content-encoding",
    "transfer-encoding",
    "connection",
    "upgrade",
    "te",
    "trailer",
    "expect",
    "range",
    "if-range",
    "proxy-authorization",
    "cookie",
}
_PARAMETER_NAME = re.compile(r"^[A-Za-z0-9_.~-]{1,100}$")

_SECRET_NAMES = "|".join(re.escape(name) for name in SECRET_PARAMS)
# "?token=", "&apikey=" and the matrix form "/services;key=KEY/": a parameter named like a secret, in the
# query or as a path (matrix) parameter.
_SECRET_PARAMETER = re.compile(rf"([;?&])({_SECRET_NAMES})=", re.IGNORECASE)
# The path form "/apikey:KEY/": a path segment that starts with a secret's name and a colon.
_SECRET_SEGMENT = re.compile(rf"/({_SECRET_NAMES}):", re.IGNORECASE)
_DECODINGS = 3  # percent-encoding undone this many times at most ("%253B" is "%3B" is ";")


def url_secret(url: str) -> Optional[str]:
    """Where ``url`` carries a secret, as its shape (``token=``, ``;key=``, ``/apikey:``), never its value;
    None when it carries none. Case-insensitive, and found percent-encoded too (``%3Bkey%3D``)."""
    text = url
    for _ in range(_DECODINGS + 1):
        parameter = _SECRET_PARAMETER.search(text)
        if parameter is not None:
            separator, name = parameter.group(1), parameter.group(2).lower()
            return f";{name}=" if separator == ";" else f"{name}="
        segment = _SECRET_SEGMENT.search(text)
        if segment is not None:
            return f"/{segment.group(1).lower()}:"
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return None


def title(style: str) -> str:
    """The user's name for ``style``."""
    return tr(TITLES.get(style, style))


def header_name(settings: dict[str, str]) -> str:
    """The API-key header of ``settings`` (``X-API-Key`` by default)."""
    return settings.get(HEADER) or DEFAULT_HEADER


def parameter_name(settings: dict[str, str]) -> str:
    """The API-key query parameter of ``settings`` (``apikey`` by default)."""
    return settings.get(PARAMETER) or DEFAULT_PARAMETER


def login_url(settings: dict[str, str], base_url: str) -> str:
    """The login (token) URL of ``settings``, a relative one resolved against the connection's ``base_url``."""
    return QUrl(base_url).resolved(QUrl(settings.get(LOGIN_URL, ""))).toString()


def _login_url_problem(settings: dict[str, str], base_url: str) -> Optional[str]:
    """Why the login URL of ``settings`` cannot be used with the connection at ``base_url`` (None: it can)."""
    raw = settings.get(LOGIN_URL, "").strip()
    if not raw:
        return tr("the login style needs a login (token) URL")
    if url_secret(raw) is not None:
        return tr("the login URL carries a secret: it is stored in plain text")
    url = QUrl(login_url(settings, base_url))
    if not url.isValid() or url.scheme() not in ("http", "https") or not url.host():
        return tr("the login URL must be an http(s) address")
    if url.userInfo():
        return tr("the login URL holds a user name or password: it is stored in plain text")
    if QUrl(base_url).scheme() == "https" and url.scheme() != "https":
        return tr("the login URL must use https like the connection (the password would travel in clear)")
    return None


def problem(style: str, settings: dict[str, Any], base_url: str) -> Optional[str]:
    """Why ``style`` with ``settings`` cannot work for a connection at ``base_url``; None when it can."""
    if style not in STYLES:
        return tr("unknown authentication style {style!r} (one of {styles})").format(
            style=style, styles=", ".join(s for s in STYLES if s)
        )
    if not all(isinstance(key, str) and isinstance(value, str) for key, value in settings.items()):
        return tr("authentication settings must be text")
    if style == APIKEY_HEADER:
        name = header_name(settings)
        if not _HEADER_NAME.match(name) or name.lower() in _RESERVED_HEADERS:
            return tr("{name!r} cannot carry an API key (a header name such as X-API-Key)").format(name=name)
    if style == APIKEY_QUERY and not _PARAMETER_NAME.match(parameter_name(settings)):
        return tr("the API key's query parameter name may hold letters, digits and . _ ~ - only")
    if style == LOGIN:
        return _login_url_problem(settings, base_url)
    return None


def kept_settings(style: str, settings: dict[str, Any]) -> dict[str, str]:
    """Only the setting ``style`` uses (a stale header name from an earlier style is dropped)."""
    key = SETTING_OF.get(style)
    value = settings.get(key) if key else None
    return {key: str(value).strip()} if key and value else {}


@dataclass
class Imported:
    """What an import's ``credentials`` object stands for: the secret, and the style it implies."""

    username: str
    secret: str
    style: str = DEFAULT
    settings: dict[str, str] = field(default_factory=dict)


def _named(value: Any, default: str) -> Optional[str]:
    """``"header": true`` is the default name, a string names one; anything else is no name."""
    if value is True:
        return default
    return value if isinstance(value, str) and value.strip() else None


def _apikey(credentials: dict[str, Any], own_way: bool) -> Imported:
    """``{"apikey"[, "header"|"query"]}``."""
    key = credentials["apikey"]
    if "header" in credentials:
        header = _named(credentials["header"], DEFAULT_HEADER)
        if header is None:
            raise ValueError(tr('"header" must be a header name or true'))
        return Imported("apikey", key, APIKEY_HEADER, {HEADER: header})
    if "query" in credentials:
        parameter = _named(credentials["query"], DEFAULT_PARAMETER)
        if parameter is None:
            raise ValueError(tr('"query" must be a parameter name or true'))
        return Imported("apikey", key, APIKEY_QUERY, {PARAMETER: parameter})
    return Imported("apikey", key) if own_way else Imported("apikey", key, APIKEY_HEADER, {HEADER: DEFAULT_HEADER})


def from_credentials(credentials: Any, own_way: bool) -> Imported:
    """The secret and style an import's ``credentials`` stand for; ValueError (a readable reason) when unusable.

    ``own_way``: the platform has a way of its own for tokens, keys and passwords (then a bare ``token``,
    ``apikey`` or username/password keeps it); otherwise a token is Bearer, a key goes in ``X-API-Key`` and a
    username/password is Basic. ``login_url`` always asks for the login style.
    """
    if not isinstance(credentials, dict):
        raise ValueError(tr("credentials must be an object"))
    if "token" in credentials:
        found = Imported("token", credentials["token"], DEFAULT if own_way else BEARER)
    elif "apikey" in credentials:
        found = _apikey(credentials, own_way)
    elif "username" in credentials and "password" in credentials:
        found = Imported(credentials["username"], credentials["password"], DEFAULT if own_way else BASIC)
        if "login_url" in credentials:
            if not isinstance(credentials["login_url"], str) or not credentials["login_url"].strip():
                raise ValueError(tr("login_url must be a URL"))
            found.style, found.settings = LOGIN, {LOGIN_URL: credentials["login_url"].strip()}
    else:
        raise ValueError(tr("credentials need a token, an apikey, or a username and password"))
    if not all(isinstance(part, str) and part for part in (found.username, found.secret)):
        raise ValueError(tr("each credential must be non-empty text"))
    return found


def style_from_json(value: Any) -> tuple[str, dict[str, str]]:
    """The style and settings of an entry's ``"auth"`` object (``{"style", "header"|"parameter"|"login_url"}``)."""
    if value is None:
        return DEFAULT, {}
    if not isinstance(value, dict) or not isinstance(value.get("style", ""), str):
        raise ValueError(tr('auth must be an object such as {"style": "bearer"}'))
    style = value.get("style", "")
    return style, kept_settings(style, value)


def style_to_json(style: str, settings: dict[str, str]) -> Optional[dict[str, str]]:
    """The ``"auth"`` object of an export (None for the platform's own way): never a secret, by construction."""
    if not style:
        return None
    return {"style": style, **kept_settings(style, settings)}
