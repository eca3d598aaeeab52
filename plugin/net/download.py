"""Streaming, resumable downloads to a file (through :class:`plugin.net.client.HttpClient`).

The body never sits whole in memory: it is written as it arrives to ``<name>.part`` beside a small
``<name>.part.json`` that remembers where it came from. After a dropped connection the download goes on
from the bytes already on disk with an HTTP ``Range`` request, when the server accepts ranges -- also in
a later QGIS session, since the ``.part`` file stays. The finished file is checked against the expected
length and renamed atomically to its final name: a cancelled, failed or crashed download never leaves a
file under that name. (Like QGIS's own downloader it does not wait for the disk with ``fsync``: that only
matters after a power cut, and costs as long again as the transfer on a fast network.) A name from
``Content-Disposition`` is sanitised (no folders, no ``..``), and an existing file is never overwritten:
``name (1).ext`` is used.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Optional

from qgis.core import QgsFeedback

from .. import log
from ..errors import CancelledError, GeodockError, NetworkError
from ..redact import redact_url
from .client import HttpClient, HttpRequest, HttpResponse, backoff_delay, wait

MAX_RESUMES = 8
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def safe_filename(name: str, fallback: str = "download") -> str:
    """``name`` reduced to a plain file name: no folders, no ``..``, no control or reserved characters."""
    name = name.replace("\\", "/").split("/")[-1]
    name = _UNSAFE.sub("_", name).strip().strip(".")
    if not name or name in (".", "..") or set(name) <= {".", "_"}:
        return fallback
    return name[:200]


def filename_from_disposition(value: str) -> Optional[str]:
    """The file name in a ``Content-Disposition`` header (RFC 6266 ``filename*`` first), unsanitised."""
    if not value:
        return None
    match = re.search(r"filename\*\s*=\s*([^']*)'[^']*'([^;]+)", value, re.IGNORECASE)
    if match:
        try:
            return urllib.parse.unquote(match.group(2).strip().strip('"'), encoding=match.group(1) or "utf-8")
        except LookupError:
            return urllib.parse.unquote(match.group(2).strip().strip('"'))
    match = re.search(r'filename\s*=\s*"((?:[^"\\]|\\.)*)"', value, re.IGNORECASE) or re.search(
        r"filename\s*=\s*([^;]+)", value, re.IGNORECASE
    )
    return match.group(1).strip() if match else None


def unique_path(path: Path) -> Path:
    """``path``, or ``stem (n).suffix`` with the first n for which nothing exists yet."""
    if not path.exists():
        return path
    suffix = "".join(path.suffixes[-1:])
    stem = path.name[: -len(suffix)] if suffix else path.name
    for index in range(1, 10000):
        candidate = path.with_name(f"{stem} ({index}){suffix}")
        if not candidate.exists():
            return candidate
    raise GeodockError(f"Could not find a free file name for {path.name}")


@dataclass
class DownloadResult:
    path: Path
    size: int
    resumed: int  # how many times the download went on after a drop


class _RestartError(GeodockError):
    """Raised by the sink to restart from an offset (a resumable .part exists)."""

    def __init__(self, offset: int) -> None:
        super().__init__("restart")
        self.offset = offset


class _FileSink:
    def __init__(
        self,
        folder: Path,
        filename: Optional[str],
        url: str,
        offset: int,
        on_progress: Optional[Callable[[int, int], None]],
        feedback: Optional[QgsFeedback],
    ) -> None:
        self.folder = folder
        self.filename = filename
        self.url = url
        self.offset = offset
        self.on_progress = on_progress
        self.feedback = feedback
        self.handle: Optional[IO[bytes]] = None
        self.final_name: Optional[str] = filename
        self.total = -1
        self.accepts_ranges = False
        self.written = offset
        self.reported = -1.0

    @property
    def part(self) -> Path:
        assert self.final_name is not None
        return self.folder / (self.final_name + ".part")

    @property
    def meta(self) -> Path:
        return self.part.with_name(self.part.name + ".json")

    def begin(self, response: HttpResponse) -> None:
        if self.final_name is None:
            self.final_name = (
                safe_filename(filename_from_disposition(response.header("content-disposition")) or "") or None
            )
            if self.final_name is None:
                self.final_name = safe_filename(Path(urllib.parse.urlparse(response.url).path).name)
            existing = _resumable_size(self.part, self.meta, self.url)
            if existing and response.header("accept-ranges").lower() == "bytes" and response.status == 200:
                raise _RestartError(existing)
        self.accepts_ranges = response.header("accept-ranges").lower() == "bytes" or response.status == 206
        content_range = response.header("content-range")
        if response.status == 206 and content_range:
            match = re.match(r"bytes (\d+)-(\d+)/(\d+|\*)", content_range)
            if not match or int(match.group(1)) != self.offset:
                raise NetworkError(
                    "The server resumed the download at the wrong place",
                    f"Content-Range {content_range}, wanted {self.offset}",
                )
            self.total = int(match.group(3)) if match.group(3) != "*" else -1
            mode = "r+b"
        else:
            self.offset = 0
            self.written = 0
            length = response.header("content-length")
            self.total = int(length) if length.isdigit() else -1
            mode = "wb"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.meta.write_text(json.dumps({"url": self.url, "total": self.total, "etag": response.header("etag")}))
        if mode == "r+b" and not self.part.exists():
            raise NetworkError("The partial download disappeared")
        # Unbuffered: each chunk from Qt goes to the kernel in one write(2), without another copy.
        self.handle = self.part.open(mode, buffering=0)
        if mode == "r+b":
            self.handle.seek(self.offset)
            self.handle.truncate()
        # (Never truncate a new file to 0: ext4 would then flush it to disk on close, as if fsync'd.)

    def write(self, data: Any) -> None:
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
        if self.handle is not None:
            self.handle.close()
            self.handle = None


def _resumable_size(part: Path, meta: Path, url: str) -> int:
    try:
        info = json.loads(meta.read_text())
    except (OSError, ValueError):
        return 0
    if info.get("url") != url or not part.exists():
        return 0
    return part.stat().st_size


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
    stays for a later resume) when the download cannot be completed.
    """
    folder = Path(folder)
    url = request.full_url().toString()
    name = safe_filename(filename) if filename else None
    offset = 0
    if name is not None:
        offset = _resumable_size(folder / (name + ".part"), folder / (name + ".part.json"), url)
    resumes = 0
    base_headers = dict(request.headers)
    while True:
        sink = _FileSink(folder, name, url, offset, on_progress, feedback)
        headers = dict(base_headers)
        if offset:
            headers["Range"] = f"bytes={offset}-"
            log.info(f"Resuming download of {redact_url(url)} at byte {offset}")
        attempt = HttpRequest(**{**request.__dict__, "headers": headers, "accept": request.accept or "*/*"})
        try:
            client.send(attempt, feedback, sink=sink)
        except _RestartError as restart:
            sink.close()
            name, offset = sink.final_name, restart.offset
            continue
        except NetworkError as err:
            sink.close()
            if sink.final_name is None or not sink.accepts_ranges or resumes >= MAX_RESUMES or not sink.part.exists():
                raise
            resumes += 1
            name, offset = sink.final_name, sink.part.stat().st_size
            log.info(f"Download interrupted ({err.message}); resuming from byte {offset}")
            wait(backoff_delay(resumes - 1, base=0.25, cap=5.0), feedback)
            continue
        except CancelledError:
            sink.close()
            raise
        except BaseException:
            sink.close()
            raise
        sink.close()
        break
    assert sink.final_name is not None
    size = sink.part.stat().st_size
    want = expected_size if expected_size is not None else sink.total
    if want is not None and want >= 0 and size != want:
        raise NetworkError(
            f"The download of {sink.final_name} is incomplete ({size} of {want} bytes)", url=redact_url(url)
        )
    target = unique_path(folder / sink.final_name)
    if target.name != sink.final_name:
        log.info(f"{sink.final_name} exists already in {folder}: saved as {target.name}")
    os.replace(sink.part, target)
    sink.meta.unlink(missing_ok=True)
    return DownloadResult(target, size, resumes)
