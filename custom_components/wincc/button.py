"""Buttons for command bits: a press writes true and, if set, false again after a while."""

from __future__ import annotations

from datetime import datetime
import logging

from homeassistant.components.button import ButtonEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_call_later

from .control_entity import WinCCControlEntity, async_setup_controls
from .controls import ControlKind
from .runtime import WinCCConfigEntry

PARALLEL_UPDATES = 1
_LOGGER = logging.getLogger(__name__)


class WinCCButton(WinCCControlEntity, ButtonEntity):
    """A command bit, such as a fault reset."""

    async def async_press(self) -> None:
        """Write true, read it back, and plan the reset."""
        await self.write("command", True)  # noqa: FBT003 - the value written
        if (delay := self.control.reset_after) is not None:
            self.async_on_remove(async_call_later(self.hass, delay, self._reset))

    @callback
    def _reset(self, _now: datetime) -> None:
        self.hass.async_create_task(self._write_false(), eager_start=True)

    async def _write_false(self) -> None:
        try:
            await self.write("command", False)  # noqa: FBT003 - the value written
        except HomeAssistantError as err:
            _LOGGER.warning(
                "%s: writing the command bit false again failed: %s", self.entity_id, err
            )


async def async_setup_entry(
    hass: HomeAssistant, entry: WinCCConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a button entity for every button control."""
    async_setup_controls(entry, async_add_entities, ControlKind.BUTTON, WinCCButton)
