"""Loading and unloading the WinCC integration."""

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.wincc.const import DOMAIN


async def test_loader_finds_the_integration(hass: HomeAssistant) -> None:
    """Home Assistant's loader finds wincc as a config-flow hub integration."""
    integration = await async_get_integration(hass, DOMAIN)

    assert integration.domain == DOMAIN
    assert integration.config_flow is True
    assert integration.integration_type == "hub"
    assert integration.is_built_in is False
    assert integration.version is not None


async def test_entry_loads_and_unloads(hass: HomeAssistant) -> None:
    """A config entry sets up and unloads cleanly."""
    entry = MockConfigEntry(domain=DOMAIN, title="WinCC")
    entry.add_to_hass(hass)

    assert await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED

    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_user_flow_is_not_built_yet(hass: HomeAssistant) -> None:
    """Until its steps exist, the flow aborts honestly instead of creating an entry."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})

    assert result["type"] == "abort"
    assert result["reason"] == "not_implemented"
