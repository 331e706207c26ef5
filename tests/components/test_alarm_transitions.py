"""Alarm transitions from successive lists: each step exactly once, in order."""

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.wincc.alarm_transitions import Transition, diff, unseen
from custom_components.wincc.client import AlarmInstance, AlarmState

T0 = datetime(2026, 5, 1, 10, tzinfo=UTC)
REQUIRES = "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT"


def alarm(
    state: AlarmState, machine: str = REQUIRES, instance: int = 1, **times: datetime
) -> AlarmInstance:
    """An instance of alarm A."""
    return AlarmInstance(
        name="A",
        instance_id=instance,
        state=state,
        state_machine=machine,
        requires_acknowledgment=machine
        in {
            REQUIRES,
            "RAISE_REQUIRES_ACKNOWLEDGMENT",
            "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT_AND_RESET",
        },
        raise_time=T0,
        **times,
    )


def kinds(before: list[AlarmInstance], after: list[AlarmInstance]) -> list[str]:
    """The transition kinds between two lists."""
    return [t.kind.value for t in diff({a.key: a for a in before}, {a.key: a for a in after})]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ([], [alarm(AlarmState.RAISED)], ["raised"]),
        ([alarm(AlarmState.RAISED)], [alarm(AlarmState.RAISED)], []),
        ([alarm(AlarmState.RAISED)], [alarm(AlarmState.RAISED_ACKNOWLEDGED)], ["acknowledged"]),
        ([alarm(AlarmState.RAISED)], [alarm(AlarmState.RAISED_CLEARED)], ["cleared"]),
        ([], [alarm(AlarmState.RAISED_CLEARED)], ["raised", "cleared"]),
        (
            [],
            [
                alarm(
                    AlarmState.RAISED_CLEARED_ACKNOWLEDGED,
                    "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT_AND_RESET",
                )
            ],
            ["raised", "cleared", "acknowledged"],
        ),
        (
            [],
            [
                alarm(
                    AlarmState.RAISED_ACKNOWLEDGED_CLEARED,
                    "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT_AND_RESET",
                )
            ],
            ["raised", "acknowledged", "cleared"],
        ),
        # Leaving the list: what was still missing happened.
        ([alarm(AlarmState.RAISED_CLEARED)], [], ["acknowledged"]),
        ([alarm(AlarmState.RAISED_ACKNOWLEDGED)], [], ["cleared"]),
        ([alarm(AlarmState.RAISED, "RAISE_CLEAR")], [], ["cleared"]),
        ([alarm(AlarmState.RAISED, "RAISE")], [], []),
        ([alarm(AlarmState.RAISED_ACKNOWLEDGED, "RAISE_REQUIRES_ACKNOWLEDGMENT")], [], []),
        (
            [alarm(AlarmState.RAISED_CLEARED, "RAISE_CLEAR_OPTIONAL_ACKNOWLEDGMENT")],
            [],
            ["removed"],
        ),
        (
            [
                alarm(
                    AlarmState.RAISED_ACKNOWLEDGED_CLEARED,
                    "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT_AND_RESET",
                )
            ],
            [],
            ["reset"],
        ),
        (
            [alarm(AlarmState.RAISED_CLEARED, "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT_AND_RESET")],
            [],
            ["acknowledged", "reset"],
        ),
        (
            [alarm(AlarmState.RAISED, "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT_AND_RESET")],
            [],
            ["removed"],
        ),
        ([alarm(AlarmState.RAISED)], [], ["removed"]),
        ([alarm(AlarmState.RAISED)], [alarm(AlarmState.REMOVED)], ["removed"]),
        ([], [alarm(AlarmState.REMOVED)], []),
        # A new instance of the same alarm is its own instance.
        (
            [alarm(AlarmState.RAISED_CLEARED)],
            [alarm(AlarmState.RAISED_CLEARED), alarm(AlarmState.RAISED, instance=2)],
            ["raised"],
        ),
    ],
)
def test_transitions(
    before: list[AlarmInstance], after: list[AlarmInstance], expected: list[str]
) -> None:
    """Each inferable step once; nothing for an unchanged instance."""
    assert kinds(before, after) == expected


def test_times_decide_the_order_when_states_do_not() -> None:
    """Acknowledged before cleared, told by the times (as the classic list shows it)."""
    seen = alarm(
        AlarmState.RAISED_ACKNOWLEDGED_CLEARED,
        clear_time=T0 + timedelta(seconds=9),
        acknowledgment_time=T0 + timedelta(seconds=4),
    )
    assert kinds([], [seen]) == ["raised", "acknowledged", "cleared"]
    cleared_first = alarm(
        AlarmState.RAISED_ACKNOWLEDGED_CLEARED,
        clear_time=T0 + timedelta(seconds=2),
        acknowledgment_time=T0 + timedelta(seconds=4),
    )
    assert kinds([], [cleared_first]) == ["raised", "cleared", "acknowledged"]
    assert Transition.RESET.value == "reset"


def test_instances_seen_only_in_the_log() -> None:
    """From the log: each unknown instance's steps, in order; known ones are left alone."""
    reset_machine = "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT_AND_RESET"
    log = [
        alarm(AlarmState.RAISED, reset_machine, instance=1),
        alarm(AlarmState.RAISED_CLEARED, reset_machine, instance=1),
        alarm(AlarmState.RAISED_CLEARED_ACKNOWLEDGED, reset_machine, instance=1),
        alarm(
            AlarmState.NORMAL,
            reset_machine,
            instance=1,
            reset_time=T0,
            clear_time=T0,
            acknowledgment_time=T0,
        ),
        alarm(AlarmState.RAISED, instance=2),
        alarm(AlarmState.REMOVED, instance=2),
        alarm(AlarmState.RAISED, instance=3),
    ]
    found = [(t.kind.value, t.alarm.instance_id) for t in unseen(log, known={("A", 3)})]
    assert found == [
        ("raised", 1),
        ("cleared", 1),
        ("acknowledged", 1),
        ("reset", 1),
        ("raised", 2),
        ("removed", 2),
    ]
