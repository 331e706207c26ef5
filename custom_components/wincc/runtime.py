"""What a loaded entry holds: its client and its coordinators."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .alarm_coordinator import WinCCAlarmCoordinator
from .client import WinCCClient
from .coordinator import WinCCCoordinator


@dataclass(slots=True)
class WinCCRuntimeData:
    """The client, the tag coordinator, the alarm coordinator where alarms are read, and
    the push session where the server pushes."""

    client: WinCCClient
    coordinator: WinCCCoordinator
    alarms: WinCCAlarmCoordinator | None = None
    push: asyncio.Task[None] | None = None  # the push session, where the server pushes


type WinCCConfigEntry = ConfigEntry[WinCCRuntimeData]
