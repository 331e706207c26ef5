"""Config entry migrations.

Version 1 keyed entities and devices by the entry's unique ID (``host:port`` as first
set up), which went stale when reconfigure moved the server. Version 2 keys them by
the entry's ID (see ``identity``) and makes the unique ID the current address again.
Entity IDs, and so their history, stay.

Version 3 names the server by its identity instead of its address: the entry's title
(and so the runtime device's name) becomes the Unified system name, or the host's name,
and entity IDs that began with the old title's address lose it. The registry carries
each entity's history along to its new ID. Tags the server gave no display name are
named in words (``Pump1_Fault`` -> "Pump 1 fault").
"""

from __future__ import annotations

from dataclasses import replace
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import slugify

from .client import ServerType
from .const import CONF_SERVER_TYPE, DOMAIN, MODELS
from .identity import address_unique_id
from .names import server_title
from .options import EntryOptions
from .tags import display_name

_LOGGER = logging.getLogger(__name__)

CURRENT_VERSION = 3


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
    if entry.version == 2:
        _migrate_to_plant_names(hass, entry)
    return True


@callback
def _migrate_to_plant_names(hass: HomeAssistant, entry: ConfigEntry) -> None:
    server_type = ServerType(entry.data[CONF_SERVER_TYPE])
    options = EntryOptions.from_options(entry.options)
    tags = {
        name: replace(tag, display_name=display_name(name, tag.display_name))
        for name, tag in options.tags.items()
    }
    title = entry.title
    if title == f"{MODELS[server_type]} {entry.data[CONF_HOST]}":
        title = server_title(server_type, entry.data[CONF_HOST], tags)
        _rename_entity_ids(hass, entry, slugify(entry.title), slugify(title))
    hass.config_entries.async_update_entry(
        entry,
        title=title,
        options={**entry.options, **options.with_tags(tags).as_options()},
        version=3,
    )
    _LOGGER.debug("Migrated %s to version 3, named %s", entry.entry_id, title)


def _rename_entity_ids(hass: HomeAssistant, entry: ConfigEntry, old: str, new: str) -> None:
    """Entity IDs that begin with the old title begin with the new one; an ID that is
    taken already stays as it was."""
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        domain, _, object_id = entity.entity_id.partition(".")
        if not object_id.startswith(f"{old}_"):
            continue
        renamed = f"{domain}.{new}_{object_id[len(old) + 1 :]}"
        if registry.async_is_registered(renamed):
            continue
        registry.async_update_entity(entity.entity_id, new_entity_id=renamed)


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
        version=2,
    )
    _LOGGER.debug("Migrated %s to version 2", entry.title)
