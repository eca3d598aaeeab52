"""Sending a file to AmigoCloud: ``datasets/upload`` in one request (under 8 MB), or ``datasets/chunked_upload``
in pieces, then ``chunked_upload/complete`` with the whole file's md5.

Every body is an in-memory ``multipart/form-data`` piece of at most :data:`CHUNK_SIZE` bytes (a ``QByteArray``
for Qt, not a streamed device): memory stays bounded whatever the file's size, and Qt hands each piece to the
socket at once instead of 16 KiB at a time. A chunk says where it goes with ``Content-Range: bytes a-b/total``;
after the first, it names the ``upload_id`` the server gave.

Resume: the :class:`ChunkedUpload` keeps the ``upload_id`` and the offset the server confirmed. A chunk whose
connection breaks is sent again from that offset (a few times in a row, then :class:`UploadInterruptedError` carries
the upload so that a later :meth:`ChunkedUpload.send` goes on from there). When the server holds a different
offset (the chunk had arrived but its answer was lost), it says so (``400 {"offset": N}``) and the upload goes on
from N: only the bytes the server lacks are sent again. Every answer is checked: another ``upload_id``, or an
offset that is not the end of the chunk just sent, stops the upload with an error and nothing is completed.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from qgis.core import QgsFeedback

from ... import log
from ...errors import CancelledError, GeodockError, NetworkError, ResponseError
from ...i18n import tr
from ...net import json_limits
from ...net.client import HttpClient, HttpRequest, wait
from ...net.download import safe_filename
from ...net.http import AuthApplier

#: Bytes per chunk: a few MiB in memory at a time.
CHUNK_SIZE = 4 * 1024 * 1024
#: Files at least this big go in chunks (the SDK's ``MAX_SIZE_SIMPLE_UPLOAD``).
SIMPLE_LIMIT = 8_000_000
#: Broken connections in a row on the same chunk before the upload is reported interrupted.
ATTEMPTS = 3
_UPLOAD_ID = re.compile(r"^[\w.:-]{1,200}$")


class UploadError(GeodockError):
    """The upload failed, or the server's answers did not add up."""


class UploadInterruptedError(UploadError):
    """The connection kept breaking: ``upload`` holds what the server confirmed, to resume later."""

    def __init__(self, message: str, upload: ChunkedUpload, details: str = "") -> None:
        super().__init__(message, details)
        self.upload = upload


def multipart_frame(fields: dict[str, str], filename: str) -> tuple[bytes, bytes, str]:
    """``(head, tail, content type)`` of a ``multipart/form-data`` body: text ``fields``, then the file as
    ``datafile`` between ``head`` and ``tail``."""
    boundary = f"geodock-{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="datafile"; filename="{safe_filename(filename)}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    return (
        b"".join(parts) + head.encode(),
        f"\r\n--{boundary}--\r\n".encode(),
        f"multipart/form-data; boundary={boundary}",
    )


def multipart_body(fields: dict[str, str], data: bytes, filename: str) -> tuple[bytes, str]:
    """``(body, content type)`` of a ``multipart/form-data`` body: text ``fields`` then ``data`` as ``datafile``."""
    head, tail, content_type = multipart_frame(fields, filename)
    return head + data + tail, content_type


def file_md5(path: Path, feedback: Optional[QgsFeedback] = None) -> str:
    """The md5 of ``path`` (read a chunk at a time)."""
    digest = hashlib.md5()
    with path.open("rb") as source:
        while block := source.read(CHUNK_SIZE):
            if feedback is not None and feedback.isCanceled():
                raise CancelledError()
            digest.update(block)
    return digest.hexdigest()


def _server_offset(error: ResponseError) -> Optional[int]:
    """The ``offset`` a 400 answer says the server holds (None when it names none)."""
    _, _, body = error.details.partition("\n")
    try:
        doc = json_limits.loads(body)
    except ValueError:
        return None
    offset = doc.get("offset") if isinstance(doc, dict) else None
    return offset if isinstance(offset, int) and not isinstance(offset, bool) and offset >= 0 else None


@dataclass
class ChunkedUpload:
    """A chunked upload of ``path`` to ``url`` (``…/datasets/chunked_upload``): where it stands."""

    url: str
    path: Path
    filename: str
    size: int
    md5: str
    upload_id: str = ""
    offset: int = 0  # bytes the server confirmed
    chunk_size: int = CHUNK_SIZE
    _buffer: bytearray = field(default_factory=bytearray, repr=False, compare=False)

    @property
    def fraction(self) -> float:
        """How much of the file the server holds (0-1)."""
        return self.offset / self.size if self.size else 1.0

    def _body(self, start: int) -> tuple[bytearray, str, int]:
        """The chunk from ``start`` as a multipart body, its content type, and where it ends in the file.

        The file is read straight into the body's place in one buffer, kept for the next chunk: no copy made
        while holding Python's lock, and no fresh pages to fault in for every chunk.
        """
        head, tail, content_type = multipart_frame(
            {"upload_id": self.upload_id} if self.upload_id else {}, self.filename
        )
        length = min(self.chunk_size, self.size - start)
        total = len(head) + length + len(tail)
        if len(self._buffer) != total:
            self._buffer = bytearray(total)
        view = memoryview(self._buffer)
        view[: len(head)] = head
        with self.path.open("rb", buffering=0) as source:
            source.seek(start)
            done = 0
            while done < length:
                got = source.readinto(view[len(head) + done : len(head) + length])
                if not got:
                    raise UploadError(tr("{name} got shorter while it was being sent").format(name=self.filename))
                done += got
        view[len(head) + length :] = tail
        return self._buffer, content_type, start + length

    def _check_answer(self, doc: Any, end: int) -> None:
        upload_id = doc.get("upload_id") if isinstance(doc, dict) else None
        if not isinstance(upload_id, str) or not _UPLOAD_ID.match(upload_id):
            raise UploadError(tr("AmigoCloud answered a chunk without a readable upload id"), str(doc)[:500], self.url)
        if self.upload_id and upload_id != self.upload_id:
            raise UploadError(
                tr("AmigoCloud answered for another upload ({theirs}, not {ours}): the upload is stopped").format(
                    theirs=upload_id[:40], ours=self.upload_id[:40]
                ),
                str(doc)[:500],
                self.url,
            )
        offset = doc.get("offset", end)
        if offset != end:
            raise UploadError(
                tr("AmigoCloud says it holds {theirs} bytes where {ours} were sent: the upload is stopped").format(
                    theirs=str(offset)[:20], ours=end
                ),
                str(doc)[:500],
                self.url,
            )
        self.upload_id = upload_id

    def _send_chunk(self, client: HttpClient, auth: Optional[AuthApplier], feedback: Optional[QgsFeedback]) -> None:
        start = self.offset
        body, content_type, end = self._body(start)
        headers = {"Content-Type": content_type, "Content-Range": f"bytes {start}-{end - 1}/{self.size}"}
        request = HttpRequest(self.url, "POST", body=body, headers=headers, auth=auth, retries=0, timeout=120)
        self._check_answer(client.send(request, feedback).json(), end)
        self.offset = end

    def _follow_server(self, error: ResponseError, corrections: int) -> bool:
        """Take the offset a refusal names (True), when it is in the file and this has not looped."""
        offset = _server_offset(error)
        if offset is None or not self.upload_id or offset > self.size or offset == self.offset or corrections >= 2:
            return False
        log.info(f"AmigoCloud holds {offset} bytes of upload {self.upload_id}, not {self.offset}: going on from there")
        self.offset = offset
        return True

    def send(
        self,
        client: HttpClient,
        auth: Optional[AuthApplier],
        feedback: Optional[QgsFeedback] = None,
        progress_share: float = 100.0,
    ) -> None:
        """Send every chunk the server lacks (from :attr:`offset`); UploadInterruptedError when the connection keeps
        breaking, UploadError when the server's answers do not add up."""
        broken = corrections = 0
        while self.offset < self.size or not self.upload_id:
            if feedback is not None and feedback.isCanceled():
                raise CancelledError()
            try:
                self._send_chunk(client, auth, feedback)
                broken = corrections = 0
            except NetworkError as err:
                broken += 1
                if broken >= ATTEMPTS:
                    raise UploadInterruptedError(
                        tr("The upload broke off at {percent} %: {reason}").format(
                            percent=int(100 * self.fraction), reason=err.message
                        ),
                        self,
                        err.details,
                    ) from None
                log.info(f"Chunk at {self.offset} of {self.filename} lost ({err.message}); sending it again")
                wait(0.5 * broken, feedback)
                continue
            except ResponseError as err:
                if err.status == 400 and self._follow_server(err, corrections):
                    corrections += 1
                    continue
                raise
            if feedback is not None:
                feedback.setProgress(progress_share * self.fraction)

    def complete(self, client: HttpClient, auth: Optional[AuthApplier], feedback: Optional[QgsFeedback]) -> Any:
        """``chunked_upload/complete`` with the whole file's md5; the server's answer (its import job)."""
        if self.offset != self.size or not self.upload_id:
            raise UploadError(tr("The upload is not finished: it cannot be completed"))
        payload = {"upload_id": self.upload_id, "md5": self.md5, "filename": self.filename}
        return client.send_json("POST", self.url.rstrip("/") + "/complete", payload, auth=auth, feedback=feedback)


def simple_upload(
    client: HttpClient,
    url: str,
    path: Path,
    filename: str,
    auth: Optional[AuthApplier],
    feedback: Optional[QgsFeedback],
) -> Any:
    """``datasets/upload``: the whole (small) file in one request; the server's answer."""
    data = path.read_bytes()
    if len(data) >= SIMPLE_LIMIT:
        raise UploadError(tr("{name} is too big to be sent in one request").format(name=filename))
    body, content_type = multipart_body({}, data, filename)
    request = HttpRequest(url, "POST", body=body, headers={"Content-Type": content_type}, auth=auth, timeout=120)
    request.retries = 0
    return client.send(request, feedback).json()
