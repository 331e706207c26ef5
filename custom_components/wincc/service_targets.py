"""Which config entry an action targets, and the errors a bad call gets."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_CONFIG_ENTRY_ID, ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
import probatio

from .const import DOMAIN
from .runtime import WinCCConfigEntry

# An entry, or any device of one, as an action's target.
TARGET_FIELDS = {
    probatio.Exclusive(ATTR_CONFIG_ENTRY_ID, "target"): cv.string,
    probatio.Exclusive(ATTR_DEVICE_ID, "target"): cv.string,
}


def invalid(key: str, **placeholders: str) -> ServiceValidationError:
    """A call the user can correct, in their language."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


def target_entry(hass: HomeAssistant, data: dict[str, Any]) -> WinCCConfigEntry:
    """The entry a call targets: given directly, or as the entry of a WinCC device."""
    if ATTR_DEVICE_ID in data:
        device = dr.async_get(hass).async_get(data[ATTR_DEVICE_ID])
        for entry_id in device.config_entries if device else ():
            entry = hass.config_entries.async_get_entry(entry_id)
            if entry is not None and entry.domain == DOMAIN:
                return loaded_entry(hass, entry_id)
        raise invalid("device_not_found", device_id=data[ATTR_DEVICE_ID])
    if ATTR_CONFIG_ENTRY_ID not in data:
        raise invalid("no_target")
    return loaded_entry(hass, data[ATTR_CONFIG_ENTRY_ID])


def loaded_entry(hass: HomeAssistant, entry_id: str) -> WinCCConfigEntry:
    """A loaded WinCC entry by its ID."""
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise invalid("entry_not_found", entry_id=entry_id)
    if entry.state is not ConfigEntryState.LOADED:
        raise invalid("entry_not_loaded", title=entry.title)
    return entry
