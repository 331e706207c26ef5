"""The base of every control entity: it reads and writes the tags of its roles, and is
available while each tag it needs reads well."""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client import DataKind, Quality, Scalar
from .controls import ROLES, ControlConfig, ControlKind
from .coordinator import WinCCCoordinator
from .entity_names import name_within_device
from .identity import control_unique_id, tag_device
from .runtime import WinCCConfigEntry
from .tags import TagConfig
from .voice_exposure import async_set_exposure


class WinCCControlEntity(Entity):
    """An entity composed from the tags of one control."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, coordinator: WinCCCoordinator, control: ControlConfig) -> None:
        """Describe the entity: on the device of its main tag, named within it (the
        device's name alone when the control is named as its device)."""
        self.coordinator = coordinator
        self.control = control
        entry = coordinator.config_entry
        main = coordinator.options.tags[control.main_tag]
        self._attr_unique_id = control_unique_id(entry, control)
        self._attr_device_info = tag_device(coordinator.hass, entry, main)
        device = main.part_name or entry.title
        own = name_within_device(control.name, device)
        self._attr_name = None if own.lower() == device.lower() else own

    def tag(self, role: str) -> TagConfig | None:
        """The tag of a role, if the control has one."""
        name = self.control.tags.get(role)
        return None if name is None else self.coordinator.options.tags[name]

    def value(self, role: str) -> Scalar | None:
        """The good (or uncertain) value of a role's tag; None if it has none."""
        name = self.control.tags.get(role)
        reading = None if name is None else (self.coordinator.data or {}).get(name)
        if reading is None or not reading.ok or reading.quality is Quality.BAD:
            return None
        return reading.value

    def number(self, role: str) -> float | None:
        """A role's value as a number."""
        value = self.value(role)
        return None if value is None or isinstance(value, str) else float(value)

    @property
    def available(self) -> bool:
        """Available while the server answers and every tag the control needs reads."""
        return self.coordinator.last_update_success and all(
            self.value(role) is not None
            for role, spec in ROLES[self.control.kind].items()
            if spec.required
        )

    async def write(self, role: str, value: float | bool) -> None:
        """Write a role's tag (a whole number to an integer tag), then read it back."""
        tag = self.tag(role)
        assert tag is not None  # noqa: S101 - only roles the control has are written
        written: Scalar = round(value) if tag.kind is DataKind.INTEGER else value
        await self.coordinator.async_write(tag, written)

    async def async_added_to_hass(self) -> None:
        """Listen to every tag of the control; keep it from voice unless chosen."""
        await super().async_added_to_hass()
        async_set_exposure(self.hass, self.entity_id, self.coordinator.options.expose_to_voice)
        for name in set(self.control.tags.values()):
            self.async_on_remove(
                self.coordinator.async_add_value_listener(name, self.async_write_ha_state)
            )


def async_setup_controls(
    entry: WinCCConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    kind: ControlKind,
    factory: Callable[[WinCCCoordinator, ControlConfig], Entity],
) -> None:
    """Add an entity for every control of this kind whose tags are exposed."""
    coordinator = entry.runtime_data.coordinator
    options = coordinator.options
    async_add_entities(
        factory(coordinator, control)
        for control in options.controls
        if control.kind is kind and control.usable_with(options.tags)
    )
