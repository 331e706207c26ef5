"""A signal that the plant changed, so subscriptions notify at once instead of polling.

Everything runs on the simulator's own event loop; ``version`` counts the changes, so
a waiter that was busy sending never misses one.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress


class ChangeSignal:
    """Wakes every waiter when something changed."""

    def __init__(self) -> None:
        """No change yet."""
        self.version = 0
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        """Something changed: wake every waiter."""
        self.version += 1
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait_beyond(self, version: int, idle_seconds: float) -> None:
        """Return once ``version`` is outdated, or after ``idle_seconds``."""
        if self.version != version:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            with suppress(TimeoutError):
                await asyncio.wait_for(waiter, idle_seconds)
        finally:
            self._waiters.discard(waiter)
