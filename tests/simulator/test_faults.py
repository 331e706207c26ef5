"""Faults switch on and off while the server runs, through the control endpoints."""

import asyncio
from datetime import UTC, datetime
import json
from typing import Any

import aiohttp
import pytest

from tests.conftest import SimHandle
from tests.simulator.conftest import Classic, GraphQL

READ = '{tagValues(names:["HMI_RT_1::Tank1_Level"]){value{value}}}'


async def _control(
    http: aiohttp.ClientSession, sim: SimHandle, method: str, path: str, body: Any = None
) -> tuple[int, Any]:
    async with http.request(method, f"{sim.unified_url}/_sim/{path}", json=body) as response:
        text = await response.text()
        return response.status, json.loads(
            text
        ) if response.content_type == "application/json" else text


async def test_error_rate_500_and_503_with_retry_after(
    http: aiohttp.ClientSession, wincc_sim: SimHandle, gql: GraphQL, classic: Classic
) -> None:
    """An error rate of 1 fails every request with the chosen status; 0 heals."""
    status, faults = await _control(http, wincc_sim, "PUT", "faults", {"error_rate": 1})
    assert (status, faults["error_rate"]) == (200, 1)
    assert (await gql.post(READ))[0] == 500
    assert (await classic.request("GET", "tagManagement/Value/Tank1_Level"))[0] == 500
    await _control(http, wincc_sim, "PUT", "faults", {"error_status": 503, "retry_after": 7})
    async with http.post(wincc_sim.graphql_url, json={"query": READ}) as response:
        assert response.status == 503
        assert response.headers["Retry-After"] == "7"
    await _control(http, wincc_sim, "PUT", "faults", {"error_rate": 0})
    assert (await gql.post(READ))[0] == 200


async def test_dropped_connections(
    http: aiohttp.ClientSession, wincc_sim: SimHandle, gql: GraphQL
) -> None:
    """A drop rate of 1 closes every connection without an answer."""
    wincc_sim.faults(drop_rate=1.0)
    with pytest.raises(aiohttp.ClientError):
        await gql.post(READ)
    wincc_sim.faults(drop_rate=0.0)
    assert (await gql.post(READ))[0] == 200


async def test_malformed_json(
    http: aiohttp.ClientSession, wincc_sim: SimHandle, gql: GraphQL, classic: Classic
) -> None:
    """A malformed rate of 1 answers 200 with a broken JSON body."""
    wincc_sim.faults(malformed_rate=1.0)
    with pytest.raises(json.JSONDecodeError):
        await gql.post(READ)
    status, body = await classic.request("GET", "tagManagement/Value/Tank1_Level")
    assert status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    wincc_sim.faults(malformed_rate=0.0)
    assert (await gql.post(READ))[0] == 200


async def test_latency(http: aiohttp.ClientSession, wincc_sim: SimHandle, gql: GraphQL) -> None:
    """With a long latency a short client timeout expires; without it the call succeeds."""
    wincc_sim.faults(latency_ms=5000, jitter_ms=10)
    timeout = aiohttp.ClientTimeout(total=0.3)
    with pytest.raises(asyncio.TimeoutError):
        async with http.post(wincc_sim.graphql_url, json={"query": READ}, timeout=timeout):
            pass
    wincc_sim.faults(latency_ms=0, jitter_ms=0)
    assert (await gql.post(READ))[0] == 200


async def test_pause_and_resume(
    http: aiohttp.ClientSession, wincc_sim: SimHandle, gql: GraphQL, classic: Classic
) -> None:
    """A stopped runtime answers 503 on both faces; control paths still work."""
    assert (await _control(http, wincc_sim, "POST", "pause"))[1] == {"paused": True}
    assert (await gql.post(READ))[0] == 503
    assert (await classic.request("GET", "tagManagement/Value/Tank1_Level"))[0] == 503
    _status, state = await _control(http, wincc_sim, "GET", "state")
    assert state["faults"]["paused"] is True
    await _control(http, wincc_sim, "POST", "resume")
    assert (await gql.post(READ))[0] == 200


async def test_invalidate_sessions_and_restart(
    http: aiohttp.ClientSession, wincc_sim: SimHandle, gql: GraphQL
) -> None:
    """Invalidating ends every token; a restart does too, and re-raises alarms."""
    assert (await _control(http, wincc_sim, "POST", "sessions/invalidate"))[1] == {"invalidated": 1}
    status, body = await gql.post(READ)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await gql.login()
    status, _ = await _control(http, wincc_sim, "POST", "tags/Pump1_Fault", {"value": True})
    status, state = await _control(http, wincc_sim, "POST", "restart")
    assert (status, state["activeAlarms"]) == (200, 1)
    status, body = await gql.post(READ)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_clock_and_tag_controls(http: aiohttp.ClientSession, wincc_sim: SimHandle) -> None:
    """The clock advances; tags take forced values and qualities."""
    status, state = await _control(http, wincc_sim, "POST", "clock/advance", {"seconds": 60})
    assert status == 200
    assert (state["time"], state["frozenClock"], state["tags"]) == (
        "2026-05-01T10:01:00.000Z",
        True,
        26,
    )
    _status, tag = await _control(http, wincc_sim, "POST", "tags/Tank1_Level", {"quality": 8})
    assert tag["quality"] == 8
    _status, tag = await _control(http, wincc_sim, "POST", "tags/Tank1_Level", {"quality": None})
    assert tag["quality"] == 0xC0


async def test_many_tags_written_at_once(http: aiohttp.ClientSession, wincc_sim: SimHandle) -> None:
    """One control request writes several tags; a bad one is refused with its reason."""
    status, answer = await _control(
        http, wincc_sim, "POST", "tags", {"values": {"Tank1_Level": 12.5, "Pump1_Command": False}}
    )
    assert (status, answer) == (200, {"written": 2})
    assert (wincc_sim.value("Tank1_Level"), wincc_sim.value("Pump1_Command")) == (12.5, False)
    status, _ = await _control(http, wincc_sim, "POST", "tags", {"values": {"Nope": 1}})
    assert status == 404
    status, _ = await _control(http, wincc_sim, "POST", "tags", {"values": {"Oven_Setpoint": 1000}})
    assert status == 400


async def test_a_controller_clock_behind_the_servers(
    http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """Alarms are stamped by the controller's clock; tag values keep the server's."""
    status, state = await _control(
        http, wincc_sim, "PUT", "controller-clock", {"behind_seconds": 3}
    )
    assert (status, state["controllerClockBehindSeconds"]) == (200, 3.0)
    await _control(http, wincc_sim, "POST", "tags/Conveyor_Running", {"value": False})
    raised = wincc_sim.thread.call(
        lambda: [i.raise_time for i in wincc_sim.runtime.plant.alarms.active.values()]
    )
    assert raised == [datetime(2026, 5, 1, 9, 59, 57, tzinfo=UTC)]


async def test_rename_control(http: aiohttp.ClientSession, wincc_sim: SimHandle) -> None:
    """A tag renamed through the control endpoint answers under its new name only."""
    status, body = await _control(
        http, wincc_sim, "POST", "tags/Batch_Name/rename", {"to": "Batch_Id"}
    )
    assert (status, body) == (200, {"name": "Batch_Id"})
    assert wincc_sim.value("Batch_Id") == "BATCH-0001"
    assert wincc_sim.runtime.plant.renamed == {"Batch_Name": "Batch_Id"}


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("PUT", "faults", {"error_rate": 2}, 400),
        ("PUT", "faults", {"error_rate": "x"}, 400),
        ("PUT", "faults", {"latency_ms": -1}, 400),
        ("PUT", "faults", {"error_status": 404}, 400),
        ("PUT", "faults", {"retry_after": -1}, 400),
        ("PUT", "faults", {"paused": "yes"}, 400),
        ("PUT", "faults", {"nonsense": 1}, 400),
        ("PUT", "faults", [1], 400),
        ("POST", "clock/advance", {"seconds": -5}, 400),
        ("PUT", "controller-clock", {"behind_seconds": "3"}, 400),
        ("POST", "tags", {"values": [1]}, 400),
        ("POST", "tags/Nope", {"value": 1}, 404),
        ("POST", "tags/Tank1_Level", {"value": "x"}, 400),
        ("POST", "tags/Tank1_Level", {"quality": 300}, 400),
        ("POST", "tags/Tank1_Level/rename", {}, 400),
        ("POST", "tags/Nope/rename", {"to": "Other"}, 404),
        ("POST", "tags/Tank1_Level/rename", {"to": "Tank2_Level"}, 409),
    ],
)
async def test_control_validation(
    http: aiohttp.ClientSession,
    wincc_sim: SimHandle,
    method: str,
    path: str,
    body: Any,
    status: int,
) -> None:
    """Bad control requests are refused and change nothing."""
    assert (await _control(http, wincc_sim, method, path, body))[0] == status
    assert wincc_sim.runtime.faults.error_rate == 0


async def test_control_rejects_bad_json(http: aiohttp.ClientSession, wincc_sim: SimHandle) -> None:
    """The control API wants JSON objects."""
    async with http.put(f"{wincc_sim.unified_url}/_sim/faults", data=b"{oops") as response:
        assert response.status == 400


async def test_password_change(
    http: aiohttp.ClientSession, wincc_sim: SimHandle, classic: Classic
) -> None:
    """A password changed on the server refuses the old one from then on."""
    assert (await _control(http, wincc_sim, "PUT", "users/operator", {"password": "n3w"}))[0] == 200
    assert (await classic.request("GET", "tagManagement/Value/Tank1_Level"))[0] == 401
    assert (await _control(http, wincc_sim, "PUT", "users/nobody", {"password": "x"}))[0] == 404
    assert (await _control(http, wincc_sim, "PUT", "users/operator", {"password": ""}))[0] == 400
