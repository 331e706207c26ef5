"""Entities that write to the plant are kept from voice assistants unless the user
lets them in: a misheard sentence must not start a pump.

Home Assistant exposes switches (and climate entities) to Assist, Alexa and Google by
default. The choice is stored per assistant in the entity registry, where the user
changes it per entity; an entry's option changes it for all of the entry's writing
entities at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.components.homeassistant.exposed_entities import KNOWN_ASSISTANTS
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

# The platforms whose entities write to the plant.
WRITING_PLATFORMS = frozenset(
    {
        Platform.BUTTON,
        Platform.CLIMATE,
        Platform.NUMBER,
        Platform.SELECT,
        Platform.SWITCH,
        Platform.TEXT,
        Platform.VALVE,
    }
)
SHOULD_EXPOSE = "should_expose"


@callback
def async_set_exposure(
    hass: HomeAssistant, entity_id: str, expose: bool, *, overrule: bool = False
) -> None:
    """Expose the entity to every voice assistant or not; a choice already made for an
    assistant stays, unless ``overrule``."""
    registry = er.async_get(hass)
    if (entity := registry.async_get(entity_id)) is None:
        return
    for assistant in KNOWN_ASSISTANTS:
        options: Mapping[str, Any] = entity.options.get(assistant, {})
        if overrule or SHOULD_EXPOSE not in options:
            registry.async_update_entity_options(
                entity_id, assistant, {**options, SHOULD_EXPOSE: expose}
            )


@callback
def async_expose_entry(hass: HomeAssistant, entry_id: str, expose: bool) -> None:
    """Expose every writing entity of the entry to voice assistants, or none."""
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, entry_id):
        if entity.domain in WRITING_PLATFORMS:
            async_set_exposure(hass, entity.entity_id, expose, overrule=True)
