"""When the HTTP client tries a request again, and how long it waits first.

Idempotent requests are retried on 429/502/503/504 and dropped connections. Any other request (a POST) is
retried only when the server said it did not process it: 429, or 503 with ``Retry-After``. ``Retry-After``
(seconds or an HTTP date) is honoured on 429 and 503 alike, capped at :data:`MAX_RETRY_AFTER`; otherwise the
wait is exponential backoff with jitter.
"""

from __future__ import annotations

import email.utils
import random
import time
from datetime import timezone
from typing import Optional

from ..errors import GeodockError, NetworkError, ResponseError

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
DEFAULT_RETRIES = 3
MAX_RETRY_AFTER = 120.0  # seconds: a longer Retry-After is cut to this


def retry_after_seconds(value: str) -> Optional[float]:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date."""
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is in GMT; parsedate leaves "-0000" without a zone
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - time.time())


def backoff_delay(attempt: int, base: float = 0.5, cap: float = 30.0) -> float:
    """Exponential backoff with full jitter for retry number ``attempt`` (0-based)."""
    return random.uniform(0.5, 1.0) * min(cap, base * (2**attempt))


def not_processed(error: GeodockError, retry_after: Optional[float]) -> bool:
    """Whether the server said it did not take the request: 429, or 503 with ``Retry-After``."""
    if not isinstance(error, ResponseError):
        return False
    return error.status == 429 or (error.status == 503 and retry_after is not None)


def retryable(method: str, error: GeodockError, retry_after: Optional[float]) -> bool:
    """Whether ``method`` may be sent again after ``error`` (``retry_after``: the answer's, in seconds)."""
    if method.upper() not in IDEMPOTENT:
        return not_processed(error, retry_after)
    if isinstance(error, ResponseError):
        return error.status in RETRY_STATUSES
    return type(error) is NetworkError  # dropped or reset connections; not timeouts, not cancels


def retry_delay(method: str, error: GeodockError, retry_after: Optional[float], attempt: int) -> Optional[float]:
    """Seconds to wait before retry number ``attempt`` (0-based) after ``error``; None: do not retry."""
    if not retryable(method, error, retry_after):
        return None
    delay = backoff_delay(attempt)
    if retry_after is not None:
        delay = min(max(delay, retry_after), MAX_RETRY_AFTER)
    return delay
