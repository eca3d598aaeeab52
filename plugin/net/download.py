"""Streaming, resumable downloads to a file (through :class:`plugin.net.client.HttpClient`).

The body never sits whole in memory: it is written as it arrives to ``<name>.part`` beside a small
``<name>.part.json`` that remembers where it came from and which version it is (``ETag``, else
``Last-Modified``). The final ``<name>`` is reserved first, created empty with ``O_EXCL``
(:mod:`plugin.net.filenames`): two downloads of one name get two names and two ``.part`` files, and a file
the user has is never taken (``name (1).ext`` is used). The finished file is checked against the expected
length and renamed over the reserved empty file only: a cancelled, failed or crashed download leaves no file
under its name. (Like QGIS's own downloader it does not wait for the disk with ``fsync``: that only matters
after a power cut, and costs as long again as the transfer on a fast network.)

After a dropped connection -- also in a later QGIS session, since the ``.part`` stays -- the download goes on
with ``Range`` and ``If-Range`` (the saved version). What the server answers is checked before a byte is
written: a ``206`` must say with ``Content-Range`` that it starts where asked, for the same total length; a
``200`` (the server ignored the range, or the file changed: ``If-Range`` did not match) starts the file
again from byte 0; a ``416`` means the ``.part`` is complete when its length is the size the server reports,
and starts again otherwise. Nothing is ever stitched from two versions or written at the wrong place.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Optional

from qgis.core import QgsFeedback

from .. import log
from ..errors import GeodockError, NetworkError, ResponseError, UnreadableResponseError
from ..i18n import tr
from ..redact import redact_url
from .client import HttpClient, HttpRequest, HttpResponse, backoff_delay, wait
from .filenames import candidates as name_candidates
from .filenames import commit_reserved, create_exclusive, release, safe_filename, server_filename
from .ranges import parse_content_range, unsatisfied_size, validator

__all__ = ["DownloadResult", "download", "safe_filename"]  # safe_filename: callers import it from here

MAX_RESUMES = 8
MAX_RESTARTS = 3  # from byte 0, after an answer that could not be resumed from


@dataclass
class DownloadResult:
    """A finished download: the file, its size, and how often it resumed after a drop."""

    path: Path
    size: int
    resumed: int  # how many times the download went on after a drop


class _RestartError(GeodockError):
    """Raised by the sink to ask again from ``offset`` (0: from the start, the ``.part`` is dropped)."""

    def __init__(self, offset: int, reason: str = "") -> None:
        """Ask again from byte ``offset`` because of ``reason``."""
        super().__init__(reason or "restart")
        self.offset = offset


class _Slot:
    """A reserved final name, its ``.part`` and the ``.part.json`` describing the partial content."""

    def __init__(self, final: Path, made: os.stat_result, url: str, wanted: str) -> None:
        """A reserved name ``final`` (made at ``made``) for ``url``'s file, first wanted as ``wanted``."""
        self.final = final
        self.wanted = wanted
        self.made = made
        self.url = url
        self.part = final.with_name(final.name + ".part")
        self.meta = final.with_name(final.name + ".part.json")

    @classmethod
    def claim(cls, folder: Path, name: str, url: str) -> _Slot:
        """Reserve ``name`` or ``name (n)``: the first free one whose ``.part``, if any, is this URL's."""
        folder.mkdir(parents=True, exist_ok=True)
        for candidate in name_candidates(folder / name):
            made = create_exclusive(candidate)
            if made is None:
                continue
            slot = cls(candidate, made, url, name)
            if not slot.part.exists() or slot.info():
                return slot  # (holding the name, we alone use its .part)
            release(candidate, made)  # another URL's .part, kept for its own resume
        raise GeodockError(
            tr("Could not find a free file name for {name} in {folder}").format(name=name, folder=folder)
        )

    def info(self) -> dict[str, Any]:
        """The saved description of the ``.part`` when it is this URL's, else {}."""
        try:
            info = json.loads(self.meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return info if isinstance(info, dict) and info.get("url") == self.url else {}

    def resumable(self) -> tuple[int, dict[str, Any]]:
        """(bytes kept, description) of this URL's ``.part``; (0, {}) when there is nothing to go on from."""
        info = self.info()
        try:
            size = self.part.stat().st_size if info else 0
        except OSError:
            return 0, {}
        total = info.get("total")
        if isinstance(total, int) and 0 <= total < size:  # longer than the whole file: not ours to trust
            return 0, {}
        return size, info

    def save(self, total: int, ranges: bool, response: HttpResponse, earlier: dict[str, Any]) -> None:
        """Describe the ``.part`` (``earlier``: the description of the bytes this answer goes on from)."""
        etag = response.header("etag") or str(earlier.get("etag") or "")
        modified = response.header("last-modified") or str(earlier.get("last_modified") or "")
        doc = {"url": self.url, "total": total, "ranges": ranges, "etag": etag, "last_modified": modified}
        self.meta.write_text(json.dumps(doc), encoding="utf-8")

    def drop_part(self) -> None:
        """Delete the ``.part`` (the next attempt starts from byte 0)."""
        self.part.unlink(missing_ok=True)

    def release(self) -> None:
        """Give the name back (the ``.part`` stays for a later resume)."""
        release(self.final, self.made)

    def commit(self) -> Path:
        """Move the complete ``.part`` to its final name; returns the path it got."""
        path = commit_reserved(self.part, self.final, self.made)
        self.meta.unlink(missing_ok=True)
        return path


class _FileSink:
    """Receives one answer: checks it against what was asked, then writes it into the slot's ``.part``."""

    def __init__(
        self,
        folder: Path,
        slot: Optional[_Slot],
        url: str,
        offset: int,
        saved: dict[str, Any],
        on_progress: Optional[Callable[[int, int], None]],
        feedback: Optional[QgsFeedback],
    ) -> None:
        """A sink for an answer from byte ``offset``; ``saved`` describes the ``.part`` it goes on."""
        self.folder = folder
        self.slot = slot
        self.url = url
        self.offset = offset  # what was asked for: Range bytes=offset- (0: the whole file, no Range)
        self.saved = saved
        self.on_progress = on_progress
        self.feedback = feedback
        self.handle: Optional[IO[bytes]] = None
        self.total = -1
        self.accepts_ranges = False
        self.written = offset
        self.reported = -1.0

    def begin(self, response: HttpResponse) -> None:
        """Check the answer's headers against what was asked, claim the file name, open the ``.part``."""
        if self.slot is None:  # the server names the file: reserve its name now
            name = server_filename(response.header("content-disposition"), response.url or self.url)
            self.slot = _Slot.claim(self.folder, name, self.url)
            kept, self.saved = self.slot.resumable()
            if kept and response.status == 200 and response.header("accept-ranges").lower() == "bytes":
                raise _RestartError(kept)  # go on from the .part an earlier session left
        self.accepts_ranges = response.header("accept-ranges").lower() == "bytes" or response.status == 206
        start = self._check(response)
        self.written = start
        self.slot.save(self.total, self.accepts_ranges, response, self.saved if start else {})
        if start == 0:  # a whole file: begin the .part again (a new inode, never a truncated one)
            self.slot.drop_part()
            self.handle = self.slot.part.open("wb", buffering=0)
        else:
            if not self.slot.part.exists():
                raise NetworkError(tr("The partial download disappeared"))
            self.handle = self.slot.part.open("r+b", buffering=0)
            self.handle.seek(start)
            self.handle.truncate()
        # Unbuffered: each chunk from Qt goes to the kernel in one write(2), without another copy.

    def _check(self, response: HttpResponse) -> int:
        """Where this answer's body goes in the file (0 or the offset asked for); refuses what cannot be placed."""
        length = response.header("content-length")
        if response.status == 200:
            if self.offset:
                why = "the file changed on the server" if self.saved and validator(self.saved) else "ranges ignored"
                log.info(f"The server sent {redact_url(self.url)} whole again ({why}): starting from byte 0")
            self.total = int(length) if length.isdigit() else -1
            return 0
        if response.status != 206:
            raise UnreadableResponseError(
                tr("The server answered the download with HTTP {status} and no file").format(status=response.status),
                url=redact_url(self.url),
            )
        header = response.header("content-range")
        parsed = parse_content_range(header)
        if parsed is None:
            if self.offset:
                raise _RestartError(0, f"a partial answer without a valid Content-Range ({header!r})")
            raise UnreadableResponseError(
                tr("The server sent part of a file without saying which part"), f"Content-Range: {header!r}"
            )
        start, end, total = parsed
        known = self.saved.get("total")
        if (
            start != self.offset
            or (total is not None and end != total - 1)
            or (length.isdigit() and int(length) != end - start + 1)
            or (self.offset and isinstance(known, int) and known >= 0 and total != known)
        ):
            if self.offset:
                raise _RestartError(0, f"Content-Range {header} does not answer bytes={self.offset}-")
            raise UnreadableResponseError(
                tr("The server sent part of a file that was not asked for"), f"Content-Range: {header}"
            )
        self.total = total if total is not None else -1
        return start

    def write(self, data: Any) -> None:
        """Append ``data`` to the ``.part`` and report progress."""
        assert self.handle is not None
        view = memoryview(data)
        size = len(view)
        done = self.handle.write(view) or 0
        while done < size:  # a raw file may take less than it was given
            done += self.handle.write(view[done:]) or 0
        self.written += size
        if self.on_progress is not None:
            self.on_progress(self.written, self.total)
        if self.feedback is not None and self.total > 0:
            percent = int(1000 * self.written / self.total) / 10.0
            if percent != self.reported:
                self.reported = percent
                self.feedback.setProgress(percent)

    def close(self) -> None:
        """Close the ``.part`` (idempotent)."""
        if self.handle is not None:
            self.handle.close()
            self.handle = None


def _complete_after_416(err: ResponseError, slot: Optional[_Slot], offset: int, saved: dict[str, Any]) -> int:
    """The file's size when a ``416`` says the ``.part`` already holds all of it, else -1 (start again)."""
    reported = unsatisfied_size(err.headers.get("content-range", ""))
    known = saved.get("total")
    size = reported if reported is not None else (known if isinstance(known, int) and known >= 0 else None)
    if slot is None or size is None or offset != size or (isinstance(known, int) and known >= 0 and known != size):
        return -1
    return size


def download(
    client: HttpClient,
    request: HttpRequest,
    folder: Path,
    filename: Optional[str] = None,
    feedback: Optional[QgsFeedback] = None,
    expected_size: Optional[int] = None,
    on_progress: Optional[Callable[[int, int], None]] = None,
) -> DownloadResult:
    """Download ``request`` into ``folder`` (as ``filename``, or the server's name) and return the file.

    Resumes a ``.part`` left by an earlier attempt of the same URL; raises a GeodockError (the ``.part``
    stays for a later resume, the reserved name is given back) when the download cannot be completed.
    """
    folder = Path(folder)
    url = request.full_url().toString()
    job = _Download(client, request, folder, url, feedback, on_progress)
    try:
        if filename:
            job.slot = _Slot.claim(folder, safe_filename(filename), url)
        return job.run(expected_size)
    except BaseException:
        if job.slot is not None:
            job.slot.release()
        raise


class _Download:
    """One download's attempts: resumes after drops, restarts from byte 0 when the answers do not fit."""

    def __init__(
        self,
        client: HttpClient,
        request: HttpRequest,
        folder: Path,
        url: str,
        feedback: Optional[QgsFeedback],
        on_progress: Optional[Callable[[int, int], None]],
    ) -> None:
        """A download of ``request`` into ``folder``."""
        self.client = client
        self.request = request
        self.folder = folder
        self.url = url
        self.feedback = feedback
        self.on_progress = on_progress
        self.slot: Optional[_Slot] = None
        self.resumes = 0
        self.restarts = 0

    def _attempt(self, offset: int, saved: dict[str, Any]) -> _FileSink:
        """Send the request once (from ``offset`` with a Range when resuming) into a new sink."""
        sink = _FileSink(self.folder, self.slot, self.url, offset, saved, self.on_progress, self.feedback)
        headers = dict(self.request.headers)
        if offset:
            headers["Range"] = f"bytes={offset}-"
            if validator(saved):
                headers["If-Range"] = validator(saved)
            log.info(f"Resuming download of {redact_url(self.url)} at byte {offset}")
        attempt = HttpRequest(**{**self.request.__dict__, "headers": headers, "accept": self.request.accept or "*/*"})
        try:
            self.client.send(attempt, self.feedback, sink=sink)
        finally:
            sink.close()
            self.slot = sink.slot
        return sink

    def _restart(self, reason: str, error: Optional[GeodockError] = None) -> tuple[int, dict[str, Any]]:
        """Drop the ``.part`` and go on from byte 0 (or give up after :data:`MAX_RESTARTS`)."""
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            raise error or NetworkError(tr("The server's answers to the download did not fit together"), reason)
        log.info(f"Starting the download of {redact_url(self.url)} again: {reason}")
        if self.slot is not None:
            self.slot.drop_part()
        return 0, {}

    def run(self, expected_size: Optional[int]) -> DownloadResult:
        """Attempt until the file is whole: resume after drops, restart when answers do not fit."""
        offset, saved = self.slot.resumable() if self.slot is not None else (0, {})
        while True:
            try:
                total = self._attempt(offset, saved).total
                break
            except _RestartError as restart:
                if restart.offset == 0:
                    offset, saved = self._restart(restart.message)
                else:
                    offset, saved = self.slot.resumable() if self.slot is not None else (0, {})
            except ResponseError as err:
                if err.status != 416 or not offset:
                    raise
                total = _complete_after_416(err, self.slot, offset, saved)
                if total >= 0:
                    break  # the .part holds the whole file already
                offset, saved = self._restart(f"the server has no byte {offset}", err)
            except NetworkError as err:
                if self.slot is None or not self._resumable() or self.resumes >= MAX_RESUMES:
                    raise
                self.resumes += 1
                offset, saved = self.slot.resumable()
                log.info(f"Download interrupted ({err.message}); resuming from byte {offset}")
                wait(backoff_delay(self.resumes - 1, base=0.25, cap=5.0), self.feedback)
        return self._finish(total if expected_size is None else expected_size)

    def _resumable(self) -> bool:
        """Whether the server takes ranges and the ``.part`` is still there."""
        assert self.slot is not None
        return bool(self.slot.info().get("ranges")) and self.slot.part.exists()

    def _finish(self, want: int) -> DownloadResult:
        """Check the ``.part``'s size against ``want`` and give the file its final name."""
        slot = self.slot
        assert slot is not None
        size = slot.part.stat().st_size
        if want >= 0 and size != want:
            raise NetworkError(
                tr("The download of {file} is incomplete ({size} of {want} bytes)").format(
                    file=slot.final.name, size=size, want=want
                ),
                url=redact_url(self.url),
            )
        path = slot.commit()
        if path.name != slot.wanted:
            log.info(f"{slot.wanted} exists already in {self.folder}: saved as {path.name}")
        return DownloadResult(path, size, self.resumes)
