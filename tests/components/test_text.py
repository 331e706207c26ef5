"""Text entities: text tags Home Assistant may write."""

from homeassistant.components.text import ATTR_VALUE, DOMAIN as TEXT_DOMAIN, SERVICE_SET_VALUE
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from tests.components.conftest import EntryFactory, setup_entry, snapshot_one_platform
from tests.conftest import SimHandle


async def test_set_batch_name(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """The batch name is written and read back."""
    await setup_entry(hass, make_entry())
    await hass.services.async_call(
        TEXT_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: "text.batch_name", ATTR_VALUE: "BATCH-0042"},
        blocking=True,
    )
    assert wincc_sim.value("Batch_Name") == "BATCH-0042"
    assert hass.states.get("text.batch_name").state == "BATCH-0042"  # type: ignore[union-attr]


@pytest.mark.parametrize("server_type", ["unified", "classic"])
async def test_entities(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    server_type: str,
) -> None:
    """Every text entity of the demo plant: state, attributes and registry entry."""
    await snapshot_one_platform(
        hass, make_entry(server_type), Platform.TEXT, entity_registry, snapshot
    )
