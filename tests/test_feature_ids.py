"""Feature ids a server sends are checked before they become a fetched copy's ids (``readable_id``); the Geobox
writer is tested against a hostile local server in ``test_s1_sync_geobox.py``."""

from __future__ import annotations

import pytest

from geodock.plugin.platforms.feature_edits import readable_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [(7, "7"), ("a1b2c3", "a1b2c3"), ("f7e1:2.3-x_y", "f7e1:2.3-x_y"), (0, "0")],
)
def test_numbers_and_short_words_are_ids(value, expected):
    assert readable_id(value) == expected


@pytest.mark.parametrize(
    "value", [None, True, False, 1.5, {"id": 1}, [1], "", "1/../2", "a b", "x" * 101, "1\n2", "'; DROP TABLE t"]
)
def test_anything_else_is_not(value):
    assert readable_id(value) is None
