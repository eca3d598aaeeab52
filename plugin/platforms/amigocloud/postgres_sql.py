"""PostgreSQL text Geodock builds or inspects: identifiers and literals quoted, and "is this a read?".

AmigoCloud's SQL API runs PostGIS SQL. Names the server hands us (tables, columns, primary keys) go into
queries through :func:`quote_identifier`, values through :func:`quote_literal`, never pasted in as they are.

:func:`is_read_only` decides whether a query may go to the read endpoint without asking. It lexes the query
the way PostgreSQL does (string constants ``'...'``, ``E'...'``, dollar quotes ``$tag$...$tag$``, quoted
identifiers, ``--`` and nested ``/* */`` comments), so a keyword inside a string or a comment does not count
and a ``;`` or a ``DELETE`` outside one does. A query is a read only when it is provably one statement that
starts with SELECT, WITH, VALUES, TABLE, SHOW or EXPLAIN (the explained statement itself a read) and holds
no data-modifying keyword, ``SELECT ... INTO``, row lock or known side-effect function. Everything else,
including what cannot be lexed, is a write.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Optional, Union

from ...errors import UnreadableResponseError
from ...i18n import tr

#: Statements that read (the first word of a query that can be a read).
READ_STARTS = frozenset({"select", "with", "values", "table", "show", "explain"})
#: Words that make any statement a write wherever they appear outside strings and comments.
WRITE_WORDS = frozenset(
    {"insert", "update", "delete", "merge", "truncate", "drop", "create", "alter", "grant", "revoke", "into"}
)
#: Built-in functions that change data or server state (schema-qualified or not, quoted or not).
SIDE_EFFECT_FUNCTIONS = frozenset(
    {
        "set_config",
        "nextval",
        "setval",
        "pg_notify",
        "pg_terminate_backend",
        "pg_cancel_backend",
        "pg_reload_conf",
        "pg_rotate_logfile",
        "pg_switch_wal",
        "pg_file_write",
        "lowrite",
        "query_to_xml",
        "query_to_xml_and_xmlschema",
        "cursor_to_xml",
    }
)
SIDE_EFFECT_PREFIXES = ("pg_advisory", "pg_try_advisory", "lo_", "dblink", "pg_create_", "pg_drop_", "pg_replication_")
_EXPLAIN_WORDS = frozenset({"analyze", "analyse", "verbose"})
_LOCK_AFTER_FOR = frozenset({"update", "share", "no", "key"})

_WORD = re.compile(r"[^\W\d][\w$]*")
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\w*")
_DOLLAR_TAG = re.compile(r"\$(?:[^\W\d][\w]*)?\$")
_PARAMETER = re.compile(r"\$\d+")
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")


class UnprovableSqlError(ValueError):
    """The query cannot be lexed for sure (an unterminated string, comment or quoted name ...)."""


@dataclass(frozen=True)
class Token:
    """A lexeme outside strings and comments: ``kind`` is ``word`` (lower-cased), ``name`` (a quoted
    identifier), ``string``, ``number``, ``parameter`` or ``symbol``."""

    kind: str
    text: str


def quote_identifier(name: str) -> str:
    """``name`` as a quoted SQL identifier (``"..."`` with ``"`` doubled); refuses an empty name or NUL."""
    name = str(name)
    if not name or "\x00" in name:
        raise UnreadableResponseError(
            tr("The server named a table or column {name!r}, which is not a usable SQL name").format(name=name)
        )
    return '"' + name.replace('"', '""') + '"'


def editor_identifier(name: str) -> str:
    """``name`` as typed in a query: bare when it is a plain lower-case name, quoted otherwise."""
    return name if _PLAIN_NAME.fullmatch(name) else quote_identifier(name)


def quote_literal(value: Union[str, int, float, bool, None]) -> str:
    """``value`` as an SQL constant: strings quoted (``E'...'`` when they hold a backslash), finite numbers."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a number SQL can hold")
        return repr(value)
    text = str(value)
    if "\x00" in text:
        raise ValueError("An SQL string cannot hold a NUL character")
    quoted = "'" + text.replace("'", "''") + "'"
    return "E" + quoted.replace("\\", "\\\\") if "\\" in text else quoted


def _end_of_quoted(sql: str, start: int, quote: str, backslashes: bool) -> int:
    """The index after the closing ``quote`` of the constant opened at ``start`` (doubled quotes continue)."""
    i = start + 1
    while i < len(sql):
        char = sql[i]
        if backslashes and char == "\\":
            i += 2
            continue
        if char == quote:
            if i + 1 < len(sql) and sql[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    raise UnprovableSqlError(f"unterminated {quote}")


def _end_of_comment(sql: str, start: int) -> int:
    """The index after the ``*/`` closing the comment opened at ``start`` (they nest, as in PostgreSQL)."""
    depth, i = 0, start
    while i < len(sql) - 1:
        pair = sql[i : i + 2]
        if pair == "/*":
            depth, i = depth + 1, i + 2
        elif pair == "*/":
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    raise UnprovableSqlError("unterminated comment")


def tokenize(sql: str, backslash_strings: bool = False) -> list[Token]:
    """The lexemes of ``sql`` outside comments; ``backslash_strings`` lexes ``'...'`` as PostgreSQL does with
    ``standard_conforming_strings`` off. Raises :class:`UnprovableSqlError` for what cannot be lexed for sure."""
    tokens: list[Token] = []
    i, size = 0, len(sql)
    while i < size:
        token, i = _lex_one(sql, i, backslash_strings)
        if token is not None:
            tokens.append(token)
    return tokens


def _lex_one(sql: str, i: int, backslash_strings: bool) -> tuple[Optional[Token], int]:
    """The token starting at ``i`` (None for blanks and comments) and where the next one starts."""
    char, pair = sql[i], sql[i : i + 2]
    if char.isspace():
        return None, i + 1
    if pair == "--":
        ends = [p for p in (sql.find("\n", i), sql.find("\r", i)) if p >= 0]
        return None, (min(ends) + 1 if ends else len(sql))
    if pair == "/*":
        return None, _end_of_comment(sql, i)
    quoted = _lex_quoted(sql, i, backslash_strings)
    if quoted is not None:
        return quoted
    if char == "$":
        return _lex_dollar(sql, i)
    if word := _WORD.match(sql, i):
        return Token("word", word.group().lower()), word.end()
    if number := _NUMBER.match(sql, i):
        return Token("number", number.group()), number.end()
    return Token("symbol", char), i + 1


def _lex_quoted(sql: str, i: int, backslash_strings: bool) -> Optional[tuple[Token, int]]:
    """A string constant or quoted identifier starting at ``i`` and its end, or None when none starts there."""
    pair, triple = sql[i : i + 2], sql[i : i + 3].lower()
    if sql[i] == "'":
        start, escapes = i, backslash_strings
    elif sql[i] == '"':
        end = _end_of_quoted(sql, i, '"', False)
        return Token("name", sql[i + 1 : end - 1].replace('""', '"')), end
    elif pair in ("E'", "e'"):
        start, escapes = i + 1, True
    elif pair.lower() in ("b'", "x'", "n'"):
        start, escapes = i + 1, backslash_strings and pair.lower() == "n'"
    elif triple == 'u&"':
        raise UnprovableSqlError("a Unicode-escaped identifier")
    elif triple == "u&'":
        start, escapes = i + 2, False
    else:
        return None
    end = _end_of_quoted(sql, start, "'", escapes)
    return Token("string", sql[i:end]), end


def _lex_dollar(sql: str, i: int) -> tuple[Token, int]:
    """A positional parameter (``$1``) or a dollar-quoted string (``$tag$...$tag$``) starting at ``i``."""
    parameter = _PARAMETER.match(sql, i)
    if parameter:
        return Token("parameter", parameter.group()), parameter.end()
    tag = _DOLLAR_TAG.match(sql, i)
    if not tag:
        raise UnprovableSqlError("a stray $")
    close = sql.find(tag.group(), tag.end())
    if close < 0:
        raise UnprovableSqlError("unterminated dollar quote")
    end = close + len(tag.group())
    return Token("string", sql[i:end]), end


def _statements(tokens: list[Token]) -> list[list[Token]]:
    """``tokens`` split at ``;``, empty statements left out."""
    statements: list[list[Token]] = [[]]
    for token in tokens:
        if token == Token("symbol", ";"):
            statements.append([])
        else:
            statements[-1].append(token)
    return [statement for statement in statements if statement]


def _has_side_effect(tokens: list[Token]) -> bool:
    """Whether a write keyword, a row lock or a side-effect function appears among ``tokens``."""
    for index, token in enumerate(tokens):
        if token.kind not in ("word", "name"):
            continue
        name = token.text.lower()
        if token.kind == "word" and name in WRITE_WORDS:
            return True
        if name in SIDE_EFFECT_FUNCTIONS or name.startswith(SIDE_EFFECT_PREFIXES):
            return True
        after = tokens[index + 1] if index + 1 < len(tokens) else Token("symbol", "")
        if name == "for" and token.kind == "word" and after.kind == "word" and after.text in _LOCK_AFTER_FOR:
            return True  # FOR UPDATE / SHARE / NO KEY UPDATE / KEY SHARE: row locks
    return False


def _is_read_statement(tokens: list[Token]) -> bool:
    """Whether one statement's tokens start as a read (after any opening parentheses)."""
    start = 0
    while start < len(tokens) and tokens[start] == Token("symbol", "("):
        start += 1
    if start >= len(tokens) or tokens[start].kind != "word" or tokens[start].text not in READ_STARTS:
        return False
    if tokens[start].text == "explain":
        rest = start + 1
        while rest < len(tokens):
            if tokens[rest].kind == "word" and tokens[rest].text in _EXPLAIN_WORDS:
                rest += 1
            elif tokens[rest] == Token("symbol", "(") and rest == start + 1:  # EXPLAIN (options) statement
                depth = 0
                while rest < len(tokens):
                    depth += {"(": 1, ")": -1}.get(tokens[rest].text if tokens[rest].kind == "symbol" else "", 0)
                    rest += 1
                    if depth == 0:
                        break
            else:
                break
        return start == 0 and _is_read_statement(tokens[rest:])
    return not _has_side_effect(tokens)


def is_read_only(sql: str) -> bool:
    """Whether ``sql`` is provably a single statement that only reads (see the module's docstring)."""
    try:
        readings = [tokenize(sql)]
        if "\\" in sql:  # a server with standard_conforming_strings off ends '...' elsewhere: both must read
            readings.append(tokenize(sql, backslash_strings=True))
    except UnprovableSqlError:
        return False
    for tokens in readings:
        statements = _statements(tokens)
        if len(statements) != 1 or not _is_read_statement(statements[0]):
            return False
    return True


def is_empty(sql: str) -> bool:
    """Whether ``sql`` holds no statement at all (blank, or only comments and semicolons)."""
    try:
        return not _statements(tokenize(sql))
    except UnprovableSqlError:
        return False
