"""Binary sensors: read-only boolean tags."""

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from tests.components.conftest import EntryFactory, setup_entry, snapshot_one_platform
from tests.conftest import SimHandle


@pytest.mark.parametrize("server_type", ["unified", "classic"])
async def test_entities(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    server_type: str,
) -> None:
    """Every binary sensor of the demo plant: state, attributes and registry entry."""
    await snapshot_one_platform(
        hass, make_entry(server_type), Platform.BINARY_SENSOR, entity_registry, snapshot
    )


async def test_pump_fault_shows(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """A tripped pump reads as not running after the next read."""
    entry = make_entry()
    await setup_entry(hass, entry)
    assert hass.states.get("binary_sensor.pump_1_running").state == "on"  # type: ignore[union-attr]
    wincc_sim.write("Pump1_Fault", True)
    wincc_sim.advance(1)
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get("binary_sensor.pump_1_running").state == "off"  # type: ignore[union-attr]
