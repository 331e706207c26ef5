"""Switches for boolean tags Home Assistant may write."""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import WinCCCoordinator
from .entity import WinCCTagEntity, async_setup_tag_entities
from .runtime import WinCCConfigEntry
from .tags import TagConfig

PARALLEL_UPDATES = 1


class WinCCSwitch(WinCCTagEntity, SwitchEntity):
    """A writable boolean tag, such as a pump command."""

    def __init__(self, coordinator: WinCCCoordinator, tag: TagConfig) -> None:
        """Describe the switch."""
        super().__init__(coordinator, tag)
        self.entity_description = SwitchEntityDescription(key=tag.name)

    @property
    def is_on(self) -> bool | None:
        """Whether the tag is true."""
        value = self.tag_value
        return None if value is None or value.value is None else bool(value.value)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Write true."""
        await self.coordinator.async_write(self.tag, True)  # noqa: FBT003 - the value written

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Write false."""
        await self.coordinator.async_write(self.tag, False)  # noqa: FBT003 - the value written


async def async_setup_entry(
    hass: HomeAssistant, entry: WinCCConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a switch for every writable boolean tag."""
    async_setup_tag_entities(entry, async_add_entities, Platform.SWITCH, WinCCSwitch)
