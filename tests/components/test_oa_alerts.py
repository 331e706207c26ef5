"""WinCC OA alerts in Home Assistant, over the GraphQL application example: the alarm
event entity and sensors from OA's alert archive (the steps of one alert are tested
with the other families' in ``test_event``), acknowledging, and the alarm filter."""

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
import pytest

from tests.components.conftest import EntryFactory, answer, options, setup_entry, summary
from tests.components.test_event import TANK_HIGH, poll_alarms
from tests.components.test_services import acknowledge
from tests.conftest import SimHandle

PUMP_FAULT = "System1:Pump1.Fault:_alert_hdl"
EVENTS = "event.wincc_oa_graphql_alarms"


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
    assert summary(alarm_events) == [("raised", TANK_HIGH["oa_graphql"][0], 0)]
