"""WinCC OA over the GraphQL application example, through Home Assistant: plain HTTP
only as an explicit choice that stands as a repair issue, datapoint elements as
entities on a device per datapoint, and writes read back."""

from typing import Any

from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component

from custom_components.wincc.const import CONF_PLAIN_HTTP, CONF_SERVER_TYPE, DOMAIN, OPT_TAGS
from tests.client.conftest import address
from tests.components.test_config_flow import pick, start, submit, user_input
from tests.components.test_number import set_value
from tests.conftest import SimHandle


def oa_input(sim: SimHandle, server_type: str = "oa_graphql", **changes: Any) -> dict[str, Any]:
    """The first form for the GraphQL example's face, in plain HTTP."""
    return user_input(sim, server_type, face="oa_graphql", **{CONF_PLAIN_HTTP: True} | changes)


async def test_a_plant_read_and_written_through_the_graphql_example(
    hass: HomeAssistant, wincc_sim: SimHandle
) -> None:
    """Auto-detect over plain HTTP finds the example; a datapoint's elements become
    entities on its device; the setpoint chosen writable writes and reads back; plain
    HTTP stands as a repair issue; alerts have their alarm entities."""
    assert await async_setup_component(hass, "repairs", {})
    result = await submit(hass, await start(hass), oa_input(wincc_sim, "auto"))
    assert result["step_id"] == "tags"  # no certificate: there is no TLS
    result = await pick(hass, result, "Boiler", all_matches=True)
    assert result["step_id"] == "writable"
    result = await submit(hass, result, {"writable": ["System1:Boiler.Setpoint"]})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    assert result["title"] == "WinCC OA (GraphQL)"
    assert result["data"][CONF_SERVER_TYPE] == "oa_graphql"
    assert result["data"][CONF_PLAIN_HTTP] is True
    assert set(result["options"][OPT_TAGS]) == {
        "System1:Boiler.Temperature",
        "System1:Boiler.Setpoint",
        "System1:Boiler.Burner_On",
    }
    await hass.async_block_till_done()
    entry = result["result"]
    assert hass.states.get("sensor.boiler_temperature") is not None
    assert hass.states.get("binary_sensor.boiler_burner_on") is not None
    await set_value(hass, "number.boiler_setpoint", 72.0)
    assert wincc_sim.value("Boiler.Setpoint") == 72.0
    assert hass.states.get("number.boiler_setpoint").state == "72.0"  # type: ignore[union-attr]
    devices = {
        d.name for d in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    }
    assert devices == {"WinCC OA (GraphQL)", "Boiler"}
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"plain_http_{entry.entry_id}")
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.WARNING
    # Alerts are read: the runtime's device has the alarm entities.
    assert [
        e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if e.domain == "event"
    ] == ["event.wincc_oa_graphql_alarms"]


async def test_plain_http_is_only_for_the_graphql_example(
    hass: HomeAssistant, wincc_sim: SimHandle
) -> None:
    """Chosen for another server type, plain HTTP is refused at its field."""
    host, port = address(wincc_sim.classic_url)
    result = await submit(
        hass,
        await start(hass),
        oa_input(wincc_sim, "classic", **{CONF_HOST: host, CONF_PORT: port}),
    )
    assert result["errors"] == {CONF_PLAIN_HTTP: "plain_http_oa_graphql_only"}


async def test_without_plain_http_the_example_is_not_reached(
    hass: HomeAssistant, wincc_sim: SimHandle
) -> None:
    """HTTPS to a plain-HTTP server fails to connect: the user must choose."""
    result = await submit(hass, await start(hass), oa_input(wincc_sim, **{CONF_PLAIN_HTTP: False}))
    assert result["errors"] == {CONF_HOST: "cannot_connect"}
