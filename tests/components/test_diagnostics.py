"""The diagnostics download: useful, and without secrets."""

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from tests.components.conftest import EntryFactory, setup_entry


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    make_entry: EntryFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """Settings, capabilities, poll health and values; no password, user, host or pin."""
    entry = make_entry(tags=["Tank1_Level", "Batch_Name", "Pump1_Command"])
    await setup_entry(hass, entry)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics)
    for secret in ("operator", entry.data["host"], entry.data["tls_fingerprint"]):
        assert secret not in text
    assert diagnostics == snapshot(exclude=props("port"))  # a free port, different each run
