"""Sensors: states and registry entries of the demo plant, on both server types."""

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.wincc import binary_sensor, number, sensor, switch, text
from custom_components.wincc.const import OPT_TAGS
from tests.components.conftest import EntryFactory, snapshot_one_platform, tag_config
from tests.conftest import SimHandle


@pytest.mark.parametrize("server_type", ["unified", "classic"])
async def test_entities(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    server_type: str,
) -> None:
    """Every entity of the demo plant: state, attributes and registry entry."""
    await snapshot_one_platform(
        hass, make_entry(server_type), Platform.SENSOR, entity_registry, snapshot
    )


async def test_overrides_shape_the_sensor(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """A Unified tag has no unit from the server; the user's unit and classes apply."""
    entry = make_entry(tags=["Energy_Meter"])
    meter = tag_config(wincc_sim, "Energy_Meter", unified=True).as_options() | {
        "unit_override": "kWh",
        "device_class": "energy",
        "state_class": "total_increasing",
        "name_override": "Plant energy",
    }
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, OPT_TAGS: {"HMI_RT_1::Energy_Meter": meter}}
    )
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get("sensor.energy_plant_energy")
    assert state is not None
    assert state.attributes["unit_of_measurement"] == "kWh"
    assert state.attributes["device_class"] == "energy"
    assert state.attributes["state_class"] == "total_increasing"


def test_platforms_set_parallel_updates() -> None:
    """Each platform says how many updates or writes may run at once."""
    assert (sensor.PARALLEL_UPDATES, binary_sensor.PARALLEL_UPDATES) == (0, 0)
    assert (number.PARALLEL_UPDATES, switch.PARALLEL_UPDATES, text.PARALLEL_UPDATES) == (1, 1, 1)
