"""The alarm event entity: one event per alarm transition, for automations."""

from __future__ import annotations

from homeassistant.components.event import EventEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .alarm_coordinator import WinCCAlarmCoordinator
from .alarm_entity import WinCCAlarmEntity, alarm_data
from .alarm_stream import Transition
from .const import EVENT_ALARM
from .identity import AlarmEntityKey
from .runtime import WinCCConfigEntry

PARALLEL_UPDATES = 0


class WinCCAlarmEvent(WinCCAlarmEntity, EventEntity):
    """Fires ``raised``, ``cleared``, ``acknowledged``, ``reset`` and ``removed``."""

    def __init__(self, coordinator: WinCCAlarmCoordinator) -> None:
        """The entity "Alarms" of a server."""
        super().__init__(coordinator, AlarmEntityKey.EVENTS)
        self._attr_event_types = [t.value for t in Transition]
        self._last_available = False
        self._seen_batch = coordinator.batch

    @callback
    def _handle_coordinator_update(self) -> None:
        """One event, and one state, per transition; none for the baseline read."""
        batch = self.coordinator.batch
        fresh = batch != self._seen_batch
        self._seen_batch = batch
        for transition in self.coordinator.transitions if fresh else ():
            data = {
                **alarm_data(transition.alarm, self.coordinator.languages),
                # True where no alarm log told, and the step follows from the state machine.
                "inferred": transition.inferred,
            }
            self._trigger_event(transition.kind.value, data)
            self.async_write_ha_state()
            self.hass.bus.async_fire(
                EVENT_ALARM,
                {
                    "entity_id": self.entity_id,
                    "config_entry_id": self.coordinator.config_entry.entry_id,
                    "transition": transition.kind.value,
                    **data,
                },
            )
        if self.available != self._last_available:
            self._last_available = self.available
            self.async_write_ha_state()

    async def async_added_to_hass(self) -> None:
        """Remember whether the entity starts available."""
        await super().async_added_to_hass()
        self._last_available = self.available


async def async_setup_entry(
    hass: HomeAssistant, entry: WinCCConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the alarm event entity when alarms are read."""
    if entry.runtime_data.alarms is not None:
        async_add_entities([WinCCAlarmEvent(entry.runtime_data.alarms)])
