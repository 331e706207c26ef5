"""Devices: the runtime, and sub-devices for structure tags and classic groups."""

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.wincc.const import OPT_PATTERNS, OPT_TAGS
from custom_components.wincc.identity import runtime_identifier
from tests.components.conftest import EntryFactory, setup_entry

# The parts of the plant the entry's tags are in, the same on both faces: Unified's by
# structure tags and the equipment the tag names begin with, classic's by tag groups.
PLANT_PARTS = {"Boiler", "Tank 1", "Pump 1", "Conveyor", "Energy", "Batch"}


@pytest.mark.parametrize("server_type", ["unified", "classic"])
async def test_device_tree(hass: HomeAssistant, make_entry: EntryFactory, server_type: str) -> None:
    """One runtime device, and one device per part of the plant below it, the same on
    both server types."""
    entry = make_entry(server_type)
    await setup_entry(hass, entry)
    devices = dr.async_get(hass)
    runtime = devices.async_get_device_by_identifier(runtime_identifier(entry), entry.entry_id)
    assert runtime is not None
    assert (runtime.manufacturer, runtime.name) == ("Siemens", entry.title)
    assert (
        runtime.model == {"unified": "WinCC Unified", "classic": "WinCC V7/V8 (REST)"}[server_type]
    )
    children = [
        d for d in dr.async_entries_for_config_entry(devices, entry.entry_id) if d.id != runtime.id
    ]
    assert {d.name for d in children} == PLANT_PARTS
    assert all(d.via_device_id == runtime.id for d in children)


async def test_removed_tags_leave_no_stale_entities_or_devices(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """After a tag is removed (or changes platform), its old entity and empty device go."""
    entry = make_entry()
    await setup_entry(hass, entry)
    assert er.async_get(hass).async_get("number.boiler_setpoint") is not None
    options = dict(entry.options[OPT_TAGS])
    del options["HMI_RT_1::Boiler.Setpoint"]
    del options["HMI_RT_1::Boiler.Temperature"]
    options["HMI_RT_1::Batch_Name"] = {**options["HMI_RT_1::Batch_Name"], "writable": False}
    hass.config_entries.async_update_entry(entry, options={**entry.options, OPT_TAGS: options})
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    registry = er.async_get(hass)
    assert registry.async_get("number.boiler_setpoint") is None
    assert registry.async_get("text.batch_name") is None
    assert registry.async_get("sensor.batch_name") is not None
    names = {d.name for d in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)}
    assert "Boiler" not in names


async def test_alarm_entities_survive_a_reload(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """A renamed alarm entity keeps its registry entry (and its name) across reloads."""
    entry = make_entry()
    await setup_entry(hass, entry)
    registry = er.async_get(hass)
    registry.async_update_entity("event.wincc_unified_alarms", name="Plant alarms")
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert registry.async_get("event.wincc_unified_alarms").name == "Plant alarms"  # type: ignore[union-attr]


async def _remove(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, entry_id: str, device_id: str
) -> bool:
    """Delete a device as the device page does; whether it was deleted."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": entry_id,
            "device_id": device_id,
        }
    )
    response = await client.receive_json()
    await hass.async_block_till_done()
    return bool(response["success"])


def _device(hass: HomeAssistant, entry_id: str, name: str) -> dr.DeviceEntry:
    return next(
        d for d in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id) if d.name == name
    )


async def test_a_part_deleted_by_the_user_goes_with_its_tags(
    hass: HomeAssistant, make_entry: EntryFactory, hass_ws_client: WebSocketGenerator
) -> None:
    """Deleting "Boiler" stops exposing its tags; their entities and the device go, the
    rest stays. The runtime's device cannot be deleted alone."""
    entry = make_entry()
    await setup_entry(hass, entry)
    boiler = _device(hass, entry.entry_id, "Boiler")
    assert await _remove(hass, hass_ws_client, entry.entry_id, boiler.id)
    assert not [name for name in entry.options[OPT_TAGS] if "Boiler" in name]
    registry = er.async_get(hass)
    assert registry.async_get("number.boiler_setpoint") is None
    assert dr.async_get(hass).async_get(boiler.id) is None
    assert hass.states.get("sensor.tank_1_level") is not None
    runtime = _device(hass, entry.entry_id, entry.title)
    assert not await _remove(hass, hass_ws_client, entry.entry_id, runtime.id)
    assert dr.async_get(hass).async_get(runtime.id) is not None


async def test_a_part_a_followed_pattern_would_bring_back_stays(
    hass: HomeAssistant, make_entry: EntryFactory, hass_ws_client: WebSocketGenerator
) -> None:
    """While a followed pattern matches its tags, the part's device is not deleted and
    its tags stay exposed."""
    entry = make_entry(**{OPT_PATTERNS: ["HMI_RT_1::Boiler.*"]})
    await setup_entry(hass, entry)
    boiler = _device(hass, entry.entry_id, "Boiler")
    assert not await _remove(hass, hass_ws_client, entry.entry_id, boiler.id)
    assert "HMI_RT_1::Boiler.Setpoint" in entry.options[OPT_TAGS]
    assert dr.async_get(hass).async_get(boiler.id) is not None
