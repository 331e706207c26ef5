"""The change signal that wakes subscriptions at once."""

import asyncio

from simulator.changes import ChangeSignal


async def test_a_change_wakes_a_waiter_and_none_is_missed() -> None:
    """A waiter wakes when notified; a change made while nobody waited is not lost."""
    signal = ChangeSignal()
    seen = signal.version
    waiter = asyncio.create_task(signal.wait_beyond(seen, idle_seconds=30))
    await asyncio.sleep(0)
    assert not waiter.done()
    signal.notify()
    await asyncio.wait_for(waiter, 1)
    assert signal.version == seen + 1
    signal.notify()  # while nobody waits
    await asyncio.wait_for(signal.wait_beyond(seen + 1, idle_seconds=30), 1)


async def test_without_a_change_the_wait_ends_after_its_timeout() -> None:
    """An idle wait returns by itself, so a running clock can move the plant on."""
    signal = ChangeSignal()
    await asyncio.wait_for(signal.wait_beyond(signal.version, idle_seconds=0.01), 1)
    assert signal.version == 0
