"""An entry's options, typed: parsed once from ``entry.options``, with every default here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from types import MappingProxyType
from typing import Any, Self

from .const import (
    OPT_ALARM_CLASSES,
    OPT_ALARM_FILTER,
    OPT_ALARM_INTERVAL,
    OPT_ALARM_MIN_PRIORITY,
    OPT_ALARMS,
    OPT_CONTROLS,
    OPT_PATTERNS,
    OPT_PUSH,
    OPT_READ_ONLY,
    OPT_RETRY_AFTER_CAP,
    OPT_RULES,
    OPT_SCAN_INTERVAL,
    OPT_TAGS,
    OPT_TOLERATED_FAILURES,
    OPT_VOICE,
)
from .controls import ControlConfig
from .tag_rules import TagRule, apply_rules
from .tags import TagConfig


def _frozen(tags: Mapping[str, TagConfig]) -> Mapping[str, TagConfig]:
    return MappingProxyType(dict(tags))


@dataclass(frozen=True, slots=True)
class EntryOptions:
    """What the user chose for one server: its tags, polling, writes and alarms."""

    tags: Mapping[str, TagConfig] = field(default_factory=lambda: _frozen({}))
    # Browse patterns whose new matches are added as tags.
    patterns: tuple[str, ...] = ()
    scan_interval: int = 10  # seconds
    read_only: bool = False
    # Failed polls in a row that keep the last values before entities go unavailable.
    tolerated_failures: int = 2
    # The longest wait a busy server's Retry-After may impose before the next read.
    retry_after_cap: int = 30  # seconds
    # Take pushed values and alarms where the server offers them (WinCC Unified).
    push: bool = True
    # Expose the entities that write to the plant to voice assistants.
    expose_to_voice: bool = False
    alarms: bool = True
    alarm_interval: int = 5  # seconds
    alarm_min_priority: int = 0
    alarm_classes: tuple[str, ...] = ()  # empty: every class
    alarm_filter: str | None = None  # a server-side filter (Unified) or REST filter (classic)
    # Settings by pattern, for the tags exposed now and those added later.
    rules: tuple[TagRule, ...] = ()
    # Controls composed from the exposed tags.
    controls: tuple[ControlConfig, ...] = ()

    @classmethod
    def from_options(cls, raw: Mapping[str, Any]) -> Self:
        """Read stored options; what is missing takes its default."""
        default = cls()
        return cls(
            tags=_frozen(
                {
                    name: TagConfig.from_options({**stored, "name": name})
                    for name, stored in raw.get(OPT_TAGS, {}).items()
                }
            ),
            patterns=tuple(raw.get(OPT_PATTERNS, default.patterns)),
            scan_interval=int(raw.get(OPT_SCAN_INTERVAL, default.scan_interval)),
            read_only=bool(raw.get(OPT_READ_ONLY, default.read_only)),
            tolerated_failures=int(raw.get(OPT_TOLERATED_FAILURES, default.tolerated_failures)),
            retry_after_cap=int(raw.get(OPT_RETRY_AFTER_CAP, default.retry_after_cap)),
            push=bool(raw.get(OPT_PUSH, default.push)),
            expose_to_voice=bool(raw.get(OPT_VOICE, default.expose_to_voice)),
            alarms=bool(raw.get(OPT_ALARMS, default.alarms)),
            alarm_interval=int(raw.get(OPT_ALARM_INTERVAL, default.alarm_interval)),
            alarm_min_priority=int(raw.get(OPT_ALARM_MIN_PRIORITY, default.alarm_min_priority)),
            alarm_classes=tuple(raw.get(OPT_ALARM_CLASSES, default.alarm_classes)),
            alarm_filter=raw.get(OPT_ALARM_FILTER) or None,
            rules=tuple(TagRule.from_options(rule) for rule in raw.get(OPT_RULES, [])),
            controls=tuple(ControlConfig.from_options(c) for c in raw.get(OPT_CONTROLS, [])),
        )

    def as_options(self) -> dict[str, Any]:
        """The options as stored: JSON-ready."""
        return {
            OPT_TAGS: {name: tag.as_options() for name, tag in self.tags.items()},
            OPT_PATTERNS: list(self.patterns),
            OPT_SCAN_INTERVAL: self.scan_interval,
            OPT_READ_ONLY: self.read_only,
            OPT_TOLERATED_FAILURES: self.tolerated_failures,
            OPT_RETRY_AFTER_CAP: self.retry_after_cap,
            OPT_PUSH: self.push,
            OPT_VOICE: self.expose_to_voice,
            OPT_ALARMS: self.alarms,
            OPT_ALARM_INTERVAL: self.alarm_interval,
            OPT_ALARM_MIN_PRIORITY: self.alarm_min_priority,
            OPT_ALARM_CLASSES: list(self.alarm_classes),
            OPT_ALARM_FILTER: self.alarm_filter or "",
            OPT_RULES: [rule.as_options() for rule in self.rules],
            OPT_CONTROLS: [control.as_options() for control in self.controls],
        }

    def with_tags(self, tags: Mapping[str, TagConfig]) -> Self:
        """A copy exposing ``tags`` instead; controls whose tags are no longer exposed,
        or no longer writable where they write, go."""
        kept = tuple(c for c in self.controls if c.usable_with(tags))
        return replace(self, tags=_frozen(tags), controls=kept)

    def with_control(self, control: ControlConfig) -> Self:
        """A copy with ``control`` added (or replacing one of the same key); the tags it
        writes become writable."""
        tags = dict(self.tags)
        for name in control.written_tags():
            tags[name] = tags[name].with_writable(writable=True)
        others = tuple(c for c in self.controls if c.key != control.key)
        return replace(self, tags=_frozen(tags), controls=(*others, control))

    def with_controls(self, controls: Iterable[ControlConfig]) -> Self:
        """A copy with these controls instead (their written tags made writable)."""
        options = replace(self, controls=())
        for control in controls:
            options = options.with_control(control)
        return options

    def without_controls(self, keys: set[str]) -> Self:
        """A copy without the controls of these keys."""
        return replace(self, controls=tuple(c for c in self.controls if c.key not in keys))

    def with_new_tags(self, added: Mapping[str, TagConfig]) -> Self:
        """A copy exposing ``added`` too, each with what the rules give it."""
        ruled = {name: apply_rules(tag, self.rules) for name, tag in added.items()}
        return self.with_tags({**self.tags, **ruled})

    @property
    def update_interval(self) -> timedelta:
        """How often tags are polled."""
        return timedelta(seconds=self.scan_interval)

    @property
    def alarm_update_interval(self) -> timedelta:
        """How often alarms are polled."""
        return timedelta(seconds=self.alarm_interval)
