"""The WinCC OA backend over the GraphQL application example, against wincc-sim:
login and renewed tokens, reads with OA's status bits, writes, browsing, history."""

from datetime import timedelta

import aiohttp
import pytest

from custom_components.wincc.client import (
    AuthenticationError,
    Capability,
    DataKind,
    OaGraphQLClient,
    PermissionDeniedError,
    Quality,
    ServerType,
    UnsupportedFeatureError,
    detect,
)
from tests.client.conftest import oa_graphql_address as address, server
from tests.conftest import SimHandle

LEVEL = "System1:Tank1.Level"
SETPOINT = "System1:Boiler.Setpoint"


async def test_it_is_detected_and_not_taken_for_unified(
    session: aiohttp.ClientSession, wincc_sim: SimHandle, oa: OaGraphQLClient
) -> None:
    assert await detect(session, address(wincc_sim)) is ServerType.OA_GRAPHQL
    assert await detect(session, server(wincc_sim.unified_url, ssl=False)) is ServerType.UNIFIED
    assert oa.capabilities == {
        Capability.WRITE,
        Capability.BROWSE,
        Capability.HISTORY,
        Capability.ALARMS,
        Capability.PUSH,
    }
    with pytest.raises(UnsupportedFeatureError, match="no operation to acknowledge"):
        await oa.acknowledge([])


async def test_a_wrong_password_is_refused(
    session: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    client = OaGraphQLClient(session, address(wincc_sim), "operator", "x")
    with pytest.raises(AuthenticationError, match="Invalid username or password"):
        await client.login()


async def test_reads_carry_time_and_quality(oa: OaGraphQLClient, wincc_sim: SimHandle) -> None:
    """One dp.get for all; an unknown element fails alone, as unknown."""
    wincc_sim.thread.call(lambda: wincc_sim.runtime.plant.force_quality("Tank2_Level", 0x48))
    values = await oa.read([LEVEL, "System1:Tank2.Level", "ExampleDP_Rpt1.", "System1:Gone.X"])
    assert values[LEVEL].value == wincc_sim.value("Tank1_Level")
    assert values[LEVEL].quality is Quality.GOOD
    assert values[LEVEL].timestamp is not None
    assert values["System1:Tank2.Level"].quality is Quality.UNCERTAIN
    assert values["ExampleDP_Rpt1."].value == 10.6
    gone = values["System1:Gone.X"].error
    assert gone is not None
    assert gone.unknown


async def test_a_refused_token_leads_to_a_new_login(
    oa: OaGraphQLClient, wincc_sim: SimHandle
) -> None:
    """Tokens expire after 20 idle minutes; the next read logs in again and succeeds."""
    wincc_sim.advance(21 * 60)
    values = await oa.read([LEVEL])
    assert values[LEVEL].ok


async def test_writes_and_what_a_viewer_may_not(
    oa: OaGraphQLClient, session: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    written = await oa.write({SETPOINT: 71.0}, kinds={SETPOINT: DataKind.FLOAT})
    assert written[SETPOINT].error is None
    assert wincc_sim.value("Boiler.Setpoint") == 71.0
    viewer = OaGraphQLClient(session, address(wincc_sim), "viewer", "viewer")
    try:
        await viewer.login()
        with pytest.raises(PermissionDeniedError, match="Read-only users"):
            await viewer.write({SETPOINT: 5.0}, kinds={SETPOINT: DataKind.FLOAT})
    finally:
        await viewer.close()
    assert wincc_sim.value("Boiler.Setpoint") == 71.0


async def test_browsing_finds_elements_with_their_kinds(oa: OaGraphQLClient) -> None:
    """A pattern without a dot: the elements of the datapoints it matches; with one, the
    elements it matches. Kinds come from the element types."""
    found = {info.name: info for info in await oa.browse("Tank1")}
    assert set(found) == {
        "System1:Tank1.Level",
        "System1:Tank1.Temperature",
        "System1:Tank1.InletValve",
    }
    assert found[LEVEL].kind is DataKind.FLOAT
    assert found["System1:Tank1.InletValve"].kind is DataKind.BOOL
    assert found[LEVEL].structure == "System1:Tank1"
    (pump,) = await oa.browse("Pump1.Command")
    assert pump.kind is DataKind.BOOL
    examples = await oa.browse("ExampleDP_Rpt*")
    assert {e.name for e in examples} == {f"System1:ExampleDP_Rpt{i}." for i in range(1, 5)}


async def test_history(oa: OaGraphQLClient, wincc_sim: SimHandle) -> None:
    wincc_sim.advance(60)
    end = wincc_sim.runtime.plant.time
    rows = await oa.history(LEVEL, end - timedelta(seconds=30), end)
    assert len(rows) >= 3
    assert [r.timestamp for r in rows] == sorted(r.timestamp for r in rows)
    assert len(await oa.history(LEVEL, end - timedelta(seconds=30), None, max_values=2)) == 2
