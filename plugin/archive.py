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
        raise ArchiveError(f"{archive} was refused: entry {name!r} has an absolute path")
    # Windows drops trailing dots and spaces: ".. " and "..." are ".." there.
    if any(part == ".." or (part.rstrip(". ") == "" and part != ".") for part in path.parts):
        raise ArchiveError(f"{archive} was refused: entry {name!r} points outside the folder (..)")
    if "\x00" in clean or ":" in clean:
        raise ArchiveError(f"{archive} was refused: entry {name!r} has a malformed name")
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
            raise ArchiveError(f"{archive} was refused: entry {info.filename!r} is in it twice")
        else:
            files.add(key)
    both = files & folders
    if both:
        raise ArchiveError(f"{archive} was refused: {sorted(both)[0]!r} is both a file and a folder")


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
        raise ArchiveError(f"{name} was refused: {len(infos)} entries (at most {max_entries})")
    total = compressed = 0
    for info in infos:
        _check_name(info.filename, name)
    _check_collisions(infos, name)
    for info in infos:
        if _is_link_or_special(info):
            raise ArchiveError(f"{name} was refused: entry {info.filename!r} is a symbolic link or special file")
        total += info.file_size
        compressed += info.compress_size
        if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(1, info.compress_size):
            raise ArchiveError(
                f"{name} was refused: entry {info.filename!r} expands {info.file_size / max(1, info.compress_size):.0f}"
                f" times (a zip bomb?)"
            )
    if total > max_total:
        raise ArchiveError(f"{name} was refused: it would expand to {total} bytes (at most {max_total})")
    if total > RATIO_FLOOR and total > max_ratio * max(1, compressed):
        raise ArchiveError(f"{name} was refused: it expands {total / max(1, compressed):.0f} times (a zip bomb?)")
    return total


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
        raise ArchiveError(f"Cannot extract {name}: {target} exists and is not empty")
    staging = target.with_name(target.name + ".extracting")
    if staging.exists():
        shutil.rmtree(staging)
    try:
        with zipfile.ZipFile(path) as archive:
            expected = check_zip(archive, name, max_total, max_ratio, max_entries)
            staging.mkdir(parents=True)
            root = staging.resolve()
            written = 0
            files: list[Path] = []
            for info in archive.infolist():
                relative = _check_name(info.filename, name)
                destination = (root / relative).resolve()
                if root != destination and root not in destination.parents:
                    raise ArchiveError(f"{name} was refused: entry {info.filename!r} points outside the folder")
                if info.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                # zipfile stops at info.file_size (checked above), then checks the CRC: a lie is BadZipFile.
                with archive.open(info) as source, open(destination, "xb") as sink:
                    while True:
                        if feedback is not None and feedback.isCanceled():
                            raise CancelledError()
                        chunk = source.read(CHUNK)
                        if not chunk:
                            break
                        written += len(chunk)
                        sink.write(chunk)
                        if feedback is not None and expected:
                            feedback.setProgress(100.0 * written / expected)
                files.append(destination)
        if target.exists():
            target.rmdir()
        os.replace(staging, target)
    except zipfile.BadZipFile as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise ArchiveError(f"{name} is not a readable zip archive ({err})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    root_resolved = staging.resolve()
    return [target / f.relative_to(root_resolved) for f in files]
