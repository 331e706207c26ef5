"""Device and state classes by the names Home Assistant itself gives them, in the
user's language ("Apparent power", "Scheinleistung"), for the options' drop-downs."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.sensor import DOMAIN as SENSOR_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations

PREFIX = f"component.{SENSOR_DOMAIN}.entity_component."
STATE_CLASS_PREFIX = f"{PREFIX}_.state_attributes.state_class.state."


@dataclass(frozen=True, slots=True)
class ClassLabels:
    """Each device class's and state class's name (its key where Home Assistant has none)."""

    device_classes: dict[str, str]
    state_classes: dict[str, str]


async def class_labels(hass: HomeAssistant) -> ClassLabels:
    """The sensor platform's own translations of its classes."""
    strings = await async_get_translations(
        hass, hass.config.language, "entity_component", [SENSOR_DOMAIN]
    )
    device_classes = {
        key.removeprefix(PREFIX).removesuffix(".name"): text
        for key, text in strings.items()
        if key.endswith(".name") and not key.startswith(f"{PREFIX}_.")
    }
    state_classes = {
        key.removeprefix(STATE_CLASS_PREFIX): text
        for key, text in strings.items()
        if key.startswith(STATE_CLASS_PREFIX)
    }
    return ClassLabels(device_classes, state_classes)
