"""WinCC Unified redundancy: two hosts, one ``ACTIVE``, followed as one client.

Every operation goes to the host that reports ``ACTIVE`` (the ``reduState``
subscription). When that host cannot be reached or stopped, the client asks the other
host; if it reports ``ACTIVE``, the operation is sent there, logged in anew. Every
``check_every`` seconds it also asks the host in use, so that a switchover between two
running hosts is followed too. Both hosts serve one project, so tag names, values and
alarm instances are the same on either.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
import logging
import time
from typing import Any

import aiohttp

from .errors import (
    ProtocolError,
    ServerBusyError,
    WinCCConnectionError,
    WinCCError,
    WinCCTimeoutError,
)
from .transport import HttpTransport, ServerAddress
from .unified import UnifiedClient
from .unified_push import ACTIVE, WS_PROTOCOL, redundancy_state

_LOGGER = logging.getLogger(__name__)

# How often the host in use is asked whether it is still the active one.
CHECK_EVERY = 30.0
# The failures that mean the host in use is gone or stopped.
HOST_LOST = (WinCCConnectionError, WinCCTimeoutError, ServerBusyError)


def _monotonic_now() -> float:
    return time.monotonic()


class UnifiedPairClient(UnifiedClient):
    """A WinCC Unified client that follows the active host of a redundant pair."""

    def __init__(
        self,
        session: aiohttp.ClientSession | None,
        address: ServerAddress,
        partner: ServerAddress,
        username: str,
        password: str,
        *,
        check_every: float = CHECK_EVERY,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        """Prepare both hosts; the first one given is asked first. Without a
        ``monotonic`` clock, ``time.monotonic`` is looked up at each reading."""
        super().__init__(
            session, address, username, password, monotonic=monotonic or _monotonic_now
        )
        self._hosts = (self._transport, HttpTransport(session, partner))
        self._host = 0
        self._check_every = check_every
        self._check_at = 0.0
        self._switching = asyncio.Lock()
        self.failovers = 0

    @property
    def redundant(self) -> bool:
        """One of a pair: subscriptions watch ``reduState`` and end when it is PASSIVE."""
        return True

    @property
    def hosts(self) -> tuple[str, str]:
        """Both hosts' base URLs."""
        return (self._hosts[0].base_url, self._hosts[1].base_url)

    @property
    def active_host(self) -> str:
        """The base URL of the host in use."""
        return self._transport.base_url

    def describe(self) -> dict[str, Any]:
        """Which host is in use (``first`` or ``partner``) and how often it changed."""
        return {"active": "partner" if self._host else "first", "failovers": self.failovers}

    def host_passive(self) -> None:
        """The host in use said PASSIVE: ask again before the next operation."""
        self._check_at = 0.0

    async def ensure_session(self) -> None:
        """A session on the active host (the subscriptions reconnect through here)."""
        await self._on_active(super().ensure_session)

    async def open_socket(self, protocol: str) -> aiohttp.ClientWebSocketResponse:
        """The subscription socket, on the active host."""
        parent = super().open_socket
        return await self._on_active(lambda: parent(protocol))

    async def _login(self) -> None:
        """Log in on the active host."""
        await self._on_active(super()._login)

    async def _call(self, query: str, variables: Mapping[str, Any] | None, field: str) -> Any:
        parent = super()._call
        return await self._on_active(lambda: parent(query, variables, field))

    async def _on_active[T](self, operation: Callable[[], Awaitable[T]]) -> T:
        """Run an operation on the active host; if its host is lost, on the other."""
        await self._follow_active()
        host = self._host
        try:
            return await operation()
        except HOST_LOST as err:
            if not await self._switch_from(host, err):
                raise
        return await operation()

    async def _follow_active(self) -> None:
        """Now and then, ask the host in use whether it is still ACTIVE."""
        if self._monotonic() < self._check_at:
            return
        self._check_at = self._monotonic() + self._check_every
        try:
            state = await self._state()
        except WinCCError as err:
            _LOGGER.debug("%s did not tell its redundancy state: %s", self.active_host, err)
            return  # if it is gone, the operation fails over
        if state != ACTIVE:
            await self._switch_from(self._host, f"it reports {state}")

    async def _state(self) -> str:
        """What the host in use says of itself (past the failover, which calls this)."""
        await UnifiedClient.ensure_session(self)
        return await redundancy_state(self, await UnifiedClient.open_socket(self, WS_PROTOCOL))

    async def _switch_from(self, host: int, reason: object) -> bool:
        """Use the other host if it reports ACTIVE; whether the client now uses it."""
        async with self._switching:
            if self._host != host:
                return True  # another operation switched meanwhile
            self._use(1 - host)
            try:
                state = await self._state()
            except ProtocolError:
                # It answers but cannot tell (no reduState): take it if the host is gone.
                state = ACTIVE if isinstance(reason, HOST_LOST) else "silent"
            except WinCCError as err:
                state = f"unreachable ({err})"
            if state != ACTIVE:
                _LOGGER.debug("Staying on %s: its partner is %s", self.hosts[host], state)
                self._use(host)
                return False
            self.failovers += 1
            _LOGGER.warning(
                "Following the active WinCC host %s instead of %s (%s)",
                self.active_host,
                self.hosts[host],
                reason,
            )
            return True

    def _use(self, host: int) -> None:
        """Talk to ``host`` from now on, in a session of its own."""
        self._host = host
        self._transport = self._hosts[host]
        self._token = None
        self._renew_at = 0.0

    async def close(self) -> None:
        """End the session, and release both hosts' connections."""
        await super().close()
        await self._hosts[1 - self._host].close()
