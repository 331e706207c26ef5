"""Number entities: writes accepted, refused and failed, against wincc-sim."""

from homeassistant.components.number import ATTR_VALUE, DOMAIN as NUMBER_DOMAIN, SERVICE_SET_VALUE
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.wincc.const import OPT_READ_ONLY, OPT_TAGS
from tests.components.conftest import EntryFactory, setup_entry, snapshot_one_platform, tag_config
from tests.conftest import SimHandle

SETPOINT = "number.boiler_setpoint"


async def set_value(hass: HomeAssistant, entity_id: str, value: float) -> None:
    """Call number.set_value as a user would."""
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: entity_id, ATTR_VALUE: value},
        blocking=True,
    )


@pytest.mark.parametrize("server_type", ["unified", "classic"])
async def test_write_reaches_the_plant_and_is_read_back(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle, server_type: str
) -> None:
    """The value is written, and the state shows what the server then holds."""
    await setup_entry(hass, make_entry(server_type))
    await set_value(hass, SETPOINT, 72.5)
    assert wincc_sim.value("Boiler.Setpoint") == 72.5
    assert hass.states.get(SETPOINT).state == "72.5"  # type: ignore[union-attr]


async def test_limits_are_enforced(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """Outside the configured limits: a translated validation error, nothing written."""
    entry = make_entry()
    setpoint = tag_config(wincc_sim, "Boiler.Setpoint", unified=True, writable=True)
    limited = setpoint.as_options() | {"minimum": 20.0, "maximum": 90.0}
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry,
        options={**entry.options, OPT_TAGS: {**entry.options[OPT_TAGS], setpoint.name: limited}},
    )
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError):
        await set_value(hass, SETPOINT, 95.0)
    assert wincc_sim.value("Boiler.Setpoint") == 60.0


async def test_server_refusal_is_a_translated_error(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """The server's own range (0-95) refuses 120: code 201, shown to the user."""
    await setup_entry(hass, make_entry())
    with pytest.raises(HomeAssistantError) as err:
        await set_value(hass, SETPOINT, 120.0)
    assert err.value.translation_key == "write_refused"
    assert err.value.translation_placeholders["code"] == "201"
    assert wincc_sim.value("Boiler.Setpoint") == 60.0


async def test_read_only_mode_blocks_writes(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """Read-only mode refuses every write before anything is sent."""
    await setup_entry(hass, make_entry(**{OPT_READ_ONLY: True}))
    with pytest.raises(ServiceValidationError) as err:
        await set_value(hass, SETPOINT, 70.0)
    assert err.value.translation_key == "read_only_mode"
    assert wincc_sim.value("Boiler.Setpoint") == 60.0


async def test_stopped_runtime_fails_the_write(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """A server failure during a write is a translated error."""
    await setup_entry(hass, make_entry())
    wincc_sim.faults(paused=True)
    with pytest.raises(HomeAssistantError) as err:
        await set_value(hass, SETPOINT, 70.0)
    assert err.value.translation_key == "server_busy"


async def test_integer_tags_take_whole_numbers(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """A DInt counter written as a number: whole numbers only."""
    entry = make_entry(tags=["Conveyor_ItemCount"])
    count = tag_config(wincc_sim, "Conveyor_ItemCount", unified=True, writable=True)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, OPT_TAGS: {count.name: count.as_options()}}
    )
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    entity_id = "number.conveyor_item_count"
    with pytest.raises(ServiceValidationError) as err:
        await set_value(hass, entity_id, 2.5)
    assert err.value.translation_key == "not_whole_number"
    await set_value(hass, entity_id, 7)
    assert wincc_sim.value("Conveyor_ItemCount") == 7
    assert hass.states.get(entity_id).state == "7.0"  # type: ignore[union-attr]


@pytest.mark.parametrize("server_type", ["unified", "classic"])
async def test_entities(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    server_type: str,
) -> None:
    """Every number of the demo plant: state, attributes and registry entry."""
    await snapshot_one_platform(
        hass, make_entry(server_type), Platform.NUMBER, entity_registry, snapshot
    )


async def test_a_number_with_a_device_class_converts_units(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """The setpoint's unit (°C, set by the user on Unified, which reports none) gives
    it the temperature class, so Home Assistant shows and takes °F where asked; a
    written 167 °F reaches the plant as 75 °C."""
    hass.config.units = US_CUSTOMARY_SYSTEM
    entry = make_entry()
    tags = dict(entry.options[OPT_TAGS])
    tags["HMI_RT_1::Boiler.Setpoint"] = {**tags["HMI_RT_1::Boiler.Setpoint"], "unit_override": "°C"}
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options={**entry.options, OPT_TAGS: tags})
    await setup_entry(hass, entry)
    state = hass.states.get(SETPOINT)
    assert state is not None
    assert state.attributes["device_class"] == "temperature"
    assert state.attributes["unit_of_measurement"] == "°F"
    assert float(state.state) == pytest.approx(60.0 * 9 / 5 + 32)
    await set_value(hass, SETPOINT, 167)
    assert wincc_sim.value("Boiler.Setpoint") == pytest.approx(75.0)
