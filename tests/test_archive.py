"""Hostile archives are refused with a clear message, and nothing is written outside the target folder."""

from __future__ import annotations

import stat
import zipfile
import zlib
from pathlib import Path

import pytest
from qgis.core import QgsFeedback

from geodock.plugin.archive import ArchiveError, extract_zip
from geodock.plugin.errors import CancelledError


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


def _lying_zip(path: Path, payload: bytes, declared: int, crc_of_declared: bool = False) -> Path:
    """A zip whose directory (local header and central directory) says ``declared`` bytes for ``payload``;
    with ``crc_of_declared`` its CRC is that of the first ``declared`` bytes, so the lie passes the CRC check."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("x.bin", payload)
    raw = bytearray(path.read_bytes())
    central = raw.rindex(b"PK\x01\x02")
    for offset in (22, central + 24):  # the uncompressed size
        raw[offset : offset + 4] = declared.to_bytes(4, "little")
    if crc_of_declared:
        for offset in (14, central + 16):  # the CRC-32
            raw[offset : offset + 4] = zlib.crc32(payload[:declared]).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    with zipfile.ZipFile(path) as check:
        assert check.getinfo("x.bin").file_size == declared
    return path


# What guards against a header that lies about an entry's size (8 MiB of zeros declared as 10 bytes, which
# the ratio check lets through): the declared sizes are what check_zip judges, and Python's zipfile never
# returns more bytes of an entry than declared, then checks the CRC of what it returned. A count of the bytes
# written could never go past the checked sizes, so archive.py keeps none (it had one, which no archive could
# trip). These two tests pin that behaviour: they fail if zipfile ever returned more than the declared size.


def test_a_size_lie_fails_the_crc_and_leaves_nothing(tmp_path):
    archive = _lying_zip(tmp_path / "liar.zip", b"\0" * (8 * 1024 * 1024), 10)
    before = _everything(tmp_path)
    with pytest.raises(ArchiveError) as info:  # a typed error, not zipfile's BadZipFile
        extract_zip(archive, tmp_path / "out")
    assert info.value.message == "liar.zip is not a readable zip archive (Bad CRC-32 for file 'x.bin')"
    assert _everything(tmp_path) == before


def test_a_size_lie_with_a_matching_crc_writes_only_the_declared_bytes(tmp_path):
    archive = _lying_zip(tmp_path / "liar.zip", b"\0" * (8 * 1024 * 1024), 10, crc_of_declared=True)
    progress: list[float] = []
    feedback = QgsFeedback()
    feedback.progressChanged.connect(progress.append)
    [written] = extract_zip(archive, tmp_path / "out", feedback, max_total=10)
    assert written.stat().st_size == 10  # cut at the size check_zip judged; the rest never read
    assert progress == [100.0]


def test_cancel_mid_extraction_leaves_nothing_half_written(tmp_path):
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as handle:
        handle.writestr("a/first.bin", bytes(range(256)) * (12 * 1024))  # 3 MiB each: three chunks
        handle.writestr("a/second.bin", bytes(range(256)) * (12 * 1024))
    before = _everything(tmp_path)
    staging = tmp_path / "out.extracting"
    feedback = QgsFeedback()
    seen: list[tuple[float, int]] = []

    def cancel_after_the_first_chunk(progress: float) -> None:
        part = staging / "a" / "first.bin"
        seen.append((progress, part.stat().st_size if part.exists() else -1))
        feedback.cancel()

    feedback.progressChanged.connect(cancel_after_the_first_chunk)
    with pytest.raises(CancelledError):
        extract_zip(archive, tmp_path / "out", feedback)
    assert seen == [(100.0 / 6, 1024 * 1024)]  # cancelled with one chunk of the first file on disk ...
    assert _everything(tmp_path) == before  # ... which is gone, with its folder


def test_not_a_zip(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"this is not a zip")
    with pytest.raises(ArchiveError) as info:
        extract_zip(bad, tmp_path / "out")
    assert "not a readable zip" in info.value.message
