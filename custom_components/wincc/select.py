"""Selects for integer mode tags with named states."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .control_entity import WinCCControlEntity, async_setup_controls
from .controls import ControlConfig, ControlKind
from .coordinator import WinCCCoordinator
from .runtime import WinCCConfigEntry

PARALLEL_UPDATES = 1


class WinCCSelect(WinCCControlEntity, SelectEntity):
    """A mode tag shown and set by the names of its values."""

    def __init__(self, coordinator: WinCCCoordinator, control: ControlConfig) -> None:
        """The states' names are the options."""
        super().__init__(coordinator, control)
        self._values = {name: value for value, name in control.states.items()}
        self._attr_options = list(control.states.values())

    @property
    def current_option(self) -> str | None:
        """The name of the value the server holds (None for a value without a name)."""
        value = self.number("value")
        return None if value is None else self.control.states.get(round(value))

    async def async_select_option(self, option: str) -> None:
        """Write the option's value (Home Assistant lets only the options through)."""
        await self.write("value", self._values[option])


async def async_setup_entry(
    hass: HomeAssistant, entry: WinCCConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a select entity for every select control."""
    async_setup_controls(entry, async_add_entities, ControlKind.SELECT, WinCCSelect)
