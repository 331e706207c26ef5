"""Lenient parsing primitives and the checks both backends share.

Where the reference marks a fact unverified, these accept every form seen so far.
Nothing here raises anything but ``ProtocolError`` (or ``InvalidArgumentError`` for a
caller's bad value).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from fnmatch import fnmatchcase
import math
from typing import Any, TypedDict

from .errors import InvalidArgumentError, NotFoundError, ProtocolError, ServerError, WinCCError
from .models import UNKNOWN_NAME_CODE, DataKind, ItemError, Quality, Scalar, TagValue

# Per-item error codes both APIs use: 2 "cannot resolve name", 3 and 30x bad arguments.
ARGUMENT_CODES = frozenset({"3", "301", "302", "303"})

# JSON decoders give plain dicts and lists; checking the concrete types is much faster
# than checking the abstract ones, and parsing runs for every tag of every poll.
_SCALARS = (bool, int, float, str)

NO_ANSWER = ItemError("?", "No answer for this tag")

# Names carrying these fail silently on the classic service, so they are stripped.
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))

_UNIFIED_KINDS = {
    "bool": DataKind.BOOL,
    **dict.fromkeys(
        (
            "sint",
            "usint",
            "int",
            "uint",
            "dint",
            "udint",
            "lint",
            "ulint",
            "byte",
            "word",
            "dword",
            "lword",
        ),
        DataKind.INTEGER,
    ),
    **dict.fromkeys(("real", "lreal", "float", "double"), DataKind.FLOAT),
    **dict.fromkeys(("string", "wstring", "char", "wchar"), DataKind.TEXT),
}
# Classic (WinCC V7) type numbers: 1 binary, 2-7 integers, 8-9 floats, 10-11 text.
_CLASSIC_KINDS = {
    1: DataKind.BOOL,
    **dict.fromkeys(range(2, 8), DataKind.INTEGER),
    8: DataKind.FLOAT,
    9: DataKind.FLOAT,
    10: DataKind.TEXT,
    11: DataKind.TEXT,
}


class ParsedRows:
    """Each tag's last answer row and the value parsed from it.

    Most rows of a poll repeat the last one unchanged. Those are not parsed again, and
    they give back the same ``TagValue`` object, so a caller can tell by identity that
    nothing changed. A row is kept per tag the client reads, nothing more.
    """

    __slots__ = ("_last",)

    def __init__(self) -> None:
        """Start with no rows."""
        self._last: dict[str, tuple[object, TagValue]] = {}

    def values(
        self,
        names: Sequence[str],
        answered: Iterable[tuple[str, object]],
        parse: Callable[[str, object], TagValue],
    ) -> dict[str, TagValue]:
        """A value for every name: ``parse(name, row)`` for each answered row that
        changed, the last value for one that did not, and an error for the rest."""
        last = self._last
        values: dict[str, TagValue] = {}
        for name, row in answered:
            seen = last.get(name)
            if seen is not None and seen[0] == row:
                values[name] = seen[1]
            else:
                value = values[name] = parse(name, row)
                last[name] = (row, value)
        if len(values) < len(names):
            for name in names:
                if name not in values:
                    values[name] = TagValue(name, None, Quality.BAD, error=NO_ANSWER)
        return values


def in_asked_order(rows: Sequence[Any], names: Sequence[str], key: str) -> bool:
    """Whether the rows are named ``names`` by their ``key``, in order: the usual answer."""
    try:
        return [row[key] for row in rows] == list(names)
    except (TypeError, KeyError):  # a row that is not an object, or has no name
        return False


def clean_name(name: str) -> str:
    """A tag name without byte-order marks or zero-width characters."""
    # The invisible characters are none of them ASCII: most names need no translation.
    return name.strip() if name.isascii() else name.translate(_INVISIBLE).strip()


def unified_kind(data_type: object) -> DataKind:
    """The kind of a Unified data type name such as ``Real`` or ``WString``."""
    return (
        _UNIFIED_KINDS.get(str(data_type).lower(), DataKind.OTHER) if data_type else DataKind.OTHER
    )


def classic_kind(code: object) -> DataKind:
    """The kind of a classic type number such as 8 (32-bit float)."""
    return _CLASSIC_KINDS.get(code, DataKind.OTHER) if isinstance(code, int) else DataKind.OTHER


def parse_timestamp(value: object) -> datetime | None:
    """An ISO-8601 time; a missing or unreadable one is None, never an exception."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)  # "Z" included
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def as_scalar(value: object) -> Scalar | None:
    """A JSON scalar value, or None for anything else."""
    return value if isinstance(value, _SCALARS) else None


def as_int(value: object) -> int | None:
    """An integer, accepting integral numbers and digit strings."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def as_text(value: object) -> str | None:
    """A non-empty string, or None."""
    return value if isinstance(value, str) and value else None


class AlarmPlaceAndTimes(TypedDict):
    """Where an alarm comes from and when it changed: read alike from both APIs."""

    area: str | None
    origin: str | None
    raise_time: datetime | None
    acknowledgment_time: datetime | None
    clear_time: datetime | None
    modification_time: datetime | None


def alarm_place_and_times(row: Mapping[str, Any], acknowledged_key: str) -> AlarmPlaceAndTimes:
    """Area, origin and times of an alarm row (the APIs name the acknowledgment apart)."""
    return AlarmPlaceAndTimes(
        area=as_text(row.get("area")),
        origin=as_text(row.get("origin")),
        raise_time=parse_timestamp(row.get("raiseTime")),
        acknowledgment_time=parse_timestamp(row.get(acknowledged_key)),
        clear_time=parse_timestamp(row.get("clearTime")),
        modification_time=parse_timestamp(row.get("modificationTime")),
    )


def quality_from_main(main: object) -> Quality:
    """Normalize a Unified ``MainQuality`` name."""
    if not isinstance(main, str):
        return Quality.UNKNOWN
    if main.startswith("GOOD"):
        return Quality.GOOD
    return {"UNCERTAIN": Quality.UNCERTAIN, "BAD": Quality.BAD}.get(main, Quality.UNKNOWN)


_BY_MAIN_BITS = (Quality.BAD, Quality.UNCERTAIN, Quality.GOOD, Quality.GOOD)


def quality_from_byte(code: object) -> Quality:
    """Normalize an OPC DA quality byte (``QQSSSSLL``): bits 7-6 are the main quality.

    A missing or unreadable byte is unknown, not bad.
    """
    if type(code) is not int or not 0 <= code <= 255:
        return Quality.UNKNOWN
    return _BY_MAIN_BITS[code >> 6]


def item_error(raw: object) -> ItemError | None:
    """A Unified ``{code, description}`` error; code "0" (or none) is success."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        return ItemError("?", f"Unreadable error: {raw!r}")
    code = raw.get("code")
    if code == "0":  # by far the most common answer
        return None
    code_text = "" if code is None else str(code)
    if code_text in ("", "0"):
        return None
    description = raw.get("description")
    return ItemError(code_text, description if isinstance(description, str) else "")


def item_failure(error: ItemError, what: str) -> WinCCError:
    """The client error for a failed item of a request about ``what``."""
    if error.code == UNKNOWN_NAME_CODE:
        return NotFoundError(f"{what}: the name is unknown or not logged ({error.description})")
    if error.code in ARGUMENT_CODES:
        return InvalidArgumentError(f"{what}: the server refused the request ({error.description})")
    return ServerError(f"{what}: the server failed ({error.description})")


def expect_list(payload: object, what: str, *wrappers: str) -> list[Any]:
    """A JSON array, possibly wrapped in an object under one of ``wrappers``."""
    if isinstance(payload, dict):
        for key in wrappers:
            if isinstance(payload.get(key), list):
                return list(payload[key])
    if isinstance(payload, list):
        return payload
    raise ProtocolError(f"The server's answer to {what} is not a list")


def chunked(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def own_name(name: str) -> str:
    """A tag's name without its system: ``HMI_RT_1::Tank1_Level`` (WinCC Unified) and
    ``System1:Tank1.Level`` (WinCC OA) are ``Tank1_Level`` and ``Tank1.Level``."""
    if "::" in name:
        return name.rpartition("::")[2]
    system, separator, rest = name.partition(":")
    return rest if separator and rest and system and "." not in system else name


def matches(pattern: str, *names: str | None) -> bool:
    """Whether any name matches a glob pattern, ignoring case (``*`` spans dots too)."""
    lowered = pattern.lower()
    return any(name is not None and fnmatchcase(name.lower(), lowered) for name in names)


def check_values(values: Mapping[str, object], kinds: Mapping[str, DataKind]) -> None:
    """Refuse values that cannot be written to their tags, before anything is sent."""
    problems = [
        f"{name}: {problem}"
        for name, value in values.items()
        if (problem := _value_problem(value, kinds.get(name, DataKind.OTHER)))
    ]
    if problems:
        raise InvalidArgumentError("Cannot write " + "; ".join(problems))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# What each kind accepts, and how a refusal reads.
_ACCEPTS: dict[DataKind, tuple[Callable[[object], bool], str]] = {
    DataKind.BOOL: (lambda v: isinstance(v, bool), "is not a boolean"),
    DataKind.INTEGER: (
        lambda v: _is_number(v) and float(v).is_integer(),  # type: ignore[arg-type]
        "is not a whole number",
    ),
    DataKind.FLOAT: (_is_number, "is not a number"),
    DataKind.TEXT: (lambda v: isinstance(v, str), "is not text"),
}


def _value_problem(value: object, kind: DataKind) -> str | None:
    if not isinstance(value, bool | int | float | str):
        return f"{value!r} is not a number, text or boolean"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number"
    accepts, refusal = _ACCEPTS.get(kind, (lambda _v: True, ""))
    return None if accepts(value) else f"{value!r} {refusal}"
