"""A real Home Assistant core for the benchmarks, and WinCC entries loaded into it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any
from unittest.mock import patch

from homeassistant import loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import frame
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.wincc.const import (
    CONF_PLAIN_HTTP,
    CONF_SERVER_TYPE,
    CONF_TLS_FINGERPRINT,
    DOMAIN,
)
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
    """An entry for the server at ``base_url`` (``https://host:port``, or
    ``http://host:port`` for the WinCC OA GraphQL example's plain HTTP), set up."""
    plain = base_url.startswith("http://")
    host, port = base_url.removeprefix("https://").removeprefix("http://").split(":")
    security: dict[str, object] = (
        {CONF_PLAIN_HTTP: True} if plain else {CONF_TLS_FINGERPRINT: fingerprint}
    )
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
            **security,
        },
        options=options.as_options(),
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    if entry.state is not ConfigEntryState.LOADED:
        raise RuntimeError(f"{title} did not load: {entry.state} {entry.reason}")
    return entry


@dataclass
class Counts:
    """Calls of the counted methods, and states the measured entities wrote."""

    calls: int = 0
    states: int = 0


@contextmanager
def counted(
    hass: HomeAssistant, measured: Callable[[str], bool], *methods: tuple[type, str]
) -> Iterator[Counts]:
    """Count calls of ``methods`` (class, method name; they keep working) and the
    states written by entities whose ID ``measured`` accepts."""
    counts = Counts()

    def counting(original: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            counts.calls += 1
            return original(*args, **kwargs)  # a coroutine stays one, to be awaited

        return call

    @callback
    def on_state(event: Event) -> None:
        if measured(event.data["entity_id"]):
            counts.states += 1

    stop = hass.bus.async_listen("state_changed", on_state)
    with ExitStack() as stack:
        for owner, name in methods:
            stack.enter_context(patch.object(owner, name, counting(getattr(owner, name))))
        yield counts
    stop()
