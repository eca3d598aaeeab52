"""Safe extraction of downloaded archives (zip): nothing may land outside the target folder.

Refused, with a one-line :class:`ArchiveError`, before anything is written: absolute paths, drive letters,
``..`` parts (``\\`` counts as a separator, and a part Windows would read as ``..``, such as ``.. `` or
``...``, counts as ``..``), ``:`` in a name (drives, NTFS streams), two entries for one path (also when they
differ only in case, or a file is also a folder), symbolic links (and other special entries), more than
:data:`MAX_TOTAL` bytes in all, more than :data:`MAX_ENTRIES` entries, or a compression ratio above
:data:`MAX_RATIO` (zip bombs). The sizes in the directory are checked before anything is written, and they
bound what extraction can write: Python's ``zipfile`` never returns more bytes of an entry than the directory
declares (whatever its data inflates to), then checks the CRC of what it returned, so a header that lies about
a size ends as an unreadable archive, or at most as a file cut at its declared size. (A count of the bytes
written could never exceed the sizes already checked, so the plugin keeps none.) ``feedback`` cancels
between chunks.
Files go to ``<target>.extracting`` and the folder is renamed when complete, so a refused or broken
archive leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import Optional

from qgis.core import QgsFeedback

from .errors import CancelledError, GeodockError
from .i18n import tr

MAX_TOTAL = 64 * 1024**3  # bytes extracted from one archive
MAX_RATIO = 200.0  # uncompressed / compressed, per entry and in total (above 1 MiB)
MAX_ENTRIES = 100_000
RATIO_FLOOR = 1024 * 1024  # small entries (text, headers) may compress very well
CHUNK = 1024 * 1024


class ArchiveError(GeodockError):
    """An archive that cannot or must not be extracted."""


def _check_name(name: str, archive: str) -> PurePosixPath:
    clean = name.replace("\\", "/")
    path = PurePosixPath(clean)
    if clean.startswith("/") or (len(clean) > 1 and clean[1] == ":"):
        raise ArchiveError(
            tr("{archive} was refused: entry {name!r} has an absolute path").format(archive=archive, name=name)
        )
    # Windows drops trailing dots and spaces: ".. " and "..." are ".." there.
    if any(part == ".." or (part.rstrip(". ") == "" and part != ".") for part in path.parts):
        raise ArchiveError(
            tr("{archive} was refused: entry {name!r} points outside the folder (..)").format(
                archive=archive, name=name
            )
        )
    if "\x00" in clean or ":" in clean:
        raise ArchiveError(
            tr("{archive} was refused: entry {name!r} has a malformed name").format(archive=archive, name=name)
        )
    return path


def _check_collisions(infos: list[zipfile.ZipInfo], archive: str) -> None:
    """Refuse two entries for one path (also differing only in case) and a path that is a file and a folder."""
    files: set[str] = set()
    folders: set[str] = set()
    for info in infos:
        parts = [p.casefold() for p in PurePosixPath(info.filename.replace("\\", "/")).parts if p != "."]
        key = "/".join(parts)
        for end in range(1, len(parts)):
            folders.add("/".join(parts[:end]))
        if info.is_dir():
            folders.add(key)
        elif key in files:
            raise ArchiveError(
                tr("{archive} was refused: entry {name!r} is in it twice").format(archive=archive, name=info.filename)
            )
        else:
            files.add(key)
    both = files & folders
    if both:
        raise ArchiveError(
            tr("{archive} was refused: {name!r} is both a file and a folder").format(
                archive=archive, name=sorted(both)[0]
            )
        )


def _is_link_or_special(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if not kind:  # no file type recorded (most writers): a plain file or folder
        return False
    return kind not in (stat.S_IFREG, stat.S_IFDIR)


def check_zip(
    archive: zipfile.ZipFile,
    name: str,
    max_total: int = MAX_TOTAL,
    max_ratio: float = MAX_RATIO,
    max_entries: int = MAX_ENTRIES,
) -> int:
    """Raise :class:`ArchiveError` when the archive's directory shows a hostile entry; return the total size."""
    infos = archive.infolist()
    if len(infos) > max_entries:
        raise ArchiveError(
            tr("{archive} was refused: {count} entries (at most {limit})").format(
                archive=name, count=len(infos), limit=max_entries
            )
        )
    total = compressed = 0
    for info in infos:
        _check_name(info.filename, name)
    _check_collisions(infos, name)
    for info in infos:
        if _is_link_or_special(info):
            raise ArchiveError(
                tr("{archive} was refused: entry {name!r} is a symbolic link or special file").format(
                    archive=name, name=info.filename
                )
            )
        total += info.file_size
        compressed += info.compress_size
        if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(1, info.compress_size):
            raise ArchiveError(
                tr("{archive} was refused: entry {name!r} expands {ratio:.0f} times (a zip bomb?)").format(
                    archive=name, name=info.filename, ratio=info.file_size / max(1, info.compress_size)
                )
            )
    if total > max_total:
        raise ArchiveError(
            tr("{archive} was refused: it would expand to {total} bytes (at most {limit})").format(
                archive=name, total=total, limit=max_total
            )
        )
    if total > RATIO_FLOOR and total > max_ratio * max(1, compressed):
        raise ArchiveError(
            tr("{archive} was refused: it expands {ratio:.0f} times (a zip bomb?)").format(
                archive=name, ratio=total / max(1, compressed)
            )
        )
    return total


class _Progress:
    """Cancellation and progress over the bytes of one archive."""

    def __init__(self, feedback: Optional[QgsFeedback], expected: int) -> None:
        self.feedback, self.expected, self.written = feedback, expected, 0

    def add(self, size: int) -> None:
        """Count ``size`` more bytes written; raise :class:`CancelledError` when the user cancelled."""
        if self.feedback is None:
            return
        if self.feedback.isCanceled():
            raise CancelledError()
        self.written += size
        if self.expected:
            self.feedback.setProgress(100.0 * self.written / self.expected)


def _extract_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, root: Path, name: str, progress: _Progress
) -> Optional[Path]:
    """Write one checked entry under ``root``; return the file written (None for a folder)."""
    relative = _check_name(info.filename, name)
    destination = (root / relative).resolve()
    if root != destination and root not in destination.parents:
        raise ArchiveError(
            tr("{archive} was refused: entry {name!r} points outside the folder").format(
                archive=name, name=info.filename
            )
        )
    if info.is_dir():
        destination.mkdir(parents=True, exist_ok=True)
        return None
    destination.parent.mkdir(parents=True, exist_ok=True)
    # zipfile stops at info.file_size (checked above), then checks the CRC: a lie is BadZipFile.
    with archive.open(info) as source, open(destination, "xb") as sink:
        progress.add(0)
        while chunk := source.read(CHUNK):
            sink.write(chunk)
            progress.add(len(chunk))
    return destination


def extract_zip(
    path: Path,
    target: Path,
    feedback: Optional[QgsFeedback] = None,
    max_total: int = MAX_TOTAL,
    max_ratio: float = MAX_RATIO,
    max_entries: int = MAX_ENTRIES,
) -> list[Path]:
    """Extract the zip ``path`` into the new folder ``target``; return the extracted files.

    ``target`` must not exist yet (a new folder per archive); on any refusal nothing is left behind.
    """
    path, target = Path(path), Path(target)
    name = path.name
    if target.exists() and any(target.iterdir()):
        raise ArchiveError(
            tr("Cannot extract {archive}: {target} exists and is not empty").format(archive=name, target=target)
        )
    staging = target.with_name(target.name + ".extracting")
    if staging.exists():
        shutil.rmtree(staging)
    try:
        with zipfile.ZipFile(path) as archive:
            expected = check_zip(archive, name, max_total, max_ratio, max_entries)
            staging.mkdir(parents=True)
            root = staging.resolve()
            files: list[Path] = []
            progress = _Progress(feedback, expected)
            for info in archive.infolist():
                extracted = _extract_entry(archive, info, root, name, progress)
                if extracted is not None:
                    files.append(extracted)
        if target.exists():
            target.rmdir()
        os.replace(staging, target)
    except zipfile.BadZipFile as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise ArchiveError(
            tr("{archive} is not a readable zip archive ({reason})").format(archive=name, reason=err)
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    root_resolved = staging.resolve()
    return [target / f.relative_to(root_resolved) for f in files]
