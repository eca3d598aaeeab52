"""An execution's or a job's answer as it streams in: JSON kept in memory, anything else into a file.

A server may answer ``POST /processes/{id}/execution`` (synchronous, ``response: raw``) or
``GET /jobs/{id}/results`` with the result itself: a GeoTIFF, a PNG, a zip, a CSV, a GeoPackage. The
:class:`ResultSink` decides from the ``Content-Type`` once the headers are in:

* JSON (or no type at all): kept in memory, at most :data:`MAX_JSON_BYTES` (a larger one is refused);
* an HTML page: refused (``"The server answered with a web page instead of data"``), as before, unless it is
  JSON labelled HTML (pygeoapi's ``DELETE``);
* ``multipart/*`` (several raw outputs in one answer): refused with a message saying to ask for a document;
* anything else: streamed into a new file named after the output with the extension its type implies
  (:mod:`.results_media`), through a ``.part`` beside a final name reserved first (:mod:`plugin.net.filenames`):
  at most :data:`MAX_FILE_BYTES` (checked against ``Content-Length`` before a byte is written, and while
  writing), checked against the length announced (by the client), and kept as ``.bin`` when its bytes are not
  what the type says. A refused or broken answer leaves no file behind.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Optional, Union

from ...errors import GeodockError, UnreadableResponseError
from ...i18n import tr
from ...net import json_limits
from ...net.filenames import commit_reserved, release, reserve, safe_filename, server_filename
from ...net.http import HttpResponse
from ...redact import redact_url
from .results_media import HEAD_BYTES, base_type, extension_for, is_json_type, settle_file

MAX_JSON_BYTES = 512 * 1024**2  # a JSON answer (inline results included) kept in memory
MAX_FILE_BYTES = 64 * 1024**3  # one raw result file


class UnsupportedResultError(GeodockError):
    """An answer Geodock cannot take apart (a multipart answer of several raw outputs)."""


@dataclass
class RawResult:
    """A result the server sent as itself (not as JSON), saved as a file."""

    path: Path
    media_type: str  # the Content-Type the server sent
    size: int
    output: str = ""  # the output it is (the one asked for), "" when not known


def _too_large(size: int, limit: int, url: str) -> UnreadableResponseError:
    return UnreadableResponseError(
        tr("The server's result is too large ({size} bytes, at most {limit})").format(size=size, limit=limit),
        url=redact_url(url),
    )


class ResultSink:
    """Receives an answer that may be JSON or a raw result (see the module docstring).

    ``folder``: where a raw result goes (None: a new temporary folder); ``name``: the file's name without its
    extension (the output's); the server's ``Content-Disposition`` name is used only when ``name`` is empty.
    """

    def __init__(self, folder: Optional[Path], name: str = "") -> None:
        """A sink for one answer."""
        self.folder = Path(folder) if folder is not None else None
        self.name = name
        self.memory: Optional[bytearray] = None
        self.handle: Optional[IO[bytes]] = None
        self.final: Optional[Path] = None
        self.made: Any = None
        self.part: Optional[Path] = None
        self.media_type = ""
        self.url = ""
        self.written = 0
        self.head = b""

    def begin(self, response: HttpResponse) -> None:
        """Decide from the headers where the body goes; refuse HTML, multipart and oversized answers."""
        self.url = response.url
        self.media_type = response.header("content-type")
        base = base_type(self.media_type)
        length = response.header("content-length")
        announced = int(length) if length.isdigit() else -1
        if base.startswith("multipart/"):
            raise UnsupportedResultError(
                tr(
                    "The server sent several results in one multipart answer, which Geodock cannot read: "
                    "ask for a document response (or one output)"
                ),
                f"Content-Type: {self.media_type}",
                redact_url(response.url),
            )
        if not base or is_json_type(base) or "html" in base:  # (HTML: refused unless it is JSON, as pygeoapi's)
            if announced > MAX_JSON_BYTES:
                raise _too_large(announced, MAX_JSON_BYTES, response.url)
            self.memory = bytearray()
            return
        if announced > MAX_FILE_BYTES:
            raise _too_large(announced, MAX_FILE_BYTES, response.url)
        self._open_file(response)

    def _open_file(self, response: HttpResponse) -> None:
        """Reserve the result's final name and open its ``.part``."""
        folder = self.folder or Path(tempfile.mkdtemp(prefix="geodock-result-"))
        folder.mkdir(parents=True, exist_ok=True)
        stem = safe_filename(self.name, "") if self.name else ""
        if not stem:
            stem = server_filename(response.header("content-disposition"), "", "result").rsplit(".", 1)[0]
        name = safe_filename(stem, "result") + extension_for(self.media_type)
        self.final, self.made = reserve(folder / name)
        self.part = self.final.with_name(self.final.name + ".part")
        self.part.unlink(missing_ok=True)  # (ours alone: we hold the reserved name)
        self.handle = self.part.open("wb", buffering=0)

    def write(self, data: Any) -> None:
        """Keep or write the next part of the body (refused past the size limits)."""
        view = memoryview(data)
        size = len(view)
        self.written += size
        if self.memory is not None:
            if self.written > MAX_JSON_BYTES:
                raise _too_large(self.written, MAX_JSON_BYTES, self.url)
            self.memory.extend(view)
            return
        if self.written > MAX_FILE_BYTES:
            raise _too_large(self.written, MAX_FILE_BYTES, self.url)
        assert self.handle is not None
        if len(self.head) < HEAD_BYTES:
            self.head += bytes(view[: HEAD_BYTES - len(self.head)])
        done = self.handle.write(view) or 0
        while done < size:
            done += self.handle.write(view[done:]) or 0

    def result(self, response: HttpResponse, output: str = "") -> Union[Any, RawResult]:
        """The answer: its JSON (None for an empty body), or the :class:`RawResult` file."""
        if self.handle is None and self.final is None:
            body = bytes(self.memory or b"")
            if "html" not in base_type(self.media_type):
                return HttpResponse(response.status, response.headers, body, response.url).json()
            try:
                return json_limits.loads(body.decode("utf-8"))  # JSON labelled HTML (pygeoapi)
            except (ValueError, UnicodeDecodeError):
                raise UnreadableResponseError(
                    tr("The server answered with a web page instead of data"), url=redact_url(response.url)
                ) from None
        self._close()
        assert self.part is not None and self.final is not None
        path = commit_reserved(self.part, self.final, self.made)
        self.final = None
        path = settle_file(path, self.media_type)
        return RawResult(path, self.media_type, self.written, output)

    def _close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def discard(self) -> None:
        """Drop what was written (the answer failed or was refused): no file is left."""
        self._close()
        if self.part is not None:
            self.part.unlink(missing_ok=True)
        if self.final is not None:
            release(self.final, self.made)
            self.final = None
