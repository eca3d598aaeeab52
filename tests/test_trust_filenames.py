"""File names from servers are made safe: a byte limit that keeps the extension, no Windows device names, no
bidi or other invisible characters, ``filename*=`` understood, and the URL path before a generic name.

Issue 13, item 9. Names come from a hostile server's ``Content-Disposition`` (tests/servers/hostile.py) and
the files are really written, so a name the file system refuses fails the test.
"""

from __future__ import annotations

import urllib.parse

import pytest
from helpers import run_task

from geodock.plugin.net.client import HttpClient, HttpRequest
from geodock.plugin.net.download import download, safe_filename

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"


@pytest.fixture
def client():
    return HttpClient()


def served_as(client, hostile, folder, disposition: str, path: str = "/get"):
    """The file a download of ``path`` is saved as when the server names it with ``disposition``."""
    hostile.script(
        {
            "path": urllib.parse.unquote(path),
            "bytes": {"size": 100, "seed": 1},
            "headers": {"Content-Disposition": disposition},
        }
    )
    result = run_task(lambda fb: download(client, HttpRequest(f"{hostile.root}{path}"), folder, feedback=fb))
    assert result.path.parent == folder and result.path.read_bytes() and result.size == 100
    return result.path.name


def test_a_long_name_is_cut_in_bytes_between_characters_keeping_its_extension(client, hostile, tmp_path):
    """200 x "é" is 400 bytes: more than a file system takes (255). Cut to 200 bytes, whole characters, .zip kept."""
    quoted = urllib.parse.quote("é" * 200 + ".zip")
    name = served_as(client, hostile, tmp_path, f"attachment; filename*=UTF-8''{quoted}")
    assert len(name.encode("utf-8")) <= 200
    assert name.endswith(".zip")
    assert set(name[: -len(".zip")]) == {"é"}


def test_long_names_with_wide_characters_keep_their_extension():
    for name, ending in (("地图" * 200 + ".gpkg", ".gpkg"), ("😀" * 100 + ".tar.gz", ".gz"), ("x" * 500, "x")):
        safe = safe_filename(name)
        assert 0 < len(safe.encode("utf-8")) <= 200
        assert safe.endswith(ending)


@pytest.mark.parametrize(
    "name", ["CON", "CON.zip", "con.tar.gz", "aux", "Aux.txt", "NUL", "prn.csv", "COM1", "com9.gpkg", "LPT1", "lpt9.x"]
)
def test_windows_device_names_are_made_safe(name):
    safe = safe_filename(name)
    device = safe.split(".")[0].upper()
    assert device not in {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {
        f"LPT{i}" for i in range(1, 10)
    }
    assert safe.lower().endswith(name.lower()[len(name.split(".")[0]) :])  # the extension stays


def test_names_that_only_look_like_devices_are_kept():
    assert safe_filename("console.txt") == "console.txt"
    assert safe_filename("COM10.csv") == "COM10.csv"
    assert safe_filename("nullify") == "nullify"


def test_a_bidi_override_is_removed_so_a_name_shows_what_it_is(client, hostile, tmp_path):
    """ "invoice\u202egpj.exe" shows as "invoiceexe.jpg": served, it is saved as "invoicegpj.exe"."""
    quoted = urllib.parse.quote("invoice\u202egpj.exe")
    assert served_as(client, hostile, tmp_path, f"attachment; filename*=UTF-8''{quoted}") == "invoicegpj.exe"


def test_control_format_and_bidi_characters_are_removed():
    assert safe_filename(f"a{BIDI}b\u200b\ufeff\x00\x1f\x7f\u2028.txt") == "ab.txt"


def test_folders_and_leading_or_trailing_dots_and_spaces_are_removed():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("..\\..\\boot.ini") == "boot.ini"
    assert safe_filename(" ..hidden") == "hidden"
    assert safe_filename("report. . ") == "report"
    assert safe_filename('a:b*c?"d<e>f|g.txt') == "a_b_c__d_e_f_g.txt"
    assert safe_filename("...", "fallback") == "fallback"


def test_an_rfc_5987_name_wins_over_the_plain_one(client, hostile, tmp_path):
    disposition = "attachment; filename=\"rates.csv\"; filename*=UTF-8''%E2%82%AC%20rates.csv"
    assert served_as(client, hostile, tmp_path, disposition) == "€ rates.csv"


def test_a_quoted_name_with_a_semicolon_is_read_whole(client, hostile, tmp_path):
    assert served_as(client, hostile, tmp_path, 'attachment; filename="a;b.txt"') == "a;b.txt"


def test_an_empty_disposition_name_falls_back_to_the_url_path(client, hostile, tmp_path):
    assert (
        served_as(client, hostile, tmp_path, 'attachment; filename=""', "/exports/roads%20NZ.gpkg") == "roads NZ.gpkg"
    )


def test_an_unsafe_disposition_name_falls_back_to_the_url_path(client, hostile, tmp_path):
    disposition = "attachment; filename=\"...\"; filename*=UTF-8''%E2%80%AE"
    assert served_as(client, hostile, tmp_path, disposition, "/exports/parcels.zip") == "parcels.zip"
