"""Tag data types and OPC DA quality bytes, as both WinCC faces present them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import math


class WriteRejectedError(ValueError):
    """A value that cannot be written to a tag: the WinCC error code says why."""

    def __init__(self, code: int, description: str) -> None:
        """Carry the Unified error code (201 conversion, 3 argument) and its text."""
        super().__init__(description)
        self.code = code
        self.description = description


class Kind(StrEnum):
    """How a data type behaves when values are written."""

    BOOL = "bool"
    INTEGER = "integer"
    FLOAT = "float"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class DataType:
    """One WinCC data type: its Unified name, its classic type number and its range."""

    unified_name: str
    classic_code: int
    kind: Kind
    low: float = -math.inf
    high: float = math.inf

    def coerce(self, value: object) -> bool | int | float | str:
        """Convert a written JSON scalar to this type, or raise ``WriteRejectedError``."""
        match self.kind:
            case Kind.BOOL:
                if isinstance(value, bool):
                    return value
                if isinstance(value, int | float) and value in (0, 1):
                    return bool(value)
            case Kind.TEXT:
                if isinstance(value, str):
                    return value
            case Kind.INTEGER:
                if (
                    isinstance(value, int | float)
                    and not isinstance(value, bool)
                    and math.isfinite(value)
                    and float(value).is_integer()
                    and self.low <= value <= self.high
                ):
                    return int(value)
            case Kind.FLOAT:
                if (
                    isinstance(value, int | float)
                    and not isinstance(value, bool)
                    and math.isfinite(value)
                ):
                    return float(value)
        raise WriteRejectedError(
            201, f"Value {value!r} cannot be converted to data type {self.unified_name}"
        )


# Classic type numbers follow WinCC V7's tag types (8 = 32-bit float, as in the reference).
DATA_TYPES: dict[str, DataType] = {
    t.unified_name: t
    for t in (
        DataType("Bool", 1, Kind.BOOL),
        DataType("SInt", 2, Kind.INTEGER, -(2**7), 2**7 - 1),
        DataType("USInt", 3, Kind.INTEGER, 0, 2**8 - 1),
        DataType("Int", 4, Kind.INTEGER, -(2**15), 2**15 - 1),
        DataType("UInt", 5, Kind.INTEGER, 0, 2**16 - 1),
        DataType("DInt", 6, Kind.INTEGER, -(2**31), 2**31 - 1),
        DataType("UDInt", 7, Kind.INTEGER, 0, 2**32 - 1),
        DataType("Real", 8, Kind.FLOAT),
        DataType("LReal", 9, Kind.FLOAT),
        DataType("String", 10, Kind.TEXT),
        DataType("WString", 11, Kind.TEXT),
    )
}
STRUCTURE_CLASSIC_CODE = 13

# --- quality -----------------------------------------------------------------------------

GOOD_CASCADE = 0xC0
GOOD = 0x80
UNCERTAIN_INITIAL_VALUE = 0x4C
BAD_NOT_CONNECTED = 0x08

_MAIN_QUALITY = ("BAD", "UNCERTAIN", "GOOD_NON_CASCADE", "GOOD_CASCADE")
_LIMIT = ("OK", "LOW_LIMIT_VIOLATION", "HIGH_LIMIT_VIOLATION", "CONSTANT")
# Sub-status bits (5-2) by main quality, for the codes the reference lists.
_SUB_STATUS: dict[int, dict[int, str]] = {
    0: {
        0: "NON_SPECIFIC",
        1: "CONFIGURATION_ERROR",
        2: "NOT_CONNECTED",
        3: "DEVICE_FAILURE",
        4: "SENSOR_FAILURE",
        5: "NO_COMMUNICATION_WITH_LAST_USABLE_VALUE",
        6: "NO_COMMUNICATION_NO_USABLE_VALUE",
        7: "OUT_OF_SERVICE",
    },
    1: {
        0: "NON_SPECIFIC",
        1: "LAST_USABLE_VALUE",
        2: "SUBSTITUTE_VALUE",
        3: "INITIAL_VALUE",
        4: "SENSOR_CONVERSION",
        5: "RANGE_VIOLATION",
        6: "SUB_NORMAL",
        7: "CONFIG_ERROR",
        8: "SIMULATED_VALUE",
        9: "SENSOR_CALIBRATION",
    },
}


def unified_quality(code: int) -> dict[str, object]:
    """The Unified ``Quality`` object for an OPC DA quality byte ``QQSSSSLL``."""
    main = (code >> 6) & 0b11
    sub = (code >> 2) & 0b1111
    return {
        "quality": _MAIN_QUALITY[main],
        "subStatus": _SUB_STATUS.get(main, {}).get(sub, "NON_SPECIFIC"),
        "limit": _LIMIT[code & 0b11],
        "extendedSubStatus": "NON_SPECIFIC",
        "sourceQuality": False,
        "sourceTime": False,
        "timeCorrected": False,
    }


def quality_code(main_quality: str, sub_status: str | None = None) -> int:
    """The quality byte for a Unified ``QualityInput``."""
    main = _MAIN_QUALITY.index(main_quality)
    sub = next((bits for bits, name in _SUB_STATUS.get(main, {}).items() if name == sub_status), 0)
    return (main << 6) | (sub << 2)
