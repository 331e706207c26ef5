"""The alarm event entity and alarm sensors, driven by the simulated plant."""

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.wincc.alarm_coordinator import MAX_LOG_FAILURES, wincc_languages
from custom_components.wincc.client import ServerBusyError, UnsupportedFeatureError
from tests.components.conftest import EntryFactory, setup_entry, summary
from tests.conftest import SimHandle

NAMES = {"unified": "HMI_RT_1::{}", "classic": "{}"}
EVENT_ENTITY = {
    "unified": "event.wincc_unified_alarms",
    "classic": "event.wincc_classic_alarms",
    "oa_graphql": "event.wincc_oa_graphql_alarms",
}
# The tank's high-level alarm on each family: its name, first instance, class and area
# (a WinCC OA alert is its handler's range, numbered by its count, without an area).
TANK_HIGH = {
    "unified": ("HMI_RT_1::Tank1_Level_High", 1, "Alarm", "Tanks"),
    "classic": ("Tank1_Level_High", 1, "Alarm", "Tanks"),
    "oa_graphql": ("System1:Tank1.Level:_alert_hdl.2", 0, "alarm", None),
}


async def poll_alarms(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let one alarm polling interval pass."""
    freezer.tick(timedelta(seconds=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.parametrize("server_type", ["unified", "classic", "oa_graphql"])
async def test_one_event_per_transition_and_none_at_start_up(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
    server_type: str,
) -> None:
    """An alarm active before start-up is not replayed; later steps come once each."""
    wincc_sim.write("Conveyor_Running", False)  # an information alarm, already active
    entry = make_entry(server_type)
    await setup_entry(hass, entry)
    assert alarm_events == []
    assert hass.states.get(EVENT_ENTITY[server_type]).state == "unknown"  # type: ignore[union-attr]
    high, first, alarm_class, area = TANK_HIGH[server_type]
    wincc_sim.write("Pump1_Command", False)
    wincc_sim.advance(90)
    await poll_alarms(hass, freezer)
    await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [("raised", high, first)]
    event = alarm_events[0]
    assert event["text"] == "Tank 1 level high"
    assert (event["alarm_class"], event["priority"], event["area"], event["state"]) == (
        alarm_class,
        12,
        area,
        "RAISED",
    )
    assert event["requires_acknowledgment"] is True
    state = hass.states.get(EVENT_ENTITY[server_type])
    assert state is not None
    assert state.attributes["event_type"] == "raised"
    # The operator acknowledges at the WinCC station, then the tank drains again.
    wincc_sim.acknowledge_at_station("Tank1_Level_High", 1)
    await poll_alarms(hass, freezer)
    wincc_sim.write("Pump1_Command", True)
    wincc_sim.advance(120)
    await poll_alarms(hass, freezer)
    await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [
        ("raised", high, first),
        ("acknowledged", high, first),
        ("cleared", high, first),
    ]
    assert not any(event["inferred"] for event in alarm_events)


async def test_transitions_across_an_outage(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
) -> None:
    """What changed while the server could not be read is reported once, afterwards."""
    await setup_entry(hass, make_entry())
    wincc_sim.write("Pump1_Fault", True)
    await poll_alarms(hass, freezer)
    wincc_sim.faults(paused=True)
    for _ in range(3):  # two failed reads are tolerated, the third is not
        await poll_alarms(hass, freezer)
    assert hass.states.get("event.wincc_unified_alarms").state == "unavailable"  # type: ignore[union-attr]
    wincc_sim.write("Pump1_Fault", False)  # instance 1 clears...
    wincc_sim.write("Pump1_Fault", True)  # ...and instance 2 is raised, unseen
    wincc_sim.faults(paused=False)
    await poll_alarms(hass, freezer)
    await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [
        ("raised", "HMI_RT_1::Pump1_Fault", 1),
        ("cleared", "HMI_RT_1::Pump1_Fault", 1),
        ("raised", "HMI_RT_1::Pump1_Fault", 2),
    ]


async def test_alarm_sensors(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Counts of active and unacknowledged alarms, and the problem sensor."""
    await setup_entry(hass, make_entry())
    assert hass.states.get("binary_sensor.wincc_unified_acknowledgment_needed").state == "off"  # type: ignore[union-attr]
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.write("Conveyor_Running", False)
    await poll_alarms(hass, freezer)
    active = hass.states.get("sensor.wincc_unified_active_alarms")
    assert active is not None
    assert active.state == "2"
    assert [a["name"] for a in active.attributes["alarms"]] == [
        "HMI_RT_1::Pump1_Fault",
        "HMI_RT_1::Conveyor_Stopped",
    ]
    assert hass.states.get("sensor.wincc_unified_unacknowledged_alarms").state == "1"  # type: ignore[union-attr]
    assert hass.states.get("binary_sensor.wincc_unified_acknowledgment_needed").state == "on"  # type: ignore[union-attr]


async def test_alarm_list_is_capped(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An alarm storm of 60 instances counts 60 but lists 50."""
    await setup_entry(hass, make_entry())
    for _ in range(60):
        wincc_sim.write("Pump1_Fault", True)
        wincc_sim.write("Pump1_Fault", False)
    await poll_alarms(hass, freezer)
    state = hass.states.get("sensor.wincc_unified_active_alarms")
    assert state is not None
    assert state.state == "60"
    assert len(state.attributes["alarms"]) == 50


@pytest.mark.parametrize("server_type", ["unified", "classic"])
async def test_alarm_that_came_and_went_during_an_outage(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
    server_type: str,
) -> None:
    """Raised, cleared and acknowledged while unseen: the server's alarm log tells, once."""
    await setup_entry(hass, make_entry(server_type))
    wincc_sim.advance(5)
    await poll_alarms(hass, freezer)
    wincc_sim.faults(paused=True)
    await poll_alarms(hass, freezer)
    wincc_sim.advance(5)
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.advance(5)
    wincc_sim.write("Pump1_Fault", False)
    wincc_sim.acknowledge_at_station("Pump1_Fault", 1)
    wincc_sim.faults(paused=False)
    await poll_alarms(hass, freezer)
    await poll_alarms(hass, freezer)
    name = NAMES[server_type].format("Pump1_Fault")
    assert summary(alarm_events) == [
        ("raised", name, 1),
        ("cleared", name, 1),
        ("acknowledged", name, 1),
    ]


@pytest.mark.parametrize("server_type", ["unified", "classic"])
async def test_an_alarm_that_ended_just_before_start_up_is_not_replayed(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
    server_type: str,
) -> None:
    """Raised, cleared and acknowledged in the second Home Assistant starts: the log
    window of the first reads holds it, and it is not reported."""
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.write("Pump1_Fault", False)
    wincc_sim.acknowledge_at_station("Pump1_Fault", 1)
    await setup_entry(hass, make_entry(server_type))
    await poll_alarms(hass, freezer)
    wincc_sim.write("Pump1_Fault", True)
    await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [("raised", NAMES[server_type].format("Pump1_Fault"), 2)]


@pytest.mark.parametrize("server_type", ["unified", "classic"])
async def test_alarms_stamped_behind_the_servers_clock(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
    server_type: str,
) -> None:
    """A controller's clock runs 3 s behind the server's: an information alarm that
    came and went between two reads, stamped before the first, still arrives once."""
    await setup_entry(hass, make_entry(server_type))
    wincc_sim.controller_clock_behind(3)
    wincc_sim.advance(5)
    await poll_alarms(hass, freezer)
    wincc_sim.advance(1)
    wincc_sim.write("Conveyor_Running", False)
    wincc_sim.advance(1)
    wincc_sim.write("Conveyor_Running", True)
    await poll_alarms(hass, freezer)
    await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [("raised", NAMES[server_type].format("Conveyor_Stopped"), 1)]


async def test_a_failed_alarm_log_read_is_read_again(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
) -> None:
    """While the log cannot be read, nothing is reported; once it can, every step is,
    once and in order (a log that fails while the list works: not producible)."""
    entry = make_entry()
    await setup_entry(hass, entry)
    alarms = entry.runtime_data.alarms
    assert alarms is not None
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.advance(1)
    wincc_sim.write("Pump1_Fault", False)
    wincc_sim.advance(1)

    async def broken_log(*_args: object) -> list[object]:
        raise ServerBusyError("busy")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(alarms.client, "alarm_history", broken_log)
        await poll_alarms(hass, freezer)
        await poll_alarms(hass, freezer)
    assert alarm_events == []
    assert hass.states.get("event.wincc_unified_alarms").state != "unavailable"  # type: ignore[union-attr]
    await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [
        ("raised", "HMI_RT_1::Pump1_Fault", 1),
        ("cleared", "HMI_RT_1::Pump1_Fault", 1),
    ]
    assert not any(e["inferred"] for e in alarm_events)


async def test_a_log_that_stays_broken_leads_to_inferred_steps(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Within a bound: then what the state machine requires is reported, marked inferred,
    and never as a removal."""
    entry = make_entry(tolerated_failures=100)
    await setup_entry(hass, entry)
    alarms = entry.runtime_data.alarms
    assert alarms is not None
    wincc_sim.write("Pump1_Fault", True)
    await poll_alarms(hass, freezer)
    wincc_sim.write("Pump1_Fault", False)
    wincc_sim.acknowledge_at_station("Pump1_Fault", 1)

    async def broken_log(*_args: object) -> list[object]:
        raise ServerBusyError("busy")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(alarms.client, "alarm_history", broken_log)
        for _ in range(MAX_LOG_FAILURES):
            await poll_alarms(hass, freezer)
    assert [(e["transition"], e["inferred"]) for e in alarm_events] == [
        ("raised", False),
        ("cleared", True),
        ("acknowledged", True),
    ]
    assert "inferring what it would show" in caplog.text


@pytest.mark.parametrize("server_type", ["unified", "classic"])
async def test_cleared_and_acknowledged_between_two_reads(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
    server_type: str,
) -> None:
    """The instance leaves the list: the log says it was cleared and acknowledged."""
    await setup_entry(hass, make_entry(server_type))
    wincc_sim.write("Pump1_Fault", True)
    await poll_alarms(hass, freezer)
    wincc_sim.advance(1)
    wincc_sim.write("Pump1_Fault", False)
    wincc_sim.advance(1)
    wincc_sim.acknowledge_at_station("Pump1_Fault", 1)
    await poll_alarms(hass, freezer)
    await poll_alarms(hass, freezer)
    name = NAMES[server_type].format("Pump1_Fault")
    assert summary(alarm_events) == [
        ("raised", name, 1),
        ("cleared", name, 1),
        ("acknowledged", name, 1),
    ]
    assert not any(e["inferred"] for e in alarm_events)


@pytest.mark.parametrize("server_type", ["unified", "classic"])
async def test_a_runtime_restart(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
    server_type: str,
) -> None:
    """Instance IDs start again at 1: the old instance is removed (not acknowledged),
    then the new instance 1 is raised, in that order, each once."""
    await setup_entry(hass, make_entry(server_type))
    wincc_sim.write("Pump1_Fault", True)
    await poll_alarms(hass, freezer)
    wincc_sim.advance(2)
    wincc_sim.thread.call(wincc_sim.runtime.restart)
    wincc_sim.advance(2)  # the fault still holds: a new instance 1
    await poll_alarms(hass, freezer)
    await poll_alarms(hass, freezer)
    name = NAMES[server_type].format("Pump1_Fault")
    assert summary(alarm_events) == [
        ("raised", name, 1),
        ("removed", name, 1),
        ("raised", name, 1),
    ]
    assert alarm_events[2]["raise_time"] > alarm_events[0]["raise_time"]


@pytest.mark.parametrize("server_type", ["unified", "classic"])
async def test_an_information_alarm_that_came_and_went_is_not_cleared(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
    server_type: str,
) -> None:
    """``RAISE`` alarms have no clear event: raised once, and nothing when they leave."""
    await setup_entry(hass, make_entry(server_type))
    wincc_sim.faults(paused=True)
    await poll_alarms(hass, freezer)
    wincc_sim.write("Conveyor_Running", False)
    wincc_sim.advance(2)
    wincc_sim.write("Conveyor_Running", True)
    wincc_sim.advance(2)
    wincc_sim.faults(paused=False)
    for _ in range(3):
        await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [("raised", NAMES[server_type].format("Conveyor_Stopped"), 1)]


async def test_a_server_without_an_alarm_log(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
) -> None:
    """Asked once; afterwards departures follow the state machine, marked inferred (a
    list without a log: not producible)."""
    entry = make_entry()
    await setup_entry(hass, entry)
    alarms = entry.runtime_data.alarms
    assert alarms is not None
    asked: list[object] = []

    async def no_log(*args: object) -> list[object]:
        asked.append(args)
        raise UnsupportedFeatureError("no log")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(alarms.client, "alarm_history", no_log)
        wincc_sim.write("Conveyor_Running", False)
        await poll_alarms(hass, freezer)
        wincc_sim.write("Conveyor_Running", True)
        wincc_sim.write("Pump1_Fault", True)
        await poll_alarms(hass, freezer)
        wincc_sim.write("Pump1_Fault", False)
        await poll_alarms(hass, freezer)
    assert len(asked) == 1
    assert alarms.log_available is False
    assert [(e["transition"], e["inferred"]) for e in alarm_events] == [
        ("raised", False),
        ("raised", False),
        ("cleared", False),
    ]


@pytest.mark.parametrize(
    ("server_type", "server_filter"), [("unified", "Priority >= 10"), ("classic", "HighPriority")]
)
async def test_server_side_filter_and_language(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    server_type: str,
    server_filter: str,
) -> None:
    """The server filters (a filter string, or a REST filter); texts come in German."""
    await hass.config.async_update(language="de")
    entry = make_entry(server_type, alarm_filter=server_filter)
    await setup_entry(hass, entry)
    wincc_sim.write("Pump1_Fault", True)  # priority 14
    wincc_sim.write("Conveyor_Running", False)  # priority 2
    await poll_alarms(hass, freezer)
    alarms = entry.runtime_data.alarms
    assert alarms is not None
    assert alarms.languages == ("de-DE", "en-US")
    (alarm,) = alarms.data.values()
    assert alarm.name == NAMES[server_type].format("Pump1_Fault")
    assert alarm.text(alarms.languages) == "Pumpe 1 Störung"


def test_language_names() -> None:
    """Home Assistant's language codes as WinCC names them, English last."""
    assert wincc_languages("en") == ("en-US",)
    assert wincc_languages("de") == ("de-DE", "en-US")
    assert wincc_languages("pt-BR") == ("pt-BR", "en-US")


async def test_language_the_server_lacks_falls_back_to_english(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """WinCC Unified refuses an unknown language (302): English is used instead."""
    await hass.config.async_update(language="fr")
    wincc_sim.write("Pump1_Fault", True)
    entry = make_entry()
    await setup_entry(hass, entry)
    alarms = entry.runtime_data.alarms
    assert alarms is not None
    assert alarms.languages == ("en-US",)
    (alarm,) = alarms.data.values()
    assert alarm.text(alarms.languages) == "Pump 1 fault"


async def test_bad_server_filter_makes_alarms_unavailable(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """A filter string the server cannot parse (301): alarm entities unavailable, tags fine."""
    entry = make_entry(alarm_filter="Priority >")
    await setup_entry(hass, entry)
    assert hass.states.get("event.wincc_unified_alarms").state == "unavailable"  # type: ignore[union-attr]
    assert hass.states.get("sensor.tank_1_level").state == "50.0"  # type: ignore[union-attr]
    alarms = entry.runtime_data.alarms
    assert alarms is not None
    assert alarms.last_exception is not None
    assert "Syntax error in filter string" in str(alarms.last_exception)
