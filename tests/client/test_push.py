"""Pushed tag values over WinCC Unified's GraphQL subscription."""

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.wincc.client import (
    AuthenticationError,
    Capability,
    CertificateError,
    ClassicClient,
    ServerBusyError,
    TagValue,
    UnifiedClient,
    UnsupportedFeatureError,
    WinCCConnectionError,
    unified as unified_module,
)
from tests.client.conftest import server
from tests.conftest import SimHandle


async def take(stream: AsyncIterator[TagValue], count: int) -> list[TagValue]:
    """The next ``count`` values."""
    return [await anext(stream) for _ in range(count)]


async def test_values_are_pushed(unified: UnifiedClient, wincc_sim: SimHandle) -> None:
    """Each tag first (a failing one with its error), then every change."""
    assert Capability.PUSH in unified.capabilities
    stream = unified.subscribe(["HMI_RT_1::Conveyor_Speed", "HMI_RT_1::Nope"])
    speed, unknown = await take(stream, 2)
    assert (speed.name, speed.value) == ("HMI_RT_1::Conveyor_Speed", 1.5)
    assert unknown.error is not None
    assert unknown.error.code == "2"
    wincc_sim.write("Conveyor_Speed", 3.0)
    (changed,) = await take(stream, 1)
    assert (changed.name, changed.value) == ("HMI_RT_1::Conveyor_Speed", 3.0)
    await stream.aclose()


@pytest.mark.parametrize(
    ("fault", "error"), [("sessions", AuthenticationError), ("pause", ServerBusyError)]
)
async def test_server_ending_the_subscription(
    unified: UnifiedClient, wincc_sim: SimHandle, fault: str, error: type[Exception]
) -> None:
    """An ended session or a stopped runtime ends the stream with a clear error."""
    stream = unified.subscribe(["HMI_RT_1::Batch_Name"])
    await take(stream, 1)
    if fault == "sessions":
        wincc_sim.thread.call(wincc_sim.runtime.sessions.invalidate_all)
    else:
        wincc_sim.faults(paused=True)
    with pytest.raises(error):
        await take(stream, 1)


async def test_refused_subscriptions(
    unified: UnifiedClient, wincc_sim: SimHandle, session: aiohttp.ClientSession
) -> None:
    """A bad document is refused; an untrusted certificate is reported as such."""
    await unified.login()
    stream = unified.subscribe([])  # an empty list still subscribes; nothing arrives
    await stream.aclose()
    other = UnifiedClient(session, server(wincc_sim.unified_url), "operator", "operator")
    with pytest.raises(CertificateError):
        await anext(other.subscribe(["HMI_RT_1::Batch_Name"]))


async def test_stopped_runtime_refuses_the_socket(
    unified: UnifiedClient, wincc_sim: SimHandle
) -> None:
    """Before the socket opens, a stopped runtime answers 503."""
    await unified.login()
    wincc_sim.faults(paused=True)
    with pytest.raises(ServerBusyError):
        await anext(unified.subscribe(["HMI_RT_1::Batch_Name"]))


async def test_classic_cannot_push(classic: ClassicClient) -> None:
    """The classic service has no push: a clear error."""
    assert Capability.PUSH not in classic.capabilities
    with pytest.raises(UnsupportedFeatureError, match="polled"):
        classic.subscribe(["Batch_Name"])


async def test_dropped_upgrade(unified: UnifiedClient, wincc_sim: SimHandle) -> None:
    """If the socket cannot be opened at all: a connection error."""
    await unified.login()
    wincc_sim.faults(drop_rate=1.0)
    with pytest.raises(WinCCConnectionError):
        await anext(unified.subscribe(["HMI_RT_1::Batch_Name"]))


async def test_keep_alive_pings(
    unified: UnifiedClient, wincc_sim: SimHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WebSocket pings keep a quiet subscription open; values still arrive after them."""
    monkeypatch.setattr(unified_module, "PING_SECONDS", 0.05)
    stream = unified.subscribe(["HMI_RT_1::Conveyor_Speed"])
    await take(stream, 1)
    await asyncio.sleep(0.3)  # several pings, answered by the server
    wincc_sim.write("Conveyor_Speed", 2.0)
    (changed,) = await take(stream, 1)
    assert changed.value == 2.0
    await stream.aclose()
