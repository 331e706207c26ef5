"""The demo plant as a WinCC OA project names it: a datapoint per piece of equipment,
its elements the equipment's values (``System1:Tank1.Level``), plus the example
datapoints every new WinCC OA project has.

OA's online value of an element comes with its source time and its status bits, which
this module derives from the plant's reading and OPC DA quality byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from fnmatch import fnmatchcase
import math
import re

from .description import Scalar
from .plant import Plant, TagReading
from .tagtypes import Kind, WriteRejectedError

SYSTEM = "System1"
# The type of the example datapoints: a float root element, except the alert handler's
# datapoint, whose root element is a bool (its type's name is a guess).
EXAMPLE_TYPE = "ExampleDP_Float"
ALERT_EXAMPLE = "ExampleDP_AlertHdl1"
ALERT_EXAMPLE_TYPE = "ExampleDP_Bit"
# Status bits of an online value (bit 0 first), as OA numbers them.
ACTIVE, EXP_INV, AUT_INV, ONLINE_BAD, DEFAULT_BAD, STIME_INV, UNCERTAIN = 0, 5, 6, 7, 8, 17, 22
STATUS_BITS = 64
# The example datapoints' values: constants, except a trend that swings over ten minutes.
TREND_PERIOD_S = 600.0
EXAMPLES: dict[str, Callable[[datetime], Scalar]] = {
    "ExampleDP_Arg1": lambda _t: 1.0,
    "ExampleDP_Arg2": lambda _t: 2.0,
    "ExampleDP_Trend1": lambda t: round(
        50.0 + 25.0 * math.sin(2 * math.pi * t.timestamp() / TREND_PERIOD_S), 3
    ),
    "ExampleDP_Rpt1": lambda _t: 10.6,
    "ExampleDP_Rpt2": lambda _t: 20.4,
    "ExampleDP_Rpt3": lambda _t: 30.2,
    "ExampleDP_Rpt4": lambda _t: 40.0,
    ALERT_EXAMPLE: lambda _t: False,
}
EXAMPLE_LOGGED = frozenset({"ExampleDP_Trend1"})
MAX_HISTORY_ROWS = 10_000


class UnknownDpError(KeyError):
    """No datapoint (element) of that name."""


class NotAnElementError(KeyError):
    """A datapoint with elements was addressed as a whole."""


@dataclass(frozen=True, slots=True)
class OnlineValue:
    """An element's online value: value, source time and status bits."""

    value: Scalar
    stime: datetime
    status: int


def dpe_of(tag: str) -> str:
    """The element a plant tag is: ``Tank1_Level`` is ``System1:Tank1.Level``."""
    parts = re.split(r"[._]", tag, maxsplit=1)
    return (
        f"{SYSTEM}:{parts[0]}.{parts[1]}" if len(parts) == 2 and all(parts) else f"{SYSTEM}:{tag}."
    )


def status_of(quality: int) -> int:
    """OA status bits from an OPC DA quality byte: active, and bad or uncertain."""
    status = 1 << ACTIVE
    main = quality >> 6
    if main == 0:
        status |= 1 << ONLINE_BAD
    elif main == 1:
        status |= 1 << UNCERTAIN
    return status


def status_text(status: int) -> str:
    """Status bits as REST Reporting writes them: 64 digits, the highest bit first."""
    return format(status, f"0{STATUS_BITS}b")


class OaProject:
    """The plant's tags under their OA names, and the example datapoints."""

    def __init__(self, plant: Plant) -> None:
        """Name every tag of the plant; the project started at the plant's start."""
        self._plant = plant
        self._started = plant.time
        # Example datapoints written by clients: value and time.
        self._written: dict[str, tuple[Scalar, datetime]] = {}
        self._named: tuple[int, dict[str, str]] = (-1, {})

    @property
    def plant(self) -> Plant:
        """The plant the project names."""
        return self._plant

    def _tags(self) -> dict[str, str]:
        """Plant tag of each element; named afresh when the project's tags change."""
        revision, tags = self._named
        if revision != self._plant.revision:
            tags = {dpe_of(name): name for name in self._plant.definitions}
            self._named = (self._plant.revision, tags)
        return tags

    def datapoints(self) -> list[str]:
        """Every datapoint, with its system: the equipment and the examples."""
        equipment = {dpe.partition(".")[0] for dpe in self._tags()}
        return sorted(equipment | {f"{SYSTEM}:{name}" for name in EXAMPLES})

    def elements(self) -> list[str]:
        """Every leaf element, with its system."""
        return sorted([*self._tags(), *(f"{SYSTEM}:{name}." for name in EXAMPLES)])

    def names(self, pattern: str = "*", *, ignore_case: bool = False) -> list[str]:
        """Datapoints matching a wildcard pattern, or their elements where the pattern
        addresses elements (it has a dot); with or without the system."""
        candidates = self.elements() if "." in pattern else self.datapoints()
        fold = str.lower if ignore_case else str
        wanted = fold(pattern)
        return [
            name
            for name in candidates
            if fnmatchcase(fold(name), wanted) or fnmatchcase(fold(name.partition(":")[2]), wanted)
        ]

    def _resolve(self, name: str) -> tuple[str | None, str | None]:
        """(plant tag, example) of an element name, with or without its system and
        (for a root element) its trailing dot."""
        full = name if ":" in name else f"{SYSTEM}:{name}"
        system, _, local = full.partition(":")
        if system != SYSTEM or not local:
            raise UnknownDpError(name)
        if local.removesuffix(".") in EXAMPLES:
            return None, local.removesuffix(".")
        tags = self._tags()
        if full in tags:
            return tags[full], None
        if any(dpe.partition(".")[0] == full.rstrip(".") for dpe in tags):
            raise NotAnElementError(name)
        raise UnknownDpError(name)

    def element_type(self, name: str) -> str:
        """OA's element type of an element (``STRUCT`` for a datapoint with elements)."""
        try:
            tag, example = self._resolve(name)
        except NotAnElementError:
            return "STRUCT"
        if example is not None:
            return "BOOL" if example == ALERT_EXAMPLE else "FLOAT"
        kind = self._plant.definition(tag or "").data_type.kind
        return {Kind.BOOL: "BOOL", Kind.INTEGER: "INT", Kind.FLOAT: "FLOAT"}.get(kind, "STRING")

    def type_name(self, datapoint: str) -> str:
        """A datapoint's type: the examples' ``ExampleDP_Float``, else the equipment's."""
        local = datapoint.partition(":")[2] if ":" in datapoint else datapoint
        local = local.removesuffix(".")
        if local in EXAMPLES:
            return ALERT_EXAMPLE_TYPE if local == ALERT_EXAMPLE else EXAMPLE_TYPE
        if f"{SYSTEM}:{local}" not in self.datapoints():
            raise UnknownDpError(datapoint)
        return f"{local.rstrip('0123456789')}_Type"

    def write(self, name: str, value: Scalar) -> None:
        """Write an element (the plant checks and converts the value)."""
        tag, example = self._resolve(name)
        if example is not None:
            boolean = example == ALERT_EXAMPLE
            if isinstance(value, bool) != boolean or not isinstance(value, int | float):
                raise WriteRejectedError(201, f"{name} takes a {'bool' if boolean else 'number'}")
            self._written[example] = (value if boolean else float(value), self._plant.time)
            return
        self._plant.write(tag or "", value)

    def read(self, name: str) -> OnlineValue:
        """The online value of an element."""
        tag, example = self._resolve(name)
        if example is not None:
            if example in self._written:
                value, stamp = self._written[example]
                return OnlineValue(value, stamp, 1 << ACTIVE)
            now = self._plant.time
            stamp = now if example in EXAMPLE_LOGGED else self._started
            return OnlineValue(EXAMPLES[example](now), stamp, 1 << ACTIVE)
        assert tag is not None  # noqa: S101 - one of the two is set
        reading = self._plant.read(tag)
        return OnlineValue(reading.value, reading.timestamp, status_of(reading.quality))

    def history(self, name: str, start: datetime, end: datetime) -> list[OnlineValue]:
        """Archived values from ``start`` to ``end``, with one before and one after (OA's
        count of 1); an element that is not archived has none."""
        tag, example = self._resolve(name)
        if example is not None:
            rows = self._example_history(example, start, end)
        elif self._plant.logged(tag or ""):
            rows = [_online(r) for r in self._plant.history(tag or "")]
        else:
            return []
        inside = [r for r in rows if start <= r.stime <= end]
        before = [r for r in rows if r.stime < start][-1:]
        after = [r for r in rows if r.stime > end][:1]
        return (before + inside + after)[:MAX_HISTORY_ROWS]

    def _example_history(self, example: str, start: datetime, end: datetime) -> list[OnlineValue]:
        active = 1 << ACTIVE
        if example not in EXAMPLE_LOGGED:
            return [OnlineValue(EXAMPLES[example](self._started), self._started, active)]
        cycle = timedelta(seconds=10)
        first = max(self._started, start - cycle)
        last = min(self._plant.time, end + cycle)
        rows: list[OnlineValue] = []
        moment = first
        while moment <= last and len(rows) < MAX_HISTORY_ROWS:
            rows.append(OnlineValue(EXAMPLES[example](moment), moment, active))
            moment += cycle
        return rows


def _online(reading: TagReading) -> OnlineValue:
    return OnlineValue(reading.value, reading.timestamp, status_of(reading.quality))
