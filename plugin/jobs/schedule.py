"""When to poll a remote job next: the adaptive schedule every wait (blocking or watched) shares.

About once a second at first, then less often, and often again when the server's progress says the end is
near (so a long job costs few requests and its end is still noticed within a second or two). The server's
``Retry-After`` is honoured.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional

from ..job_model import JobState, JobStatus

RESUME_DELAY = 3.0  # seconds after start() before saved jobs are watched again (no network at start-up)
FIRST_POLLS = 1.0  # seconds between polls at first
FAST_PERIOD = 6.0  # seconds during which polls stay fast (then they space out)
MAX_INTERVAL = 15.0  # cap between polls of a long job
NEAR_END = 1.0  # poll interval when the server's progress says the end is near
ERROR_CAP = 60.0  # cap between polls while the server cannot be reached
SAVE_DELAY_MS = 250  # jobs are saved at most this often (and at stop)


def _base_delay(elapsed: float) -> float:
    """The delay from the job's age alone."""
    if elapsed < FAST_PERIOD / 2:
        return FIRST_POLLS / 2  # many jobs are short: catch their progress and end quickly
    if elapsed < FAST_PERIOD:
        return FIRST_POLLS
    return min(MAX_INTERVAL, FIRST_POLLS + (elapsed - FAST_PERIOD) / 6.0)


def next_poll_delay(elapsed: float, samples: list[tuple[float, float]], retry_after: Optional[float] = None) -> float:
    """Seconds to wait before the next poll of a job running for ``elapsed`` s.

    ``samples`` are (time first seen, progress 0-100) pairs of each new progress value: with two of them the
    end is estimated, and polls close in on it (about ``NEAR_END`` s apart around the expected end, then
    spacing out again when the job is late).
    """
    delay = _base_delay(elapsed)
    eta = estimate_remaining(samples)
    if eta is not None:
        if eta > 2 * NEAR_END:
            delay = min(delay, eta / 2.0)
        elif eta >= -2 * NEAR_END:
            delay = NEAR_END
        else:  # later than expected: space the polls out again
            delay = min(delay, NEAR_END - eta / 4.0)
    if retry_after is not None:
        delay = max(delay, min(retry_after, 300.0))
    return max(0.2, delay)


def add_sample(samples: list[tuple[float, float]], progress: float, previous_poll: float) -> list[tuple[float, float]]:
    """``samples`` with a newly seen ``progress`` value (the last 8 values).

    The server reached that value some time after the previous poll: that time is recorded, so estimates err
    early (a few more polls) rather than late (the user told late).
    """
    if not samples or progress != samples[-1][1]:
        samples.append((previous_poll, progress))
    return samples[-8:]


def estimate_remaining(samples: list[tuple[float, float]]) -> Optional[float]:
    """Seconds left (negative: overdue) from the progress rate of the samples; None without rising progress."""
    if len(samples) < 2:
        return None
    (t0, p0), (t1, p1) = samples[0], samples[-1]
    if p1 <= p0 or t1 <= t0:
        return None
    rate = (p1 - p0) / (t1 - t0)
    return (100.0 - p1) / rate - (time.time() - t1)


def retry_delay(failures: int, retry_after: Optional[float] = None) -> float:
    """Seconds before asking again after ``failures`` polls in a row got no usable answer (never at once)."""
    return max(min(ERROR_CAP, FIRST_POLLS * 2**failures), retry_after or 0.0)


@dataclass
class PollSchedule:
    """When to poll one remote job next, from what its polls have shown so far."""

    started: float = field(default_factory=time.time)  # when the job was first seen (or seen running)
    previous: float = field(default_factory=time.time)  # the previous poll
    running: bool = False
    samples: list[tuple[float, float]] = field(default_factory=list)

    def observe(self, status: JobStatus, now: Optional[float] = None) -> float:
        """Take in a poll's answer; return the seconds to wait before the next poll."""
        now = time.time() if now is None else now
        if status.state == JobState.RUNNING and not self.running:
            # Time spent queued says nothing of how long the job will run: polls are fast again as it starts
            # (a server running a few jobs at a time would otherwise see short jobs end unnoticed for seconds).
            self.running = True
            self.started = now
        if status.progress is not None:
            self.samples = add_sample(self.samples, status.progress, self.previous)
        self.previous = now
        return next_poll_delay(now - self.started, self.samples, status.retry_after)
