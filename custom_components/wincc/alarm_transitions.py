"""Turn two successive alarm lists into the transitions between them.

An instance is identified by (name, instance ID). Between two reads an instance can
move several steps (raised and cleared, say), and it can leave the list; each step
that can be inferred becomes exactly one transition, in the order it happened.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from .client import AlarmInstance, AlarmState

type AlarmKey = tuple[str, int]


class Transition(StrEnum):
    """The event types of the alarm event entity."""

    RAISED = "raised"
    CLEARED = "cleared"
    ACKNOWLEDGED = "acknowledged"
    RESET = "reset"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class AlarmTransition:
    """One step of one alarm instance."""

    kind: Transition
    alarm: AlarmInstance


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
RESET_MACHINE = "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT_AND_RESET"
NO_CLEAR_MACHINES = frozenset({"RAISE", "RAISE_REQUIRES_ACKNOWLEDGMENT"})


def _steps(alarm: AlarmInstance) -> list[Transition]:
    """The steps an instance has taken since it was raised, in order."""
    acknowledged = alarm.state in _ACKNOWLEDGED or alarm.acknowledgment_time is not None
    cleared = alarm.state in _CLEARED or alarm.clear_time is not None
    steps = [Transition.RAISED]
    if acknowledged and cleared:
        clear_first = alarm.state is AlarmState.RAISED_CLEARED_ACKNOWLEDGED or (
            alarm.clear_time is not None
            and alarm.acknowledgment_time is not None
            and alarm.clear_time < alarm.acknowledgment_time
        )
        steps += (
            [Transition.CLEARED, Transition.ACKNOWLEDGED]
            if clear_first
            else [Transition.ACKNOWLEDGED, Transition.CLEARED]
        )
    elif acknowledged:
        steps.append(Transition.ACKNOWLEDGED)
    elif cleared:
        steps.append(Transition.CLEARED)
    return steps


def _departure(last: AlarmInstance) -> list[Transition]:
    """What an instance that left the list must have done last, from its last state.

    WinCC drops an instance once nothing more is needed of it: it was acknowledged
    after clearing, cleared after acknowledgment, cleared when it needs no
    acknowledgment, or reset. Anything else left because it was removed.
    """
    machine = last.state_machine or ""
    done = set(_steps(last))
    if machine == RESET_MACHINE:
        missing = [t for t in (Transition.CLEARED, Transition.ACKNOWLEDGED) if t not in done]
        return [*missing, Transition.RESET] if len(missing) < 2 else [Transition.REMOVED]
    if Transition.CLEARED in done and Transition.ACKNOWLEDGED not in done:
        return [Transition.ACKNOWLEDGED] if last.requires_acknowledgment else [Transition.REMOVED]
    if Transition.ACKNOWLEDGED in done and Transition.CLEARED not in done:
        return [] if machine in NO_CLEAR_MACHINES else [Transition.CLEARED]
    if done == {Transition.RAISED} and not last.requires_acknowledgment:
        return [] if machine == "RAISE" else [Transition.CLEARED]
    return [Transition.REMOVED]


def diff(
    before: Mapping[AlarmKey, AlarmInstance], after: Mapping[AlarmKey, AlarmInstance]
) -> list[AlarmTransition]:
    """Every transition from one alarm list to the next, each exactly once."""
    transitions: list[AlarmTransition] = []
    for key, alarm in after.items():
        if alarm.state is AlarmState.REMOVED:
            if key in before:
                transitions.append(AlarmTransition(Transition.REMOVED, alarm))
            continue
        seen = set(_steps(before[key])) if key in before else set()
        transitions += [AlarmTransition(t, alarm) for t in _steps(alarm) if t not in seen]
    for key, last in before.items():
        if key not in after:
            transitions += [AlarmTransition(t, last) for t in _departure(last)]
    return transitions


def unseen(history: Iterable[AlarmInstance], known: Collection[AlarmKey]) -> list[AlarmTransition]:
    """Instances that came and went while the server could not be read.

    ``history`` is the server's alarm log (one row per transition, oldest first);
    instances in ``known`` are left to ``diff``. Each remaining instance reports every
    step its latest logged row shows.
    """
    rows: dict[AlarmKey, list[AlarmInstance]] = {}
    for row in history:
        if row.key not in known:
            rows.setdefault(row.key, []).append(row)
    transitions: list[AlarmTransition] = []
    for logged in rows.values():
        # Each step in the order it first shows in the log.
        steps: list[Transition] = []
        for row in logged:
            steps += [step for step in _steps(row) if step not in steps]
        last = logged[-1]
        if last.reset_time is not None:
            steps.append(Transition.RESET)
        if last.state is AlarmState.REMOVED:
            steps.append(Transition.REMOVED)
        transitions += [AlarmTransition(step, last) for step in steps]
    return transitions
