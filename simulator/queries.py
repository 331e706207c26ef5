"""Query logic both faces share: browse patterns, history ranges, alarm filter strings."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
import operator
import re
from typing import Any

from .plant import TagReading

# --- browse ---------------------------------------------------------------------------


@lru_cache(maxsize=256)
def browse_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a WinCC browse filter.

    ``*`` matches within one name level (it stops at ``.`` and ``:``), ``**`` matches
    across levels. ``*::*`` is every object, ``*.*`` the first-level elements and
    ``*.**`` every element. Matching ignores case.
    """
    parts = re.split(r"(\*\*|\*)", pattern)
    regex = "".join(
        ".*" if part == "**" else "[^.:]*" if part == "*" else re.escape(part) for part in parts
    )
    return re.compile(f"^{regex}$", re.IGNORECASE)


def browse_matches(pattern: str, full_name: str) -> bool:
    """Whether an object's full name (``System::Local``) matches a browse filter.

    A filter without ``::`` is matched against the local part of the name.
    """
    candidate = full_name if "::" in pattern else full_name.split("::", 1)[-1]
    return browse_pattern(pattern).match(candidate) is not None


# --- history --------------------------------------------------------------------------


class HistoryArgumentError(ValueError):
    """A history request with an impossible range (WinCC error code 3)."""


@dataclass(frozen=True, slots=True)
class HistorySample:
    """A logged value and whether it is a bounding value outside the asked range."""

    reading: TagReading
    bounding: bool = False


def select_history(
    samples: Sequence[TagReading],
    start: datetime | None,
    end: datetime | None,
    max_values: int,
    *,
    descending: bool = False,
    left_bound: bool = False,
    right_bound: bool = False,
) -> list[HistorySample]:
    """Pick logged samples the way ``loggedTagValues`` does.

    At least one of ``start`` and ``end`` is needed; with only one, ``max_values`` is
    too. With only ``end``, the newest values before it are chosen.
    """
    if start is None and end is None:
        raise HistoryArgumentError("startTime or endTime is required")
    if (start is None or end is None) and max_values <= 0:
        raise HistoryArgumentError("maxNumberOfValues is required with only one time bound")
    if start is not None and end is not None and end < start:
        raise HistoryArgumentError("endTime is before startTime")
    if max_values < 0:
        raise HistoryArgumentError("maxNumberOfValues cannot be negative")
    inside = [
        s
        for s in samples
        if (start is None or s.timestamp >= start) and (end is None or s.timestamp <= end)
    ]
    if max_values:
        newest_first = start is None or (descending and end is not None)
        inside = inside[-max_values:] if newest_first else inside[:max_values]
    chosen = [HistorySample(s) for s in inside]
    if left_bound and start is not None:
        before = [s for s in samples if s.timestamp < start]
        chosen[:0] = [HistorySample(before[-1], bounding=True)] if before else []
    if right_bound and end is not None:
        after = [s for s in samples if s.timestamp > end]
        chosen += [HistorySample(after[0], bounding=True)] if after else []
    if descending:
        chosen.reverse()
    return chosen


# --- alarm filter strings -------------------------------------------------------------


class FilterSyntaxError(ValueError):
    """A filter string that does not parse (WinCC error code 301)."""


type AlarmPredicate = Callable[[Mapping[str, object]], bool]

_TOKEN = re.compile(
    r"\s*(?:(?P<number>-?\d+(?:\.\d+)?)|'(?P<string>[^']*)'|(?P<op><>|!=|<=|>=|=|<|>)"
    r"|(?P<paren>[()])|(?P<word>[A-Za-z_][A-Za-z0-9_]*))"
)
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise FilterSyntaxError(f"unexpected text at position {position}: {text[position:]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _like(value: object, pattern: object) -> bool:
    regex = re.escape(str(pattern)).replace("%", ".*").replace(r"\*", ".*").replace("_", ".")
    return re.fullmatch(regex, str(value), re.IGNORECASE) is not None


class _FilterParser:
    """Recursive descent over: or := and (OR and)*; and := not (AND not)*;
    not := NOT not | '(' or ')' | field op literal."""

    def __init__(self, tokens: list[tuple[str, str]], fields: Mapping[str, str]) -> None:
        self._tokens = tokens
        self._fields = fields
        self._at = 0

    def _peek_word(self, word: str) -> bool:
        if self._at < len(self._tokens):
            kind, text = self._tokens[self._at]
            return kind == "word" and text.upper() == word
        return False

    def _take(self) -> tuple[str, str]:
        if self._at >= len(self._tokens):
            raise FilterSyntaxError("the filter string ends too early")
        self._at += 1
        return self._tokens[self._at - 1]

    def parse(self) -> AlarmPredicate:
        predicate = self._or()
        if self._at != len(self._tokens):
            raise FilterSyntaxError(f"unexpected {self._tokens[self._at][1]!r}")
        return predicate

    def _or(self) -> AlarmPredicate:
        parts = [self._and()]
        while self._peek_word("OR"):
            self._at += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else lambda row: any(p(row) for p in parts)

    def _and(self) -> AlarmPredicate:
        parts = [self._not()]
        while self._peek_word("AND"):
            self._at += 1
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else lambda row: all(p(row) for p in parts)

    def _not(self) -> AlarmPredicate:
        if self._peek_word("NOT"):
            self._at += 1
            inner = self._not()
            return lambda row: not inner(row)
        kind, text = self._take()
        if kind == "paren" and text == "(":
            inner = self._or()
            if self._take() != ("paren", ")"):
                raise FilterSyntaxError("missing ')'")
            return inner
        if kind != "word" or text.lower() not in self._fields:
            raise FilterSyntaxError(f"unknown field {text!r}")
        key = self._fields[text.lower()]
        kind, op = self._take()
        if kind == "word" and op.upper() == "LIKE":
            compare: Callable[[object, object], bool] = _like
        elif kind == "op":
            compare = _COMPARE[op]
        else:
            raise FilterSyntaxError(f"expected an operator, got {op!r}")
        kind, literal = self._take()
        if kind == "number":
            limit: object = float(literal)
        elif kind == "string":
            limit = literal
        else:
            raise FilterSyntaxError(f"expected a number or 'text', got {literal!r}")

        def holds(row: Mapping[str, object]) -> bool:
            value = row.get(key)
            if isinstance(limit, float) and not isinstance(value, int | float):
                return False
            try:
                return compare(value, limit)
            except TypeError:
                return False

        return holds


def parse_alarm_filter(text: str, fields: Mapping[str, str]) -> AlarmPredicate:
    """Compile a filter string such as ``Priority >= 10 AND AlarmClassName = 'Alarm'``.

    ``fields`` maps lower-case field names to keys of the rows the predicate tests. An
    empty string matches every alarm.
    """
    tokens = _tokens(text)
    if not tokens:
        return lambda _row: True
    return _FilterParser(tokens, fields).parse()
