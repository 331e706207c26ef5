"""WinCC OA's status bits of an online value, as both OA APIs give them: an integer
(the GraphQL application example's ``_online.._status``) or 64 binary digits, the
highest bit first (REST Reporting)."""

from __future__ import annotations

from .models import DataKind, Quality

# exp_inv, aut_inv, online_bad, default_bad: the value is invalid.
INVALID_BITS = (5, 6, 7, 8)
UNCERTAIN_BIT = 22


def quality_from_status(status: object) -> Quality:
    """The quality the status bits give (unknown where they cannot be read)."""
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
