"""The one sentence that tells the user a job ended, for the message bar (the GUI's and the manager's own).

Servers often report the final state again as their message ("Finished", "SUCCESS", "Job completed"): said
after "… finished" it only repeats it ("Publish world_uploaded finished. Finished"), so such a message is
left out and a message that says more is kept.
"""

from __future__ import annotations

import re

from ..i18n import tr
from ..job_model import DownloadState, Job, JobState

# A message made only of these words says nothing the final state does not.
_WORDS = """
    job task process export upload publish is has been was the end ended
    success successful successfully succeeded finish finished complete completed done
    ok okay failed failure error cancelled canceled dismissed stopped
"""
_STATE_WORDS = frozenset(_WORDS.split())


def informative(message: str) -> str:
    """``message`` without its final period when it says more than "finished" / "success" / "failed"; else ''."""
    text = " ".join(str(message or "").split()).rstrip(".!")
    words = re.findall(r"\w+", text.casefold())
    if not words or all(word in _STATE_WORDS for word in words):
        return ""
    return text


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def job_end_text(job: Job) -> str:
    """One clear sentence on how ``job`` ended: ``Publish world_uploaded finished.``,
    ``Export countries finished: 2 layer(s) added to the project.``, ``Buffer failed: <reason>.``"""
    detail = informative(job.message)
    if job.state == JobState.SUCCEEDED and job.download == DownloadState.FAILED:
        reason = " ".join((job.download_error or "").split()).rstrip(".") or tr("unknown error")
        text = tr("{title} finished on the server, but its results could not be downloaded: {error}")
        return _sentence(text.format(title=job.title, error=reason))
    if job.state == JobState.SUCCEEDED:
        if detail:
            return _sentence(tr("{title} finished: {message}").format(title=job.title, message=detail))
        return tr("{title} finished.").format(title=job.title)
    if job.state == JobState.CANCELLED:
        if detail:
            return _sentence(tr("{title} was cancelled: {message}").format(title=job.title, message=detail))
        return tr("{title} was cancelled.").format(title=job.title)
    if detail:
        return _sentence(tr("{title} failed: {message}").format(title=job.title, message=detail))
    return tr("{title} failed.").format(title=job.title)
