"""Alarm instances and their state machines, plus the journal of every transition.

States move as WinCC Unified documents them:

- a condition that becomes true raises a new instance (``RAISED``) with the next
  instance ID of its alarm;
- clearing, acknowledging and resetting move it through the ``RAISED_*`` states;
- an instance that needs nothing more leaves the active list (``NORMAL``);
- a runtime restart removes every active instance (``REMOVED``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from .description import AlarmDefinition, Scalar


class AlarmState(StrEnum):
    """``AlarmState`` of the Unified schema."""

    NORMAL = "NORMAL"
    RAISED = "RAISED"
    RAISED_CLEARED = "RAISED_CLEARED"
    RAISED_ACKNOWLEDGED = "RAISED_ACKNOWLEDGED"
    RAISED_ACKNOWLEDGED_CLEARED = "RAISED_ACKNOWLEDGED_CLEARED"
    RAISED_CLEARED_ACKNOWLEDGED = "RAISED_CLEARED_ACKNOWLEDGED"
    REMOVED = "REMOVED"


class Reason(StrEnum):
    """Why an instance changed; also the subscription's ``notificationReason``."""

    ADDED = "Added"
    MODIFIED = "Modified"
    REMOVED = "Removed"


ACKNOWLEDGE_REQUIRED = frozenset(
    {
        "RAISE_REQUIRES_ACKNOWLEDGMENT",
        "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT",
        "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT_AND_RESET",
    }
)
ACKNOWLEDGEABLE = ACKNOWLEDGE_REQUIRED | {"RAISE_CLEAR_OPTIONAL_ACKNOWLEDGMENT"}
NO_CLEAR_EVENT = frozenset({"RAISE", "RAISE_REQUIRES_ACKNOWLEDGMENT"})
MILLISECOND = timedelta(milliseconds=1)
RESET_REQUIRED = frozenset({"RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT_AND_RESET"})

# WinCC error code 305: cannot be acknowledged or reset in the current state.
NOT_IN_STATE = 305
UNKNOWN_NAME = 2
SHELVED = "SHELVED"
UNSUPPRESSED = "UNSUPPRESSED"
# The runtime's configured shelving timeout: what a timeout of 0 means, and the longest.
SHELVE_TIMEOUT = timedelta(hours=8)


@dataclass(frozen=True, slots=True)
class AlarmInstance:
    """One raised instance of an alarm, as it stands after its latest transition."""

    definition: AlarmDefinition
    instance_id: int
    state: AlarmState
    raise_time: datetime
    modification_time: datetime
    value: Scalar
    change_reason: str = "ALARM_STATE_CHANGED_RAISE_EVENT"
    acknowledgment_time: datetime | None = None
    clear_time: datetime | None = None
    reset_time: datetime | None = None
    user_name: str = ""
    # ``SHELVED`` until ``shelved_until``, or ``UNSUPPRESSED``.
    suppression: str = "UNSUPPRESSED"
    shelved_until: datetime | None = None

    @property
    def key(self) -> tuple[str, int]:
        """The pair that identifies an instance: alarm name and instance ID."""
        return (self.definition.name, self.instance_id)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One transition: the instance after it, and how a subscriber sees it."""

    sequence: int
    reason: Reason
    instance: AlarmInstance


@dataclass(frozen=True, slots=True)
class AlarmResult:
    """The outcome of acknowledging or resetting one alarm instance."""

    name: str
    instance_id: int
    code: int
    description: str = ""


class AlarmEngine:
    """Keeps the active instances, moves them through their states, records a journal."""

    def __init__(
        self,
        definitions: Iterable[AlarmDefinition],
        journal_limit: int = 20_000,
        on_change: Callable[[], None] = lambda: None,
    ):
        """Watch the given alarm definitions; ``on_change`` hears of every transition."""
        self.definitions = {d.name: d for d in definitions}
        self.active: dict[tuple[str, int], AlarmInstance] = {}
        self.journal: list[JournalEntry] = []
        self._journal_limit = journal_limit
        self._sequence = 0
        self._last_instance_id: dict[str, int] = {}
        # When each alarm was last raised: WinCC stamps to the millisecond, and no alarm is
        # raised twice in one (not even across a runtime restart).
        self._last_raised: dict[str, datetime] = {}
        self._condition_was_true: dict[str, bool] = {}
        # Alarms that raise no new instances until enabled again.
        self.disabled: set[str] = set()
        self._on_change = on_change

    @property
    def sequence(self) -> int:
        """The sequence number of the newest journal entry."""
        return self._sequence

    def entries_after(self, sequence: int) -> list[JournalEntry]:
        """Journal entries newer than ``sequence``, oldest first."""
        if not self.journal or self.journal[-1].sequence <= sequence:
            return []
        first = self.journal[0].sequence
        return self.journal[max(0, sequence - first + 1) :]

    def _record(self, reason: Reason, instance: AlarmInstance) -> None:
        self._sequence += 1
        self.journal.append(JournalEntry(self._sequence, reason, instance))
        if len(self.journal) > self._journal_limit:
            del self.journal[: len(self.journal) - self._journal_limit]
        if instance.state in (AlarmState.NORMAL, AlarmState.REMOVED):
            self.active.pop(instance.key, None)
        else:
            self.active[instance.key] = instance
        self._on_change()

    def _transition(
        self, instance: AlarmInstance, state: AlarmState, now: datetime, **changes: object
    ) -> AlarmInstance:
        moved = replace(instance, state=state, modification_time=now, **changes)  # type: ignore[arg-type]
        finished = state is AlarmState.NORMAL or self._finished(moved)
        if finished:
            moved = replace(moved, state=AlarmState.NORMAL)
        self._record(Reason.REMOVED if finished else Reason.MODIFIED, moved)
        return moved

    @staticmethod
    def _finished(instance: AlarmInstance) -> bool:
        """Whether an instance needs nothing more and leaves the active list."""
        machine = instance.definition.state_machine
        state = instance.state
        if machine in RESET_REQUIRED:
            return False
        if state in (
            AlarmState.RAISED_ACKNOWLEDGED_CLEARED,
            AlarmState.RAISED_CLEARED_ACKNOWLEDGED,
        ):
            return True
        if state is AlarmState.RAISED_CLEARED:
            return machine not in ACKNOWLEDGE_REQUIRED
        # Without a clear event, an acknowledged instance is done.
        return state is AlarmState.RAISED_ACKNOWLEDGED and machine in NO_CLEAR_EVENT

    def evaluate(self, value_of: Callable[[str], Scalar], now: datetime) -> None:
        """Raise and clear instances from the current tag values; end expired shelving."""
        for instance in list(self.active.values()):
            if instance.shelved_until is not None and instance.shelved_until <= now:
                self._suppress(instance, UNSUPPRESSED, None, instance.shelved_until)
        for definition in self.definitions.values():
            value = value_of(definition.tag)
            holds = definition.condition.holds(value)
            was = self._condition_was_true.get(definition.name, False)
            self._condition_was_true[definition.name] = holds
            if definition.name in self.disabled:
                continue
            if holds and not was:
                self._raise(definition, value, now)
            elif was and not holds:
                self._clear(definition, now)

    def _raise(self, definition: AlarmDefinition, value: Scalar, now: datetime) -> None:
        instance_id = self._last_instance_id.get(definition.name, 0) + 1
        self._last_instance_id[definition.name] = instance_id
        if (last := self._last_raised.get(definition.name)) is not None and now <= last:
            now = last + MILLISECOND
        self._last_raised[definition.name] = now
        instance = AlarmInstance(
            definition=definition,
            instance_id=instance_id,
            state=AlarmState.RAISED,
            raise_time=now,
            modification_time=now,
            value=value,
        )
        self._record(Reason.ADDED, instance)

    def _clear(self, definition: AlarmDefinition, now: datetime) -> None:
        if definition.state_machine in NO_CLEAR_EVENT:
            # No clear event: an information-only alarm simply leaves when its cause ends.
            for instance in self._instances_of(definition.name):
                if definition.state_machine not in ACKNOWLEDGE_REQUIRED:
                    self._transition(
                        instance,
                        AlarmState.NORMAL,
                        now,
                        change_reason="ALARM_STATE_CHANGED_CLEAR_EVENT",
                    )
            return
        cleared = {
            AlarmState.RAISED: AlarmState.RAISED_CLEARED,
            AlarmState.RAISED_ACKNOWLEDGED: AlarmState.RAISED_ACKNOWLEDGED_CLEARED,
        }
        for instance in self._instances_of(definition.name):
            if instance.state in cleared:
                self._transition(
                    instance,
                    cleared[instance.state],
                    now,
                    clear_time=now,
                    change_reason="ALARM_STATE_CHANGED_CLEAR_EVENT",
                )

    def _instances_of(self, name: str) -> list[AlarmInstance]:
        return [i for i in self.active.values() if i.definition.name == name]

    def _targets(self, name: str, instance_id: int) -> list[AlarmInstance] | AlarmResult:
        if name not in self.definitions:
            return AlarmResult(name, instance_id, UNKNOWN_NAME, "Cannot resolve provided name")
        targets = [i for i in self._instances_of(name) if instance_id in (0, i.instance_id)]
        if not targets:
            return AlarmResult(
                name, instance_id, NOT_IN_STATE, "No active alarm instance in this state"
            )
        return targets

    def _act(
        self,
        name: str,
        instance_id: int,
        verb: str,
        allowed: Callable[[AlarmInstance], bool],
        apply: Callable[[AlarmInstance], None],
    ) -> list[AlarmResult]:
        """Apply an operator action to one instance, or all of an alarm's for ID 0."""
        targets = self._targets(name, instance_id)
        if isinstance(targets, AlarmResult):
            return [targets]
        results = []
        for instance in targets:
            if not allowed(instance):
                results.append(
                    AlarmResult(
                        name,
                        instance.instance_id,
                        NOT_IN_STATE,
                        f"Alarm cannot be {verb} in state {instance.state}",
                    )
                )
                continue
            apply(instance)
            results.append(AlarmResult(name, instance.instance_id, 0))
        return results

    def acknowledge(
        self, name: str, instance_id: int, now: datetime, user: str
    ) -> list[AlarmResult]:
        """Acknowledge one instance, or every instance of the alarm for ID 0."""
        acknowledged = {
            AlarmState.RAISED: AlarmState.RAISED_ACKNOWLEDGED,
            AlarmState.RAISED_CLEARED: AlarmState.RAISED_CLEARED_ACKNOWLEDGED,
        }

        def apply(instance: AlarmInstance) -> None:
            self._transition(
                instance,
                acknowledged[instance.state],
                now,
                acknowledgment_time=now,
                user_name=user,
                change_reason="ALARM_STATE_CHANGED_ACKNOWLEDGE_EVENT",
            )

        return self._act(
            name,
            instance_id,
            "acknowledged",
            lambda i: i.definition.state_machine in ACKNOWLEDGEABLE and i.state in acknowledged,
            apply,
        )

    def reset(self, name: str, instance_id: int, now: datetime, user: str) -> list[AlarmResult]:
        """Reset acknowledged, cleared instances of an alarm that needs a reset."""
        resettable = (
            AlarmState.RAISED_ACKNOWLEDGED_CLEARED,
            AlarmState.RAISED_CLEARED_ACKNOWLEDGED,
        )

        def apply(instance: AlarmInstance) -> None:
            self._record(
                Reason.REMOVED,
                replace(
                    instance,
                    state=AlarmState.NORMAL,
                    modification_time=now,
                    reset_time=now,
                    user_name=user,
                    change_reason="ALARM_STATE_CHANGED_RESET_EVENT",
                ),
            )

        return self._act(
            name,
            instance_id,
            "reset",
            lambda i: i.definition.state_machine in RESET_REQUIRED and i.state in resettable,
            apply,
        )

    # --- shelving and disabling (whole alarms, by name) -----------------------------------

    def _suppress(
        self, instance: AlarmInstance, state: str, until: datetime | None, now: datetime
    ) -> None:
        self._record(
            Reason.MODIFIED,
            replace(
                instance,
                suppression=state,
                shelved_until=until,
                modification_time=now,
                change_reason="ALARM_SUPPRESSION_STATE_CHANGED",
            ),
        )

    def shelve(self, name: str, timeout: timedelta, now: datetime) -> None:
        """Shelve every active instance of a known alarm, for ``timeout`` (0: the
        runtime's configured timeout, which also bounds it)."""
        length = SHELVE_TIMEOUT if timeout <= timedelta() else min(timeout, SHELVE_TIMEOUT)
        for instance in self._instances_of(name):
            self._suppress(instance, SHELVED, now + length, now)

    def unshelve(self, name: str, now: datetime) -> None:
        """Unshelve the shelved instances of a known alarm."""
        for instance in self._instances_of(name):
            if instance.suppression == SHELVED:
                self._suppress(instance, UNSUPPRESSED, None, now)

    def disable(self, name: str, now: datetime) -> None:
        """Stop raising instances of a known alarm; its active instances are removed."""
        self.disabled.add(name)
        for instance in self._instances_of(name):
            self._remove(instance, now, "ALARM_ENABLE_STATE_CHANGED")

    def enable(self, name: str) -> None:
        """Raise instances of a known alarm again; a condition that holds raises at once."""
        if name in self.disabled:
            self.disabled.discard(name)
            self._condition_was_true[name] = False

    def _remove(self, instance: AlarmInstance, now: datetime, change_reason: str) -> None:
        self._record(
            Reason.REMOVED,
            replace(
                instance,
                state=AlarmState.REMOVED,
                modification_time=now,
                change_reason=change_reason,
            ),
        )

    def restart(self, now: datetime) -> None:
        """A runtime restart: every instance is removed and instance IDs start again.

        Conditions that still hold raise new instances at the next evaluation.
        """
        for instance in list(self.active.values()):
            self._remove(instance, now, "ALARM_STATE_CHANGED_REMOVE_EVENT")
        self._last_instance_id.clear()
        self._condition_was_true.clear()
