"""Streaming multipart uploads: the file is read by Qt as the request goes out, never loaded whole."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable, Optional

from qgis.PyQt.QtCore import QFile, QIODevice
from qgis.PyQt.QtNetwork import QHttpMultiPart, QHttpPart, QNetworkRequest

from ..errors import GeodockError
from ..i18n import tr
from .download import safe_filename


def multipart_factory(
    fields: Mapping[str, Any],
    file_field: str,
    path: Path,
    filename: Optional[str] = None,
    content_type: Optional[str] = None,
) -> Callable[[], QHttpMultiPart]:
    """A factory of ``multipart/form-data`` bodies: text ``fields`` then ``path`` streamed as ``file_field``."""
    path = Path(path)
    if not path.is_file():
        raise GeodockError(tr("Cannot upload {file}: no such file").format(file=path.name))
    name = safe_filename(filename or path.name)
    mime = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"

    def build() -> QHttpMultiPart:
        """A fresh multipart body (one per attempt: Qt consumes it)."""
        multipart = QHttpMultiPart(QHttpMultiPart.ContentType.FormDataType)
        for key, value in fields.items():
            if value is None:
                continue
            part = QHttpPart()
            part.setHeader(QNetworkRequest.KnownHeaders.ContentDispositionHeader, f'form-data; name="{key}"')
            part.setBody(str(value).encode())
            multipart.append(part)
        device = QFile(str(path))
        if not device.open(QIODevice.OpenModeFlag.ReadOnly):
            raise GeodockError(tr("Cannot read {file}: {reason}").format(file=path.name, reason=device.errorString()))
        file_part = QHttpPart()
        file_part.setHeader(
            QNetworkRequest.KnownHeaders.ContentDispositionHeader, f'form-data; name="{file_field}"; filename="{name}"'
        )
        file_part.setHeader(QNetworkRequest.KnownHeaders.ContentTypeHeader, mime)
        file_part.setBodyDevice(device)
        device.setParent(multipart)
        multipart.append(file_part)
        return multipart

    return build
