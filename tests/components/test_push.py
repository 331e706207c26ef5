"""Pushed values and alarms from WinCC Unified in Home Assistant, and falling back to
polling while the socket is down."""

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.wincc.const import OPT_PUSH
from tests.components.conftest import EntryFactory, answer, options, setup_entry, summary
from tests.conftest import SimHandle

MODE = "sensor.wincc_unified_update_mode"
CONVEYOR = "sensor.conveyor_item_count"
SPEED = "sensor.conveyor_speed"


async def until(hass: HomeAssistant, condition: Callable[[], bool]) -> None:
    """Let the loop run (at most 10 s) until ``condition`` holds."""
    async with asyncio.timeout(10):
        while not condition():
            await asyncio.sleep(0.02)
            await hass.async_block_till_done()


def state(hass: HomeAssistant, entity_id: str) -> str:
    """The state of an entity."""
    current = hass.states.get(entity_id)
    assert current is not None, entity_id
    return current.state


async def test_values_arrive_pushed(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """A value change reaches its entity without a poll; the mode says push."""
    entry = make_entry(**{OPT_PUSH: True})
    await setup_entry(hass, entry)
    await until(hass, lambda: state(hass, MODE) == "push")
    wincc_sim.write("Conveyor_ItemCount", 4321)
    await until(hass, lambda: state(hass, CONVEYOR) == "4321")
    diagnostics = entry.runtime_data.coordinator.diagnostics()
    assert diagnostics["mode"] == "push"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_polling_while_the_socket_is_down_and_back_to_push(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """Only the WebSocket fails: values come by polling at the normal interval until
    the socket is back, then by push again."""
    entry = make_entry(**{OPT_PUSH: True})
    await setup_entry(hass, entry)
    coordinator = entry.runtime_data.coordinator
    await until(hass, lambda: state(hass, MODE) == "push")
    assert coordinator.update_interval == timedelta(minutes=5)
    wincc_sim.faults(websocket_down=True)
    await until(hass, lambda: state(hass, MODE) == "polling")
    assert coordinator.update_interval == timedelta(seconds=10)
    wincc_sim.write("Conveyor_ItemCount", 11)
    await coordinator.async_refresh()  # the next poll (the test's clock is real)
    await hass.async_block_till_done()  # the entities are woken in steps of their own
    assert state(hass, CONVEYOR) == "11"
    wincc_sim.faults(websocket_down=False)
    await until(hass, lambda: state(hass, MODE) == "push")
    wincc_sim.write("Conveyor_ItemCount", 12)
    await until(hass, lambda: state(hass, CONVEYOR) == "12")
    await hass.config_entries.async_unload(entry.entry_id)


async def test_pushed_alarms_once_each_across_reconnects(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    alarm_events: list[dict[str, Any]],
) -> None:
    """Each transition once, as it happens; a reconnect repeats none, and a runtime
    restart removes the old instance before the new instance 1 is raised."""
    entry = make_entry(**{OPT_PUSH: True})
    await setup_entry(hass, entry)
    await until(hass, lambda: state(hass, MODE) == "push")
    name = "HMI_RT_1::Pump1_Fault"
    wincc_sim.write("Pump1_Fault", True)
    await until(hass, lambda: len(alarm_events) == 1)
    wincc_sim.faults(websocket_down=True)
    await until(hass, lambda: state(hass, MODE) == "polling")
    wincc_sim.write("Pump1_Fault", False)  # cleared while only polling works
    wincc_sim.faults(websocket_down=False)
    await until(hass, lambda: state(hass, MODE) == "push")
    await until(hass, lambda: len(alarm_events) == 2)
    wincc_sim.thread.call(wincc_sim.runtime.restart)  # the fault is off: nothing new
    wincc_sim.write("Pump1_Fault", True)
    await until(hass, lambda: len(alarm_events) >= 4)
    await asyncio.sleep(0.3)
    await hass.async_block_till_done()
    assert summary(alarm_events) == [
        ("raised", name, 1),
        ("cleared", name, 1),
        ("removed", name, 1),
        ("raised", name, 1),
    ]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_push_can_be_turned_off(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """With the option off, a Unified server is polled; classic is always polled."""
    unified = make_entry(**{OPT_PUSH: False})
    await setup_entry(hass, unified)
    classic = make_entry("classic", **{OPT_PUSH: True})
    await setup_entry(hass, classic)
    await asyncio.sleep(0.2)
    assert state(hass, MODE) == "polling"
    assert state(hass, "sensor.wincc_classic_update_mode") == "polling"
    assert unified.runtime_data.push is None
    assert classic.runtime_data.push is None


async def test_the_tag_set_changes_through_the_options_flow(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """Tags added in the options are pushed from then on; removed ones leave."""
    entry = make_entry(tags=["Conveyor_ItemCount", "Tank1_Level"], **{OPT_PUSH: True})
    await setup_entry(hass, entry)
    await until(hass, lambda: state(hass, MODE) == "push")
    result = await options(hass, entry.entry_id, "add_tags")
    result = await answer(hass, result, {"pattern": "Conveyor_Speed"})
    result = await answer(hass, result, {"tags": ["HMI_RT_1::Conveyor_Speed"]})
    result = await answer(hass, result, {"writable": []})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await until(hass, lambda: state(hass, MODE) == "push")
    wincc_sim.write("Conveyor_Speed", 2.75)
    await until(hass, lambda: state(hass, SPEED) == "2.75")
    result = await options(hass, entry.entry_id, "remove_tags")
    result = await answer(hass, result, {"tags": ["HMI_RT_1::Conveyor_ItemCount"]})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await until(hass, lambda: state(hass, MODE) == "push")
    assert hass.states.get(CONVEYOR) is None
    assert sorted(entry.runtime_data.coordinator.data) == [
        "HMI_RT_1::Conveyor_Speed",
        "HMI_RT_1::Tank1_Level",
    ]
    wincc_sim.write("Conveyor_Speed", 3.25)
    await until(hass, lambda: state(hass, SPEED) == "3.25")
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_failed_catch_up_read_is_tried_again_soon(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    alarm_events: list[dict[str, Any]],
) -> None:
    """Pushed alarms wait for the catch-up read after a (re)subscription; while that
    read fails, alarms are read at the normal interval, not the slow safety one."""
    entry = make_entry(**{OPT_PUSH: True})
    await setup_entry(hass, entry)
    await until(hass, lambda: state(hass, MODE) == "push")
    alarms = entry.runtime_data.alarms
    assert alarms is not None
    await until(hass, lambda: alarms.update_interval == timedelta(minutes=5))
    wincc_sim.faults(error_rate=1.0, error_status=500)  # HTTP fails; the socket stays open
    alarms.push_started()  # as after a new subscription
    await hass.async_block_till_done()
    wincc_sim.write("Pump1_Fault", True)  # pushed, and held for the catch-up
    await asyncio.sleep(0.3)
    await alarms.async_refresh()
    await hass.async_block_till_done()
    assert alarm_events == []
    assert alarms.update_interval == timedelta(seconds=5)
    wincc_sim.faults(error_rate=0.0)
    await alarms.async_refresh()
    await hass.async_block_till_done()
    assert summary(alarm_events) == [("raised", "HMI_RT_1::Pump1_Fault", 1)]
    assert alarms.update_interval == timedelta(minutes=5)
    await hass.config_entries.async_unload(entry.entry_id)
