"""Unified subscriptions over WebSocket (graphql-transport-ws)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import json
from typing import Any

import aiohttp
import pytest

from tests.conftest import SimHandle
from tests.simulator.conftest import GraphQL

TAGS = """subscription($n:[String!]!){tagValues(names:$n){name value{value timestamp
  quality{quality}} error{code description} notificationReason}}"""
ALARMS = """subscription($f:String){activeAlarms(filterString:$f){name instanceID state
  notificationReason}}"""


@asynccontextmanager
async def socket(
    http: aiohttp.ClientSession,
    sim: SimHandle,
    protocols: tuple[str, ...] = ("graphql-transport-ws",),
) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    """A WebSocket to the simulator's GraphQL endpoint."""
    async with http.ws_connect(sim.graphql_url.replace("https", "wss"), protocols=protocols) as ws:
        yield ws


async def receive(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    """The next protocol message."""
    message = await ws.receive(timeout=10)
    assert message.type is aiohttp.WSMsgType.TEXT, message
    return json.loads(message.data)  # type: ignore[no-any-return]


async def expect_close(ws: aiohttp.ClientWebSocketResponse, code: int) -> None:
    """The server closes the socket with ``code``."""
    message = await ws.receive(timeout=10)
    assert message.type is aiohttp.WSMsgType.CLOSE, message
    assert message.data == code


async def start(ws: aiohttp.ClientWebSocketResponse, token: str) -> None:
    """connection_init with the token; expect connection_ack."""
    await ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    assert await receive(ws) == {"type": "connection_ack"}


async def test_tag_subscription_added_then_modified(
    gql: GraphQL, http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """Every tag first gets Added (even a failing one), then Modified on change."""
    assert gql.token is not None
    async with socket(http, wincc_sim) as ws:
        await start(ws, gql.token)
        names = ["HMI_RT_1::Conveyor_Speed", "HMI_RT_1::Nope"]
        await ws.send_json(
            {"id": "1", "type": "subscribe", "payload": {"query": TAGS, "variables": {"n": names}}}
        )
        first, second = await receive(ws), await receive(ws)
        assert first["id"] == "1"
        assert first["type"] == "next"
        speed = first["payload"]["data"]["tagValues"]
        assert speed["notificationReason"] == "Added"
        assert speed["value"]["value"] == 1.5
        unknown = second["payload"]["data"]["tagValues"]
        assert unknown["notificationReason"] == "Added"
        assert unknown["error"]["code"] == "2"
        wincc_sim.write("Conveyor_Speed", 3.0)
        changed = (await receive(ws))["payload"]["data"]["tagValues"]
        assert changed["notificationReason"] == "Modified"
        assert changed["name"] == "HMI_RT_1::Conveyor_Speed"
        assert changed["value"]["value"] == 3.0
        await ws.send_json({"id": "1", "type": "complete"})
        wincc_sim.write("Conveyor_Speed", 4.0)
        await ws.send_json(
            {
                "id": "2",
                "type": "subscribe",
                "payload": {"query": TAGS, "variables": {"n": ["HMI_RT_1::Batch_Name"]}},
            }
        )
        following = await receive(ws)
        assert following["id"] == "2"


async def test_alarm_subscription_added_modified_removed(
    gql: GraphQL, http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """Per alarm instance: Added, Modified on acknowledge, Removed when it leaves."""
    assert gql.token is not None
    wincc_sim.write("Conveyor_Running", False)
    async with socket(http, wincc_sim) as ws:
        await start(ws, gql.token)
        await ws.send_json(
            {
                "id": "a",
                "type": "subscribe",
                "payload": {"query": ALARMS, "variables": {"f": "Priority > 5"}},
            }
        )
        wincc_sim.write("Pump1_Fault", True)
        added = (await receive(ws))["payload"]["data"]["activeAlarms"]
        assert added == {
            "name": "HMI_RT_1::Pump1_Fault",
            "instanceID": 1,
            "state": "RAISED",
            "notificationReason": "Added",
        }
        await gql.data(
            'mutation{acknowledgeAlarms(input:[{name:"HMI_RT_1::Pump1_Fault"}]){error{code}}}'
        )
        modified = (await receive(ws))["payload"]["data"]["activeAlarms"]
        assert modified["state"] == "RAISED_ACKNOWLEDGED"
        assert modified["notificationReason"] == "Modified"
        wincc_sim.write("Pump1_Fault", False)
        removed = (await receive(ws))["payload"]["data"]["activeAlarms"]
        assert removed["notificationReason"] == "Removed"
        assert removed["state"] == "NORMAL"


async def test_alarm_subscription_starts_with_current_alarms(
    gql: GraphQL, http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """Instances active when subscribing arrive as Added; a state filter drops them later."""
    assert gql.token is not None
    wincc_sim.write("Pump1_Fault", True)
    async with socket(http, wincc_sim) as ws:
        await start(ws, gql.token)
        await ws.send_json(
            {
                "id": "a",
                "type": "subscribe",
                "payload": {"query": ALARMS, "variables": {"f": "State = 'RAISED'"}},
            }
        )
        added = (await receive(ws))["payload"]["data"]["activeAlarms"]
        assert added["notificationReason"] == "Added"
        await gql.data(
            'mutation{acknowledgeAlarms(input:[{name:"HMI_RT_1::Pump1_Fault"}]){error{code}}}'
        )
        removed = (await receive(ws))["payload"]["data"]["activeAlarms"]
        assert removed["notificationReason"] == "Removed"
        assert removed["state"] == "RAISED_ACKNOWLEDGED"


async def test_token_on_the_upgrade_request(
    gql: GraphQL, http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """The Authorization header of the upgrade request is enough for connection_init."""
    url = wincc_sim.graphql_url.replace("https", "wss")
    headers = {"Authorization": f"Bearer {gql.token}"}
    async with http.ws_connect(url, protocols=("graphql-transport-ws",), headers=headers) as ws:
        await ws.send_json({"type": "connection_init"})
        assert await receive(ws) == {"type": "connection_ack"}


async def test_protocol_ping_is_not_understood(
    gql: GraphQL, http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """Quirk of the real runtime: a graphql-ws ping is an invalid message type."""
    assert gql.token is not None
    async with socket(http, wincc_sim) as ws:
        await start(ws, gql.token)
        await ws.send_json({"type": "ping"})
        await expect_close(ws, 4400)


@pytest.mark.parametrize(
    ("messages", "code"),
    [
        ([{"id": "1", "type": "subscribe", "payload": {"query": TAGS}}], 4401),
        ([{"type": "connection_init", "payload": {"Authorization": "Bearer wrong"}}], 4403),
        (["not json"], 4400),
        ([[1, 2]], 4400),
    ],
)
async def test_protocol_violations_close_the_socket(
    http: aiohttp.ClientSession, wincc_sim: SimHandle, messages: list[Any], code: int
) -> None:
    """Subscribing before init, a bad token, or garbage closes with the protocol's codes."""
    async with socket(http, wincc_sim) as ws:
        for message in messages:
            await (ws.send_str(message) if isinstance(message, str) else ws.send_json(message))
        await expect_close(ws, code)


async def test_subscribe_errors_and_duplicates(
    gql: GraphQL, http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """Bad documents answer an error message; a duplicate ID and a second init close."""
    assert gql.token is not None
    async with socket(http, wincc_sim) as ws:
        await start(ws, gql.token)
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": "subscription{"}})
        assert (await receive(ws))["type"] == "error"
        await ws.send_json(
            {"id": "2", "type": "subscribe", "payload": {"query": "subscription{nope}"}}
        )
        assert (await receive(ws))["type"] == "error"
        await ws.send_json({"id": "3", "type": "subscribe", "payload": {"query": TAGS}})
        assert (await receive(ws))["type"] == "error"
        await ws.send_json({"id": 4, "type": "subscribe"})
        await expect_close(ws, 4400)
    async with socket(http, wincc_sim) as ws:
        await start(ws, gql.token)
        payload = {"query": TAGS, "variables": {"n": ["HMI_RT_1::Batch_Name"]}}
        await ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
        await receive(ws)
        await ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
        await expect_close(ws, 4409)
    async with socket(http, wincc_sim) as ws:
        await start(ws, gql.token)
        await ws.send_json({"type": "connection_init"})
        await expect_close(ws, 4429)


async def test_wrong_subprotocol(http: aiohttp.ClientSession, wincc_sim: SimHandle) -> None:
    """Only graphql-transport-ws is spoken."""
    async with socket(http, wincc_sim, protocols=("graphql-ws",)) as ws:
        await expect_close(ws, 4406)


async def test_session_end_and_pause_close_the_socket(
    gql: GraphQL, http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """Invalidated sessions close with 4401; a stopped runtime with 1012."""
    assert gql.token is not None
    async with socket(http, wincc_sim) as ws:
        await start(ws, gql.token)
        wincc_sim.thread.call(wincc_sim.runtime.sessions.invalidate_all)
        await expect_close(ws, 4401)
    token = await gql.login()
    async with socket(http, wincc_sim) as ws:
        await start(ws, token)
        wincc_sim.faults(paused=True)
        await expect_close(ws, 1012)


async def test_websocket_down_cuts_only_the_sockets(
    gql: GraphQL, http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """An open socket is cut and a new one refused with 503; HTTP requests still work."""
    assert gql.token is not None
    async with socket(http, wincc_sim) as ws:
        await start(ws, gql.token)
        wincc_sim.faults(websocket_down=True)
        message = await ws.receive(timeout=10)
        assert message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR), message
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        async with socket(http, wincc_sim):
            pass
    assert refused.value.status == 503
    data = await gql.data('query{tagValues(names:["HMI_RT_1::Batch_Name"]){name}}')
    assert data["tagValues"] == [{"name": "HMI_RT_1::Batch_Name"}]
    wincc_sim.faults(websocket_down=False)
    async with socket(http, wincc_sim) as ws:
        await start(ws, gql.token)


async def test_a_renamed_tag_is_removed_with_name_changed(
    gql: GraphQL, http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """Renaming a tag in the project: its subscription says ``Removed (Name changed)``
    once; the old name is then unknown, the new one reads on, with the same history, and
    alarms on it still come."""
    assert gql.token is not None
    async with socket(http, wincc_sim) as ws:
        await start(ws, gql.token)
        names = ["HMI_RT_1::Tank1_Level", "HMI_RT_1::Batch_Name"]
        await ws.send_json(
            {"id": "1", "type": "subscribe", "payload": {"query": TAGS, "variables": {"n": names}}}
        )
        await receive(ws), await receive(ws)
        wincc_sim.rename("Tank1_Level", "Tank1_Level_PV")
        renamed = (await receive(ws))["payload"]["data"]["tagValues"]
        assert renamed == {
            "name": "HMI_RT_1::Tank1_Level",
            "value": None,
            "error": None,
            "notificationReason": "Removed (Name changed)",
        }
        wincc_sim.write("Batch_Name", "B-2")
        following = (await receive(ws))["payload"]["data"]["tagValues"]
        assert following["name"] == "HMI_RT_1::Batch_Name"  # the old name is not followed
    data = await gql.data(
        '{tagValues(names:["HMI_RT_1::Tank1_Level","HMI_RT_1::Tank1_Level_PV"])'
        "{name value{value} error{code}}}"
    )
    old, new = data["tagValues"]
    assert old["error"]["code"] == "2"
    assert new["error"]["code"] == "0"
    assert new["value"]["value"] == wincc_sim.value("Tank1_Level_PV")
    browsed = await gql.data('{browse(nameFilters:["*::Tank1_Level*"]){name}}')
    assert {row["name"] for row in browsed["browse"]} >= {"HMI_RT_1::Tank1_Level_PV"}
    assert "HMI_RT_1::Tank1_Level" not in {row["name"] for row in browsed["browse"]}
    wincc_sim.write("Tank1_Level_PV", 95.0)
    alarms = await gql.data("{activeAlarms{name}}")
    assert {"name": "HMI_RT_1::Tank1_Level_High"} in alarms["activeAlarms"]
    with pytest.raises(ValueError, match="exists"):
        wincc_sim.rename("Tank2_Level", "Tank1_Level_PV")


async def test_a_runtime_without_a_partner_is_always_active(
    gql: GraphQL, http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """reduState answers ACTIVE once; the redundancy control has nothing to drive."""
    assert gql.token is not None
    async with socket(http, wincc_sim) as ws:
        await start(ws, gql.token)
        query = "subscription{reduState{value{value} notificationReason}}"
        await ws.send_json({"id": "r", "type": "subscribe", "payload": {"query": query}})
        assert (await receive(ws))["payload"]["data"]["reduState"] == {
            "value": {"value": "ACTIVE"},
            "notificationReason": "Added",
        }
    async with http.post(f"{wincc_sim.unified_url}/_sim/redundancy", json={}) as response:
        assert response.status == 404
