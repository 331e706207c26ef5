"""The base of every tag entity: availability, quality, and quiet updates."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import Quality, TagValue
from .coordinator import WinCCCoordinator
from .identity import entity_unique_id, tag_device
from .runtime import WinCCConfigEntry
from .tags import TagConfig
from .voice_exposure import WRITING_PLATFORMS, async_set_exposure


class WinCCTagEntity(Entity):
    """An entity for one tag. It hears only of its own tag's changes, and writes its
    state only when its value, quality or availability changed."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _attr_translation_key = "tag"

    def __init__(self, coordinator: WinCCCoordinator, tag: TagConfig) -> None:
        """Describe the entity for ``tag``."""
        self.coordinator = coordinator
        self.tag = tag
        entry = coordinator.config_entry
        self._attr_unique_id = entity_unique_id(entry, tag.name)
        self._attr_device_info = tag_device(coordinator.hass, entry, tag)
        self._attr_name = coordinator.entity_name(tag)
        self._written: tuple[object, ...] | None = None
        # The reading of this tag the entity last heard of; a state write reads it often.
        self.tag_value: TagValue | None = None

    @callback
    def _hear(self) -> None:
        self.tag_value = (self.coordinator.data or {}).get(self.tag.name)

    @property
    def available(self) -> bool:
        """Unavailable when polling failed too often, or the tag is bad or failed."""
        value = self.tag_value
        return (
            self.coordinator.last_update_success
            and value is not None
            and value.ok
            and value.quality is not Quality.BAD
        )

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The quality (uncertain values stay available and say so here)."""
        value = self.tag_value
        if value is None or not value.ok:
            return None
        return {"quality": value.quality.value, "quality_code": value.quality_raw}

    def _state_key(self) -> tuple[object, ...]:
        value = self.tag_value
        if value is None:
            return (self.available,)
        return (self.available, value.value, value.quality, value.error)

    async def async_added_to_hass(self) -> None:
        """Listen to this tag, and remember what the first state shows."""
        await super().async_added_to_hass()
        if self.tag.platform in WRITING_PLATFORMS:
            async_set_exposure(self.hass, self.entity_id, self.coordinator.options.expose_to_voice)
        self._hear()
        self._written = self._state_key()
        self.async_on_remove(
            self.coordinator.async_add_value_listener(
                self.tag.name, self._handle_coordinator_update
            )
        )

    async def async_update(self) -> None:
        """Read the server now (the ``homeassistant.update_entity`` action)."""
        await self.coordinator.async_request_refresh()

    @callback
    def _handle_coordinator_update(self) -> None:
        """Write a state only when this tag's value, quality or availability changed."""
        self._hear()
        key = self._state_key()
        if key != self._written:
            self._written = key
            self.async_write_ha_state()


def async_setup_tag_entities(
    entry: WinCCConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    platform: Platform,
    factory: Callable[[WinCCCoordinator, TagConfig], Entity],
) -> None:
    """Add an entity for every tag of this platform, now and when tags appear later."""
    coordinator = entry.runtime_data.coordinator

    @callback
    def add(tags: Iterable[TagConfig]) -> None:
        async_add_entities(factory(coordinator, tag) for tag in tags if tag.platform is platform)

    add(coordinator.options.tags.values())
    entry.async_on_unload(coordinator.async_add_tag_listener(add))
