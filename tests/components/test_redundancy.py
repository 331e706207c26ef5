"""A redundant WinCC Unified pair in Home Assistant: the partner in the config flow and
reconfigure, failover without a lost or repeated alarm transition, and diagnostics."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.wincc.client import UnifiedPairClient
from custom_components.wincc.const import (
    CONF_PARTNER,
    CONF_PARTNER_FINGERPRINT,
    CONF_TLS_FINGERPRINT,
)
from custom_components.wincc.diagnostics import async_get_config_entry_diagnostics
from simulator.certificate import Certificate, ensure_certificate
from simulator.runtime import RuntimeOptions
from tests.client.conftest import address
from tests.components.conftest import EntryFactory, setup_entry, summary
from tests.components.test_config_flow import finish, start, submit, user_input
from tests.components.test_event import poll_alarms
from tests.conftest import SimHandle, running_simulator

PUMP = "HMI_RT_1::Pump1_Fault"
LEVEL = "sensor.tank_1_level"


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """A redundant pair."""
    return RuntimeOptions(redundant=True)


def partner_of(sim: SimHandle) -> str:
    """The partner as a user types it: host:port."""
    assert sim.partner_url is not None
    host, port = address(sim.partner_url)
    return f"{host}:{port}"


async def test_the_flow_checks_the_partner_and_keeps_it(
    hass: HomeAssistant, wincc_sim: SimHandle
) -> None:
    """Both hosts are logged in on before the entry is made; the same certificate pins
    both, so no second trust step comes."""
    result = await submit(
        hass, await start(hass), user_input(wincc_sim, partner=f"  {partner_of(wincc_sim)} ")
    )
    result = await finish(hass, result, wincc_sim)
    assert result["data"][CONF_PARTNER] == partner_of(wincc_sim)
    assert CONF_PARTNER_FINGERPRINT not in result["data"]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"partner": "127.0.0.1:1"}, "partner_cannot_connect"),
        ({"partner": "127.0.0.1:99999"}, "invalid_partner"),
        ({"partner": ":443"}, "invalid_partner"),
        ({"server_type": "classic", "partner": "127.0.0.1"}, "partner_unified_only"),
    ],
)
async def test_a_partner_that_does_not_answer_is_refused(
    hass: HomeAssistant, wincc_sim: SimHandle, changes: dict[str, Any], error: str
) -> None:
    """The error sits on the partner field; nothing is created."""
    server_type = changes.pop("server_type", "unified")
    result = await submit(hass, await start(hass), user_input(wincc_sim, server_type, **changes))
    if result["step_id"] == "certificate":
        result = await submit(hass, result, {"trust": "pin"})
    assert result["step_id"] == "user"
    assert result["errors"] == {CONF_PARTNER: error}


async def test_a_partner_that_is_not_wincc_unified_is_named(
    hass: HomeAssistant, wincc_sim: SimHandle
) -> None:
    """The partner's own failure, named on its field: here a classic REST service."""
    host, port = address(wincc_sim.classic_url)
    result = await submit(hass, await start(hass), user_input(wincc_sim, partner=f"{host}:{port}"))
    result = await submit(hass, result, {"trust": "pin"})
    assert result["errors"] == {CONF_PARTNER: "partner_not_wincc"}


@pytest.fixture
def partner_certificate(tmp_path: Path) -> Certificate:
    """A certificate of the partner's own."""
    return ensure_certificate(tmp_path / "partner")


@pytest.fixture
def pair_with_two_certificates(
    socket_enabled: None, sim_certificate: Certificate, partner_certificate: Certificate
) -> Iterator[SimHandle]:
    """A redundant pair whose hosts present different certificates."""
    with running_simulator(
        sim_certificate, RuntimeOptions(redundant=True), partner_certificate
    ) as sim:
        yield sim


async def test_a_partner_with_its_own_certificate_is_pinned_after_comparing(
    hass: HomeAssistant,
    pair_with_two_certificates: SimHandle,
    partner_certificate: Certificate,
) -> None:
    """Pinned first host: the partner's certificate is shown, and pinned on confirming.
    Trusted through a CA instead, the partner's self-signed one is refused."""
    sim = pair_with_two_certificates
    result = await submit(hass, await start(hass), user_input(sim, partner=partner_of(sim)))
    result = await submit(hass, result, {"trust": "pin"})
    assert result["step_id"] == "partner_certificate"
    placeholders = result["description_placeholders"]
    assert placeholders["fingerprint"] == partner_certificate.fingerprint
    result = await submit(hass, result, {})
    result = await finish(hass, result, sim)
    assert result["data"][CONF_PARTNER_FINGERPRINT] == partner_certificate.fingerprint
    assert result["data"][CONF_TLS_FINGERPRINT] == sim.certificate.fingerprint
    ca = sim.certificate.cert_path.read_text(encoding="utf-8")
    result = await submit(hass, await start(hass), user_input(sim, partner=partner_of(sim)))
    result = await submit(hass, result, {"trust": "ca"})
    result = await submit(hass, result, {"tls_ca_pem": ca})
    assert result["errors"] == {CONF_PARTNER: "partner_certificate_not_trusted"}


async def test_failover_loses_and_repeats_no_alarm_transition(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    wincc_sim: SimHandle,
    freezer: FrozenDateTimeFactory,
    alarm_events: list[dict[str, Any]],
) -> None:
    """The active host is lost mid-alarm: within two polls the entry reads the partner,
    its values stay available, and each transition comes once; diagnostics say which
    host answers. Back on the first host after a switchover, nothing repeats either."""
    entry = make_entry()
    data = {**entry.data, CONF_PARTNER: partner_of(wincc_sim)}
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data=data)
    await setup_entry(hass, entry)
    assert isinstance(entry.runtime_data.client, UnifiedPairClient)
    wincc_sim.write("Pump1_Fault", True)
    await poll_alarms(hass, freezer)
    wincc_sim.redundancy(lose=0)
    wincc_sim.write("Pump1_Fault", False)  # cleared while the first host is lost
    await poll_alarms(hass, freezer)
    await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [("raised", PUMP, 1), ("cleared", PUMP, 1)]
    state = hass.states.get(LEVEL)
    assert state is not None
    assert state.state != "unavailable"
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["server"]["redundancy"] == {"active": "partner", "failovers": 1}
    assert diagnostics["entry"]["data"][CONF_PARTNER] == "**REDACTED**"
    wincc_sim.redundancy(restore=0)
    wincc_sim.redundancy(switch_over=True)
    wincc_sim.acknowledge_at_station("Pump1_Fault", 1)
    freezer.tick(31)
    await poll_alarms(hass, freezer)
    await poll_alarms(hass, freezer)
    assert summary(alarm_events) == [
        ("raised", PUMP, 1),
        ("cleared", PUMP, 1),
        ("acknowledged", PUMP, 1),
    ]
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["server"]["redundancy"] == {"active": "first", "failovers": 2}


async def test_reconfigure_adds_and_removes_the_partner(
    hass: HomeAssistant, make_entry: EntryFactory, wincc_sim: SimHandle
) -> None:
    """Reconfigure checks a new partner; an empty field removes it."""
    entry = make_entry()
    await setup_entry(hass, entry)
    host, port = address(wincc_sim.unified_url)
    form = {"host": host, "port": port, "username": "operator", "password": "operator"}
    result = await entry.start_reconfigure_flow(hass)
    result = await submit(hass, result, {**form, CONF_PARTNER: partner_of(wincc_sim)})
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_PARTNER] == partner_of(wincc_sim)
    await hass.async_block_till_done()
    assert isinstance(entry.runtime_data.client, UnifiedPairClient)
    result = await entry.start_reconfigure_flow(hass)
    result = await submit(hass, result, {**form, CONF_PARTNER: " "})
    assert result["reason"] == "reconfigure_successful"
    assert CONF_PARTNER not in entry.data


async def test_reconfigure_pins_a_new_partners_own_certificate(
    hass: HomeAssistant,
    make_entry: EntryFactory,
    pair_with_two_certificates: SimHandle,
    partner_certificate: Certificate,
) -> None:
    """An entry pinned to its first host gains a partner with a certificate of its own:
    the partner's is shown and pinned beside it; a later trust-again forgets both."""
    sim = pair_with_two_certificates
    entry = make_entry()
    host, port = address(sim.unified_url)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry,
        data={
            **entry.data,
            "host": host,
            "port": port,
            CONF_TLS_FINGERPRINT: sim.certificate.fingerprint,
        },
    )
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    form = {"host": host, "port": port, "username": "operator", "password": "operator"}
    result = await entry.start_reconfigure_flow(hass)
    result = await submit(hass, result, {**form, CONF_PARTNER: partner_of(sim)})
    assert result["step_id"] == "partner_certificate"
    result = await submit(hass, result, {})
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_PARTNER_FINGERPRINT] == partner_certificate.fingerprint
    await hass.async_block_till_done()
    result = await entry.start_reconfigure_flow(hass)
    result = await submit(
        hass, result, {**form, CONF_PARTNER: partner_of(sim), "trust_again": True}
    )
    assert result["step_id"] == "certificate"
    assert result["type"] is FlowResultType.FORM
