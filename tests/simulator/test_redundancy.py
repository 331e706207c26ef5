"""A redundant pair of WinCC Unified hosts: reduState on each, switchover, a lost host."""

from collections.abc import AsyncIterator
import json
from typing import Any

import aiohttp
import pytest

from simulator.runtime import RuntimeOptions
from tests.conftest import SimHandle
from tests.simulator.conftest import GraphQL
from tests.simulator.test_unified_subscriptions import receive, start

REDU = "subscription{reduState{value{value timestamp} notificationReason}}"


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """A redundant pair."""
    return RuntimeOptions(redundant=True)


@pytest.fixture
async def partner(http: aiohttp.ClientSession, wincc_sim: SimHandle) -> GraphQL:
    """GraphQL against the pair's second host, logged in."""
    assert wincc_sim.partner_url is not None
    handle = GraphQL(http, wincc_sim, f"{wincc_sim.partner_url}/graphql")
    await handle.login()
    return handle


async def _redu_socket(
    http: aiohttp.ClientSession, url: str, token: str
) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    async with http.ws_connect(
        f"{url}/graphql".replace("https", "wss"), protocols=("graphql-transport-ws",)
    ) as ws:
        await start(ws, token)
        await ws.send_json({"id": "r", "type": "subscribe", "payload": {"query": REDU}})
        yield ws


def _state(message: dict[str, Any]) -> tuple[str, str]:
    notification = message["payload"]["data"]["reduState"]
    return notification["value"]["value"], notification["notificationReason"]


async def test_each_host_reports_its_role_and_every_change(
    http: aiohttp.ClientSession, gql: GraphQL, partner: GraphQL, wincc_sim: SimHandle
) -> None:
    """Host 0 starts ACTIVE, host 1 PASSIVE; a switchover is Modified on both."""
    assert gql.token is not None
    assert partner.token is not None
    assert wincc_sim.partner_url is not None
    first = _redu_socket(http, wincc_sim.unified_url, gql.token)
    second = _redu_socket(http, wincc_sim.partner_url, partner.token)
    ws_a, ws_b = await anext(first), await anext(second)
    assert _state(await receive(ws_a)) == ("ACTIVE", "Added")
    assert _state(await receive(ws_b)) == ("PASSIVE", "Added")
    wincc_sim.redundancy(switch_over=True)
    assert _state(await receive(ws_a)) == ("PASSIVE", "Modified")
    assert _state(await receive(ws_b)) == ("ACTIVE", "Modified")
    await first.aclose()
    await second.aclose()


async def test_a_lost_active_host_hands_over_and_answers_nothing(
    http: aiohttp.ClientSession, gql: GraphQL, partner: GraphQL, wincc_sim: SimHandle
) -> None:
    """The lost host cuts its sockets and requests; the partner is ACTIVE with the same
    plant and the same alarm instances; restored, the lost host comes back PASSIVE."""
    assert partner.token is not None
    assert wincc_sim.partner_url is not None
    wincc_sim.write("Pump1_Fault", True)
    second = _redu_socket(http, wincc_sim.partner_url, partner.token)
    ws_b = await anext(second)
    assert _state(await receive(ws_b)) == ("PASSIVE", "Added")
    wincc_sim.redundancy(lose=0)
    assert _state(await receive(ws_b)) == ("ACTIVE", "Modified")
    with pytest.raises(aiohttp.ClientError):
        await gql.post("{activeAlarms{name}}")
    alarms = await partner.data("{activeAlarms{name instanceID}}")
    assert alarms["activeAlarms"] == [{"name": "HMI_RT_1::Pump1_Fault", "instanceID": 1}]
    async with http.get(f"{wincc_sim.unified_url}/_sim/state") as response:
        assert (await response.json())["redundancy"] == {"active": 1, "lost": [0]}
    with pytest.raises(ValueError, match="lost"):
        wincc_sim.redundancy(switch_over=True)
    wincc_sim.redundancy(restore=0)
    status, _ = await gql.post("{activeAlarms{name}}")
    assert status == 200
    await second.aclose()


@pytest.mark.parametrize(
    ("body", "status"),
    [({"lose": 2}, 400), ({"restore": True}, 400), ({"lose": 1}, 200), ({}, 200)],
)
async def test_the_redundancy_control(
    http: aiohttp.ClientSession, wincc_sim: SimHandle, body: dict[str, Any], status: int
) -> None:
    """Hosts are 0 and 1; anything else is refused."""
    async with http.post(f"{wincc_sim.unified_url}/_sim/redundancy", json=body) as response:
        assert response.status == status


async def test_a_switchover_to_a_lost_host_is_refused(
    http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """The control says why."""
    wincc_sim.redundancy(lose=1)
    async with http.post(
        f"{wincc_sim.unified_url}/_sim/redundancy", json={"switch_over": True}
    ) as response:
        assert response.status == 400
        assert "lost" in await response.text()
    wincc_sim.redundancy(restore=1, lose=0)
    assert json.loads(json.dumps(wincc_sim.runtime.redundancy.as_dict())) == {  # type: ignore[union-attr]
        "active": 1,
        "lost": [0],
    }
