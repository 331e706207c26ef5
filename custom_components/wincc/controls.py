"""Controls composed from several tags: a climate entity from a setpoint and an actual
temperature, a valve from a position output, a select from a mode tag with named
states, a button from a command bit. They are what voice assistants can set.

A control names tags the entry exposes, by role. The tags it writes are marked
writable when the user makes the control: composing it is the user's choice to write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
import re
from typing import Any, Self

from homeassistant.const import Platform

from .client import DataKind
from .tags import TagConfig

NUMERIC = frozenset({DataKind.FLOAT, DataKind.INTEGER})
BOOLEAN = frozenset({DataKind.BOOL})
WHOLE = frozenset({DataKind.INTEGER})
SWITCHING = frozenset({DataKind.BOOL, DataKind.INTEGER})


class ControlKind(StrEnum):
    """What a control is; each is also the platform of its entity."""

    CLIMATE = "climate"
    VALVE = "valve"
    SELECT = "select"
    BUTTON = "button"

    @property
    def platform(self) -> Platform:
        """The entity platform of this kind of control."""
        return Platform(self.value)


@dataclass(frozen=True, slots=True)
class Role:
    """A tag a control uses: which kinds fit, whether the control writes it, and
    whether the control needs it."""

    kinds: frozenset[DataKind]
    writes: bool = False
    required: bool = True


ROLES: Mapping[ControlKind, Mapping[str, Role]] = {
    ControlKind.CLIMATE: {
        "setpoint": Role(NUMERIC, writes=True),
        "temperature": Role(NUMERIC),
        "heating": Role(BOOLEAN, required=False),
        # on (heat) or off: true or non-zero is on
        "mode": Role(SWITCHING, writes=True, required=False),
    },
    ControlKind.VALVE: {
        "position": Role(NUMERIC, writes=True),
        "feedback": Role(NUMERIC, required=False),
    },
    ControlKind.SELECT: {"value": Role(WHOLE, writes=True)},
    ControlKind.BUTTON: {"command": Role(BOOLEAN, writes=True)},
}


class ControlError(ValueError):
    """A control that cannot be made: ``key`` is the translation key, ``field`` the
    form field it concerns."""

    def __init__(self, key: str, field: str) -> None:
        """Say what is wrong, and where."""
        super().__init__(key)
        self.key = key
        self.field = field


def parse_states(text: str) -> dict[int, str]:
    """Named states from ``0=Off, 1=Heat-up`` (commas or new lines between them)."""
    states: dict[int, str] = {}
    for item in re.split(r"[,\n]", text):
        if not item.strip():
            continue
        value, separator, name = item.partition("=")
        if not separator or not name.strip() or not value.strip().lstrip("-").isdigit():
            raise ControlError("bad_states", "states")
        if int(value) in states or name.strip() in states.values():
            raise ControlError("bad_states", "states")
        states[int(value)] = name.strip()
    if len(states) < 2:
        raise ControlError("bad_states", "states")
    return states


def format_states(states: Mapping[int, str]) -> str:
    """Named states as the user types them."""
    return ", ".join(f"{value}={name}" for value, name in states.items())


@dataclass(frozen=True, slots=True)
class ControlConfig:
    """One control: its kind, name, tags by role, and the settings of its kind."""

    kind: ControlKind
    name: str
    tags: Mapping[str, str]
    # select: the names of the mode tag's values
    states: Mapping[int, str] = field(default_factory=dict)
    # button: seconds after which the command bit is written false again (None: never)
    reset_after: float | None = None

    @property
    def key(self) -> str:
        """The control's key within its entry (its unique ID's end): kind and name."""
        return f"{self.kind.value}_{re.sub(r'[^a-z0-9]+', '_', self.name.lower()).strip('_')}"

    @property
    def main_tag(self) -> str:
        """The tag whose device the control is on: the first it writes."""
        return next(iter(self.tags.values()))

    @classmethod
    def from_options(cls, raw: Mapping[str, Any]) -> Self:
        """Read a stored control."""
        return cls(
            kind=ControlKind(raw["kind"]),
            name=str(raw["name"]),
            tags=dict(raw["tags"]),
            states={int(value): str(name) for value, name in raw.get("states", {}).items()},
            reset_after=raw.get("reset_after"),
        )

    def as_options(self) -> dict[str, Any]:
        """The control as JSON-ready options."""
        stored: dict[str, Any] = {
            "kind": self.kind.value,
            "name": self.name,
            "tags": dict(self.tags),
        }
        if self.states:
            stored["states"] = {str(value): name for value, name in self.states.items()}
        if self.reset_after is not None:
            stored["reset_after"] = self.reset_after
        return stored

    @classmethod
    def build(
        cls,
        kind: ControlKind,
        name: str,
        chosen: Mapping[str, str | None],
        tags: Mapping[str, TagConfig],
        **settings: Any,
    ) -> Self:
        """A control from the tags chosen for its roles, checked against the exposed
        ``tags``: each role's tag exists and is of a kind that fits."""
        if not name.strip():
            raise ControlError("no_name", "name")
        by_role: dict[str, str] = {}
        for role, spec in ROLES[kind].items():
            tag_name = chosen.get(role)
            if not tag_name:
                if spec.required:
                    raise ControlError("role_missing", role)
                continue
            tag = tags.get(tag_name)
            if tag is None or tag.kind not in spec.kinds:
                raise ControlError("role_kind", role)
            by_role[role] = tag_name
        return cls(kind=kind, name=name.strip(), tags=by_role, **settings)

    def written_tags(self) -> list[str]:
        """The tags this control writes."""
        return [tag for role, tag in self.tags.items() if ROLES[self.kind][role].writes]

    def usable_with(self, tags: Mapping[str, TagConfig]) -> bool:
        """Whether every tag it uses is exposed, and every tag it writes writable."""
        written = set(self.written_tags())
        return all(
            name in tags and (name not in written or tags[name].writable)
            for name in self.tags.values()
        )
