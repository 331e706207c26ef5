"""What a loaded entry holds: its client and its coordinators."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .alarm_coordinator import WinCCAlarmCoordinator
from .client import WinCCClient
from .coordinator import WinCCCoordinator


@dataclass(slots=True)
class WinCCRuntimeData:
    """The client, the tag coordinator, and the alarm coordinator where alarms are read."""

    client: WinCCClient
    coordinator: WinCCCoordinator
    alarms: WinCCAlarmCoordinator | None = None


type WinCCConfigEntry = ConfigEntry[WinCCRuntimeData]
