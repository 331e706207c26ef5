"""Typed, frozen models of what WinCC servers answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

type Scalar = bool | int | float | str


class ServerType(StrEnum):
    """Which WinCC API a server speaks."""

    UNIFIED = "unified"
    CLASSIC = "classic"
    OA_REPORTING = "oa_reporting"
    OA_GRAPHQL = "oa_graphql"


class Capability(StrEnum):
    """What a server (and this client's backend for it) supports."""

    WRITE = "write"  # tag values written
    BROWSE = "browse"
    HISTORY = "history"
    ALARMS = "alarms"
    ACKNOWLEDGE = "acknowledge"
    PUSH = "push"  # tag values pushed over a subscription
    SHELVE = "shelve"  # shelve and unshelve whole alarms
    DISABLE = "disable"  # disable and enable whole alarms


class AlarmAction(StrEnum):
    """What can be done to a whole configured alarm, by its name."""

    SHELVE = "shelve"
    UNSHELVE = "unshelve"
    DISABLE = "disable"
    ENABLE = "enable"

    @property
    def capability(self) -> Capability:
        """The capability the action needs."""
        return (
            Capability.SHELVE
            if self in (AlarmAction.SHELVE, AlarmAction.UNSHELVE)
            else Capability.DISABLE
        )


class Quality(StrEnum):
    """A value's quality, normalized across both APIs."""

    GOOD = "good"
    UNCERTAIN = "uncertain"
    BAD = "bad"
    UNKNOWN = "unknown"  # the server did not say


class DataKind(StrEnum):
    """The kind of a tag's data type, which decides its entity and what it accepts."""

    BOOL = "bool"
    INTEGER = "integer"
    FLOAT = "float"
    TEXT = "text"
    OTHER = "other"


class AlarmState(StrEnum):
    """An alarm instance's state, as WinCC Unified names it."""

    NORMAL = "NORMAL"
    RAISED = "RAISED"
    RAISED_CLEARED = "RAISED_CLEARED"
    RAISED_ACKNOWLEDGED = "RAISED_ACKNOWLEDGED"
    RAISED_ACKNOWLEDGED_CLEARED = "RAISED_ACKNOWLEDGED_CLEARED"
    RAISED_CLEARED_ACKNOWLEDGED = "RAISED_CLEARED_ACKNOWLEDGED"
    REMOVED = "REMOVED"
    UNKNOWN = "UNKNOWN"


ACKNOWLEDGMENT_REQUIRED_MACHINES = frozenset(
    {
        "RAISE_REQUIRES_ACKNOWLEDGMENT",
        "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT",
        "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT_AND_RESET",
    }
)


@dataclass(frozen=True, slots=True)
class ItemError:
    """An error reported for one item (tag or alarm) of a batch."""

    code: str
    description: str

    @property
    def unknown(self) -> bool:
        """Whether the server does not know the name (code 2 on both APIs)."""
        return self.code == UNKNOWN_NAME_CODE

    @property
    def renamed(self) -> bool:
        """Whether the tag was renamed in WinCC (pushed by WinCC Unified)."""
        return self.code == RENAMED_CODE


# The code of a name the server cannot resolve: a tag (or alarm) it does not have.
UNKNOWN_NAME_CODE = "2"
# The code of a tag WinCC renamed; it must be followed under its new name.
RENAMED_CODE = "renamed"


class TagValue(NamedTuple):
    """A tag's value as read, with its normalized and raw quality, or its error.

    A named tuple: thousands are made and compared on every read, and a tuple is the
    cheapest immutable record to build and to compare.
    """

    name: str
    value: Scalar | None
    quality: Quality
    quality_raw: str | int | None = None
    timestamp: datetime | None = None
    error: ItemError | None = None

    @property
    def ok(self) -> bool:
        """Whether the value was read without error."""
        return self.error is None


def new_tag_value(
    name: str,
    value: Scalar | None,
    quality: Quality,
    quality_raw: str | int | None,
    timestamp: datetime | None,
) -> TagValue:
    """A good read, built without the named tuple's keyword handling: the parsers make
    thousands per read."""
    return tuple.__new__(TagValue, (name, value, quality, quality_raw, timestamp, None))


@dataclass(frozen=True, slots=True)
class WriteResult:
    """The outcome of writing one tag."""

    name: str
    error: ItemError | None = None

    @property
    def ok(self) -> bool:
        """Whether the server accepted the value."""
        return self.error is None


@dataclass(frozen=True, slots=True)
class TagInfo:
    """A tag found by browsing."""

    name: str
    display_name: str
    data_type: str | None
    kind: DataKind
    writable: bool | None = None  # neither API says; None means unknown
    unit: str | None = None
    structure: str | None = None  # the structure tag this is an element of
    group: str | None = None  # classic: the tag group
    connection: str | None = None  # classic: the connection (PLC link)


@dataclass(frozen=True, slots=True)
class HistoryValue:
    """One logged value."""

    timestamp: datetime
    value: Scalar | None
    quality: Quality
    quality_raw: str | int | None = None
    bounding: bool = False  # a value outside the asked range, given for context


@dataclass(frozen=True, slots=True)
class AlarmInstance:
    """One instance of an alarm: the pair (name, instance ID) identifies it."""

    name: str
    instance_id: int
    state: AlarmState
    state_machine: str | None = None
    priority: int | None = None
    alarm_class: str | None = None
    texts: Mapping[str, str] = field(default_factory=dict)  # event text by language
    info_texts: Mapping[str, str] = field(default_factory=dict)
    area: str | None = None
    origin: str | None = None
    raise_time: datetime | None = None
    acknowledgment_time: datetime | None = None
    clear_time: datetime | None = None
    reset_time: datetime | None = None
    modification_time: datetime | None = None
    requires_acknowledgment: bool = False
    # Shelved by an operator: the server still reports it, and the client keeps quiet.
    shelved: bool = False

    @property
    def key(self) -> tuple[str, int]:
        """The identity of this instance."""
        return (self.name, self.instance_id)

    @property
    def awaiting_acknowledgment(self) -> bool:
        """Whether the instance needs an acknowledgment now."""
        return self.requires_acknowledgment and self.state in (
            AlarmState.RAISED,
            AlarmState.RAISED_CLEARED,
        )

    def text(self, languages: tuple[str, ...]) -> str:
        """The event text in the first available of ``languages``, else any."""
        for language in languages:
            if self.texts.get(language):
                return self.texts[language]
        return next(iter(self.texts.values()), "")


@dataclass(frozen=True, slots=True)
class AlarmQuery:
    """Which alarms to ask for, and in which languages (the first is preferred)."""

    server_filter: str | None
    languages: tuple[str, ...]

    @property
    def language(self) -> str:
        """The preferred language."""
        return self.languages[0]


@dataclass(frozen=True, slots=True)
class AlarmIdentifier:
    """Which alarm instance to act on; instance ID 0 means all of that alarm's."""

    name: str
    instance_id: int = 0


@dataclass(frozen=True, slots=True)
class AlarmActionResult:
    """The outcome of an action on one alarm instance (instance 0: the whole alarm)."""

    name: str
    instance_id: int
    error: ItemError | None = None

    @property
    def ok(self) -> bool:
        """Whether the server performed the action."""
        return self.error is None
