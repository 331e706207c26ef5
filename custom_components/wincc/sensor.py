"""Sensors for read-only numeric and text tags."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .alarm_coordinator import WinCCAlarmCoordinator
from .alarm_entity import WinCCAlarmEntity, alarm_data
from .client import AlarmInstance, DataKind, Scalar
from .const import MAX_LISTED_ALARMS
from .coordinator import WinCCCoordinator
from .entity import WinCCTagEntity, async_setup_tag_entities
from .identity import UPDATE_MODE_KEY, AlarmEntityKey, entity_unique_id, runtime_device
from .runtime import WinCCConfigEntry
from .tag_classes import display_precision, tag_classes
from .tags import TagConfig

# Reads are batched by the coordinator; entities never poll on their own.
PARALLEL_UPDATES = 0

NUMERIC = (DataKind.FLOAT, DataKind.INTEGER)


def describe(tag: TagConfig) -> SensorEntityDescription:
    """The sensor description of a tag, from its kind, unit and the user's overrides."""
    if tag.kind not in NUMERIC:
        return SensorEntityDescription(key=tag.name)
    device_class, state_class = tag_classes(tag)
    return SensorEntityDescription(
        key=tag.name,
        native_unit_of_measurement=tag.effective_unit,
        device_class=SensorDeviceClass(device_class) if device_class else None,
        state_class=SensorStateClass(state_class) if state_class else None,
        suggested_display_precision=display_precision(tag),
    )


class WinCCAlarmCountSensor(WinCCAlarmEntity, SensorEntity):
    """How many alarms are active, or waiting for acknowledgment. No state class: a
    count of alarms is read as it stands, not drawn as a 5-minute aggregate."""

    # The lists can be long during an alarm storm; they must not bloat the database.
    _unrecorded_attributes = frozenset({"alarms", "shelved"})

    def __init__(self, coordinator: WinCCAlarmCoordinator, key: AlarmEntityKey) -> None:
        """``ACTIVE`` or ``UNACKNOWLEDGED``."""
        super().__init__(coordinator, key)
        self._only_unacknowledged = key is AlarmEntityKey.UNACKNOWLEDGED

    def _alarms(self) -> list[AlarmInstance]:
        """The counted alarms: shelved ones are left out."""
        alarms = (
            self.coordinator.unacknowledged
            if self._only_unacknowledged
            else self.coordinator.unshelved
        )
        return _most_urgent_first(alarms)

    @property
    def native_value(self) -> int:
        """The number of alarms."""
        return len(self._alarms())

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The alarms, most urgent first, and apart from them the shelved ones, at most
        ``MAX_LISTED_ALARMS`` of each."""
        languages = self.coordinator.languages
        return {
            "alarms": [alarm_data(a, languages) for a in self._alarms()[:MAX_LISTED_ALARMS]],
            "shelved": [
                alarm_data(a, languages)
                for a in _most_urgent_first(self.coordinator.shelved)[:MAX_LISTED_ALARMS]
            ],
        }


def _most_urgent_first(alarms: list[AlarmInstance]) -> list[AlarmInstance]:
    return sorted(
        alarms,
        key=lambda a: (-(a.priority or 0), a.raise_time or datetime.min.replace(tzinfo=UTC)),
    )


class WinCCUpdateModeSensor(CoordinatorEntity[WinCCCoordinator], SensorEntity):
    """Whether values arrive pushed or polled (diagnostic)."""

    _attr_has_entity_name = True
    _attr_translation_key = "update_mode"
    _attr_device_class = SensorDeviceClass.ENUM
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, coordinator: WinCCCoordinator) -> None:
        """On the runtime device."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self._attr_options = ["push", "polling"]
        self._attr_unique_id = entity_unique_id(entry, UPDATE_MODE_KEY)
        self._attr_device_info = runtime_device(entry)

    @property
    def available(self) -> bool:
        """Always: the mode is known even while the server is not."""
        return True

    @property
    def native_value(self) -> str:
        """``push`` or ``polling``."""
        return self.coordinator.mode


class WinCCSensor(WinCCTagEntity, SensorEntity):
    """A read-only tag's value."""

    def __init__(self, coordinator: WinCCCoordinator, tag: TagConfig) -> None:
        """Describe the sensor."""
        super().__init__(coordinator, tag)
        self.entity_description = describe(tag)

    @property
    def native_value(self) -> Scalar | None:
        """The tag's value."""
        value = self.tag_value
        return None if value is None else value.value


async def async_setup_entry(
    hass: HomeAssistant, entry: WinCCConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a sensor for every read-only numeric or text tag, and the alarm counts."""
    async_setup_tag_entities(entry, async_add_entities, Platform.SENSOR, WinCCSensor)
    async_add_entities([WinCCUpdateModeSensor(entry.runtime_data.coordinator)])
    if (alarms := entry.runtime_data.alarms) is not None:
        async_add_entities(
            WinCCAlarmCountSensor(alarms, key)
            for key in (AlarmEntityKey.ACTIVE, AlarmEntityKey.UNACKNOWLEDGED)
        )
