"""What both WinCC OA backends share: the quality of OA's status bits, kinds of values
and element types, the entity of an element, times as OA takes them, and reading
around what the server cannot answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from .errors import NotFoundError
from .models import DataKind, Quality, TagInfo, TagValue
from .parsing import as_scalar, own_name, parse_timestamp

# exp_inv, aut_inv, online_bad, default_bad: the value is invalid.
INVALID_BITS = (5, 6, 7, 8)
UNCERTAIN_BIT = 22


def quality_from_status(status: object) -> Quality:
    """The quality of an online value's status bits: an integer (the GraphQL example's
    ``_online.._status``) or 64 binary digits, the highest first (REST Reporting);
    unknown where they cannot be read."""
    if isinstance(status, str):
        if not status or set(status) - {"0", "1"}:
            return Quality.UNKNOWN
        status = int(status, 2)
    if isinstance(status, bool) or not isinstance(status, int) or status < 0:
        return Quality.UNKNOWN
    if any(status >> bit & 1 for bit in INVALID_BITS):
        return Quality.BAD
    if status >> UNCERTAIN_BIT & 1:
        return Quality.UNCERTAIN
    return Quality.GOOD


def online_value(name: str, value: object, stime: object, status: object) -> TagValue:
    """An element's online value from OA's three attributes: value, source time and
    status bits."""
    raw = status if isinstance(status, str | int) else None
    return TagValue(
        name, as_scalar(value), quality_from_status(status), raw, parse_timestamp(stime)
    )


def kind_of(value: object) -> DataKind:
    """A tag's kind, from the JSON type of a value read."""
    if isinstance(value, bool):
        return DataKind.BOOL
    if isinstance(value, int):
        return DataKind.INTEGER
    if isinstance(value, float):
        return DataKind.FLOAT
    return DataKind.TEXT if isinstance(value, str) else DataKind.OTHER


# OA's element types of leaves, by the kind of their entity.
ELEMENT_KINDS: dict[str, DataKind] = {
    "BOOL": DataKind.BOOL,
    "CHAR": DataKind.INTEGER,
    "UINT": DataKind.INTEGER,
    "INT": DataKind.INTEGER,
    "LONG": DataKind.INTEGER,
    "ULONG": DataKind.INTEGER,
    "BIT32": DataKind.INTEGER,
    "BIT64": DataKind.INTEGER,
    "FLOAT": DataKind.FLOAT,
    "STRING": DataKind.TEXT,
    "LANGSTRING": DataKind.TEXT,
}


def element_info(name: str, kind: DataKind, *, writable: bool | None = None) -> TagInfo:
    """An element as a tag: on its datapoint's device, named by its own name."""
    datapoint, _, element = name.partition(".")
    return TagInfo(
        name=name,
        display_name=own_name(name),
        data_type=None,
        kind=kind,
        writable=writable,
        structure=datapoint if element else None,
    )


def iso_time(moment: datetime) -> str:
    """A time as OA's APIs take it: ISO 8601 in UTC with milliseconds and ``Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def answered[K, V](
    keys: Sequence[K], ask: Callable[[Sequence[K]], Awaitable[dict[K, V]]]
) -> dict[K, V]:
    """``ask`` about all ``keys`` in one request. OA fails a whole request for one name
    it cannot answer, so a refused batch is halved until those keys are left out."""
    if not keys:
        return {}
    try:
        return await ask(keys)
    except NotFoundError:
        if len(keys) == 1:
            return {}
    half = len(keys) // 2
    return {**await answered(keys[:half], ask), **await answered(keys[half:], ask)}
