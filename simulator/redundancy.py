"""Two WinCC Unified hosts as a redundant pair: one ``ACTIVE``, the other ``PASSIVE``.

Both hosts serve the same project from one plant, as a synchronized pair does: the same
tag values, and the same alarm instances with the same IDs. Each has its own address.
A lost host answers nothing (its connections are cut); when the active host is lost,
the other takes over. A switchover swaps the roles while both run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from .changes import ChangeSignal
from .clock import Clock
from .faults import CONTROL_PREFIX

ACTIVE, PASSIVE = "ACTIVE", "PASSIVE"
HOSTS = (0, 1)


class RedundantPair:
    """Which host of the pair is active, and which are lost."""

    def __init__(self, clock: Clock) -> None:
        """Host 0 starts active, both running."""
        self._clock = clock
        self.active = 0
        self.lost: set[int] = set()
        self.changed_at: datetime = clock.now()
        # reduState subscriptions wait on this.
        self.changes = ChangeSignal()

    def state(self, host: int) -> str:
        """``ACTIVE`` or ``PASSIVE``, as the host itself reports."""
        return ACTIVE if host == self.active else PASSIVE

    def _activate(self, host: int) -> None:
        if host != self.active:
            self.active = host
            self.changed_at = self._clock.now()
            self.changes.notify()

    def switch_over(self) -> None:
        """The passive host takes over, if it runs."""
        other = 1 - self.active
        if other in self.lost:
            raise ValueError(f"host {other} is lost: it cannot take over")
        self._activate(other)

    def lose(self, host: int) -> None:
        """A host stops answering; if it was active, the other takes over."""
        self.lost.add(host)
        if host == self.active and 1 - host not in self.lost:
            self._activate(1 - host)
        self.changes.notify()

    def restore(self, host: int) -> None:
        """A lost host answers again, as the passive one unless none other runs."""
        self.lost.discard(host)
        if self.active in self.lost:
            self._activate(host)
        self.changes.notify()

    def as_dict(self) -> dict[str, Any]:
        """The pair's state as JSON-ready data."""
        return {"active": self.active, "lost": sorted(self.lost)}


def lost_host_middleware(pair: RedundantPair, host: int) -> Any:
    """Cut every WinCC request to ``host`` while it is lost (control paths still work)."""

    @web.middleware
    async def cut_when_lost(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if host in pair.lost and not request.path.startswith(CONTROL_PREFIX):
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError
        return await handler(request)

    return cut_when_lost
