"""A real Home Assistant core for the benchmarks, and WinCC entries loaded into it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from homeassistant import loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import frame
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.wincc.const import CONF_SERVER_TYPE, CONF_TLS_FINGERPRINT, DOMAIN
from custom_components.wincc.migration import CURRENT_VERSION
from custom_components.wincc.options import EntryOptions


@asynccontextmanager
async def home_assistant() -> AsyncIterator[HomeAssistant]:
    """A running core that loads this repository's integration."""
    async with async_test_home_assistant() as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)  # allow custom integrations
        frame.async_setup(hass)  # as a running core has it: integrations report through it
        await async_setup_component(hass, "network", {})  # the client session needs it
        yield hass
        await hass.async_stop(force=True)


async def load_entry(
    hass: HomeAssistant,
    server_type: str,
    base_url: str,
    fingerprint: str,
    options: EntryOptions,
    title: str,
) -> MockConfigEntry:
    """An entry for the server at ``base_url`` (``https://host:port``), set up."""
    host, port = base_url.removeprefix("https://").split(":")
    entry = MockConfigEntry(
        domain=DOMAIN,
        version=CURRENT_VERSION,
        title=title,
        unique_id=f"{host}:{port}",
        data={
            CONF_SERVER_TYPE: server_type,
            CONF_HOST: host,
            CONF_PORT: int(port),
            CONF_USERNAME: "operator",
            CONF_PASSWORD: "operator",
            CONF_TLS_FINGERPRINT: fingerprint,
        },
        options=options.as_options(),
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    if entry.state is not ConfigEntryState.LOADED:
        raise RuntimeError(f"{title} did not load: {entry.state} {entry.reason}")
    return entry
