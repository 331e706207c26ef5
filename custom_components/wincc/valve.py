"""Valves from a position output in %, with an optional position feedback: what "open
valve 3 to 50 percent" reaches."""

from __future__ import annotations

from homeassistant.components.valve.const import ValveEntityFeature
from homeassistant.components.valve.entity import ValveEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .control_entity import WinCCControlEntity, async_setup_controls
from .controls import ControlKind
from .runtime import WinCCConfigEntry

PARALLEL_UPDATES = 1


class WinCCValve(WinCCControlEntity, ValveEntity):
    """A valve whose position output is written and read back; the position shown is
    the feedback, where there is one."""

    _attr_reports_position = True
    _attr_supported_features = (
        ValveEntityFeature.OPEN | ValveEntityFeature.CLOSE | ValveEntityFeature.SET_POSITION
    )

    @property
    def current_valve_position(self) -> int | None:
        """The feedback (or the output), 0 to 100."""
        position = self.number("feedback" if "feedback" in self.control.tags else "position")
        return None if position is None else round(min(100.0, max(0.0, position)))

    async def async_set_valve_position(self, position: int) -> None:
        """Write the position output (open and close write 100 and 0 through this)."""
        await self.write("position", float(position))


async def async_setup_entry(
    hass: HomeAssistant, entry: WinCCConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a valve entity for every valve control."""
    async_setup_controls(entry, async_add_entities, ControlKind.VALVE, WinCCValve)
