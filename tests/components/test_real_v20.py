"""The integration against wincc-sim playing a WinCC Unified V20 runtime: the moved
endpoint, the preflight header, and a user without the Openness runtime right."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.wincc.const import CONF_TLS_CA_PEM, DOMAIN, OPT_TOLERATED_FAILURES
from simulator.certificate import ensure_certificate
from simulator.runtime import RuntimeOptions
from tests.components.conftest import EntryFactory, setup_entry
from tests.components.test_config_flow import finish, start, submit, user_input
from tests.conftest import SimHandle, running_simulator

LEVEL = "sensor.tank_1_level"
ENGINEER = {CONF_USERNAME: "engineer", CONF_PASSWORD: "engineer"}


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """Every V20 behaviour (``wincc-sim --profile v20``)."""
    return RuntimeOptions(graphql_redirect=True, require_preflight=True, openness_right=True)


def _right_issue(hass: HomeAssistant, entry_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"missing_runtime_right_{entry_id}")


async def test_setup_through_the_moved_endpoint(hass: HomeAssistant, wincc_sim: SimHandle) -> None:
    """Auto-detect, login and tag search all work against a V20 runtime."""
    result = await submit(hass, await start(hass), user_input(wincc_sim, "auto"))
    await finish(hass, result, wincc_sim)


async def test_the_flow_names_the_missing_right_then_recovers(
    hass: HomeAssistant, wincc_sim: SimHandle
) -> None:
    """Not "wrong password", not "unknown": the user field says which right is missing."""
    result = await submit(hass, await start(hass), user_input(wincc_sim, **ENGINEER))
    result = await submit(hass, result, {"trust": "pin"})
    assert result["step_id"] == "user"
    assert result["errors"] == {CONF_USERNAME: "missing_runtime_right"}
    result = await submit(hass, result, user_input(wincc_sim))
    await finish(hass, result, wincc_sim)


async def test_losing_the_right_at_run_time_raises_a_repair_that_clears_itself(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The runtime starts refusing the entry's user: entities go unavailable and a repair
    issue names the right; once granted, the next poll reads and the issue goes."""
    wincc_sim.thread.call(lambda: setattr(wincc_sim.runtime, "openness_right", False))
    entry = make_entry(**{OPT_TOLERATED_FAILURES: 0})
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, **ENGINEER})
    await setup_entry(hass, entry)
    assert hass.states.get(LEVEL).state != STATE_UNAVAILABLE  # type: ignore[union-attr]
    assert _right_issue(hass, entry.entry_id) is None
    wincc_sim.thread.call(lambda: setattr(wincc_sim.runtime, "openness_right", True))
    freezer.tick(timedelta(seconds=10))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(LEVEL).state == STATE_UNAVAILABLE  # type: ignore[union-attr]
    issue = _right_issue(hass, entry.entry_id)
    assert issue is not None
    assert issue.translation_key == "missing_runtime_right"
    assert entry.state is ConfigEntryState.LOADED  # not a reauth: the password is right
    wincc_sim.thread.call(lambda: setattr(wincc_sim.runtime, "openness_right", False))
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get(LEVEL).state != STATE_UNAVAILABLE  # type: ignore[union-attr]
    assert _right_issue(hass, entry.entry_id) is None


async def test_setup_without_the_right_waits_and_says_why(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """At setup the entry retries (the right may be granted any time) and the repair
    issue says what to grant; a later setup with the right withdraws it."""
    entry = make_entry()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, **ENGINEER})
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert _right_issue(hass, entry.entry_id) is not None
    wincc_sim.thread.call(lambda: setattr(wincc_sim.runtime, "openness_right", False))
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert _right_issue(hass, entry.entry_id) is None


@pytest.fixture
def localhost_sim(socket_enabled: None, tmp_path: Path) -> Iterator[SimHandle]:
    """wincc-sim with a certificate issued for localhost only, as V20 runtimes have."""
    with running_simulator(
        ensure_certificate(tmp_path, localhost_only=True), RuntimeOptions()
    ) as sim:
        yield sim


async def test_a_localhost_certificate_gets_its_own_error_then_pinning_works(
    hass: HomeAssistant, localhost_sim: SimHandle
) -> None:
    """Trusting it as a CA fails on the host name, with an error that says so; pinning
    its fingerprint (which the flow showed) works."""
    result = await submit(hass, await start(hass), user_input(localhost_sim))
    assert result["step_id"] == "certificate"
    assert result["description_placeholders"]["fingerprint"] == (
        localhost_sim.certificate.fingerprint
    )
    pem = localhost_sim.certificate.cert_path.read_text(encoding="ascii")
    result = await submit(hass, result, {"trust": "ca"})
    assert result["step_id"] == "certificate_ca"
    result = await submit(hass, result, {CONF_TLS_CA_PEM: pem})
    assert result["errors"] == {"base": "certificate_name_mismatch"}
    result = await submit(hass, result, {CONF_TLS_CA_PEM: ""})  # back to the choice
    result = await submit(hass, result, {"trust": "pin"})
    assert result["step_id"] == "tags"
