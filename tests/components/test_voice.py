"""Voice: entities that write to the plant are kept from voice assistants until the
user lets them in, per entity or for the whole entry."""

from homeassistant.components.homeassistant.exposed_entities import (
    KNOWN_ASSISTANTS,
    async_expose_entity,
    async_should_expose,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component

from custom_components.wincc.const import OPT_READ_ONLY, OPT_SCAN_INTERVAL, OPT_VOICE
from tests.components.conftest import EntryFactory, answer, options, setup_entry

WRITING = ("switch.pump_1_command", "number.boiler_setpoint", "text.batch_name")
READING = "sensor.boiler_temperature"


def exposed(hass: HomeAssistant, entity_id: str) -> set[str]:
    return {a for a in KNOWN_ASSISTANTS if async_should_expose(hass, a, entity_id)}


async def test_writing_entities_are_kept_from_voice_until_chosen(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """No assistant gets a writing entity by default; a reading one keeps Home
    Assistant's default; a choice made for one entity outlives a reload."""
    assert await async_setup_component(hass, "homeassistant", {})
    entry = make_entry()
    await setup_entry(hass, entry)
    for entity_id in WRITING:
        assert hass.states.get(entity_id) is not None
        assert exposed(hass, entity_id) == set()
    # A reading entity is left to Home Assistant's own defaults.
    reading = er.async_get(hass).async_get(READING)
    assert reading is not None
    assert not set(reading.options) & set(KNOWN_ASSISTANTS)
    async_expose_entity(hass, "conversation", "switch.pump_1_command", True)
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert exposed(hass, "switch.pump_1_command") == {"conversation"}
    assert exposed(hass, "number.boiler_setpoint") == set()


async def test_one_option_lets_voice_control_the_whole_entry(
    hass: HomeAssistant, make_entry: EntryFactory
) -> None:
    """Turned on, every writing entity of the entry is exposed; turned off again, none."""
    assert await async_setup_component(hass, "homeassistant", {})
    entry = make_entry()
    await setup_entry(hass, entry)
    settings = {OPT_SCAN_INTERVAL: 10, OPT_READ_ONLY: False}
    for choice, expected in ((True, set(KNOWN_ASSISTANTS)), (False, set())):
        result = await options(hass, entry.entry_id, "settings")
        await answer(hass, result, {**settings, OPT_VOICE: choice})
        await hass.async_block_till_done()
        assert entry.runtime_data.coordinator.options.expose_to_voice is choice
        for entity_id in WRITING:
            assert exposed(hass, entity_id) == expected
