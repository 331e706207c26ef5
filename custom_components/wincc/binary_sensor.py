"""Binary sensors for read-only boolean tags."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorEntity, BinarySensorEntityDescription
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .alarm_coordinator import WinCCAlarmCoordinator
from .alarm_entity import WinCCAlarmEntity
from .coordinator import WinCCCoordinator
from .entity import WinCCTagEntity, async_setup_tag_entities
from .identity import AlarmEntityKey
from .runtime import WinCCConfigEntry
from .tags import TagConfig

PARALLEL_UPDATES = 0


class WinCCUnacknowledgedAlarms(WinCCAlarmEntity, BinarySensorEntity):
    """On while any alarm waits for acknowledgment."""

    _attr_device_class = BinarySensorDeviceClass.PROBLEM

    def __init__(self, coordinator: WinCCAlarmCoordinator) -> None:
        """The problem sensor of a server."""
        super().__init__(coordinator, AlarmEntityKey.UNACKNOWLEDGED_PRESENT)

    @property
    def is_on(self) -> bool:
        """Whether an alarm waits for acknowledgment."""
        return bool(self.coordinator.unacknowledged)


class WinCCBinarySensor(WinCCTagEntity, BinarySensorEntity):
    """A read-only boolean tag."""

    def __init__(self, coordinator: WinCCCoordinator, tag: TagConfig) -> None:
        """Describe the binary sensor."""
        super().__init__(coordinator, tag)
        self.entity_description = BinarySensorEntityDescription(key=tag.name)

    @property
    def is_on(self) -> bool | None:
        """Whether the tag is true."""
        value = self.tag_value
        return None if value is None or value.value is None else bool(value.value)


async def async_setup_entry(
    hass: HomeAssistant, entry: WinCCConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a binary sensor for every read-only boolean tag, and the alarm problem."""
    async_setup_tag_entities(entry, async_add_entities, Platform.BINARY_SENSOR, WinCCBinarySensor)
    if (alarms := entry.runtime_data.alarms) is not None:
        async_add_entities([WinCCUnacknowledgedAlarms(alarms)])
