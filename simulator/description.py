"""The plant description: typed definitions loaded from the shipped YAML file."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from .tagtypes import DATA_TYPES, DataType

type Scalar = bool | int | float | str
type Texts = dict[str, str]

DEFAULT_LANGUAGE = "en-US"


@dataclass(frozen=True, slots=True)
class TagDefinition:
    """One leaf tag: a simple tag or an element of a structure tag."""

    name: str
    data_type: DataType
    initial: Scalar
    connection: str
    group: str
    display: Texts = field(default_factory=dict)
    unit: str | None = None
    logged: bool = False
    low: float | None = None
    high: float | None = None
    structure: str | None = None
    # Classic WinCC fetches such tags on demand: the first read answers its start value
    # with quality 0x4C (uncertain, initial value).
    fetch_on_demand: bool = False


@dataclass(frozen=True, slots=True)
class StructureDefinition:
    """A structure tag and the names of its element tags."""

    name: str
    type_name: str
    connection: str
    group: str
    elements: tuple[str, ...]
    display: Texts = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AlarmClass:
    """An alarm class: its name, numeric ID and symbol."""

    name: str
    id: int
    symbol: str


@dataclass(frozen=True, slots=True)
class AlarmCondition:
    """When an alarm is active: its tag's value above, below or equal to a limit."""

    operator: Literal["above", "below", "equals"]
    limit: Scalar

    def holds(self, value: Scalar) -> bool:
        """Whether the alarm condition is true for this tag value."""
        if self.operator == "equals":
            return value == self.limit
        if isinstance(value, str) or isinstance(self.limit, str):
            return False
        return value > self.limit if self.operator == "above" else value < self.limit


@dataclass(frozen=True, slots=True)
class AlarmDefinition:
    """A configured alarm (one per condition); it raises instances over time."""

    name: str
    tag: str
    condition: AlarmCondition
    priority: int
    alarm_class: AlarmClass
    state_machine: str
    area: str
    origin: str
    text: Texts
    info: Texts


@dataclass(frozen=True, slots=True)
class PlantDescription:
    """Everything the YAML file describes."""

    system: str
    logging_cycle_seconds: float
    tags: dict[str, TagDefinition]
    structures: dict[str, StructureDefinition]
    alarms: dict[str, AlarmDefinition]
    rest_filters: dict[str, int]


def _tag(raw: dict[str, Any], **defaults: Any) -> TagDefinition:
    options = defaults | raw
    return TagDefinition(
        name=options["name"],
        data_type=DATA_TYPES[options["type"]],
        initial=options["initial"],
        connection=options["connection"],
        group=options["group"],
        display=dict(options.get("display", {})),
        unit=options.get("unit"),
        logged=bool(options.get("logged", False)),
        low=options.get("min"),
        high=options.get("max"),
        structure=options.get("structure"),
        fetch_on_demand=bool(options.get("fetch_on_demand", False)),
    )


def parse_description(raw: dict[str, Any]) -> PlantDescription:
    """Build typed definitions from the YAML structure."""
    tags = {t.name: t for t in map(_tag, raw.get("tags", []))}
    structures: dict[str, StructureDefinition] = {}
    for struct in raw.get("structures", []):
        elements = [
            _tag(
                element | {"name": f"{struct['name']}.{element['name']}"},
                connection=struct["connection"],
                group=struct["group"],
                structure=struct["name"],
            )
            for element in struct["elements"]
        ]
        tags.update((element.name, element) for element in elements)
        structures[struct["name"]] = StructureDefinition(
            name=struct["name"],
            type_name=struct["type"],
            connection=struct["connection"],
            group=struct["group"],
            elements=tuple(element.name for element in elements),
            display=dict(struct.get("display", {})),
        )
    classes = {
        name: AlarmClass(name, spec["id"], spec["symbol"])
        for name, spec in raw.get("alarm_classes", {}).items()
    }
    alarms: dict[str, AlarmDefinition] = {}
    for alarm in raw.get("alarms", []):
        ((operator, limit),) = alarm["when"].items()
        if alarm["tag"] not in tags:
            raise ValueError(f"alarm {alarm['name']} watches unknown tag {alarm['tag']}")
        alarms[alarm["name"]] = AlarmDefinition(
            name=alarm["name"],
            tag=alarm["tag"],
            condition=AlarmCondition(operator, limit),
            priority=int(alarm["priority"]),
            alarm_class=classes[alarm["class"]],
            state_machine=alarm["state_machine"],
            area=alarm["area"],
            origin=alarm["origin"],
            text=dict(alarm["text"]),
            info=dict(alarm.get("info", {})),
        )
    return PlantDescription(
        system=raw["system"],
        logging_cycle_seconds=float(raw.get("logging_cycle_seconds", 10)),
        tags=tags,
        structures=structures,
        alarms=alarms,
        rest_filters={
            name: int(spec.get("min_priority", 0))
            for name, spec in raw.get("rest_filters", {}).items()
        },
    )


def load_description(path: Path | None = None) -> PlantDescription:
    """Load a plant description; by default the demo plant shipped with wincc-sim."""
    text = (
        path.read_text(encoding="utf-8")
        if path is not None
        else resources.files(__package__).joinpath("plant.yaml").read_text(encoding="utf-8")
    )
    return parse_description(yaml.safe_load(text))


def pick_text(texts: Texts, language: str) -> str:
    """A text in the asked language, falling back to English, then to any."""
    return texts.get(language) or texts.get(DEFAULT_LANGUAGE) or next(iter(texts.values()), "")
