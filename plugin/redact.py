"""Keep secrets out of log lines, error messages and anything shown to the user."""

from __future__ import annotations

import re

SECRET_PARAMS = ("token", "apikey", "api_key", "key", "access_token", "password", "websocket_session")
_QUERY = re.compile(r"([?&;](?:" + "|".join(SECRET_PARAMS) + r")=)[^&#\s'\"]*", re.IGNORECASE)
_PATH_KEY = re.compile(r"(;key=)[^/?#\s'\"]*", re.IGNORECASE)
_APIKEY_PATH = re.compile(r"(/apikey:)[^/?#\s'\"]*", re.IGNORECASE)
_AUTH_HEADER = re.compile(r"(Authorization:\s*\w+\s+)\S+", re.IGNORECASE)
_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.-]*://)[^/?#@\s'\"]+@", re.IGNORECASE)  # scheme://user:password@
REDACTED = "***"


def redact_url(url: str) -> str:
    """``url`` with its user info, secret query parameters and key path segments replaced by ``***``."""
    url = _USERINFO.sub(lambda m: m.group(1) + REDACTED + "@", url)
    url = _QUERY.sub(lambda m: m.group(1) + REDACTED, url)
    url = _PATH_KEY.sub(lambda m: m.group(1) + REDACTED, url)
    return _APIKEY_PATH.sub(lambda m: m.group(1) + REDACTED, url)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` with secret URL parts, ``Authorization`` values and the given ``secrets`` replaced."""
    text = redact_url(text)
    text = _AUTH_HEADER.sub(lambda m: m.group(1) + REDACTED, text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text
