"""The alarm stream: every step WinCC made, once, in order, from lists and the alarm log."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from custom_components.wincc.alarm_stream import AlarmLedger, Transition
from custom_components.wincc.client import AlarmInstance, AlarmState

T0 = datetime(2026, 5, 1, 10, tzinfo=UTC)
REQUIRES = "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT"
RESET_MACHINE = "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT_AND_RESET"
NEEDS_ACK = {REQUIRES, "RAISE_REQUIRES_ACKNOWLEDGMENT", RESET_MACHINE}


def alarm(
    state: AlarmState,
    machine: str | None = REQUIRES,
    instance: int = 1,
    raised: datetime = T0,
    modified: datetime | None = None,
    **times: datetime,
) -> AlarmInstance:
    """A row of alarm A."""
    return AlarmInstance(
        name="A",
        instance_id=instance,
        state=state,
        state_machine=machine,
        requires_acknowledgment=machine in NEEDS_ACK,
        raise_time=raised,
        modification_time=modified or max([raised, *times.values()]),
        **times,
    )


def at(seconds: float) -> datetime:
    """T0 plus some seconds."""
    return T0 + timedelta(seconds=seconds)


def kinds(
    before: list[AlarmInstance], after: list[AlarmInstance], log: list[AlarmInstance] | None = None
) -> list[str]:
    """What one read after a baseline reports."""
    ledger = AlarmLedger()
    ledger.baseline(before)
    return [t.kind.value for t in ledger.update(after, log or [])]


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
            [alarm(AlarmState.RAISED_CLEARED_ACKNOWLEDGED, RESET_MACHINE)],
            ["raised", "cleared", "acknowledged"],
        ),
        (
            [],
            [alarm(AlarmState.RAISED_ACKNOWLEDGED_CLEARED, RESET_MACHINE)],
            ["raised", "acknowledged", "cleared"],
        ),
        ([alarm(AlarmState.RAISED)], [alarm(AlarmState.REMOVED)], ["removed"]),
        # A new instance of the same alarm is its own instance.
        (
            [alarm(AlarmState.RAISED_CLEARED)],
            [alarm(AlarmState.RAISED_CLEARED), alarm(AlarmState.RAISED, instance=2)],
            ["raised"],
        ),
    ],
)
def test_steps_from_successive_lists(
    before: list[AlarmInstance], after: list[AlarmInstance], expected: list[str]
) -> None:
    """Each step once; nothing for an unchanged instance."""
    assert kinds(before, after) == expected


def test_times_decide_the_order_when_states_do_not() -> None:
    """Acknowledged before cleared, told by the times (as the classic list shows it)."""
    acked_first = alarm(
        AlarmState.RAISED_ACKNOWLEDGED_CLEARED, clear_time=at(9), acknowledgment_time=at(4)
    )
    assert kinds([], [acked_first]) == ["raised", "acknowledged", "cleared"]
    cleared_first = alarm(
        AlarmState.RAISED_ACKNOWLEDGED_CLEARED, clear_time=at(2), acknowledgment_time=at(4)
    )
    assert kinds([], [cleared_first]) == ["raised", "cleared", "acknowledged"]


def test_cleared_and_acknowledged_between_two_reads() -> None:
    """The log shows both steps of an instance that left the list: not a removal."""
    log = [
        alarm(AlarmState.RAISED_CLEARED, clear_time=at(1)),
        alarm(AlarmState.NORMAL, clear_time=at(1), acknowledgment_time=at(2)),
    ]
    assert kinds([alarm(AlarmState.RAISED)], [], log) == ["cleared", "acknowledged"]


def test_a_restart_removes_the_old_instance_before_it_raises_the_new() -> None:
    """Instance IDs restart at 1: the new instance 1 has a later raise time."""
    old = alarm(AlarmState.RAISED_CLEARED, clear_time=at(1))
    removed = alarm(AlarmState.REMOVED, clear_time=at(1), modified=at(5))
    new = alarm(AlarmState.RAISED, raised=at(5))
    ledger = AlarmLedger()
    ledger.baseline([old])
    found = ledger.update([new], [removed, new])
    assert [(t.kind.value, t.alarm.raise_time) for t in found] == [
        ("removed", T0),
        ("raised", at(5)),
    ]


def test_an_information_alarm_that_left_is_not_cleared() -> None:
    """``RAISE`` has no clear event; its last log row says it left, and nothing else."""
    for machine in ("RAISE", None):  # the classic service names no state machine
        log = [alarm(AlarmState.NORMAL, machine, modified=at(3))]
        assert kinds([alarm(AlarmState.RAISED, machine)], [], log) == []


def test_instances_that_came_and_went_between_reads() -> None:
    """Seen only in the log: each step in order; one still active shows in the next read."""
    log = [
        alarm(AlarmState.RAISED, RESET_MACHINE, raised=at(1)),
        alarm(AlarmState.RAISED_CLEARED, RESET_MACHINE, raised=at(1), clear_time=at(2)),
        alarm(
            AlarmState.NORMAL,
            RESET_MACHINE,
            raised=at(1),
            clear_time=at(2),
            acknowledgment_time=at(3),
            reset_time=at(4),
        ),
        alarm(AlarmState.RAISED, instance=2, raised=at(5)),
        alarm(AlarmState.REMOVED, instance=2, raised=at(5), modified=at(6)),
        alarm(AlarmState.RAISED, instance=3, raised=at(7)),
    ]
    ledger = AlarmLedger()
    ledger.baseline([])
    found = [(t.kind.value, t.alarm.instance_id) for t in ledger.update([], log)]
    assert found == [
        ("raised", 1),
        ("cleared", 1),
        ("acknowledged", 1),
        ("reset", 1),
        ("raised", 2),
        ("removed", 2),
        ("raised", 3),
    ]
    # Instance 3 was raised after the list was read: it is active, not gone.
    assert [t.kind.value for t in ledger.update([log[-1]], log)] == []


def test_overlapping_log_windows_repeat_nothing() -> None:
    """Rows read again (the window starts at the previous read) are no news."""
    ledger = AlarmLedger()
    ledger.baseline([])
    log = [
        alarm(AlarmState.RAISED),
        alarm(AlarmState.NORMAL, clear_time=at(1), acknowledgment_time=at(2)),
    ]
    assert len(ledger.update([], log)) == 3
    assert ledger.update([], log) == []
    ledger.forget_ended_before(at(1))  # it ended at 2 s: still remembered
    assert ledger.update([], log) == []
    ledger.forget_ended_before(at(10))  # no window reaches back to it any more
    assert len(ledger.update([], log)) == 3


def test_instances_that_ended_before_the_baseline_are_no_news() -> None:
    """The log read with the baseline tells what ended before it; the next window,
    which starts at the same place, repeats none of it."""
    log = [
        alarm(AlarmState.RAISED, instance=1),
        alarm(AlarmState.NORMAL, instance=1, clear_time=at(1), acknowledgment_time=at(2)),
        alarm(AlarmState.RAISED, instance=2, raised=at(3)),  # raised after the list read
    ]
    ledger = AlarmLedger()
    ledger.baseline([], log)
    found = [(t.kind.value, t.alarm.instance_id) for t in ledger.update([log[2]], log)]
    assert found == [("raised", 2)]


def test_raise_times_behind_the_servers_clock_are_news() -> None:
    """A controller's clock may stamp an alarm before the server's clock said the
    previous read happened: it is news all the same."""
    ledger = AlarmLedger()
    ledger.baseline([], [])
    assert ledger.update([], []) == []
    log = [
        alarm(AlarmState.RAISED, raised=at(-5), modified=at(-5)),
        alarm(AlarmState.NORMAL, raised=at(-5), clear_time=at(-4), acknowledgment_time=at(-3)),
    ]
    assert [t.kind.value for t in ledger.update([], log)] == ["raised", "cleared", "acknowledged"]


@pytest.mark.parametrize(
    ("last", "inferred"),
    [
        (alarm(AlarmState.RAISED_CLEARED), ["acknowledged"]),
        (alarm(AlarmState.RAISED_ACKNOWLEDGED), ["cleared"]),
        (alarm(AlarmState.RAISED), ["cleared", "acknowledged"]),
        (alarm(AlarmState.RAISED, "RAISE_CLEAR"), ["cleared"]),
        (alarm(AlarmState.RAISED, "RAISE"), []),
        (alarm(AlarmState.RAISED_ACKNOWLEDGED, "RAISE_REQUIRES_ACKNOWLEDGMENT"), []),
        (alarm(AlarmState.RAISED_CLEARED, "RAISE_CLEAR_OPTIONAL_ACKNOWLEDGMENT"), []),
        (alarm(AlarmState.RAISED_ACKNOWLEDGED_CLEARED, RESET_MACHINE), ["reset"]),
        (alarm(AlarmState.RAISED, RESET_MACHINE), ["cleared", "acknowledged", "reset"]),
        (alarm(AlarmState.RAISED, None), ["cleared"]),  # classic, no acknowledgment needed
    ],
)
def test_without_a_log_departures_follow_the_state_machine(
    last: AlarmInstance, inferred: list[str]
) -> None:
    """What the state machine requires, marked inferred; never an invented removal."""
    ledger = AlarmLedger()
    ledger.baseline([last])
    found = ledger.update([], [])
    assert [t.kind.value for t in found] == inferred
    assert all(t.inferred for t in found)
    assert Transition.REMOVED.value not in inferred


def shelved(row: AlarmInstance, moment: datetime) -> AlarmInstance:
    """The row as shelved at ``moment``."""
    return replace(row, shelved=True, modification_time=moment)


def test_a_read_that_sees_steps_and_a_shelving_reports_only_those_before_it() -> None:
    """Without a log: a step whose time is before the shelving is reported before it; a
    later step is not, and no later read reports it. At unshelving, steps taken while
    shelved stay unreported; ``shelved`` and ``unshelved`` come once each."""
    ledger = AlarmLedger()
    ledger.baseline([])
    # Raised, then shelved at 5 s, then cleared at 8 s: one read sees it all.
    row = shelved(alarm(AlarmState.RAISED_CLEARED, clear_time=at(8)), at(5))
    row = replace(row, modification_time=at(8))
    # The row's modification time is its latest change: the shelving time is not known,
    # so only the raise (at T0, before the row's time) precedes the shelving.
    assert [t.kind for t in ledger.update([row])] == [Transition.RAISED, Transition.SHELVED]
    assert ledger.update([row]) == []
    unshelved = replace(row, shelved=False, modification_time=at(20))
    acknowledged = replace(
        unshelved,
        state=AlarmState.RAISED_CLEARED_ACKNOWLEDGED,
        acknowledgment_time=at(30),
        modification_time=at(30),
    )
    transitions = ledger.update([], [unshelved, acknowledged])
    assert [(t.kind, t.at) for t in transitions] == [
        (Transition.UNSHELVED, at(20)),
        (Transition.ACKNOWLEDGED, at(30)),
    ]


def test_an_old_log_row_does_not_undo_a_shelving() -> None:
    """Log windows overlap: the raise row, read again after the shelving, is old news."""
    raised = alarm(AlarmState.RAISED)
    ledger = AlarmLedger()
    ledger.baseline([])
    assert [t.kind for t in ledger.update([raised], [raised])] == [Transition.RAISED]
    shelf = shelved(raised, T0)  # shelved in the same millisecond as it was raised
    assert [t.kind for t in ledger.update([shelf], [raised, shelf])] == [Transition.SHELVED]
    assert ledger.update([shelf], [raised, shelf]) == []


def test_a_shelved_instance_that_leaves_says_nothing_more() -> None:
    """Inferred departure steps of a shelved instance are not reported either."""
    ledger = AlarmLedger()
    ledger.baseline([shelved(alarm(AlarmState.RAISED), at(1))])
    assert ledger.update([]) == []
    assert ledger.active == {}
