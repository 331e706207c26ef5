"""Numbers for numeric tags Home Assistant may write, within their limits."""

from __future__ import annotations

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import DataKind
from .const import DOMAIN
from .coordinator import WinCCCoordinator
from .entity import WinCCTagEntity, async_setup_tag_entities
from .runtime import WinCCConfigEntry
from .tag_classes import tag_classes
from .tags import TagConfig

NUMBER_CLASSES = frozenset(c.value for c in NumberDeviceClass)

# One write at a time per platform: WinCC itself does not rate-limit.
PARALLEL_UPDATES = 1
# Without limits from the user, allow what a 32-bit PLC value can hold.
DEFAULT_MINIMUM = -2_147_483_648.0
DEFAULT_MAXIMUM = 2_147_483_647.0


class WinCCNumber(WinCCTagEntity, NumberEntity):
    """A writable numeric tag, such as a setpoint."""

    _attr_mode = NumberMode.BOX

    def __init__(self, coordinator: WinCCCoordinator, tag: TagConfig) -> None:
        """Describe the number, with the user's limits and step."""
        super().__init__(coordinator, tag)
        integer = tag.kind is DataKind.INTEGER
        device_class, _ = tag_classes(tag)
        self.entity_description = NumberEntityDescription(
            key=tag.name,
            native_unit_of_measurement=tag.effective_unit,
            # A number converts units as a sensor does, where its class is one numbers have.
            device_class=NumberDeviceClass(device_class)
            if device_class in NUMBER_CLASSES
            else None,
            native_min_value=tag.minimum if tag.minimum is not None else DEFAULT_MINIMUM,
            native_max_value=tag.maximum if tag.maximum is not None else DEFAULT_MAXIMUM,
            native_step=tag.step if tag.step is not None else (1.0 if integer else None),
        )

    @property
    def native_value(self) -> float | None:
        """The tag's value as a number."""
        value = self.tag_value
        if (
            value is None
            or isinstance(value.value, bool)
            or not isinstance(value.value, int | float)
        ):
            return None
        return float(value.value)

    async def async_set_native_value(self, value: float) -> None:
        """Write a value (whole numbers for integer tags).

        Home Assistant's number service has already refused values outside the limits.
        """
        if self.tag.kind is DataKind.INTEGER:
            if not float(value).is_integer():
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="not_whole_number",
                    translation_placeholders={"value": str(value), "tag": self.tag.entity_name},
                )
            await self.coordinator.async_write(self.tag, int(value))
            return
        await self.coordinator.async_write(self.tag, float(value))


async def async_setup_entry(
    hass: HomeAssistant, entry: WinCCConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a number for every writable numeric tag."""
    async_setup_tag_entities(entry, async_add_entities, Platform.NUMBER, WinCCNumber)
