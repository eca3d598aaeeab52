"""File names that come from servers, made safe, and final names reserved without a race.

A server names the files Geodock writes (``Content-Disposition``, a URL path, a task's title). Such a name is
reduced to one plain file name that every supported system can create and that cannot mislead: no folders,
no control, format or bidi-control characters (U+202E would show ``exe.txt`` for ``txt.exe``), no leading
or trailing dots and spaces, no Windows device name (``CON``, ``aux.txt`` ...), and at most
:data:`MAX_NAME_BYTES` bytes of UTF-8, cut between characters and keeping the extension.

A final name is *reserved* by creating it empty with ``O_CREAT | O_EXCL``: of two writers wanting one name,
exactly one gets it, and a file already there (the user's) is never taken. The finished content is then
renamed over the reserved empty file, and over nothing else (:func:`commit_reserved`).
"""

from __future__ import annotations

import os
import re
import unicodedata
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

from ..errors import GeodockError
from ..i18n import tr

MAX_NAME_BYTES = 200
MAX_SUFFIX_CHARS = 16
MAX_CANDIDATES = 10000
_RESERVED_CHARS = re.compile(r'[/\\:*?"<>|]')
# Windows device names, with or without an extension, any case (also with a superscript digit).
_DEVICES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{device}{digit}" for device in ("COM", "LPT") for digit in "123456789\u00b9\u00b2\u00b3"
}
# Unicode categories removed from names: controls, format characters (bidi controls U+202A-U+202E,
# U+2066-U+2069, U+200E/F, zero-width characters, BOM), line/paragraph separators, surrogates, unassigned.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Cn", "Co", "Zl", "Zp"}


def safe_filename(name: str, fallback: str = "download", max_bytes: int = MAX_NAME_BYTES) -> str:
    """``name`` as one plain, portable file name (see the module docstring); ``fallback`` when nothing is left."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").split("/")[-1]
    name = "".join(" " if char.isspace() else char for char in name if not _dropped(char))
    name = _RESERVED_CHARS.sub("_", name).strip(" .")
    if not name or set(name) <= {".", "_", " "}:
        return fallback
    name = _cut(name, max_bytes)
    if name.split(".")[0].rstrip(" ").upper() in _DEVICES:
        name = "_" + name
    return name or fallback


def _dropped(char: str) -> bool:
    """Whether ``char`` is of a Unicode category file names leave out."""
    return unicodedata.category(char) in _DROPPED_CATEGORIES


def _split_suffix(name: str) -> tuple[str, str]:
    """(stem, ".ext") when ``name`` ends with a short extension, else (name, "")."""
    stem, dot, ext = name.rpartition(".")
    if dot and stem and ext and len(ext) < MAX_SUFFIX_CHARS and " " not in ext:
        return stem, "." + ext
    return name, ""


def _cut(name: str, max_bytes: int) -> str:
    """``name`` in at most ``max_bytes`` bytes of UTF-8, cut between characters, keeping the extension."""
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    stem, suffix = _split_suffix(name)
    room = max_bytes - len(suffix.encode("utf-8"))
    if room < 1:
        stem, suffix, room = name, "", max_bytes
    # errors="ignore" drops the bytes of a character cut in half at the end.
    stem = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip(" .")
    return stem + suffix if stem else suffix.lstrip(".")


def filename_from_disposition(value: str) -> Optional[str]:
    """The file name in a ``Content-Disposition`` header, unsanitised: ``filename*`` (RFC 5987) first.

    None when the header names no file; an empty string when it names an empty one.
    """
    plain: Optional[str] = None
    extended: Optional[str] = None
    for match in re.finditer(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)', ";" + (value or "")):
        key, raw = match.group(1).lower(), match.group(2).strip()
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        if key == "filename*":
            extended = _decode_extended(raw)
        elif key == "filename":
            plain = raw
    return extended if extended is not None else plain


def _decode_extended(raw: str) -> Optional[str]:
    """An RFC 5987 ``charset'language'percent-encoded`` value, or None when it is not one."""
    parts = raw.split("'", 2)
    if len(parts) != 3:
        return None
    charset = parts[0].strip() or "utf-8"
    try:
        return urllib.parse.unquote(parts[2], encoding=charset, errors="strict")
    except (LookupError, UnicodeDecodeError):
        return None


def name_from_url(url: str) -> str:
    """The last segment of ``url``'s path, percent-decoded ("" when the path names none)."""
    path = urllib.parse.urlparse(url).path
    return urllib.parse.unquote(path.rstrip("/").rsplit("/", 1)[-1])


def server_filename(disposition: str, url: str, fallback: str = "download") -> str:
    """The safe name for a download: ``Content-Disposition``'s, else the URL path's last segment, else ``fallback``."""
    for candidate in (filename_from_disposition(disposition), name_from_url(url)):
        name = safe_filename(candidate or "", "")
        if name:
            return name
    return fallback


def candidates(path: Path) -> Iterator[Path]:
    """``path``, then ``stem (1).suffix``, ``stem (2).suffix`` ..."""
    yield path
    stem, suffix = _split_suffix(path.name)
    for index in range(1, MAX_CANDIDATES):
        yield path.with_name(f"{stem} ({index}){suffix}")


def create_exclusive(path: Path) -> Optional[os.stat_result]:
    """Create ``path`` empty if nothing is there (atomically); its stat, or None when the name is taken."""
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(path, flags, 0o666)
    except FileExistsError:
        return None
    try:
        return os.fstat(handle)
    finally:
        os.close(handle)


def reserve(path: Path) -> tuple[Path, os.stat_result]:
    """Reserve ``path`` (or the first free ``stem (n).suffix``) by creating it empty; the name and its stat."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for candidate in candidates(path):
        made = create_exclusive(candidate)
        if made is not None:
            return candidate, made
    raise GeodockError(
        tr("Could not find a free file name for {name} in {folder}").format(name=path.name, folder=path.parent)
    )


def still_reserved(path: Path, made: os.stat_result) -> bool:
    """Whether ``path`` is still the empty file :func:`reserve` made (nobody wrote to or replaced it)."""
    try:
        now = os.stat(path)
    except OSError:
        return False
    return now.st_size == 0 and (now.st_dev, now.st_ino) == (made.st_dev, made.st_ino)


def release(path: Path, made: os.stat_result) -> None:
    """Give a reserved name back (remove the empty file) unless someone has used it since."""
    if still_reserved(path, made):
        try:
            path.unlink()
        except OSError:
            pass


def commit_reserved(source: Path, path: Path, made: os.stat_result) -> Path:
    """Give ``source`` the reserved name ``path``, taking the place of the empty file reserved there only.

    When the reserved file was written to or replaced meanwhile, a new name is reserved instead; returns the
    name the content now has. Where the file system has hard links the empty file is removed and the content
    linked in its place: a link never replaces anything (a name taken in between is simply not used), and
    ext4 does not flush the whole file to disk as it does when a rename replaces a file.
    """
    while True:
        while not still_reserved(path, made):
            path, made = reserve(path)
        linked = _link_in_place(source, path)
        if linked is None:
            os.replace(source, path)  # (no hard links here: renamed over the empty file reserved)
            return path
        if linked:
            return path
        path, made = reserve(path)  # taken between the removal of the empty file and the link


def _link_in_place(source: Path, path: Path) -> Optional[bool]:
    """Swap the empty ``path`` for ``source``: True when done, False when the name was taken in between,
    None when the file system has no hard links (``path`` is then reserved again, empty)."""
    path.unlink()
    try:
        os.link(source, path)
    except FileExistsError:
        return False
    except OSError:
        if create_exclusive(path) is None:
            return False
        return None
    source.unlink()
    return True


def write_new_file(path: Path, data: bytes) -> Path:
    """Write ``data`` as a new file ``path`` (or ``stem (n).suffix``), never replacing one; the name it got."""
    final, made = reserve(path)
    try:
        return commit_reserved(_written_beside(final, data), final, made)
    except BaseException:
        release(final, made)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """Replace Geodock's own file ``path`` (a cache, a job's results record) so no reader sees half of it.

    The content goes first into a temporary file of its own beside it: two writers never share one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    os.replace(_written_beside(path, data), path)


def _written_beside(path: Path, data: bytes) -> Path:
    """``data`` in a new temporary file of its own beside ``path`` (created with O_EXCL, the usual permissions)."""
    while True:
        temporary = path.with_name(f".{_cut(path.name, 60)}.{uuid.uuid4().hex[:12]}.part")
        if create_exclusive(temporary) is not None:
            break
    try:
        with temporary.open("r+b") as out:
            out.write(data)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def unique_path(path: Path) -> Path:
    """``path``, or ``stem (n).suffix`` with the first n for which nothing exists yet.

    Only a guess (another writer may take the name before you): use :func:`reserve` to write a file.
    """
    for candidate in candidates(path):
        if not candidate.exists():
            return candidate
    raise GeodockError(tr("Could not find a free file name for {name}").format(name=path.name))
