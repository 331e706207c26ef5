"""Config entries for every server type, pointing at wincc-sim with its certificate pinned."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest.mock import patch

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.wincc.client.oa_common import element_info
from custom_components.wincc.client.parsing import unified_kind
from custom_components.wincc.const import (
    CONF_PLAIN_HTTP,
    CONF_SERVER_TYPE,
    CONF_TLS_FINGERPRINT,
    DOMAIN,
    EVENT_ALARM,
    OPT_PATTERNS,
    OPT_PUSH,
    OPT_READ_ONLY,
    OPT_SCAN_INTERVAL,
    OPT_TAGS,
    OPT_TOLERATED_FAILURES,
)
from custom_components.wincc.migration import CURRENT_VERSION
from custom_components.wincc.tags import TagConfig
from simulator.oa_project import dpe_of
from tests.client.conftest import address
from tests.conftest import SimHandle

# The demo plant's tags the entries expose, and which of them Home Assistant may write.
EXPOSED = [
    "Tank1_Level",
    "Tank1_Temperature",
    "Pump1_Status",
    "Pump1_Command",
    "Boiler.Temperature",
    "Boiler.Setpoint",
    "Conveyor_ItemCount",
    "Energy_Meter",
    "Batch_Name",
]
WRITABLE = {"Pump1_Command", "Boiler.Setpoint", "Batch_Name"}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant's loader find custom_components/wincc."""


def tag_config(sim: SimHandle, local: str, *, unified: bool, writable: bool = False) -> TagConfig:
    """The stored configuration of a demo-plant tag, as the config flow would save it."""
    definition = sim.runtime.plant.definitions[local]
    system = f"{sim.runtime.system}::" if unified else ""
    structure = f"{system}{definition.structure}" if definition.structure else None
    return TagConfig(
        name=f"{system}{local}",
        kind=unified_kind(definition.data_type.unified_name),
        display_name=definition.display.get("en-US", local),
        data_type=definition.data_type.unified_name
        if unified
        else str(definition.data_type.classic_code),
        unit=None if unified else definition.unit,
        structure=structure,
        group=None if unified else definition.group,
    ).with_writable(writable)


def oa_tag_config(sim: SimHandle, local: str, *, writable: bool = False) -> TagConfig:
    """The stored configuration of a demo-plant tag as a WinCC OA element."""
    definition = sim.runtime.plant.definitions[local]
    kind = unified_kind(definition.data_type.unified_name)
    return TagConfig.from_info(element_info(dpe_of(local), kind)).with_writable(writable)


def face(sim: SimHandle, server_type: str) -> tuple[str, int, dict[str, Any]]:
    """Host, port and the security settings of one face of the simulator: its
    certificate pinned, or plain HTTP for the OA GraphQL example, which has no TLS."""
    url = {
        "unified": sim.unified_url,
        "classic": sim.classic_url,
        "oa_reporting": sim.oa_reporting_url,
        "oa_graphql": sim.oa_graphql_url,
    }[server_type]
    host, port = address(url)
    if server_type == "oa_graphql":
        return host, port, {CONF_PLAIN_HTTP: True}
    return host, port, {CONF_TLS_FINGERPRINT: sim.certificate.fingerprint}


EntryFactory = Callable[..., MockConfigEntry]


@pytest.fixture
def make_entry(wincc_sim: SimHandle) -> EntryFactory:
    """Build a config entry for one face of the simulator."""

    def build(
        server_type: str = "unified",
        tags: list[str] | None = None,
        *,
        user: str = "operator",
        **options: Any,
    ) -> MockConfigEntry:
        unified = server_type == "unified"
        host, port, security = face(wincc_sim, server_type)
        configs = [
            oa_tag_config(wincc_sim, t, writable=t in WRITABLE)
            if server_type.startswith("oa_")
            else tag_config(wincc_sim, t, unified=unified, writable=t in WRITABLE)
            for t in tags or EXPOSED
        ]
        return MockConfigEntry(
            domain=DOMAIN,
            version=CURRENT_VERSION,
            title=f"WinCC {server_type}",
            # A stable entry ID keys entities and devices, so snapshots do not vary by run.
            entry_id=f"sim-{server_type}",
            unique_id=f"{host}:{port}",
            data={
                CONF_SERVER_TYPE: server_type,
                CONF_HOST: host,
                CONF_PORT: port,
                CONF_USERNAME: user,
                CONF_PASSWORD: user,  # the demo users' passwords are their names
                **security,
            },
            options={
                OPT_TAGS: {c.name: c.as_options() for c in configs},
                OPT_PATTERNS: [],
                OPT_SCAN_INTERVAL: 10,
                OPT_READ_ONLY: False,
                OPT_TOLERATED_FAILURES: 2,
                # Polled unless a test asks for push: a push session is a background
                # task that runs until unload, which wait_background_tasks would await.
                OPT_PUSH: False,
            }
            | options,
        )

    return build


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up an entry, and wait for its entities."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def snapshot_one_platform(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    platform: Platform,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Set up an entry with only one platform loaded, and snapshot its entities."""
    with patch("custom_components.wincc.PLATFORMS", [platform]):
        await setup_entry(hass, entry)
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots with Home Assistant's serializer, which hides run-specific IDs and times."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def alarm_events(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Every alarm transition the integration reports."""
    seen: list[dict[str, Any]] = []

    @callback
    def record(event: Event) -> None:
        seen.append(dict(event.data))

    hass.bus.async_listen(EVENT_ALARM, record)
    return seen


def summary(events: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """(transition, alarm name, instance) of each event."""
    return [(e["transition"], e["name"], e["instance_id"]) for e in events]


async def options(hass: HomeAssistant, entry_id: str, step: str) -> FlowResult:
    """Open the options menu and choose a step."""
    result = await hass.config_entries.options.async_init(entry_id)
    assert result["type"] is FlowResultType.MENU
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )


async def answer(hass: HomeAssistant, result: FlowResult, data: dict[str, Any]) -> FlowResult:
    """Submit an options step."""
    return await hass.config_entries.options.async_configure(result["flow_id"], data)
