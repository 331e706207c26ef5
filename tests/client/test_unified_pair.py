"""A redundant pair of WinCC Unified hosts, followed as one client (against wincc-sim's
redundant pair)."""

import asyncio
from collections.abc import AsyncIterator
import logging
import ssl

import aiohttp
import pytest

from custom_components.wincc.client import (
    InvalidArgumentError,
    ServerType,
    UnifiedPairClient,
    WinCCConnectionError,
    create_client,
)
from simulator.runtime import RuntimeOptions
from tests.client.conftest import MonotonicClock, server
from tests.client.test_push import QUICK, Recorder, stop
from tests.conftest import SimHandle

LEVEL = "HMI_RT_1::Tank1_Level"


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """A redundant pair."""
    return RuntimeOptions(redundant=True)


@pytest.fixture
async def pair(
    session: aiohttp.ClientSession,
    wincc_sim: SimHandle,
    sim_ssl: ssl.SSLContext,
    monotonic: MonotonicClock,
) -> AsyncIterator[UnifiedPairClient]:
    """A client of both hosts, logged in."""
    assert wincc_sim.partner_url is not None
    client = UnifiedPairClient(
        session,
        server(wincc_sim.unified_url, sim_ssl),
        server(wincc_sim.partner_url, sim_ssl),
        "operator",
        "operator",
        monotonic=monotonic,
    )
    await client.login()
    yield client
    await client.close()


async def test_a_lost_active_host_is_followed_within_the_same_read(
    pair: UnifiedPairClient, wincc_sim: SimHandle, caplog: pytest.LogCaptureFixture
) -> None:
    """Host 0 answers first; when it is lost the read goes to host 1, which took over,
    and says so once; the values and alarm instances are the same there."""
    assert pair.active_host == wincc_sim.unified_url
    wincc_sim.write("Pump1_Fault", True)
    before = await pair.active_alarms()
    wincc_sim.redundancy(lose=0)
    with caplog.at_level(logging.WARNING):
        values = await pair.read([LEVEL])
    assert values[LEVEL].error is None
    assert pair.active_host == wincc_sim.partner_url
    assert pair.failovers == 1
    assert "Following the active WinCC host" in caplog.text
    assert [a.key for a in await pair.active_alarms()] == [a.key for a in before]
    wincc_sim.redundancy(restore=0)
    await pair.read([LEVEL])
    assert pair.active_host == wincc_sim.partner_url  # host 0 came back passive


async def test_a_switchover_is_followed_at_the_next_check(
    pair: UnifiedPairClient, wincc_sim: SimHandle, monotonic: MonotonicClock
) -> None:
    """Both hosts run; the one in use turns PASSIVE: the next check moves on."""
    wincc_sim.redundancy(switch_over=True)
    await pair.read([LEVEL])
    assert pair.active_host == wincc_sim.unified_url  # not asked again yet
    monotonic.now += 31
    await pair.read([LEVEL])
    assert pair.active_host == wincc_sim.partner_url


async def test_with_both_hosts_lost_the_error_stays(
    pair: UnifiedPairClient, wincc_sim: SimHandle
) -> None:
    """Nothing to follow: the read fails as a connection error, and the host stays."""
    wincc_sim.redundancy(lose=1)
    wincc_sim.redundancy(lose=0)
    with pytest.raises(WinCCConnectionError):
        await pair.read([LEVEL])
    assert pair.active_host == wincc_sim.unified_url
    assert pair.failovers == 0


async def test_pushed_values_follow_the_active_host(
    pair: UnifiedPairClient, wincc_sim: SimHandle
) -> None:
    """The subscriptions watch reduState: a switchover ends them on the passive host,
    and they resume on the active one; a lost host the same."""
    recorder = Recorder()
    feed = pair.push(recorder, [LEVEL], None, backoff=QUICK)
    task = asyncio.create_task(feed.run())
    await recorder.until(lambda: recorder.started == 1)
    wincc_sim.redundancy(switch_over=True)
    await recorder.until(lambda: recorder.started == 2)
    assert pair.active_host == wincc_sim.partner_url
    assert "passive" in str(recorder.lost[0])
    wincc_sim.redundancy(lose=1)
    await recorder.until(lambda: recorder.started == 3)
    assert pair.active_host == wincc_sim.unified_url
    wincc_sim.write("Tank1_Level", 42.0)
    await recorder.until(lambda: recorder.values[-1].value == 42.0)
    await stop(task)


async def test_only_unified_has_pairs(session: aiohttp.ClientSession) -> None:
    """A partner for a classic server is refused; without one, no pair client."""
    address = server("https://127.0.0.1:1")
    with pytest.raises(InvalidArgumentError):
        create_client(ServerType.CLASSIC, session, address, "u", "p", partner=address)
    assert isinstance(
        create_client(ServerType.UNIFIED, session, address, "u", "p", partner=address),
        UnifiedPairClient,
    )
    single = create_client(ServerType.UNIFIED, session, address, "u", "p")
    assert not isinstance(single, UnifiedPairClient)
    assert single.redundant is False  # type: ignore[attr-defined]


async def test_hosts_without_redu_state_are_followed_when_lost(
    pair: UnifiedPairClient, wincc_sim: SimHandle, caplog: pytest.LogCaptureFixture
) -> None:
    """Runtimes that cannot tell their role: the partner is taken only once the host
    in use is lost, and the subscriptions run without reduState."""
    wincc_sim.faults(redu_state_unsupported=True)
    recorder = Recorder()
    feed = pair.push(recorder, [LEVEL], None, backoff=QUICK)
    task = asyncio.create_task(feed.run())
    await recorder.until(lambda: recorder.started == 1 and len(recorder.values) == 1)
    wincc_sim.write("Tank1_Level", 43.0)
    await recorder.until(lambda: recorder.values[-1].value == 43.0)
    await stop(task)
    assert "has no reduState subscription" in caplog.text
    wincc_sim.redundancy(lose=0)
    await pair.read([LEVEL])
    assert pair.active_host == wincc_sim.partner_url
