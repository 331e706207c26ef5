"""Reads are split into chunks: 10,000 tags in ten requests, on both backends."""

import ssl

import aiohttp
import pytest

from custom_components.wincc.client import ClassicClient, UnifiedClient
from simulator.runtime import RuntimeOptions
from tests.client.conftest import RequestCounter, server
from tests.conftest import SimHandle

COUNT = 10_000


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """The demo plant plus 10,000 synthetic tags."""
    return RuntimeOptions(extra_tags=COUNT)


async def test_unified_reads_ten_thousand_tags_in_chunks(
    wincc_sim: SimHandle,
    session: aiohttp.ClientSession,
    sim_ssl: ssl.SSLContext,
    requests: RequestCounter,
) -> None:
    """1,000 names per request: ten requests after the login, every tag answered."""
    client = UnifiedClient(session, server(wincc_sim.unified_url, sim_ssl), "operator", "operator")
    await client.login()
    before = requests.count
    names = [f"HMI_RT_1::Extra_{i:05d}" for i in range(1, COUNT + 1)]
    values = await client.read([*names, names[0]])  # a duplicate is read once
    assert requests.count - before == 10
    assert list(values) == names
    assert all(v.ok for v in values.values())
    await client.close()


async def test_classic_reads_ten_thousand_tags_in_chunks(
    wincc_sim: SimHandle,
    session: aiohttp.ClientSession,
    sim_ssl: ssl.SSLContext,
    requests: RequestCounter,
) -> None:
    """1,000 names per POST: ten requests, every tag answered."""
    client = ClassicClient(
        session,
        server(wincc_sim.classic_url, sim_ssl),
        "operator",
        "operator",
        chunk_size=1000,
    )
    names = [f"Extra_{i:05d}" for i in range(1, COUNT + 1)]
    values = await client.read(names)
    assert requests.count == 10
    assert list(values) == names
    assert all(v.ok for v in values.values())
    await client.close()


async def test_at_most_four_requests_in_flight(
    wincc_sim: SimHandle, sim_ssl: ssl.SSLContext
) -> None:
    """Twenty chunks against a slow server: never more than four requests at once."""
    in_flight = peak = 0

    async def started(*_args: object) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)

    async def ended(*_args: object) -> None:
        nonlocal in_flight
        in_flight -= 1

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(started)
    trace.on_request_end.append(ended)
    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        client = ClassicClient(
            session,
            server(wincc_sim.classic_url, sim_ssl),
            "operator",
            "operator",
            chunk_size=50,
        )
        wincc_sim.faults(latency_ms=50)
        values = await client.read([f"Extra_{i:05d}" for i in range(1, 1001)])
    assert len(values) == 1000
    assert peak == 4
