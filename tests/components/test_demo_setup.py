"""The demo's own config-flow calls and dashboard, run against Home Assistant's real
REST and WebSocket APIs and wincc-sim: what ``scripts/develop`` does, in the suite."""

from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.helpers.template import Template
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from demo.dashboard import URL_PATH
from demo.servers import DemoServer, FlowError, add_server
from demo.setup_home import add_servers, install_dashboard
from tests.client.conftest import address
from tests.conftest import SimHandle


class Rest:
    """The demo's REST API over Home Assistant's test client."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        response = await self.client.post(path, json=body)
        assert response.status < 400, await response.text()
        return await response.json()

    async def get(self, path: str) -> Any:
        response = await self.client.get(path)
        return await response.json()


class Socket:
    """The demo's WebSocket commands over Home Assistant's test client."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    async def command(self, kind: str, **data: Any) -> Any:
        await self.ws.send_json_auto_id({"type": kind, **data})
        answer = await self.ws.receive_json()
        assert answer["success"], answer
        return answer["result"]


def servers(sim: SimHandle) -> list[DemoServer]:
    """Both faces, as scripts/develop names them."""
    unified, classic = address(sim.unified_url), address(sim.classic_url)
    fingerprint = sim.certificate.fingerprint
    return [
        DemoServer("unified", unified[0], unified[1], fingerprint),
        DemoServer("classic", classic[0], classic[1], fingerprint),
    ]


@pytest.fixture
async def apis(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_ws_client: WebSocketGenerator,
) -> tuple[Rest, Socket]:
    """The REST and WebSocket APIs the demo talks to."""
    for component in ("config", "lovelace", "websocket_api"):
        assert await async_setup_component(hass, component, {})
    return Rest(await hass_client()), Socket(await hass_ws_client(hass))


async def test_both_faces_and_the_dashboard(
    hass: HomeAssistant, apis: tuple[Rest, Socket], wincc_sim: SimHandle
) -> None:
    """Both entries are made through the flow with setpoints and commands writable; a
    second run adds nothing; the dashboard shows every server's existing entities."""
    rest, socket = apis
    added = await add_servers(rest, servers(wincc_sim))
    assert added == ["HMI_RT_1", "WinCC V7/V8 (REST)"]
    await hass.async_block_till_done()
    assert await add_servers(rest, servers(wincc_sim)) == []
    assert hass.states.get("number.boiler_setpoint") is not None
    assert hass.states.get("switch.pump_1_command") is not None
    config = await install_dashboard(socket)
    assert [view["title"] for view in config["views"]] == ["HMI_RT_1", "WinCC V7/V8 (REST)"]
    shown: list[str] = []
    for view in config["views"]:
        for card in view["cards"]:
            rows = [card] if "entity" in card else card.get("entities", [])
            shown += [row["entity"] if isinstance(row, dict) else row for row in rows]
    missing = [entity for entity in shown if hass.states.get(entity) is None]
    assert not missing
    kinds = [card["type"] for card in config["views"][0]["cards"]]
    assert kinds.count("gauge") == 2
    assert {"entities", "history-graph", "markdown", "button", "thermostat"} <= set(kinds)
    # The controls composed from tags, on both entries.
    for entity_id in ("climate.boiler", "valve.valve_3", "select.oven_program"):
        assert hass.states.get(entity_id) is not None
        assert hass.states.get(f"{entity_id}_2") is not None
    controls = next(c for c in config["views"][0]["cards"] if c.get("title") == "Controls")
    reset = {"entity": "button.pump_1_fault_reset", "name": "Pump 1 fault reset"}
    assert reset in controls["entities"]
    gauge = next(c for c in config["views"][0]["cards"] if c["type"] == "gauge")
    assert gauge["name"] == "Tank 1 level"  # the view names the server, the card not
    setpoints = next(c for c in config["views"][0]["cards"] if c.get("title") == "Setpoints")
    # The oven's setpoint; the boiler's is the thermostat's, the valve's the valve's.
    assert setpoints["entities"] == [{"entity": "number.oven_setpoint", "name": "Oven setpoint"}]
    markdown = next(c for c in config["views"][0]["cards"] if c["type"] == "markdown")
    assert "No active alarms." in Template(markdown["content"], hass).async_render()
    saved = await socket.command("lovelace/config", url_path=URL_PATH)
    assert saved == config
    assert await install_dashboard(socket) == config  # a second run changes nothing


async def test_a_certificate_that_is_not_wincc_sims_is_refused(
    apis: tuple[Rest, Socket], wincc_sim: SimHandle
) -> None:
    """The demo pins only the certificate wincc-sim printed."""
    rest, _ = apis
    unified = servers(wincc_sim)[0]
    stranger = DemoServer(unified.server_type, unified.host, unified.port, "00:11")
    with pytest.raises(FlowError, match="presents"):
        await add_server(rest, stranger)
