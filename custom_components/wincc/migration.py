"""Config entry migrations.

Version 1 keyed entities and devices by the entry's unique ID (``host:port`` as first
set up), which went stale when reconfigure moved the server. Version 2 keys them by
the entry's ID (see ``identity``) and makes the unique ID the current address again.
Entity IDs, and so their history, stay.
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import DOMAIN
from .identity import address_unique_id

_LOGGER = logging.getLogger(__name__)

CURRENT_VERSION = 2


def _rekeyed(value: str, old: str, new: str) -> str | None:
    """``value`` keyed by ``new`` where it was keyed by ``old``, else None."""
    if value == old:
        return new
    if value.startswith(f"{old}_"):
        return f"{new}{value[len(old) :]}"
    return None


async def async_migrate_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Bring an entry and its registry entries to the current version.

    Home Assistant itself refuses entries of a newer version than ``CURRENT_VERSION``.
    """
    if entry.version == 1:
        await _migrate_to_entry_id_keys(hass, entry)
    return True


async def _migrate_to_entry_id_keys(hass: HomeAssistant, entry: ConfigEntry) -> None:
    old = entry.unique_id or entry.entry_id
    new = entry.entry_id

    @callback
    def entity_update(entity: er.RegistryEntry) -> dict[str, Any] | None:
        unique_id = _rekeyed(entity.unique_id, old, new)
        return None if unique_id is None else {"new_unique_id": unique_id}

    await er.async_migrate_entries(hass, entry.entry_id, entity_update)
    devices = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(devices, entry.entry_id):
        identifiers = {
            (domain, rekeyed)
            if domain == DOMAIN and (rekeyed := _rekeyed(key, old, new)) is not None
            else (domain, key)
            for domain, key in device.identifiers
        }
        if identifiers != device.identifiers:
            devices.async_update_device(device.id, new_identifiers=identifiers)
    # The current address, unless another entry already holds it (then nothing changes).
    address = address_unique_id(entry.data)
    holder = hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, address)
    hass.config_entries.async_update_entry(
        entry,
        unique_id=address if holder in (None, entry) else entry.unique_id,
        version=CURRENT_VERSION,
    )
    _LOGGER.debug("Migrated %s to version %s", entry.title, CURRENT_VERSION)
