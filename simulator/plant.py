"""The plant: tag values over time, operator writes, alarms and logged history.

The plant advances in one-second steps up to its clock's time whenever a request
looks at it, so a frozen clock makes every run repeatable.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
import math
import random

from .alarms import AlarmEngine
from .changes import ChangeSignal
from .clock import Clock
from .description import PlantDescription, Scalar, TagDefinition
from .dynamics import DemoDynamics
from .tagtypes import DATA_TYPES, GOOD_CASCADE, WriteRejectedError

STEP = timedelta(seconds=1)
# After a long pause (a suspended laptop, a clock jump) only this much is simulated.
MAX_CATCH_UP_STEPS = 6 * 3600
HISTORY_LIMIT = 50_000
EXTRA_TYPES = ("Real", "DInt", "Bool", "WString")


@dataclass(frozen=True, slots=True)
class TagReading:
    """A tag's value, the time it last changed, and its OPC DA quality byte."""

    value: Scalar
    timestamp: datetime
    quality: int


class UnknownTagError(KeyError):
    """A tag name the plant does not have."""


class NotALeafError(ValueError):
    """A structure tag addressed where only its elements can be (WinCC code 202)."""


def extra_tag_definitions(count: int) -> dict[str, TagDefinition]:
    """Synthetic tags of mixed types, for scale tests."""
    definitions = {}
    for index in range(1, count + 1):
        type_name = EXTRA_TYPES[index % len(EXTRA_TYPES)]
        name = f"Extra_{index:05d}"
        definitions[name] = TagDefinition(
            name=name,
            data_type=DATA_TYPES[type_name],
            initial=_extra_value(type_name, index, 0),
            connection="Synthetic",
            group="Extra",
            display={"en-US": f"Extra tag {index}", "de-DE": f"Zusatzvariable {index}"},
        )
    return definitions


def _extra_value(type_name: str, index: int, second: int) -> Scalar:
    """A synthetic tag's value at a whole second: cheap, deterministic, slowly moving."""
    match type_name:
        case "Real":
            return round(50.0 + 10.0 * math.sin(second / 60.0 + index), 2)
        case "DInt":
            return (second // 10 + index) % 1000
        case "Bool":
            return (second // 30 + index) % 2 == 0
        case _:
            return f"Value {(second // 60 + index) % 100}"


class TagStore(MutableMapping[str, Scalar]):
    """The stored tag values and when each last changed.

    Setting a value stamps it with ``now`` only when the value really changes, so
    timestamps tell when a tag last moved, as on a real server.
    """

    def __init__(self, initial: dict[str, Scalar], now: datetime) -> None:
        """Hold the initial values, all stamped ``now``."""
        self.now = now
        self.current = dict(initial)
        self.changed_at = dict.fromkeys(initial, now)

    def __getitem__(self, name: str) -> Scalar:
        return self.current[name]

    def __setitem__(self, name: str, value: Scalar) -> None:
        if self.current[name] != value:
            self.current[name] = value
            self.changed_at[name] = self.now

    def stamp(self, name: str, value: Scalar) -> None:
        """Set a value and stamp it now even when unchanged, as an operator write does."""
        self.current[name] = value
        self.changed_at[name] = self.now

    def __delitem__(self, name: str) -> None:
        raise TypeError("tags cannot be deleted")

    def __iter__(self) -> Iterator[str]:
        return iter(self.current)

    def __len__(self) -> int:
        return len(self.current)


class Plant:
    """Tag values, their dynamics, alarms and history, all on one simulated clock."""

    def __init__(
        self,
        description: PlantDescription,
        clock: Clock,
        *,
        seed: int = 0,
        extra_tags: int = 0,
        history_prefill: timedelta = timedelta(),
    ) -> None:
        """Build the plant at its initial values; optionally simulate a past period first."""
        self.description = description
        self.system = description.system
        self.clock = clock
        self.definitions: dict[str, TagDefinition] = dict(description.tags)
        self._extra = extra_tag_definitions(extra_tags)
        self.definitions.update(self._extra)
        # Subscriptions wait on this; every write, step and alarm transition signals it.
        self.changes = ChangeSignal()
        self.alarms = AlarmEngine(description.alarms.values(), on_change=self.changes.notify)
        self._dynamics = DemoDynamics(random.Random(seed))
        self._time = clock.now() - history_prefill
        self._store = TagStore({n: d.initial for n, d in description.tags.items()}, self._time)
        self._quality: dict[str, int] = {}
        self._overrides: dict[str, tuple[Scalar, datetime]] = {}
        self._history: dict[str, deque[TagReading]] = {
            n: deque(maxlen=HISTORY_LIMIT) for n, d in self.definitions.items() if d.logged
        }
        self._logging_cycle = timedelta(seconds=description.logging_cycle_seconds)
        self._next_log = self._time
        # Alarms raised in a controller carry its clock, which may run behind the server's.
        self.controller_clock_behind = timedelta()
        # Tags renamed in the project (old name: new name); the plant keeps each tag's
        # state under its first name (``_keys``: current name to first, ``_names`` back).
        self.renamed: dict[str, str] = {}
        # Counts changes to the project's tags (added, renamed), for caches of names.
        self.revision = 0
        self._keys: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._record_history()
        self._evaluate_alarms()
        self.advance()

    # --- time -------------------------------------------------------------------------

    def advance(self) -> None:
        """Simulate up to the clock's time, one second per step."""
        steps = int((self.clock.now() - self._time) / STEP)
        if steps > MAX_CATCH_UP_STEPS:
            self._time += STEP * (steps - MAX_CATCH_UP_STEPS)
            self._next_log = max(self._next_log, self._time)
            steps = MAX_CATCH_UP_STEPS
        if steps > 0:
            self.changes.notify()
        for _ in range(steps):
            self._time += STEP
            self._store.now = self._time
            self._dynamics.step(self._store, STEP.total_seconds())
            self._evaluate_alarms()
            if self._time >= self._next_log:
                self._record_history()

    @property
    def time(self) -> datetime:
        """The time the plant has been simulated up to."""
        return self._time

    def _evaluate_alarms(self) -> None:
        self.alarms.evaluate(self._value_of, self._time - self.controller_clock_behind)

    def _record_history(self) -> None:
        for key, samples in self._history.items():
            samples.append(self.read(self.current_name(key)))
        self._next_log = self._time + self._logging_cycle

    def restart_runtime(self) -> None:
        """A runtime restart: alarm instances are removed; held conditions raise anew."""
        self.advance()
        self.alarms.restart(self._time)
        self._evaluate_alarms()

    # --- reading and writing ------------------------------------------------------------

    def _value_of(self, key: str) -> Scalar:
        return self.read(self.current_name(key)).value

    def current_name(self, first: str) -> str:
        """A tag's name now, from the name it had first (alarms keep the first)."""
        return self._names.get(first, first)

    def definition(self, name: str) -> TagDefinition:
        """The definition of a leaf tag; structure tags raise ``NotALeafError``."""
        if name in self.definitions:
            return self.definitions[name]
        if name in self.description.structures:
            raise NotALeafError(name)
        raise UnknownTagError(name)

    def read(self, name: str) -> TagReading:
        """The current reading of a leaf tag."""
        definition = self.definition(name)
        name = self._keys.get(name, name)
        quality = self._quality.get(name, GOOD_CASCADE)
        if name in self._overrides:
            value, stamp = self._overrides[name]
            return TagReading(value, stamp, quality)
        if name in self._extra:
            second = int(self._time.timestamp())
            stamp = datetime.fromtimestamp(second, self._time.tzinfo)
            value = _extra_value(definition.data_type.unified_name, _extra_index(name), second)
            return TagReading(value, stamp, quality)
        return TagReading(self._store.current[name], self._store.changed_at[name], quality)

    def write(self, name: str, value: object) -> Scalar:
        """Write a value as an operator would; raise ``WriteRejectedError`` for a bad value."""
        definition = self.definition(name)
        name = self._keys.get(name, name)
        coerced = definition.data_type.coerce(value)
        if (
            isinstance(coerced, int | float)
            and not isinstance(coerced, bool)
            and (
                (definition.low is not None and coerced < definition.low)
                or (definition.high is not None and coerced > definition.high)
            )
        ):
            raise WriteRejectedError(
                201,
                f"Value {coerced} is outside the range {definition.low}..{definition.high}"
                f" of tag {name}",
            )
        if name in self._extra:
            self._overrides[name] = (coerced, self._time)
        else:
            self._store.now = self._time
            self._store.stamp(name, coerced)
        self._evaluate_alarms()
        self.changes.notify()
        return coerced

    def add_tag(self, definition: TagDefinition) -> None:
        """Add a tag at run time, as an engineer changing the project would."""
        if definition.name in self.definitions:
            raise ValueError(f"tag {definition.name} exists")
        self.definitions[definition.name] = definition
        self._store.now = self._time
        self._store.current[definition.name] = definition.initial
        self._store.changed_at[definition.name] = self._time
        if definition.logged:
            self._history[definition.name] = deque(maxlen=HISTORY_LIMIT)
        self.revision += 1

    def rename_tag(self, old: str, new: str) -> None:
        """Rename a leaf tag, as an engineer changing the project would."""
        definition = self.definition(old)
        if new in self.definitions or new in self.description.structures:
            raise ValueError(f"tag {new} exists")
        key = self._keys.pop(old, old)
        del self.definitions[old]
        self.definitions[new] = replace(definition, name=new)
        self._keys[new] = key
        self._names[key] = new
        self.renamed[old] = new
        self.revision += 1
        self.changes.notify()

    def force_quality(self, name: str, quality: int | None) -> None:
        """Force a tag's quality byte (None returns it to good), as a failing link would."""
        self.definition(name)
        name = self._keys.get(name, name)
        self.changes.notify()
        if quality is None:
            self._quality.pop(name, None)
        else:
            self._quality[name] = quality

    # --- history ------------------------------------------------------------------------

    def logged(self, name: str) -> bool:
        """Whether the tag is logged (has history)."""
        return self._keys.get(name, name) in self._history

    def history(self, name: str) -> list[TagReading]:
        """Every logged sample of a tag, oldest first."""
        return list(self._history[self._keys.get(name, name)])


def _extra_index(name: str) -> int:
    return int(name.removeprefix("Extra_"))
