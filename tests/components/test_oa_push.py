"""Pushed values from the WinCC OA GraphQL example in Home Assistant (``tagSubscribe``),
polling while the socket is down, and alerts polled alongside at their own interval."""

from datetime import timedelta

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.wincc.const import OPT_PUSH
from tests.components.conftest import EntryFactory, setup_entry
from tests.components.test_push import state, until
from tests.conftest import SimHandle

MODE = "sensor.wincc_oa_graphql_update_mode"


async def test_values_arrive_pushed_and_alerts_are_polled(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """A value change reaches its entity without a poll; while the socket is down the
    values are polled, and pushed again once it is back. Alerts keep their interval."""
    entry = make_entry("oa_graphql", **{OPT_PUSH: True})
    await setup_entry(hass, entry)
    count = er.async_get(hass).async_get_entity_id(
        "sensor", "wincc", f"{entry.entry_id}_System1:Conveyor.ItemCount"
    )
    assert count is not None
    coordinator = entry.runtime_data.coordinator
    alarms = entry.runtime_data.alarms
    assert alarms is not None
    await until(hass, lambda: state(hass, MODE) == "push")
    assert coordinator.update_interval == timedelta(minutes=5)
    assert alarms.update_interval == alarms.interval(alarms.options)  # not pushed
    assert not alarms.pushing
    wincc_sim.write("Conveyor_ItemCount", 4321)
    await until(hass, lambda: state(hass, count) == "4321")
    wincc_sim.faults(websocket_down=True)
    await until(hass, lambda: state(hass, MODE) == "polling")
    assert coordinator.update_interval == timedelta(seconds=10)
    wincc_sim.write("Conveyor_ItemCount", 11)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert state(hass, count) == "11"
    wincc_sim.faults(websocket_down=False)
    await until(hass, lambda: state(hass, MODE) == "push")
    wincc_sim.write("Conveyor_ItemCount", 12)
    await until(hass, lambda: state(hass, count) == "12")
    await hass.config_entries.async_unload(entry.entry_id)
