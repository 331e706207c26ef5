"""Alarm transitions in the logbook, in readable words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback

from .const import DOMAIN, EVENT_ACKNOWLEDGED, EVENT_ALARM

# The logbook is not translated for integrations; these read in English.
WORDS = {
    "raised": "raised",
    "cleared": "cleared",
    "acknowledged": "acknowledged",
    "reset": "reset",
    "removed": "removed",
    "shelved": "shelved",
    "unshelved": "unshelved",
}


def describe(event: Event) -> dict[str, str]:
    """``Tank 1 level high (HMI_RT_1::Tank1_Level_High, instance 3) raised, priority 12``."""
    data = event.data
    label = data.get("text") or data.get("name", "An alarm")
    message = (
        f"{label} ({data.get('name')}, instance {data.get('instance_id')}) "
        f"{WORDS.get(data.get('transition', ''), data.get('transition', 'changed'))}"
    )
    if data.get("priority") is not None:
        message += f", priority {data['priority']}"
    return {
        LOGBOOK_ENTRY_NAME: "WinCC alarm",
        LOGBOOK_ENTRY_MESSAGE: message,
        LOGBOOK_ENTRY_ENTITY_ID: data.get("entity_id", ""),
    }


def describe_acknowledgment(event: Event) -> dict[str, str]:
    """``acknowledged HMI_RT_1::Pump1_Fault (instance 1) on WinCC Unified plant``."""
    data = event.data
    return {
        LOGBOOK_ENTRY_NAME: "WinCC alarm",
        LOGBOOK_ENTRY_MESSAGE: (
            f"acknowledged {data.get('name')} (instance {data.get('instance_id')}) "
            f"on {data.get('server')}"
        ),
    }


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, Any]]], None],
) -> None:
    """Describe the alarm events."""
    async_describe_event(DOMAIN, EVENT_ALARM, describe)
    async_describe_event(DOMAIN, EVENT_ACKNOWLEDGED, describe_acknowledgment)
