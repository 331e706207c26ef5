"""Rules by pattern: ``*Temperature*`` -> °C, temperature, measurement, for every tag
whose name matches, those exposed now and those added later.

A rule fills in only what a tag has not set itself; later rules win over earlier ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Self

from .client.parsing import matches
from .names import own_name
from .tags import TagConfig, known_fields, set_fields

# The settings of a tag a rule can fill in (each a TagConfig field of the same name).
RULE_FIELDS = ("unit_override", "device_class", "state_class", "minimum", "maximum", "step")


@dataclass(frozen=True, slots=True)
class TagRule:
    """A glob pattern and the settings it gives the tags it matches."""

    pattern: str
    unit_override: str | None = None
    device_class: str | None = None
    state_class: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None

    @classmethod
    def from_options(cls, raw: Mapping[str, Any]) -> Self:
        """A stored rule; unknown keys (from a newer version) are ignored."""
        return cls(**known_fields(cls, raw))

    def as_options(self) -> dict[str, Any]:
        """The rule as JSON-ready options."""
        return set_fields(self)

    def applies_to(self, tag: TagConfig) -> bool:
        """Whether the tag's name (with or without its system) matches the pattern."""
        return matches(self.pattern, tag.name, own_name(tag.name))

    def describe(self) -> str:
        """``*Temperature*: °C, temperature, measurement``."""
        settings = [str(v) for k, v in self.as_options().items() if k != "pattern"]
        return f"{self.pattern}: {', '.join(settings) or 'nothing'}"


def apply_rules(tag: TagConfig, rules: Iterable[TagRule]) -> TagConfig:
    """The tag with what matching rules give it, where it set nothing itself."""
    given: dict[str, Any] = {}
    for rule in rules:
        if rule.applies_to(tag):
            given |= {f: getattr(rule, f) for f in RULE_FIELDS if getattr(rule, f) is not None}
    own = {f: v for f, v in given.items() if getattr(tag, f) is None}
    return replace(tag, **own) if own else tag
