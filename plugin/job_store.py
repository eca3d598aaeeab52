"""The job manager's jobs between QGIS sessions: a JSON list in settings (:data:`.settings.JOBS`), no secret.

What was saved is read back as untrusted input (another QGIS version, a hand edit, a settings file cut short
may have written it): a value that is not JSON, not a list, or holds entries of the wrong shape never stops
QGIS from starting. It is logged and moved aside -- the whole value as it was, under
:data:`.settings.JOBS_UNREADABLE`, for the user to look at -- and the valid entries are loaded (or none).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from . import log, settings
from .job_model import Job

SHOWN_PROBLEMS = 3  # problems named in the log line (the count says how many more)


def save(jobs: Iterable[Job]) -> None:
    """Save ``jobs`` (replacing what was saved)."""
    settings.set_value(settings.JOBS, json.dumps([job.to_json() for job in jobs]))


def load() -> list[Job]:
    """The saved jobs. A value that cannot all be read is moved aside; its valid entries are kept."""
    raw = settings.value(settings.JOBS, "")
    if raw is None or raw == "":
        return []
    problems: list[str] = []
    entries: list[Any] = []
    if not isinstance(raw, str):
        problems.append(f"a {type(raw).__name__} instead of JSON text")
    else:
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError) as err:  # RecursionError: nesting too deep to read
            problems.append(f"not JSON ({type(err).__name__})")
        else:
            if isinstance(data, list):
                entries = data
            else:
                problems.append(f"a JSON {type(data).__name__} instead of a list")
    jobs = []
    for index, entry in enumerate(entries, 1):
        try:
            jobs.append(Job.from_json(entry))
        except (TypeError, ValueError) as err:
            problems.append(f"job {index}: {err}")
    if problems:
        _move_aside(raw, jobs, problems)
    return jobs


def _move_aside(raw: Any, jobs: list[Job], problems: list[str]) -> None:
    """Keep the unreadable value for the user, save only the valid jobs, and say so in the log."""
    settings.set_value(settings.JOBS_UNREADABLE, raw)
    save(jobs)
    more = len(problems) - SHOWN_PROBLEMS
    named = "; ".join(problems[:SHOWN_PROBLEMS]) + (f"; and {more} more" if more > 0 else "")
    log.warning(
        f"The saved Geodock jobs could not all be read ({named}): {len(jobs)} job(s) kept; the saved value was "
        f"moved to the setting {settings.JOBS_UNREADABLE}"
    )
