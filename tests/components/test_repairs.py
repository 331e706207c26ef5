"""Fixing certificate trust: the fix flows of unverified TLS and of a changed certificate
pin the certificate after the user compared it, and reconfigure can choose again."""

from pathlib import Path
import socket

from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.const import CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.wincc.const import (
    CONF_TLS_FINGERPRINT,
    CONF_TLS_VERIFY,
    DOMAIN,
    OPT_TOLERATED_FAILURES,
)
from custom_components.wincc.repairs import async_create_fix_flow
from simulator.certificate import ensure_certificate
from tests.components.conftest import EntryFactory, setup_entry
from tests.conftest import SimHandle


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
async def insecure_entry(hass: HomeAssistant, make_entry: EntryFactory) -> MockConfigEntry:
    """An entry that checks no certificate, set up, with its repair issue."""
    assert await async_setup_component(hass, "repairs", {})
    entry = make_entry()
    data = {k: v for k, v in entry.data.items() if k != CONF_TLS_FINGERPRINT}
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**data, CONF_TLS_VERIFY: False})
    await setup_entry(hass, entry)
    return entry


def _issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"tls_unverified_{entry.entry_id}")


async def test_the_fix_flow_pins_the_certificate_the_user_compared(
    hass: HomeAssistant, insecure_entry: MockConfigEntry, wincc_sim: SimHandle
) -> None:
    """The fix shows the fingerprint; confirmed, the entry pins it and the issue goes."""
    issue = _issue(hass, insecure_entry)
    assert issue is not None
    assert issue.is_fixable
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"]["fingerprint"] == wincc_sim.certificate.fingerprint
    assert insecure_entry.data[CONF_TLS_VERIFY] is False  # nothing trusted before confirming
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert insecure_entry.data[CONF_TLS_FINGERPRINT] == wincc_sim.certificate.fingerprint
    assert CONF_TLS_VERIFY not in insecure_entry.data
    assert _issue(hass, insecure_entry) is None
    assert insecure_entry.runtime_data.coordinator.last_update_success


async def test_the_fix_flow_needs_the_server(
    hass: HomeAssistant, insecure_entry: MockConfigEntry
) -> None:
    """Without a certificate to show there is nothing to confirm: it aborts, and the
    issue stays."""
    hass.config_entries.async_update_entry(
        insecure_entry, data={**insecure_entry.data, CONF_PORT: _closed_port()}
    )
    issue = _issue(hass, insecure_entry)
    assert issue is not None
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"
    assert _issue(hass, insecure_entry) is not None


async def test_reconfigure_can_trust_the_certificate_again(
    hass: HomeAssistant, insecure_entry: MockConfigEntry, wincc_sim: SimHandle
) -> None:
    """ "Trust the certificate anew" forgets the old trust and shows the certificate step."""
    result = await insecure_entry.start_reconfigure_flow(hass)
    data = {k: insecure_entry.data[k] for k in ("host", "port", "username", "password")}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], data | {"trust_again": True}
    )
    assert result["step_id"] == "certificate"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"trust": "pin"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert insecure_entry.data[CONF_TLS_FINGERPRINT] == wincc_sim.certificate.fingerprint
    assert CONF_TLS_VERIFY not in insecure_entry.data
    assert _issue(hass, insecure_entry) is None


async def test_a_certificate_changed_while_running_is_a_repair_until_trusted(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle, tmp_path: Path
) -> None:
    """The server starts presenting another certificate: a repair issue shows its
    fingerprint, nothing is trusted silently, and the fix pins it after confirmation."""
    assert await async_setup_component(hass, "repairs", {})
    entry = make_entry(**{OPT_TOLERATED_FAILURES: 0})
    await setup_entry(hass, entry)
    renewed = ensure_certificate(tmp_path)
    wincc_sim.thread.call(
        lambda: wincc_sim.thread.simulator.present(renewed.cert_path, renewed.key_path)
    )
    # The restart drops the pooled connection (one failed read); the next read meets
    # the new certificate.
    for _ in range(2):
        await entry.runtime_data.coordinator.async_refresh()
        await hass.async_block_till_done()
    assert not entry.runtime_data.coordinator.last_update_success
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"certificate_changed_{entry.entry_id}")
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders["fingerprint"] == renewed.fingerprint  # type: ignore[index]
    assert entry.data[CONF_TLS_FINGERPRINT] == wincc_sim.certificate.fingerprint  # unchanged
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue.issue_id})
    assert result["description_placeholders"]["fingerprint"] == renewed.fingerprint
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.data[CONF_TLS_FINGERPRINT] == renewed.fingerprint
    assert entry.runtime_data.coordinator.last_update_success
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue.issue_id) is None


async def test_only_certificate_issues_have_a_fix_flow_and_a_removed_entry_aborts(
    hass: HomeAssistant, insecure_entry: MockConfigEntry
) -> None:
    """Another issue gets no fix flow; an entry removed meanwhile aborts the fix."""
    with pytest.raises(ValueError, match="no fix flow"):
        await async_create_fix_flow(hass, f"missing_runtime_right_{insecure_entry.entry_id}", {})
    flow = await async_create_fix_flow(
        hass, f"tls_unverified_{insecure_entry.entry_id}", {"entry_id": "gone"}
    )
    flow.hass = hass
    result = await flow.async_step_init()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "entry_removed"
