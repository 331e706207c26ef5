"""wincc-sim's subscriptions of the WinCC OA example over ``graphql-transport-ws``:
``tagSubscribe`` answers, then follows changes; the rest is "not simulated"."""

from typing import Any

import aiohttp
import pytest

from tests.conftest import SimHandle
from tests.simulator.conftest import GraphQL
from tests.simulator.test_oa_graphql import log_in

TAGS = (
    "subscription($n:[String!]!){tagSubscribe(dpeNames:$n,answer:true)"
    "{tags{name value timestamp status{value on}} type error}}"
)


async def receive(ws: aiohttp.ClientWebSocketResponse) -> Any:
    return await ws.receive_json(timeout=5)


@pytest.fixture
async def token(wincc_sim: SimHandle) -> str:
    async with aiohttp.ClientSession() as session:
        client = GraphQL(session, wincc_sim, f"{wincc_sim.oa_graphql_url}/graphql")
        await log_in(client)
        assert client.token is not None
        return client.token


async def connect(
    session: aiohttp.ClientSession, sim: SimHandle, token: str
) -> aiohttp.ClientWebSocketResponse:
    ws = await session.ws_connect(
        f"{sim.oa_graphql_url.replace('http', 'ws')}/graphql", protocols=("graphql-transport-ws",)
    )
    assert ws.protocol == "graphql-transport-ws"
    await ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    assert (await receive(ws))["type"] == "connection_ack"
    return ws


async def test_tag_subscribe_answers_then_follows_changes(wincc_sim: SimHandle, token: str) -> None:
    names = ["System1:Boiler.Setpoint", "ExampleDP_Rpt1."]
    async with aiohttp.ClientSession() as session:
        ws = await connect(session, wincc_sim, token)
        await ws.send_json({"type": "ping"})
        assert await receive(ws) == {"type": "pong"}
        await ws.send_json(
            {"id": "1", "type": "subscribe", "payload": {"query": TAGS, "variables": {"n": names}}}
        )
        first = (await receive(ws))["payload"]["data"]["tagSubscribe"]
        assert first["type"] == "1"
        assert [t["name"] for t in first["tags"]] == names
        assert first["tags"][1]["value"] == 10.6
        assert "ACTIVE" in first["tags"][0]["status"]["on"]
        wincc_sim.write("Boiler.Setpoint", 66.0)
        change = (await receive(ws))["payload"]["data"]["tagSubscribe"]
        assert change["type"] == "0"
        assert change["tags"][0]["value"] == 66.0
        assert len(change["tags"]) == 2  # every element again, as dpConnect calls back
        await ws.close()


async def test_what_is_refused(wincc_sim: SimHandle, token: str) -> None:
    """A bad token closes with 4403; an unknown element and dpConnect are errors."""
    async with aiohttp.ClientSession() as session:
        ws = await connect(session, wincc_sim, token)
        unknown = {"query": TAGS, "variables": {"n": ["System1:Nope.X"]}}
        await ws.send_json({"id": "1", "type": "subscribe", "payload": unknown})
        error = await receive(ws)
        assert error["type"] == "error"
        assert error["payload"][0]["message"].startswith("Failed to subscribe")
        connect_query = 'subscription{dpConnect(dpeNames:["Tank1.Level"]){values}}'
        await ws.send_json({"id": "2", "type": "subscribe", "payload": {"query": connect_query}})
        error = await receive(ws)
        assert error["payload"][0]["message"] == (
            "Not simulated by wincc-sim: Subscription.dpConnect"
        )
        await ws.close()
        ws = await session.ws_connect(
            f"{wincc_sim.oa_graphql_url.replace('http', 'ws')}/graphql",
            protocols=("graphql-transport-ws",),
        )
        bad = {"Authorization": "Bearer nope"}
        await ws.send_json({"type": "connection_init", "payload": bad})
        closed = await ws.receive(timeout=5)
        assert (closed.type, closed.data) == (aiohttp.WSMsgType.CLOSE, 4403)
