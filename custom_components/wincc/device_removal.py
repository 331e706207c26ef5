"""Deleting a device from Home Assistant's device page: a part of the plant goes with
its tags; the runtime's device goes only with the entry."""

from __future__ import annotations

import logging

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .client.parsing import matches
from .identity import part_identifier, runtime_identifier
from .options import EntryOptions
from .runtime import WinCCConfigEntry

_LOGGER = logging.getLogger(__name__)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: WinCCConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Stop exposing the tags of a part of the plant, so its device and entities go.
    Refused for the runtime's device, and while a followed pattern would bring a tag
    of the part back."""
    if runtime_identifier(entry) in device.identifiers:
        return False
    options = EntryOptions.from_options(entry.options)
    on_device = {
        name
        for name, tag in options.tags.items()
        if tag.part and part_identifier(entry, tag.part) in device.identifiers
    }
    if following := [p for p in options.patterns if matches(p, *on_device)]:
        _LOGGER.warning(
            "%s is not removed: the followed pattern %s would add its tags again; stop "
            "following it first (Configure, Remove tags)",
            device.name,
            ", ".join(following),
        )
        return False
    kept = {name: tag for name, tag in options.tags.items() if name not in on_device}
    hass.config_entries.async_update_entry(entry, options=options.with_tags(kept).as_options())
    hass.config_entries.async_schedule_reload(entry.entry_id)
    return True
