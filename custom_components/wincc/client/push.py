"""Push, as the integration sees it: who hears pushed values and alarms, and the
session that delivers them, whatever the backend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import random
from typing import Protocol

from .errors import WinCCError
from .models import AlarmInstance, TagValue


@dataclass(frozen=True, slots=True)
class AlarmNotification:
    """One pushed change of an alarm instance: ``Added``, ``Modified`` or ``Removed``."""

    reason: str
    alarm: AlarmInstance


class PushHandler(Protocol):
    """Who hears what the server pushes."""

    def pushed_values(self, values: Sequence[TagValue]) -> None:
        """Tag values: each tag once after (re)subscribing, then every change."""

    def pushed_alarms(self, notifications: Sequence[AlarmNotification]) -> None:
        """Alarm changes: every active instance once after (re)subscribing, then each step."""

    def push_started(self) -> None:
        """The subscriptions run (again): what came before may have been missed."""

    def push_lost(self, error: WinCCError) -> None:
        """The subscriptions stopped; the session tries to reconnect."""


@dataclass(frozen=True, slots=True)
class Backoff:
    """Capped exponential back-off with full jitter."""

    first: float = 1.0
    cap: float = 60.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before reconnect attempt ``attempt`` (0 for the first)."""
        return rng.uniform(0, min(self.cap, self.first * 2**attempt))


class PushFeed(Protocol):
    """A running push session of one server."""

    connected: bool
    reconnects: int

    async def run(self) -> None:
        """Stay connected, reconnecting after every loss, until cancelled (run it as a
        task; cancelling it closes the connection)."""

    async def change_tags(self, tags: Sequence[str]) -> None:
        """Push another set of tags."""
