"""Hostile archives are refused with a clear message, and nothing is written outside the target folder."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from geodock.plugin.archive import ArchiveError, extract_zip


def _zip(path: Path, entries: list[tuple[str, bytes]], link: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return path


def _everything(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


def test_a_good_archive_is_extracted(tmp_path):
    archive = _zip(tmp_path / "good.zip", [("a/b.txt", b"hello"), ("c.csv", b"x,y\n1,2\n")])
    files = extract_zip(archive, tmp_path / "out")
    assert sorted(f.relative_to(tmp_path / "out").as_posix() for f in files) == ["a/b.txt", "c.csv"]
    assert (tmp_path / "out" / "a" / "b.txt").read_bytes() == b"hello"
    assert not (tmp_path / "out.extracting").exists()


@pytest.mark.parametrize(
    "entries, link, words",
    [
        ([("ok.txt", b"1"), ("../evil.txt", b"pwned")], "", "outside the folder"),
        ([("ok.txt", b"1"), ("a/../../evil.txt", b"pwned")], "", "outside the folder"),
        ([("/tmp/geodock-evil-absolute.txt", b"pwned")], "", "absolute path"),
        ([("C:/evil.txt", b"pwned")], "", "absolute path"),
        ([("ok.txt", b"1")], "link-to-passwd", "symbolic link"),
    ],
)
def test_hostile_entries_are_refused(tmp_path, entries, link, words):
    inside = tmp_path / "inside"
    inside.mkdir()
    archive = _zip(inside / "hostile.zip", entries, link)
    before = _everything(tmp_path)
    with pytest.raises(ArchiveError) as info:
        extract_zip(archive, inside / "out")
    assert words in info.value.message and "hostile.zip" in info.value.message
    assert _everything(tmp_path) == before  # nothing written, nothing left behind
    assert not Path("/tmp/geodock-evil-absolute.txt").exists()


def test_zip_bomb_is_refused(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("zeros.bin", b"\0" * (50 * 1024 * 1024))  # ~1000x
    before = _everything(tmp_path)
    with pytest.raises(ArchiveError) as info:
        extract_zip(archive, tmp_path / "out")
    assert "zip bomb" in info.value.message
    assert _everything(tmp_path) == before


def test_total_size_cap(tmp_path):
    archive = _zip(tmp_path / "big.zip", [("a.bin", bytes(range(256)) * 4096), ("b.bin", bytes(range(256)) * 4096)])
    with pytest.raises(ArchiveError) as info:
        extract_zip(archive, tmp_path / "out", max_total=1024 * 1024)
    assert "would expand to" in info.value.message
    assert not (tmp_path / "out").exists()


def test_lying_header_is_caught_while_extracting(tmp_path):
    # The directory says 10 bytes; the data inflates to far more: the byte count stops it.
    archive = tmp_path / "liar.zip"
    payload = b"\0" * (8 * 1024 * 1024)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("x.bin", payload)
    raw = bytearray(archive.read_bytes())
    size = len(payload).to_bytes(4, "little")
    # Patch the uncompressed size in the local header and the central directory to 10 bytes.
    for offset in [i for i in range(len(raw) - 4) if raw[i : i + 4] == size]:
        raw[offset : offset + 4] = (10).to_bytes(4, "little")
    archive.write_bytes(bytes(raw))
    with pytest.raises((ArchiveError, zipfile.BadZipFile)):
        extract_zip(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "out.extracting").exists()


def test_not_a_zip(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"this is not a zip")
    with pytest.raises(ArchiveError) as info:
        extract_zip(bad, tmp_path / "out")
    assert "not a readable zip" in info.value.message
