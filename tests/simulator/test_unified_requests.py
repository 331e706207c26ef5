"""Bad GraphQL requests get GraphQL errors and the right status, never a traceback."""

import json

import aiohttp
import pytest

from tests.conftest import SimHandle
from tests.simulator.conftest import GraphQL


@pytest.mark.parametrize(
    "query",
    [
        "{tagValues(names:[",  # malformed GraphQL
        '{tagValues(names:["a"]){nope}}',  # unknown field
        "{tagValues(names:5){name}}",  # wrong type
        '{tagValues(names:["a"])}',  # missing selection
    ],
)
async def test_invalid_documents_are_400(gql: GraphQL, query: str) -> None:
    """Parse and validation errors answer 400 with a message and location."""
    status, body = await gql.post(query)
    assert status == 400
    assert body["errors"][0]["message"]
    assert "data" not in body


async def test_wrong_variable_type(gql: GraphQL) -> None:
    """A variable of the wrong type is an execution error, not a crash."""
    status, body = await gql.post(
        'mutation($v:Variant!){writeTagValues(input:[{name:"HMI_RT_1::Batch_Name",value:$v}]){name}}',
        {"v": {"an": "object"}},
    )
    assert status == 200
    assert "Variant" in body["errors"][0]["message"]
    status, body = await gql.post(
        'mutation{writeTagValues(input:[{name:"HMI_RT_1::Batch_Name",value:{a:1}}]){name}}'
    )
    assert status == 400


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b'{"query": 5}', 400),
        (b'{"query": "{session{token}}", "variables": [1]}', 400),
        (json.dumps({"query": "x" * (5 * 1024 * 1024)}).encode(), 413),
    ],
)
async def test_bad_bodies(
    http: aiohttp.ClientSession, wincc_sim: SimHandle, raw: bytes, status: int
) -> None:
    """Non-JSON, wrong shapes and oversized bodies get GraphQL-style errors."""
    async with http.post(
        wincc_sim.graphql_url, data=raw, headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == status
        assert (await response.json())["errors"][0]["message"]


async def test_get_without_upgrade(http: aiohttp.ClientSession, wincc_sim: SimHandle) -> None:
    """A plain GET on /graphql is not a WebSocket upgrade and is refused."""
    async with http.get(wincc_sim.graphql_url) as response:
        assert response.status == 400


async def test_answers_report_server_timing(
    gql: GraphQL, http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """Every answer carries the handling time, which the benchmarks read."""
    async with http.post(wincc_sim.graphql_url, json={"query": "{session{token}}"}) as response:
        assert response.headers["Server-Timing"].startswith("app;dur=")
