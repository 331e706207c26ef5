"""What every alarm entity shares: the runtime device and the alarm data as events show it."""

from __future__ import annotations

from typing import Any

from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .alarm_coordinator import WinCCAlarmCoordinator
from .client import AlarmInstance
from .identity import AlarmEntityKey, entity_unique_id, runtime_device


def alarm_data(alarm: AlarmInstance, languages: tuple[str, ...]) -> dict[str, Any]:
    """An alarm instance as event data and attributes show it."""
    return {
        "name": alarm.name,
        "instance_id": alarm.instance_id,
        "text": alarm.text(languages),
        "alarm_class": alarm.alarm_class,
        "priority": alarm.priority,
        "area": alarm.area,
        "origin": alarm.origin,
        "state": alarm.state.value,
        "raise_time": alarm.raise_time.isoformat() if alarm.raise_time else None,
        "acknowledgment_time": alarm.acknowledgment_time.isoformat()
        if alarm.acknowledgment_time
        else None,
        "clear_time": alarm.clear_time.isoformat() if alarm.clear_time else None,
        "requires_acknowledgment": alarm.requires_acknowledgment,
    }


class WinCCAlarmEntity(CoordinatorEntity[WinCCAlarmCoordinator]):
    """An entity about the server's alarms, on the runtime device."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: WinCCAlarmCoordinator, key: AlarmEntityKey) -> None:
        """Name it by its translation key."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self._attr_translation_key = key.value
        self._attr_unique_id = entity_unique_id(entry, key)
        self._attr_device_info = runtime_device(entry)
