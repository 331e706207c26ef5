"""Setting up and unloading an entry against wincc-sim."""

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.loader import async_get_integration
import pytest

from custom_components.wincc.const import DOMAIN
from tests.components.conftest import EntryFactory, setup_entry
from tests.conftest import SimHandle


async def test_loader_finds_the_integration(hass: HomeAssistant) -> None:
    """Home Assistant's loader finds wincc as a config-flow hub integration."""
    integration = await async_get_integration(hass, DOMAIN)
    assert integration.config_flow is True
    assert integration.integration_type == "hub"
    assert integration.is_built_in is False
    assert integration.has_branding  # brand/icon.png is served for the UI


@pytest.mark.parametrize("server_type", ["unified", "classic"])
async def test_setup_and_unload(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle, server_type: str
) -> None:
    """An entry loads, creates its entities, and unloads cleanly."""
    entry = make_entry(server_type)
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    assert len(entities) == 9 + 4 + 1  # the tags, the alarm event and sensors, the update mode
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
