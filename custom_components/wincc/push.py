"""Pushed data for an entry: one push session of the server, routed to its coordinators.

Where the server pushes (WinCC Unified, the WinCC OA GraphQL example) and the user
has not turned it off, values and (on Unified) alarms come from the push session, and
polling is a slow safety net. While the socket is down both coordinators poll at their
normal intervals, and they return to push once it is back. Alarms a server does not
push (WinCC OA's alerts) are polled at their own interval throughout.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import callback

from .alarm_coordinator import WinCCAlarmCoordinator
from .client import AlarmNotification, AlarmQuery, TagValue, WinCCError
from .coordinator import WinCCCoordinator


class PushRouter:
    """Hands what the server pushes to the coordinator it belongs to."""

    def __init__(self, tags: WinCCCoordinator, alarms: WinCCAlarmCoordinator | None) -> None:
        """Route to the tag coordinator and, where alarms are read, the alarm coordinator."""
        self._tags = tags
        self._alarms = alarms

    @callback
    def pushed_values(self, values: Sequence[TagValue]) -> None:
        """Tag values go to the tag coordinator."""
        self._tags.apply_pushed(values)

    @callback
    def pushed_alarms(self, notifications: Sequence[AlarmNotification]) -> None:
        """Alarm changes go to the alarm coordinator."""
        if self._alarms is not None:
            self._alarms.apply_pushed(notifications)

    @callback
    def push_started(self) -> None:
        """Both coordinators switch to push."""
        self._tags.push_started()
        if self._alarms is not None:
            self._alarms.push_started()

    @callback
    def push_lost(self, error: WinCCError) -> None:
        """Both coordinators poll again."""
        self._tags.push_lost()
        if self._alarms is not None:
            self._alarms.push_lost()


def start_push(
    entry: ConfigEntry, tags: WinCCCoordinator, alarms: WinCCAlarmCoordinator | None
) -> asyncio.Task[None]:
    """Run the push session of an entry's server, as a task Home Assistant tracks."""
    if not tags.client.pushes_alarms:
        alarms = None  # polled as usual
    query = None if alarms is None else AlarmQuery(alarms.server_filter, alarms.languages)
    feed = tags.client.push(PushRouter(tags, alarms), list(tags.options.tags), query)
    tags.push_feed = feed
    return entry.async_create_background_task(tags.hass, feed.run(), f"WinCC push {entry.title}")
