"""Acknowledgments from Home Assistant in the logbook, in readable words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback

from .const import DOMAIN, EVENT_ACKNOWLEDGED


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
    """Describe acknowledgments from Home Assistant (with who, through the context).

    Alarm transitions are not described: each already has its line, as a state of the
    alarm event entity, and a second line per transition would only repeat it."""
    async_describe_event(DOMAIN, EVENT_ACKNOWLEDGED, describe_acknowledgment)
