"""The config flow against wincc-sim: every step, every error and its recovery,
reauth and reconfigure. Only failures the simulator cannot produce are patched."""

from collections.abc import Iterator
import socket
from typing import Any
from unittest.mock import patch

from aiohttp import web
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.wincc.client import WinCCTimeoutError
from custom_components.wincc.const import (
    CONF_SERVER_TYPE,
    CONF_TLS_CA_PEM,
    CONF_TLS_FINGERPRINT,
    CONF_TLS_VERIFY,
    DETECT_PORTS,
    DOMAIN,
    OPT_PATTERNS,
    OPT_TAGS,
)
from simulator.certificate import ensure_certificate
from tests.client.conftest import address
from tests.conftest import AppThread, SimHandle


def user_input(
    sim: SimHandle, server_type: str = "unified", face: str | None = None, **changes: Any
) -> dict[str, Any]:
    """What a user types into the first form to reach one face of the simulator (the
    face of the server type, or ``face`` for auto-detect)."""
    urls = {
        "unified": sim.unified_url,
        "classic": sim.classic_url,
        "oa_reporting": sim.oa_reporting_url,
        "oa_graphql": sim.oa_graphql_url,
    }
    host, port = address(urls.get(face or server_type, sim.unified_url))
    return {
        CONF_SERVER_TYPE: server_type,
        CONF_HOST: host,
        CONF_PORT: port,
        CONF_USERNAME: "operator",
        CONF_PASSWORD: "operator",
    } | changes


async def start(hass: HomeAssistant) -> FlowResult:
    """Open the flow as a user would."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return result


async def submit(hass: HomeAssistant, result: FlowResult, data: dict[str, Any]) -> FlowResult:
    """Submit the current step."""
    return await hass.config_entries.flow.async_configure(result["flow_id"], data)


async def pick(hass: HomeAssistant, result: FlowResult, pattern: str, **choice: Any) -> FlowResult:
    """From the tags step: search, then choose."""
    assert result["step_id"] == "tags"
    result = await submit(hass, result, {"pattern": pattern})
    assert result["step_id"] == "tag_select"
    return await submit(hass, result, choice)


async def finish(hass: HomeAssistant, result: FlowResult, sim: SimHandle) -> FlowResult:
    """Walk the remaining steps with simple choices, up to the created entry."""
    if result["step_id"] == "certificate":
        result = await submit(hass, result, {"trust": "pin"})
    if result["step_id"] == "tags":
        result = await pick(hass, result, "*Tank1_Level", tags=[])
        result = await submit(hass, result, {"all_matches": True})
    if result.get("step_id") == "writable":
        result = await submit(hass, result, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    return result


async def test_unified_with_pinned_certificate(hass: HomeAssistant, wincc_sim: SimHandle) -> None:
    """Auto-detect finds Unified; the certificate is shown, pinned; a tag is chosen."""
    result = await submit(hass, await start(hass), user_input(wincc_sim, "auto"))
    assert result["step_id"] == "certificate"
    placeholders = result["description_placeholders"]
    assert placeholders["fingerprint"] == wincc_sim.certificate.fingerprint
    assert "CN=wincc-sim" in placeholders["subject"]
    result = await submit(hass, result, {"trust": "pin"})
    assert result["step_id"] == "tags"
    result = await submit(hass, result, {"pattern": "tank1*"})
    assert result["step_id"] == "tag_select"
    assert result["description_placeholders"]["count"] == "3"  # level, temperature, valve
    result = await submit(hass, result, {"tags": ["HMI_RT_1::Tank1_Level"]})
    assert result["step_id"] == "writable"
    result = await submit(hass, result, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    host, port = address(wincc_sim.unified_url)
    assert result["title"] == "HMI_RT_1"  # the runtime's system name, not the address
    assert result["data"] == {
        CONF_SERVER_TYPE: "unified",
        CONF_HOST: host,
        CONF_PORT: port,
        CONF_USERNAME: "operator",
        CONF_PASSWORD: "operator",
        CONF_TLS_FINGERPRINT: wincc_sim.certificate.fingerprint,
    }
    tags = result["options"][OPT_TAGS]
    assert list(tags) == ["HMI_RT_1::Tank1_Level"]
    assert (
        "writable" not in tags["HMI_RT_1::Tank1_Level"]
        or not tags["HMI_RT_1::Tank1_Level"]["writable"]
    )
    assert result["result"].unique_id == f"{host}:{port}"
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    entity_ids = [
        e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), result["result"].entry_id)
    ]
    assert "sensor.tank_1_level" in entity_ids
    assert not [e for e in entity_ids if host.replace(".", "_") in e]


async def test_classic_with_a_ca_and_writable_tags(
    hass: HomeAssistant, wincc_sim: SimHandle
) -> None:
    """The classic service, trusted through a CA; all matches taken, one made writable."""
    result = await submit(hass, await start(hass), user_input(wincc_sim, "classic"))
    assert result["step_id"] == "certificate"
    pem = wincc_sim.certificate.cert_path.read_text()
    result = await submit(hass, result, {"trust": "ca"})
    assert result["step_id"] == "certificate_ca"
    result = await submit(hass, result, {CONF_TLS_CA_PEM: pem})
    result = await pick(hass, result, "Pump1_*", all_matches=True)
    assert result["step_id"] == "writable"
    result = await submit(hass, result, {"writable": ["Pump1_Command"]})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_TLS_CA_PEM] == pem.strip()
    tags = result["options"][OPT_TAGS]
    assert set(tags) == {"Pump1_Command", "Pump1_Status", "Pump1_Fault", "Pump1_Reset"}
    assert tags["Pump1_Command"]["writable"] is True
    assert tags["Pump1_Status"].get("writable", False) is False
    assert tags["Pump1_Status"]["group"] == "Pump1"


async def test_follow_pattern_and_search_again(hass: HomeAssistant, wincc_sim: SimHandle) -> None:
    """Following a pattern takes every match now; a second search adds more."""
    result = await submit(hass, await start(hass), user_input(wincc_sim))
    result = await submit(hass, result, {"trust": "pin"})
    result = await pick(hass, result, "Tank1*", follow_pattern=True, search_again=True)
    assert result["step_id"] == "tags"
    assert result["description_placeholders"]["chosen"] == "3"
    result = await pick(hass, result, "Batch*", tags=["HMI_RT_1::Batch_Name"])
    result = await submit(hass, result, {"writable": ["HMI_RT_1::Batch_Name"]})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["options"][OPT_PATTERNS] == ["Tank1*"]
    assert set(result["options"][OPT_TAGS]) == {
        "HMI_RT_1::Tank1_Level",
        "HMI_RT_1::Tank1_Temperature",
        "HMI_RT_1::Tank1_InletValve",
        "HMI_RT_1::Batch_Name",
    }
    assert result["options"][OPT_TAGS]["HMI_RT_1::Batch_Name"]["writable"] is True


async def test_no_match_and_no_tags_recover(hass: HomeAssistant, wincc_sim: SimHandle) -> None:
    """A pattern without matches, or choosing nothing, asks again."""
    result = await submit(hass, await start(hass), user_input(wincc_sim))
    result = await submit(hass, result, {"trust": "pin"})
    result = await submit(hass, result, {"pattern": "Nothing*"})
    assert result["errors"] == {"pattern": "no_match"}
    result = await pick(hass, result, "Batch*")
    assert result["errors"] == {"base": "no_tags"}
    result = await submit(hass, result, {"tags": ["HMI_RT_1::Batch_Name"]})
    await finish(hass, result, wincc_sim)


async def test_browse_failure_recovers(hass: HomeAssistant, wincc_sim: SimHandle) -> None:
    """A server that stops while browsing gives an error; once it runs, browsing works."""
    result = await submit(hass, await start(hass), user_input(wincc_sim))
    result = await submit(hass, result, {"trust": "pin"})
    wincc_sim.faults(paused=True)
    result = await submit(hass, result, {"pattern": "*"})
    assert result["errors"] == {"base": "server_busy"}
    wincc_sim.faults(paused=False)
    await finish(hass, result, wincc_sim)


async def test_writable_step_is_skipped_when_nothing_can_be_written(
    hass: HomeAssistant, wincc_sim: SimHandle
) -> None:
    """Every chosen tag can be written here; a structure's elements are chosen by '.'."""
    result = await submit(hass, await start(hass), user_input(wincc_sim))
    result = await submit(hass, result, {"trust": "pin"})
    result = await pick(hass, result, "HMI_RT_1::Boiler.Setpoint", all_matches=True)
    assert result["step_id"] == "writable"


@pytest.fixture
def not_wincc_port(socket_enabled: None, tmp_path: Any) -> Iterator[int]:
    """An HTTPS server that is not WinCC (a teapot), with a self-signed certificate."""

    async def teapot(_request: web.Request) -> web.Response:
        return web.Response(status=418, text="I'm a teapot")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", teapot)
    with AppThread(app, ensure_certificate(tmp_path).server_context()) as server:
        yield server.port


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({CONF_PASSWORD: "wrong"}, {CONF_PASSWORD: "invalid_auth"}),
        ({CONF_USERNAME: "guest", CONF_PASSWORD: "guest"}, {CONF_USERNAME: "no_permission"}),
    ],
)
async def test_login_errors_after_the_certificate_recover(
    hass: HomeAssistant, wincc_sim: SimHandle, changes: dict[str, str], errors: dict[str, str]
) -> None:
    """Trusted, but the login fails: back on the first form, then fixed."""
    result = await submit(hass, await start(hass), user_input(wincc_sim, **changes))
    result = await submit(hass, result, {"trust": "pin"})
    assert result["step_id"] == "user"
    assert result["errors"] == errors
    result = await submit(hass, result, user_input(wincc_sim))
    assert result["step_id"] == "tags"  # the pinned certificate stayed trusted
    await finish(hass, result, wincc_sim)


async def test_cannot_connect_recovers(hass: HomeAssistant, wincc_sim: SimHandle) -> None:
    """Nothing listens: an error on the host; with the right port the flow goes on."""
    result = await submit(
        hass, await start(hass), user_input(wincc_sim, "auto", port=_closed_port())
    )
    assert result["errors"] == {CONF_HOST: "cannot_connect"}
    result = await submit(hass, result, user_input(wincc_sim, "auto"))
    await finish(hass, result, wincc_sim)


async def test_auto_detect_tries_the_usual_ports(hass: HomeAssistant, wincc_sim: SimHandle) -> None:
    """Without a port the usual ports are tried; here none answers."""
    data = user_input(wincc_sim, "auto")
    del data[CONF_PORT]
    result = await submit(hass, await start(hass), data | {CONF_HOST: "127.0.0.1"})
    assert result["errors"] == {CONF_HOST: "cannot_connect"}


async def test_auto_detect_goes_on_to_the_next_classic_port(
    hass: HomeAssistant, wincc_sim: SimHandle
) -> None:
    """443, then 34568, 34569 and 8079: the first that answers as WinCC is taken (here the
    usual ports are closed and the simulator's classic face stands in for the last)."""
    assert DETECT_PORTS == (443, 34568, 34569, 8079, 4000)
    classic_port = address(wincc_sim.classic_url)[1]
    data = user_input(wincc_sim, "auto")
    del data[CONF_PORT]
    with patch(
        "custom_components.wincc.config_flow.DETECT_PORTS",
        (_closed_port(), _closed_port(), classic_port),
    ):
        result = await submit(hass, await start(hass), data)
    result = await submit(hass, result, {"trust": "pin"})
    result = await finish(hass, result, wincc_sim)
    assert result["data"][CONF_PORT] == classic_port
    assert result["data"][CONF_SERVER_TYPE] == "classic"


async def test_not_wincc_recovers(
    hass: HomeAssistant, wincc_sim: SimHandle, not_wincc_port: int
) -> None:
    """A web server that is not WinCC: an error on the port."""
    result = await submit(
        hass, await start(hass), user_input(wincc_sim, "auto", port=not_wincc_port)
    )
    result = await submit(hass, result, {"trust": "pin"})
    assert result["errors"] == {CONF_PORT: "not_wincc"}
    result = await submit(hass, result, user_input(wincc_sim, "auto"))
    await finish(hass, result, wincc_sim)


async def test_wrong_face_for_the_type_is_not_wincc(
    hass: HomeAssistant, wincc_sim: SimHandle
) -> None:
    """Unified chosen, but the port serves the classic service: not a (Unified) WinCC."""
    result = await submit(
        hass,
        await start(hass),
        user_input(wincc_sim, "unified", port=address(wincc_sim.classic_url)[1]),
    )
    result = await submit(hass, result, {"trust": "pin"})
    assert result["errors"] == {CONF_PORT: "not_wincc"}


async def test_stopped_runtime_recovers(hass: HomeAssistant, wincc_sim: SimHandle) -> None:
    """A stopped runtime (503) is a general error; once started the flow goes on."""
    wincc_sim.faults(paused=True)
    result = await submit(hass, await start(hass), user_input(wincc_sim, "auto"))
    result = await submit(hass, result, {"trust": "pin"})
    assert result["errors"] == {"base": "server_busy"}
    wincc_sim.faults(paused=False)
    result = await submit(hass, result, user_input(wincc_sim, "auto"))
    await finish(hass, result, wincc_sim)


@pytest.mark.parametrize(
    ("side_effect", "errors"),
    [
        (WinCCTimeoutError("slow"), {CONF_HOST: "timeout"}),
        (RuntimeError("boom"), {"base": "unknown"}),
    ],
)
async def test_failures_the_simulator_cannot_produce(
    hass: HomeAssistant, wincc_sim: SimHandle, side_effect: Exception, errors: dict[str, str]
) -> None:
    """A timeout (without waiting for one) and an unexpected error; both recover."""
    with patch(
        "custom_components.wincc.config_flow.WinCCConfigFlow._detect", side_effect=side_effect
    ):
        result = await submit(hass, await start(hass), user_input(wincc_sim))
    assert result["errors"] == errors
    result = await submit(hass, result, user_input(wincc_sim))
    await finish(hass, result, wincc_sim)


async def test_certificate_step_errors(
    hass: HomeAssistant, wincc_sim: SimHandle, tmp_path: Any
) -> None:
    """The CA field comes only with the CA choice; a broken CA, or a CA that did not
    sign the certificate, are refused; an empty one goes back to the choice."""
    result = await submit(hass, await start(hass), user_input(wincc_sim))
    assert [str(key) for key in result["data_schema"].schema] == ["trust"]
    result = await submit(hass, result, {"trust": "ca"})
    assert result["step_id"] == "certificate_ca"
    result = await submit(hass, result, {CONF_TLS_CA_PEM: "not a certificate"})
    assert result["errors"] == {CONF_TLS_CA_PEM: "invalid_ca"}
    other_ca = ensure_certificate(tmp_path).cert_path.read_text()
    result = await submit(hass, result, {CONF_TLS_CA_PEM: other_ca})
    assert result["errors"] == {"base": "certificate_not_trusted"}
    result = await submit(hass, result, {CONF_TLS_CA_PEM: "  "})
    assert result["step_id"] == "certificate"
    await finish(hass, await submit(hass, result, {"trust": "pin"}), wincc_sim)


async def test_pin_without_a_fingerprint(hass: HomeAssistant, wincc_sim: SimHandle) -> None:
    """If the certificate could not be read, there is nothing to pin."""
    with patch(
        "custom_components.wincc.client.transport.fetch_certificate",
        side_effect=WinCCTimeoutError("no"),
    ):
        result = await submit(hass, await start(hass), user_input(wincc_sim))
    assert result["description_placeholders"]["fingerprint"] == "?"
    result = await submit(hass, result, {"trust": "pin"})
    assert result["errors"] == {"base": "certificate_not_trusted"}


async def test_unverified_tls_raises_a_repair_issue(
    hass: HomeAssistant, wincc_sim: SimHandle
) -> None:
    """Turning verification off works, and is reported for as long as it lasts."""
    result = await submit(hass, await start(hass), user_input(wincc_sim))
    result = await submit(hass, result, {"trust": "insecure"})
    result = await finish(hass, result, wincc_sim)
    assert result["data"][CONF_TLS_VERIFY] is False
    await hass.async_block_till_done()
    entry = result["result"]
    issue_id = f"tls_unverified_{entry.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    await hass.config_entries.async_remove(entry.entry_id)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_same_server_twice_is_refused(hass: HomeAssistant, wincc_sim: SimHandle) -> None:
    """A server already configured is not added again."""
    host, port = address(wincc_sim.unified_url)
    MockConfigEntry(
        domain=DOMAIN, unique_id=f"{host}:{port}", data={CONF_HOST: host, CONF_PORT: port}
    ).add_to_hass(hass)
    result = await submit(hass, await start(hass), user_input(wincc_sim))
    result = await submit(hass, result, {"trust": "pin"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


def suggested(result: FlowResult, field: str) -> Any:
    """The value a form shows in a field."""
    for key in result["data_schema"].schema:
        if key == field:
            return (key.description or {}).get("suggested_value")
    raise KeyError(field)


async def test_the_form_comes_back_as_typed_after_a_failed_auto_detect(
    hass: HomeAssistant, wincc_sim: SimHandle
) -> None:
    """Auto-detect found WinCC Unified, but the login failed: the form still says
    auto-detect with the port as typed, so a classic port typed next is detected too."""
    typed = user_input(wincc_sim, "auto", password="wrong")
    result = await submit(hass, await start(hass), typed)
    result = await submit(hass, result, {"trust": "pin"})
    assert result["errors"] == {"password": "invalid_auth"}
    assert suggested(result, "server_type") == "auto"
    assert suggested(result, "port") == typed["port"]
    assert suggested(result, "password") is None
    result = await submit(
        hass, result, user_input(wincc_sim, "auto", port=address(wincc_sim.classic_url)[1])
    )
    result = await finish(hass, result, wincc_sim)
    assert result["data"]["server_type"] == "classic"


@pytest.mark.parametrize(("server_type", "system_prefix"), [("unified", True), ("classic", False)])
async def test_the_search_examples_fit_the_server_type(
    hass: HomeAssistant, wincc_sim: SimHandle, server_type: str, system_prefix: bool
) -> None:
    """Classic names have no system prefix, so its examples show none; each example
    finds tags on its server."""
    result = await submit(hass, await start(hass), user_input(wincc_sim, server_type))
    result = await submit(hass, result, {"trust": "pin"})
    assert result["step_id"] == "tags"
    examples = result["description_placeholders"]["examples"]
    assert ("::" in examples) is system_prefix
    for example in examples.replace("`", "").split(", "):
        found = await submit(hass, result, {"pattern": example})
        assert found["step_id"] == "tag_select", example
        result = await submit(hass, found, {"search_again": True})


async def test_setpoints_and_commands_come_first_in_the_writable_step(
    hass: HomeAssistant, wincc_sim: SimHandle
) -> None:
    """Measured values are offered last, setpoints and commands first."""
    result = await submit(hass, await start(hass), user_input(wincc_sim))
    result = await submit(hass, result, {"trust": "pin"})
    chosen = [
        "HMI_RT_1::Tank1_Level",
        "HMI_RT_1::Conveyor_Speed",
        "HMI_RT_1::Boiler.Setpoint",
        "HMI_RT_1::Pump1_Command",
        "HMI_RT_1::Batch_Name",
    ]
    result = await pick(hass, result, "*", tags=chosen)
    assert result["step_id"] == "writable"
    (field,) = result["data_schema"].schema.values()
    offered = [option["value"] for option in field.config["options"]]
    assert set(offered[:3]) == {
        "HMI_RT_1::Boiler.Setpoint",
        "HMI_RT_1::Pump1_Command",
        "HMI_RT_1::Batch_Name",
    }
    assert set(offered[3:]) == {"HMI_RT_1::Tank1_Level", "HMI_RT_1::Conveyor_Speed"}


async def test_a_certificate_that_changes_before_it_is_pinned_is_not_trusted(
    hass: HomeAssistant, wincc_sim: SimHandle, tmp_path: Any
) -> None:
    """The server presents another certificate between showing and pinning: the pin
    does not trust it, and the step says so instead of going on."""
    result = await submit(hass, await start(hass), user_input(wincc_sim))
    assert result["step_id"] == "certificate"
    renewed = ensure_certificate(tmp_path)
    wincc_sim.thread.call(
        lambda: wincc_sim.thread.simulator.present(renewed.cert_path, renewed.key_path)
    )
    result = await submit(hass, result, {"trust": "pin"})
    assert result["step_id"] == "certificate"
    assert result["errors"] == {"base": "certificate_not_trusted"}
