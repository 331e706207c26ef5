"""WinCC OA alerts in Home Assistant, over the GraphQL application example: the alarm
event entity and sensors, as for the other families, from OA's alert archive."""

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
import pytest

from tests.components.conftest import EntryFactory, answer, options, setup_entry, summary
from tests.components.test_event import poll_alarms
from tests.components.test_services import acknowledge
from tests.conftest import SimHandle

HIGH = "System1:Tank1.Level:_alert_hdl.2"
PUMP_FAULT = "System1:Pump1.Fault:_alert_hdl"
EVENTS = "event.wincc_oa_graphql_alarms"


async def test_one_event_per_transition_of_an_alert(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
) -> None:
    """An alert open before start-up is not replayed; later steps come once each, with
    OA's attributes."""
    wincc_sim.write("Conveyor_Running", False)  # an information alarm, already active
    await setup_entry(hass, make_entry("oa_graphql"))
    assert alarm_events == []
    active = hass.states.get("sensor.wincc_oa_graphql_active_alarms")
    assert active is not None
    assert active.state == "1"
    wincc_sim.write("Pump1_Command", False)
    wincc_sim.advance(90)
    await poll_alarms(hass, freezer)
    await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [("raised", HIGH, 0)]
    event = alarm_events[0]
    assert event["text"] == "Tank 1 level high"
    assert (event["alarm_class"], event["priority"], event["state"]) == ("alarm", 12, "RAISED")
    assert event["requires_acknowledgment"] is True
    assert hass.states.get(EVENTS).attributes["event_type"] == "raised"  # type: ignore[union-attr]
    # The operator acknowledges in WinCC OA, then the tank drains again.
    wincc_sim.acknowledge_at_station("Tank1_Level_High", 1)
    await poll_alarms(hass, freezer)
    wincc_sim.write("Pump1_Command", True)
    wincc_sim.advance(120)
    await poll_alarms(hass, freezer)
    await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [
        ("raised", HIGH, 0),
        ("acknowledged", HIGH, 0),
        ("cleared", HIGH, 0),
    ]
    assert not any(event["inferred"] for event in alarm_events)


async def test_alert_steps_across_an_outage(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
) -> None:
    """What the archive recorded while the server could not be read is reported once,
    in order, afterwards: two alerts of one handler are told apart by their times."""
    await setup_entry(hass, make_entry("oa_graphql"))
    wincc_sim.write("Pump1_Fault", True)
    await poll_alarms(hass, freezer)
    wincc_sim.faults(paused=True)
    for _ in range(3):  # two failed reads are tolerated, the third is not
        await poll_alarms(hass, freezer)
    assert hass.states.get(EVENTS).state == "unavailable"  # type: ignore[union-attr]
    wincc_sim.advance(1)
    wincc_sim.write("Pump1_Fault", False)  # the first alert goes...
    wincc_sim.advance(1)
    wincc_sim.write("Pump1_Fault", True)  # ...and a second one comes, unseen
    wincc_sim.faults(paused=False)
    await poll_alarms(hass, freezer)
    await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [
        ("raised", PUMP_FAULT, 0),
        ("cleared", PUMP_FAULT, 0),
        ("raised", PUMP_FAULT, 0),
    ]
    first, _, second = alarm_events
    assert first["raise_time"] != second["raise_time"]
    unacknowledged = hass.states.get("sensor.wincc_oa_graphql_unacknowledged_alarms")
    assert unacknowledged is not None
    assert unacknowledged.state == "2"


async def test_alerts_are_acknowledged_in_wincc_oa(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """The example has no operation to acknowledge: the action says so, translated,
    and nothing is written."""
    entry = make_entry("oa_graphql")
    await setup_entry(hass, entry)
    wincc_sim.write("Pump1_Fault", True)
    with pytest.raises(ServiceValidationError) as err:
        await acknowledge(hass, entry, alarms=[PUMP_FAULT])
    assert err.value.translation_key == "acknowledge_unsupported"
    (instance,) = wincc_sim.runtime.plant.alarms.active.values()
    assert instance.acknowledgment_time is None


async def test_the_alarm_filter_is_a_pattern_of_elements(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
) -> None:
    """Set in the options, ``System1:Tank*`` reads the tanks' alerts and no others."""
    entry = make_entry("oa_graphql")
    await setup_entry(hass, entry)
    result = await options(hass, entry.entry_id, "alarms")
    result = await answer(
        hass,
        result,
        {
            "alarms": True,
            "alarm_scan_interval": 5,
            "alarm_min_priority": 0,
            "alarm_classes": "",
            "alarm_filter": "System1:Tank*",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.write("Pump1_Command", False)
    wincc_sim.advance(90)
    await poll_alarms(hass, freezer)
    await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [("raised", HIGH, 0)]
