"""The tags an entry exposes, as stored in its options, and which entity each becomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Self

from homeassistant.const import Platform

from .client import DataKind, TagInfo
from .names import equipment, own_name, readable

# Which platform a tag becomes: by its kind, read-only or marked writable.
PLATFORMS_BY_KIND: dict[DataKind, tuple[Platform, Platform | None]] = {
    DataKind.FLOAT: (Platform.SENSOR, Platform.NUMBER),
    DataKind.INTEGER: (Platform.SENSOR, Platform.NUMBER),
    DataKind.BOOL: (Platform.BINARY_SENSOR, Platform.SWITCH),
    DataKind.TEXT: (Platform.SENSOR, Platform.TEXT),
    DataKind.OTHER: (Platform.SENSOR, None),
}


def display_name(name: str, given: str | None) -> str:
    """The server's display name, or the tag's name in words where it gave none."""
    if given and given not in (name, own_name(name)):
        return given
    return readable(name)


def known_fields(cls: type[Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    """The stored values a dataclass knows; keys from a newer version are ignored."""
    known = {f.name for f in fields(cls)}
    return {key: value for key, value in raw.items() if key in known}


def set_fields(record: Any) -> dict[str, Any]:
    """A dataclass's values as JSON-ready options, leaving out those not set."""
    return {key: value for key, value in asdict(record).items() if value is not None}


# What browsing tells of a tag; everything else of a TagConfig is the user's choice.
SERVER_FIELDS = ("name", "kind", "display_name", "data_type", "unit", "structure", "group")


@dataclass(frozen=True, slots=True)
class TagConfig:
    """One exposed tag: what browsing found, and the user's choices and overrides."""

    name: str
    kind: DataKind
    display_name: str
    writable: bool = False
    data_type: str | None = None
    unit: str | None = None
    structure: str | None = None
    group: str | None = None
    # The user's overrides (None: keep the default)
    name_override: str | None = None
    unit_override: str | None = None
    device_class: str | None = None
    state_class: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    display_precision: int | None = None

    @classmethod
    def from_info(cls, info: TagInfo) -> Self:
        """A read-only tag from a browse result; a tag that the server gives no display
        name gets its own name in words."""
        return cls(
            name=info.name,
            kind=info.kind,
            display_name=display_name(info.name, info.display_name),
            data_type=info.data_type,
            unit=info.unit,
            structure=info.structure,
            group=info.group or info.connection,
        )

    def moved_to(self, info: TagInfo) -> Self:
        """The user's choices for this tag, on the tag ``info`` (its new name after a
        rename in WinCC): what the server says comes from ``info``."""
        fresh = type(self).from_info(info)
        moved = replace(self, **{f: getattr(fresh, f) for f in SERVER_FIELDS})
        return moved.with_writable(self.writable)

    @classmethod
    def from_options(cls, raw: Mapping[str, Any]) -> Self:
        """Read a stored tag; unknown keys (from a newer version) are ignored."""
        values = known_fields(cls, raw)
        values["kind"] = DataKind(values.get("kind", DataKind.OTHER))
        return cls(**values)

    def as_options(self) -> dict[str, Any]:
        """The tag as JSON-ready options."""
        return set_fields(self)

    @property
    def can_be_writable(self) -> bool:
        """Whether an entity exists that can write this kind of tag."""
        return PLATFORMS_BY_KIND[self.kind][1] is not None

    @property
    def platform(self) -> Platform:
        """The platform of this tag's entity."""
        read_only, writable = PLATFORMS_BY_KIND[self.kind]
        return writable if self.writable and writable is not None else read_only

    @property
    def entity_name(self) -> str:
        """The entity's name: the user's override, or the server's display name."""
        return self.name_override or self.display_name

    @property
    def part(self) -> str | None:
        """The part of the plant whose device the tag's entity is on: its structure tag,
        its classic group, or the equipment its name begins with."""
        return self.structure or self.group or equipment(self.name)

    @property
    def part_name(self) -> str | None:
        """The name of the part's device, in words: ``Tank1`` is "Tank 1"."""
        return readable(own_name(self.part)) if self.part else None

    @property
    def effective_unit(self) -> str | None:
        """The unit: the user's override, or what the server said."""
        return self.unit_override or self.unit

    def with_writable(self, writable: bool) -> Self:
        """A copy marked writable or not (only where an entity can write it)."""
        return replace(self, writable=writable and self.can_be_writable)
