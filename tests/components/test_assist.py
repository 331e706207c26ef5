"""Voice through Assist: Home Assistant's own conversation agent sets the boiler and
opens the valve, once the user lets it."""

from homeassistant.components.conversation import async_converse
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.components.conftest import EntryFactory, setup_entry
from tests.components.test_controls import BOILER, TAGS, VALVE, add_control
from tests.conftest import SimHandle


async def say(hass: HomeAssistant, sentence: str) -> intent.IntentResponse:
    """Speak a sentence to Home Assistant's built-in agent; its answer."""
    result = await async_converse(hass, sentence, None, Context(), language="en")
    return result.response


async def controls(hass: HomeAssistant, make_entry: EntryFactory) -> MockConfigEntry:
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    entry = make_entry(tags=TAGS)
    await setup_entry(hass, entry)
    await add_control(hass, entry, "climate", BOILER)
    await add_control(hass, entry, "valve", VALVE)
    return entry


async def test_the_boiler_is_set_by_voice_once_exposed(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """Not exposed, the sentence reaches nothing; exposed, it writes the setpoint."""
    await controls(hass, make_entry)
    response = await say(hass, "set the boiler to 70 degrees")
    assert response.response_type is intent.IntentResponseType.ERROR
    assert wincc_sim.value("Boiler.Setpoint") == 60.0
    async_expose_entity(hass, "conversation", "climate.boiler", True)
    response = await say(hass, "set the boiler to 70 degrees")
    assert response.response_type is intent.IntentResponseType.ACTION_DONE
    assert wincc_sim.value("Boiler.Setpoint") == 70.0
    assert hass.states.get("climate.boiler").attributes["temperature"] == 70.0  # type: ignore[union-attr]


async def test_valve_3_is_opened_to_a_position_by_voice(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """ "Open valve 3 to 50 percent" writes 50 % to its position output."""
    await controls(hass, make_entry)
    async_expose_entity(hass, "conversation", "valve.valve_3", True)
    response = await say(hass, "open valve 3 to 50 percent")
    assert response.response_type is intent.IntentResponseType.ACTION_DONE
    assert wincc_sim.value("Valve3_Position") == 50.0
