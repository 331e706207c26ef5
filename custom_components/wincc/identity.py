"""Who is who: the entry's unique ID, entity unique IDs, device identifiers and links.

Entities and devices are keyed by the config entry's ID, which lives as long as the
entry. The entry's own unique ID is the server's address, which reconfigure may
change: neither WinCC API names a server uniquely (system names such as
``HMI_RT_1`` are project defaults that many plants share).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo

from .client import ServerType
from .const import CONF_SERVER_TYPE, DOMAIN, MODELS
from .controls import ControlConfig
from .tags import TagConfig

MANUFACTURER = "Siemens"


class AlarmEntityKey(StrEnum):
    """The alarm entities of an entry: each key is a translation key and an ID suffix."""

    EVENTS = "alarms"
    ACTIVE = "active_alarms"
    UNACKNOWLEDGED = "unacknowledged_alarms"
    UNACKNOWLEDGED_PRESENT = "unacknowledged_alarms_present"


# The diagnostic sensor that says whether values are pushed or polled.
UPDATE_MODE_KEY = "update_mode"

ALARM_PLATFORMS: Mapping[AlarmEntityKey, Platform] = {
    AlarmEntityKey.EVENTS: Platform.EVENT,
    AlarmEntityKey.ACTIVE: Platform.SENSOR,
    AlarmEntityKey.UNACKNOWLEDGED: Platform.SENSOR,
    AlarmEntityKey.UNACKNOWLEDGED_PRESENT: Platform.BINARY_SENSOR,
}


def address_unique_id(data: Mapping[str, Any]) -> str:
    """The entry's unique ID: where its server is (``host:port``, lower case)."""
    return f"{data[CONF_HOST]}:{data[CONF_PORT]}".lower()


def entity_unique_id(entry: ConfigEntry, key: str) -> str:
    """The unique ID of an entity: a tag's name, or an alarm entity's key."""
    return f"{entry.entry_id}_{key}"


def runtime_identifier(entry: ConfigEntry) -> tuple[str, str]:
    """The device identifier of the WinCC runtime itself."""
    return (DOMAIN, entry.entry_id)


def part_identifier(entry: ConfigEntry, part: str) -> tuple[str, str]:
    """The device identifier of a part of the plant (a structure tag or classic group)."""
    return (DOMAIN, f"{entry.entry_id}_{part}")


def _model(entry: ConfigEntry) -> str:
    return MODELS.get(ServerType(entry.data[CONF_SERVER_TYPE]), "WinCC")


def runtime_device(entry: ConfigEntry) -> DeviceInfo:
    """The device standing for the WinCC runtime."""
    return DeviceInfo(
        identifiers={runtime_identifier(entry)},
        name=entry.title,
        manufacturer=MANUFACTURER,
        model=_model(entry),
    )


def tag_device(hass: HomeAssistant, entry: ConfigEntry, tag: TagConfig) -> DeviceInfo:
    """A tag's device: its part of the plant, linked to the runtime's, or the runtime's."""
    part = tag.part
    runtime = dr.async_get(hass).async_get_device_by_identifier(
        runtime_identifier(entry), entry.entry_id
    )
    if part is None or runtime is None:
        return runtime_device(entry)
    return DeviceInfo(
        identifiers={part_identifier(entry, part)},
        name=tag.part_name,
        manufacturer=MANUFACTURER,
        model=_model(entry),
        via_device_id=runtime.id,
    )


def control_unique_id(entry: ConfigEntry, control: ControlConfig) -> str:
    """The unique ID of a control's entity."""
    return entity_unique_id(entry, f"{control.key}@control")


def expected_entities(
    entry: ConfigEntry,
    tags: Iterable[TagConfig],
    *,
    alarms: bool,
    controls: Iterable[ControlConfig] = (),
) -> set[tuple[str, str]]:
    """The (platform, unique ID) of every entity the entry should have."""
    expected = {(tag.platform.value, entity_unique_id(entry, tag.name)) for tag in tags}
    expected |= {(c.kind.platform.value, control_unique_id(entry, c)) for c in controls}
    expected.add((Platform.SENSOR.value, entity_unique_id(entry, UPDATE_MODE_KEY)))
    if alarms:
        expected |= {
            (platform.value, entity_unique_id(entry, key))
            for key, platform in ALARM_PLATFORMS.items()
        }
    return expected


def expected_devices(entry: ConfigEntry, tags: Iterable[TagConfig]) -> set[tuple[str, str]]:
    """The identifiers of every device the entry should have."""
    return {runtime_identifier(entry)} | {
        part_identifier(entry, part) for tag in tags if (part := tag.part)
    }
