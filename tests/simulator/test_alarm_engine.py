"""The alarm state machines and journal, without any HTTP."""

from datetime import timedelta

import pytest

from simulator.alarms import AlarmEngine, AlarmState, Reason
from simulator.description import AlarmClass, AlarmCondition, AlarmDefinition
from tests.conftest import SIM_START


def _engine(machine: str) -> AlarmEngine:
    definition = AlarmDefinition(
        name="A",
        tag="T",
        condition=AlarmCondition("equals", True),
        priority=1,
        alarm_class=AlarmClass("Alarm", 1, "A"),
        state_machine=machine,
        area="x",
        origin="y",
        text={"en-US": "a"},
        info={},
    )
    return AlarmEngine([definition], journal_limit=5)


def _run(engine: AlarmEngine, steps: str) -> list[str]:
    """Apply steps (r raise, c clear, a acknowledge, x reset); return the journal states."""
    value = False
    now = SIM_START
    for step in steps:
        now += timedelta(seconds=1)
        if step in "rc":
            value = step == "r"
            engine.evaluate(lambda _tag, v=value: v, now)
        elif step == "a":
            engine.acknowledge("A", 0, now, "u")
        else:
            engine.reset("A", 0, now, "u")
    return [str(entry.instance.state) for entry in engine.journal]


@pytest.mark.parametrize(
    ("machine", "steps", "states"),
    [
        ("RAISE", "rc", ["RAISED", "NORMAL"]),
        ("RAISE_CLEAR", "rc", ["RAISED", "NORMAL"]),
        ("RAISE_REQUIRES_ACKNOWLEDGMENT", "rca", ["RAISED", "NORMAL"]),
        ("RAISE_CLEAR_OPTIONAL_ACKNOWLEDGMENT", "rac", ["RAISED", "RAISED_ACKNOWLEDGED", "NORMAL"]),
        ("RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT", "rca", ["RAISED", "RAISED_CLEARED", "NORMAL"]),
        (
            "RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT_AND_RESET",
            "rcax",
            ["RAISED", "RAISED_CLEARED", "RAISED_CLEARED_ACKNOWLEDGED", "NORMAL"],
        ),
    ],
)
def test_state_machines(machine: str, steps: str, states: list[str]) -> None:
    """Each state machine moves through exactly the documented states."""
    engine = _engine(machine)
    assert _run(engine, steps) == states
    assert engine.active == {}


def test_raise_only_alarm_waits_for_acknowledgment_without_clear() -> None:
    """RAISE_REQUIRES_ACKNOWLEDGMENT has no clear event: clearing changes nothing."""
    engine = _engine("RAISE_REQUIRES_ACKNOWLEDGMENT")
    assert _run(engine, "rc") == ["RAISED"]
    assert [i.state for i in engine.active.values()] == [AlarmState.RAISED]


def test_journal_is_bounded_and_readable_after_a_sequence() -> None:
    """The journal keeps the newest entries; entries_after reads from a cursor."""
    engine = _engine("RAISE_CLEAR")
    _run(engine, "rcrcrc")
    assert [e.sequence for e in engine.journal] == [2, 3, 4, 5, 6]
    assert [e.sequence for e in engine.entries_after(4)] == [5, 6]
    assert [e.sequence for e in engine.entries_after(0)] == [2, 3, 4, 5, 6]
    assert engine.entries_after(6) == []
    assert engine.journal[-1].reason is Reason.REMOVED


def test_reset_refused_outside_its_state() -> None:
    """A reset before acknowledgment or on a machine without reset is code 305."""
    engine = _engine("RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT")
    _run(engine, "r")
    (result,) = engine.reset("A", 0, SIM_START, "u")
    assert result.code == 305
    assert engine.reset("B", 0, SIM_START, "u")[0].code == 2


def test_a_restart_raises_the_new_instance_a_millisecond_later() -> None:
    """Raised, then the runtime restarts in the same moment: the new instance 1 is a
    different instance, with a later raise time."""
    engine = _engine("RAISE_CLEAR_REQUIRES_ACKNOWLEDGMENT")
    engine.evaluate(lambda _tag: True, SIM_START)
    engine.restart(SIM_START)
    engine.evaluate(lambda _tag: True, SIM_START)
    (new,) = engine.active.values()
    assert (new.instance_id, new.raise_time) == (1, SIM_START + timedelta(milliseconds=1))
