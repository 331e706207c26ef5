"""One exact alarm stream: every transition WinCC made, once, in the order it made them.

An instance is identified by its name, instance ID and raise time: a runtime restarts
its instance IDs at 1, and a new instance 1 is not the old one.

Each read gives the active instances, and where the server keeps one, the alarm log
since the previous read (one row per transition). Together they show every step an
instance took, including those a read did not see: raised and cleared between two
reads, or what it did before it left the list. Only without a log are the steps of a
departed instance derived from its state machine, and then they are marked inferred.
``removed`` is reported only for what WinCC itself removed.

A shelved instance is still reported by the server; keeping quiet about it is the
client's job. Its shelving and unshelving are one step each, and what it does while
shelved is taken as told but not reported, then or later.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from .client import AlarmInstance, AlarmNotification, AlarmState

type InstanceKey = tuple[str, int, datetime | None]


class Transition(StrEnum):
    """The event types of the alarm event entity."""

    RAISED = "raised"
    CLEARED = "cleared"
    ACKNOWLEDGED = "acknowledged"
    RESET = "reset"
    REMOVED = "removed"
    SHELVED = "shelved"
    UNSHELVED = "unshelved"


@dataclass(frozen=True, slots=True)
class AlarmTransition:
    """One step of one alarm instance."""

    kind: Transition
    alarm: AlarmInstance
    # When it happened, where the server said; inferred steps carry the latest known time.
    at: datetime | None = None
    inferred: bool = False


def instance_key(alarm: AlarmInstance) -> InstanceKey:
    """The identity of an alarm instance."""
    return (alarm.name, alarm.instance_id, alarm.raise_time)


_ACKNOWLEDGED = frozenset(
    {
        AlarmState.RAISED_ACKNOWLEDGED,
        AlarmState.RAISED_ACKNOWLEDGED_CLEARED,
        AlarmState.RAISED_CLEARED_ACKNOWLEDGED,
    }
)
_CLEARED = frozenset(
    {
        AlarmState.RAISED_CLEARED,
        AlarmState.RAISED_ACKNOWLEDGED_CLEARED,
        AlarmState.RAISED_CLEARED_ACKNOWLEDGED,
    }
)
_ENDED = frozenset({AlarmState.NORMAL, AlarmState.REMOVED})
RESET_MACHINE = "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT_AND_RESET"
NO_CLEAR_MACHINES = frozenset({"RAISE", "RAISE_REQUIRES_ACKNOWLEDGMENT"})
REMOVED_REASON = "Removed"  # a pushed instance left the active list


def steps(alarm: AlarmInstance) -> list[Transition]:
    """The steps a row shows the instance has taken since it was raised, in order."""
    acknowledged = alarm.state in _ACKNOWLEDGED or alarm.acknowledgment_time is not None
    cleared = alarm.state in _CLEARED or alarm.clear_time is not None
    found = [Transition.RAISED]
    if acknowledged and cleared:
        clear_first = alarm.state is AlarmState.RAISED_CLEARED_ACKNOWLEDGED or (
            alarm.clear_time is not None
            and alarm.acknowledgment_time is not None
            and alarm.clear_time < alarm.acknowledgment_time
        )
        found += (
            [Transition.CLEARED, Transition.ACKNOWLEDGED]
            if clear_first
            else [Transition.ACKNOWLEDGED, Transition.CLEARED]
        )
    elif acknowledged:
        found.append(Transition.ACKNOWLEDGED)
    elif cleared:
        found.append(Transition.CLEARED)
    if alarm.reset_time is not None:
        found.append(Transition.RESET)
    if alarm.state is AlarmState.REMOVED:
        found.append(Transition.REMOVED)
    return found


def ended(alarm: AlarmInstance) -> bool:
    """Whether a row is an instance's last: it left normally, or WinCC removed it."""
    return alarm.state in _ENDED


def inferred_departure(last: AlarmInstance) -> list[Transition]:
    """What an instance that left the list must have done, by its state machine.

    Used only where no alarm log tells. WinCC drops an instance once nothing more is
    needed of it, so the missing steps are those its state machine requires; a removal
    cannot be told apart and is never invented.
    """
    machine = last.state_machine or ""
    done = set(steps(last))
    needed: list[Transition] = []
    clears = machine not in NO_CLEAR_MACHINES and (
        machine or not last.requires_acknowledgment or Transition.ACKNOWLEDGED in done
    )
    if clears and Transition.CLEARED not in done:
        needed.append(Transition.CLEARED)
    if last.requires_acknowledgment and Transition.ACKNOWLEDGED not in done:
        needed.append(Transition.ACKNOWLEDGED)
    if machine == RESET_MACHINE:
        needed.append(Transition.RESET)
    return needed


def _time_of(kind: Transition, alarm: AlarmInstance) -> datetime | None:
    return {
        Transition.RAISED: alarm.raise_time,
        Transition.CLEARED: alarm.clear_time,
        Transition.ACKNOWLEDGED: alarm.acknowledgment_time,
        Transition.RESET: alarm.reset_time,
        Transition.REMOVED: alarm.modification_time,
    }[kind]


@dataclass(slots=True)
class _Instance:
    # Every step taken as told, reported or (while shelved) not.
    reported: list[Transition] = field(default_factory=list)
    last: AlarmInstance | None = None
    shelved: bool = False
    # The rows taken (log windows overlap): an old row must not undo a later shelving.
    taken: set[tuple[datetime | None, AlarmState, bool]] = field(default_factory=set)

    def take(self, row: AlarmInstance, news: list[AlarmTransition]) -> list[AlarmTransition]:
        """What of a row's news is reported: nothing while shelved, and the shelving or
        unshelving itself at the row's time, after the steps that came before it."""
        self.reported += [t.kind for t in news]
        if row.shelved == self.shelved:
            return [] if self.shelved else news
        moment = row.modification_time
        before = [t for t in news if t.at is not None and moment is not None and t.at < moment]
        after = [t for t in news if t not in before]
        shift = AlarmTransition(
            Transition.SHELVED if row.shelved else Transition.UNSHELVED, row, moment
        )
        self.shelved = row.shelved
        return [*before, shift] if row.shelved else [shift, *after]


class AlarmLedger:
    """What has been reported of each instance, so that nothing is reported twice."""

    def __init__(self) -> None:
        """Start knowing nothing."""
        self._instances: dict[InstanceKey, _Instance] = {}
        # Instances that ended, with when: their log rows are not news.
        self._ended: dict[InstanceKey, datetime | None] = {}

    @property
    def active(self) -> dict[InstanceKey, AlarmInstance]:
        """The instances known to be active, as last seen."""
        return {key: known.last for key, known in self._instances.items() if known.last}

    def baseline(self, alarms: Iterable[AlarmInstance], log: Sequence[AlarmInstance] = ()) -> None:
        """Take what is active as known, and what ``log`` (read after the list, from where
        the next log read starts) shows ended: a restart of Home Assistant replays nothing.

        An instance of ``log`` that is not in the list but has not ended either was raised
        after the list was read: it is news for the next read.
        """
        self._instances = {
            instance_key(alarm): _Instance(steps(alarm), alarm, alarm.shelved) for alarm in alarms
        }
        last_rows: dict[InstanceKey, AlarmInstance] = {}
        for row in sorted(log, key=_modified):
            last_rows[instance_key(row)] = row
        self._ended = {
            key: row.modification_time
            for key, row in last_rows.items()
            if key not in self._instances and ended(row)
        }

    def update(
        self, active: Iterable[AlarmInstance], log: Sequence[AlarmInstance] = ()
    ) -> list[AlarmTransition]:
        """The transitions not reported yet that ``active`` (the whole list) and ``log``
        show, in the order they happened. ``log`` is the alarm log (oldest first) from a
        little before the previous read on, read after the list; it is empty where the
        server keeps none. Rows of instances that ended are no news."""
        current = {instance_key(alarm): alarm for alarm in active}
        rows: dict[InstanceKey, list[AlarmInstance]] = {}
        for row in log:
            key = instance_key(row)
            if key not in self._ended:
                rows.setdefault(key, []).append(row)
        transitions: list[list[AlarmTransition]] = []
        for key in {**self._instances, **rows, **current}:
            observed = [*rows.get(key, []), *([current[key]] if key in current else [])]
            if key in current:
                gone = False
            elif key in self._instances:
                gone = True  # it left the list before this read
            else:
                # Seen only in the log: over if its last row says so; else it was raised
                # after the list was read, and the next read shows it.
                gone = ended(observed[-1])
            transitions.append(self._advance(key, observed, gone=gone))
        return _in_order(transitions)

    def _advance(
        self, key: InstanceKey, observed: list[AlarmInstance], *, gone: bool
    ) -> list[AlarmTransition]:
        known = self._instances.setdefault(key, _Instance())
        observed = sorted(observed, key=_modified)
        found: list[AlarmTransition] = []
        for row in observed:
            mark = (row.modification_time, row.state, row.shelved)
            if mark in known.taken:
                continue
            known.taken.add(mark)
            news = [
                AlarmTransition(step, row, _time_of(step, row))
                for step in steps(row)
                if step not in known.reported
            ]
            found += known.take(row, news)
        last = observed[-1] if observed else known.last
        assert last is not None  # noqa: S101 - every key was seen at least once
        if gone and not ended(last):
            # It left, and no log row tells how: its state machine does.
            news = [
                AlarmTransition(step, last, last.modification_time, inferred=True)
                for step in inferred_departure(last)
                if step not in known.reported
            ]
            found += known.take(replace(last, shelved=known.shelved), news)
        known.last = last
        if gone:
            del self._instances[key]
            self._ended[key] = last.modification_time
        return found

    def apply(
        self, notifications: Iterable[AlarmNotification]
    ) -> tuple[list[AlarmTransition], bool]:
        """The news in pushed changes, in order, and whether an instance left without
        saying how (then a read of the list and the log tells)."""
        transitions: list[list[AlarmTransition]] = []
        unresolved = False
        for notification in notifications:
            key = instance_key(notification.alarm)
            if key in self._ended:
                continue
            gone = notification.reason == REMOVED_REASON
            if gone and not ended(notification.alarm):
                unresolved = True  # it left the list; the log shows its last steps
                continue
            transitions.append(self._advance(key, [notification.alarm], gone=gone))
        return _in_order(transitions), unresolved

    def forget_ended_before(self, moment: datetime) -> None:
        """Drop the memory of instances that ended before ``moment``: no log read
        reaches back that far."""
        self._ended = {
            key: time for key, time in self._ended.items() if time is None or time >= moment
        }


def _modified(alarm: AlarmInstance) -> float:
    return alarm.modification_time.timestamp() if alarm.modification_time else 0.0


def _in_order(per_instance: list[list[AlarmTransition]]) -> list[AlarmTransition]:
    """All instances' steps merged by time. Each instance keeps its own order; at the
    same moment an instance that is raised comes after the others (a restart removes
    the old instance 1 before it raises the new one)."""
    keyed: list[tuple[float | None, int, int, int, AlarmTransition]] = []
    for index, transitions in enumerate(per_instance):
        raised = 1 if transitions and transitions[0].kind is Transition.RAISED else 0
        moment: float | None = None
        for step, transition in enumerate(transitions):
            if transition.at is not None:
                moment = max(moment or transition.at.timestamp(), transition.at.timestamp())
            keyed.append((moment, raised, index, step, transition))
    known = [moment for moment, *_ in keyed if moment is not None]
    earliest = min(known) if known else 0.0
    keyed.sort(key=lambda item: (earliest if item[0] is None else item[0], *item[1:4]))
    return [item[4] for item in keyed]
