"""The one interface both backends implement."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from .models import (
    AlarmActionResult,
    AlarmIdentifier,
    AlarmInstance,
    Capability,
    DataKind,
    HistoryValue,
    Scalar,
    ServerType,
    TagInfo,
    TagValue,
    WriteResult,
)


class WinCCClient(Protocol):
    """What the integration may ask of any WinCC server."""

    server_type: ServerType
    capabilities: frozenset[Capability]

    async def login(self) -> None:
        """Check the credentials (and, for Unified, open a session)."""

    async def read(self, names: Sequence[str]) -> dict[str, TagValue]:
        """Read tags in as few requests as chunking allows; errors stay per tag."""

    async def write(
        self, values: Mapping[str, Scalar], kinds: Mapping[str, DataKind] | None = None
    ) -> dict[str, WriteResult]:
        """Write tags after checking each value against its tag's kind."""

    def subscribe(self, names: Sequence[str]) -> AsyncIterator[TagValue]:
        """Pushed tag values (``Capability.PUSH``): each tag once, then every change."""

    async def browse(self, pattern: str = "*") -> list[TagInfo]:
        """Every leaf tag whose name matches a glob pattern, across all pages."""

    async def history(
        self, name: str, start: datetime | None, end: datetime | None, max_values: int = 0
    ) -> list[HistoryValue]:
        """Logged values of one tag in a time range."""

    async def active_alarms(
        self, server_filter: str | None = None, languages: Sequence[str] = ("en-US",)
    ) -> list[AlarmInstance]:
        """The active alarm instances, with texts in the given languages."""

    async def alarm_history(
        self,
        start: datetime,
        end: datetime | None = None,
        server_filter: str | None = None,
        languages: Sequence[str] = ("en-US",),
    ) -> list[AlarmInstance]:
        """Logged alarm states (one per transition) changed from ``start`` on."""

    @property
    def server_time(self) -> datetime | None:
        """The server's clock, as of its latest answer (its ``Date`` header)."""

    async def acknowledge(self, alarms: Sequence[AlarmIdentifier]) -> list[AlarmActionResult]:
        """Acknowledge alarm instances."""

    async def close(self) -> None:
        """End the session and release what the client opened."""
