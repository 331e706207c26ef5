"""Text entities for text tags Home Assistant may write."""

from __future__ import annotations

from homeassistant.components.text import TextEntity, TextEntityDescription
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import WinCCCoordinator
from .entity import WinCCTagEntity, async_setup_tag_entities
from .runtime import WinCCConfigEntry
from .tags import TagConfig

PARALLEL_UPDATES = 1
MAX_LENGTH = 255


class WinCCText(WinCCTagEntity, TextEntity):
    """A writable text tag, such as a batch name."""

    def __init__(self, coordinator: WinCCCoordinator, tag: TagConfig) -> None:
        """Describe the text entity."""
        super().__init__(coordinator, tag)
        self.entity_description = TextEntityDescription(key=tag.name, native_max=MAX_LENGTH)

    @property
    def native_value(self) -> str | None:
        """The tag's text."""
        value = self.tag_value
        return None if value is None or value.value is None else str(value.value)

    async def async_set_value(self, value: str) -> None:
        """Write the text."""
        await self.coordinator.async_write(self.tag, value)


async def async_setup_entry(
    hass: HomeAssistant, entry: WinCCConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a text entity for every writable text tag."""
    async_setup_tag_entities(entry, async_add_entities, Platform.TEXT, WinCCText)
