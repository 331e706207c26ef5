"""Climate entities from a setpoint and an actual temperature, with an optional
heating-active bit and an optional on/off mode tag: what "set the boiler to 70
degrees" reaches."""

from __future__ import annotations

from typing import Any

from homeassistant.components.climate import ClimateEntity
from homeassistant.components.climate.const import ClimateEntityFeature, HVACAction, HVACMode
from homeassistant.const import ATTR_TEMPERATURE, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .control_entity import WinCCControlEntity, async_setup_controls
from .controls import ControlConfig, ControlKind
from .coordinator import WinCCCoordinator
from .runtime import WinCCConfigEntry

PARALLEL_UPDATES = 1
UNITS = {unit.value: unit.value for unit in UnitOfTemperature} | {"C": "°C", "F": "°F"}


class WinCCClimate(WinCCControlEntity, ClimateEntity):
    """A temperature control: the setpoint is written and read back."""

    def __init__(self, coordinator: WinCCCoordinator, control: ControlConfig) -> None:
        """Take limits, step and unit from the setpoint tag's settings."""
        super().__init__(coordinator, control)
        setpoint = self.tag("setpoint")
        assert setpoint is not None  # noqa: S101 - a required role
        self._attr_temperature_unit = UNITS.get(
            setpoint.effective_unit or "", coordinator.hass.config.units.temperature_unit
        )
        if setpoint.minimum is not None:
            self._attr_min_temp = setpoint.minimum
        if setpoint.maximum is not None:
            self._attr_max_temp = setpoint.maximum
        self._attr_target_temperature_step = setpoint.step or 0.5
        features = ClimateEntityFeature.TARGET_TEMPERATURE
        self._attr_hvac_modes = [HVACMode.HEAT]
        if "mode" in control.tags:
            features |= ClimateEntityFeature.TURN_ON | ClimateEntityFeature.TURN_OFF
            self._attr_hvac_modes = [HVACMode.OFF, HVACMode.HEAT]
        self._attr_supported_features = features

    @property
    def current_temperature(self) -> float | None:
        """The actual temperature."""
        return self.number("temperature")

    @property
    def target_temperature(self) -> float | None:
        """The setpoint the server holds."""
        return self.number("setpoint")

    @property
    def hvac_mode(self) -> HVACMode | None:
        """Heat, or off where a mode tag says so."""
        if "mode" not in self.control.tags:
            return HVACMode.HEAT
        mode = self.value("mode")
        return None if mode is None else HVACMode.HEAT if mode else HVACMode.OFF

    @property
    def hvac_action(self) -> HVACAction | None:
        """Heating or idle, where a heating-active tag tells."""
        if "heating" not in self.control.tags:
            return None
        if self.hvac_mode is HVACMode.OFF:
            return HVACAction.OFF
        heating = self.value("heating")
        return None if heating is None else HVACAction.HEATING if heating else HVACAction.IDLE

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Write the setpoint (and the mode, if one is given)."""
        if (mode := kwargs.get("hvac_mode")) is not None:
            await self.async_set_hvac_mode(mode)
        await self.write("setpoint", float(kwargs[ATTR_TEMPERATURE]))

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Switch the mode tag: on for heat, off for off."""
        await self.write("mode", hvac_mode is not HVACMode.OFF)


async def async_setup_entry(
    hass: HomeAssistant, entry: WinCCConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add a climate entity for every climate control."""
    async_setup_controls(entry, async_add_entities, ControlKind.CLIMATE, WinCCClimate)
