"""The depth cap of server JSON (``plugin.net.json_limits``) reads strings as JSON does: brackets inside strings,
escaped quotes and escaped backslashes never change the depth it finds, and a deep document stays refused."""

from __future__ import annotations

import json

import pytest

from geodock.plugin.net import json_limits


def _nested(depth: int, leaf: object = 1) -> object:
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


@pytest.mark.parametrize(
    "text",
    [
        '"[[[["',  # brackets in a string
        '["\\"[[[[", "\\\\"]',  # an escaped quote, then an escaped backslash right before a closing quote
        '{"a\\\\\\"[": "]]]]\\\\", "b": ["\\\\\\\\"]}',  # runs of escapes next to quotes
        '["\\u0022[[[[\\u005b"]',  # \\u escapes of a quote and a bracket
        '["\\\\", "[[[]]]"]',  # a string ending in an escaped backslash, then brackets in the next string
    ],
)
def test_brackets_inside_strings_do_not_count(text):
    json.loads(text)  # (valid JSON)
    assert not json_limits.too_deep(text, 2)
    assert json_limits.loads(text) == json.loads(text)


def test_depth_is_counted_exactly_around_tricky_strings():
    tricky = '"\\\\\\"[{\\\\"'
    for depth in (1, 5, 100):
        text = json.dumps(_nested(depth, tricky))
        assert not json_limits.too_deep(text, depth)
        assert json_limits.too_deep(text, depth - 1)


def test_a_deep_document_after_tricky_strings_is_refused():
    text = '["\\\\", "\\"]", ' + "[" * 150 + "]" * 150 + "]"
    with pytest.raises(json_limits.JsonTooDeepError):
        json_limits.loads(text)
    with pytest.raises(json.JSONDecodeError):  # (what callers catch)
        json_limits.loads(text)


def test_a_big_document_leaves_the_cycle_collector_as_it_was():
    import gc

    big = json.dumps([{"id": n, "title": f"item {n}", "tags": ["a", "b"]} for n in range(5000)])
    assert len(big) >= json_limits.PAUSE_COLLECTOR_FROM
    assert gc.isenabled()
    assert len(json_limits.loads(big)) == 5000
    assert gc.isenabled()
    with pytest.raises(json.JSONDecodeError):
        json_limits.loads(big[:-1])  # malformed: refused, the collector still on
    assert gc.isenabled()
    gc.disable()
    try:
        json_limits.loads(big)
        assert not gc.isenabled()  # (a caller's own choice is kept)
    finally:
        gc.enable()
