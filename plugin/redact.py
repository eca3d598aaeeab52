"""Keep secrets out of log lines, error messages and anything shown to the user.

Secrets are masked where secrets appear: a URL's user info, secret query and path parameters, credential
headers (``Authorization``, ``X-API-Key`` ...), ``token=``/``password=`` pairs and their JSON form, token
shapes (``Bearer ...``, JSON Web Tokens, role-prefixed ``R:``/``C:`` tokens), and the exact values of stored
secrets. A stored secret is masked only as a whole token (not inside a longer word) and only from
:data:`MIN_SECRET_LENGTH` characters on: masking every ``wrong`` would garble "the server says: wrong token".
"""

from __future__ import annotations

import functools
import re
from typing import Optional
from urllib.parse import quote

SECRET_PARAMS = ("token", "apikey", "api_key", "key", "access_token", "password", "websocket_session")
#: Names whose ``name=value`` (or JSON ``"name": "value"``) pair is a secret anywhere in a text.
SECRET_NAMES = (*SECRET_PARAMS, "refresh_token", "client_secret", "secret", "passwd")
#: Stored secrets shorter than this are masked only where secrets appear, never as bare text.
MIN_SECRET_LENGTH = 8
REDACTED = "***"

_NAMES = "|".join(sorted(SECRET_NAMES, key=len, reverse=True))
_QUERY = re.compile(r"([?&;](?:" + "|".join(SECRET_PARAMS) + r")=)(?!\*\*\*)[^&#\s'\"]*", re.IGNORECASE)
_PATH_KEY = re.compile(r"(;key=)[^/?#\s'\"]*", re.IGNORECASE)
_APIKEY_PATH = re.compile(r"(/apikey:)[^/?#\s'\"]*", re.IGNORECASE)
_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.-]*://)[^/?#@\s'\"]+@", re.IGNORECASE)  # scheme://user:password@
# "Authorization: key abc", "'X-API-Key': 'abc'" (the scheme word is kept, the rest of the value masked).
_HEADER = re.compile(
    r"(\b(?:Proxy-)?Authorization|\bX-API-Key|\bX-Auth-Token|\bX-Api-Token)(['\"]?\s*[:=]\s*['\"]?)"
    r"((?:Basic|Bearer|key|Token|Digest|ApiKey)\s+)?(?!\*\*\*)[^\r\n'\"]+",
    re.IGNORECASE,
)
_PAIR = re.compile(rf"(?<![\w-])((?:{_NAMES})\s*=\s*)(?!\*\*\*)[^\s&#'\",;]+", re.IGNORECASE)
_JSON_PAIR = re.compile(rf"""(["'])((?:{_NAMES})\1\s*:\s*)(["'])(?:(?!\3)[^\\]|\\.)*\3""", re.IGNORECASE)
_BEARER = re.compile(r"\b(Bearer\s+)(?!\*\*\*)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
# A token with a one-letter role prefix ("R:" read-only, "C:" full access), as some platforms issue them.
_ROLE_PREFIXED_TOKEN = re.compile(r"(?<![\w:])[RC]:[A-Za-z0-9_-]{16,}")


def redact_url(url: str) -> str:
    """``url`` with its user info, secret query parameters and key path segments replaced by ``***``."""
    url = _USERINFO.sub(lambda m: m.group(1) + REDACTED + "@", url)
    url = _PATH_KEY.sub(lambda m: m.group(1) + REDACTED, url)  # before _QUERY, which would take the path
    url = _QUERY.sub(lambda m: m.group(1) + REDACTED, url)
    return _APIKEY_PATH.sub(lambda m: m.group(1) + REDACTED, url)


def _whole(secret: str) -> str:
    """A pattern for ``secret`` as a whole token: no word character right before or after it."""
    before = r"(?<!\w)" if re.match(r"\w", secret[0]) else ""
    after = r"(?!\w)" if re.match(r"\w", secret[-1]) else ""
    return before + re.escape(secret) + after


@functools.lru_cache(maxsize=8)
def _secrets_pattern(secrets: frozenset[str]) -> Optional[re.Pattern[str]]:
    """One pattern for every stored secret long enough to mask, as typed and percent-encoded."""
    forms = {form for secret in secrets if len(secret) >= MIN_SECRET_LENGTH for form in (secret, quote(secret, ""))}
    if not forms:
        return None
    return re.compile("|".join(_whole(form) for form in sorted(forms, key=len, reverse=True)))


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` with secrets masked where they can appear (see the module), stored ``secrets`` included."""
    text = redact_url(text)
    text = _HEADER.sub(lambda m: m.group(1) + m.group(2) + (m.group(3) or "") + REDACTED, text)
    text = _JSON_PAIR.sub(lambda m: m.group(1) + m.group(2) + m.group(3) + REDACTED + m.group(3), text)
    text = _PAIR.sub(lambda m: m.group(1) + REDACTED, text)
    text = _BEARER.sub(lambda m: m.group(1) + REDACTED, text)
    text = _JWT.sub(REDACTED, text)
    text = _ROLE_PREFIXED_TOKEN.sub(REDACTED, text)
    pattern = _secrets_pattern(frozenset(s for s in secrets if s))
    return pattern.sub(REDACTED, text) if pattern is not None else text
