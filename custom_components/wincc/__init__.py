"""The WinCC integration: connects Home Assistant to Siemens WinCC SCADA servers."""

from __future__ import annotations

import asyncio
from contextlib import suppress

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.helpers.typing import ConfigType

from .alarm_coordinator import WinCCAlarmCoordinator
from .client import (
    AuthenticationError,
    Capability,
    CertificateError,
    WinCCError,
)
from .connection import client_for
from .const import DOMAIN
from .coordinator import WinCCCoordinator
from .device_removal import async_remove_config_entry_device
from .exceptions import auth_failed, translation_key
from .identity import expected_devices, expected_entities, runtime_device
from .issues import (
    delete_entry_issues,
    prune_tag_issues,
    report_read_failure,
    report_server_answered,
    report_write_right,
    update_tls_issue,
)
from .migration import async_migrate_entry
from .options import EntryOptions
from .push import start_push
from .runtime import WinCCConfigEntry, WinCCRuntimeData
from .services import async_setup_services

__all__ = [
    "async_migrate_entry",
    "async_remove_config_entry_device",
    "async_setup",
    "async_setup_entry",
    "async_unload_entry",
]

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CLIMATE,
    Platform.EVENT,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
    Platform.VALVE,
]


CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, whether or not entries exist."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: WinCCConfigEntry) -> bool:
    """Connect to the server, read every exposed tag once, and add the entities."""
    client = client_for(hass, entry.data)
    try:
        await client.login()
    except AuthenticationError as err:
        raise auth_failed(err) from err
    except CertificateError as err:
        report_read_failure(hass, entry, err)
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="certificate_changed",
            translation_placeholders={"fingerprint": err.fingerprint or "?"},
        ) from err
    except WinCCError as err:
        report_read_failure(hass, entry, err)  # the V20 runtime right, say
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key=translation_key(err),
            translation_placeholders={"error": str(err)},
        ) from err
    report_server_answered(hass, entry)
    options = EntryOptions.from_options(entry.options)
    if options.read_only or not any(tag.writable for tag in options.tags.values()):
        report_write_right(hass, entry, refused=None)  # nothing left to write
    coordinator = WinCCCoordinator(hass, entry, client, options)
    try:
        await coordinator.async_config_entry_first_refresh()
    except BaseException:
        await client.close()
        raise
    alarms = None
    if options.alarms and Capability.ALARMS in client.capabilities:
        alarms = WinCCAlarmCoordinator(hass, entry, client, options)
        # Alarms are not worth failing the tags for: their entities wait for them.
        await alarms.async_refresh()
    entry.runtime_data = WinCCRuntimeData(client, coordinator, alarms)
    # Registered first, so that the devices of plant parts can link to it.
    dr.async_get(hass).async_get_or_create(config_entry_id=entry.entry_id, **runtime_device(entry))
    _remove_stale_entities(hass, entry)
    update_tls_issue(hass, entry)
    prune_tag_issues(hass, entry, options.tags)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    if options.push and Capability.PUSH in client.capabilities:
        entry.runtime_data.push = start_push(entry, coordinator, alarms)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: WinCCConfigEntry) -> bool:
    """Remove the entities and end the server session."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        if (push := entry.runtime_data.push) is not None:
            push.cancel()
            with suppress(asyncio.CancelledError):
                await push
        await entry.runtime_data.client.close()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: WinCCConfigEntry) -> None:
    """Forget the entry's repair issues with it."""
    delete_entry_issues(hass, entry)


def _remove_stale_entities(hass: HomeAssistant, entry: WinCCConfigEntry) -> None:
    """Drop entities of tags no longer exposed (or now of another platform), and
    devices left without a part of the plant."""
    runtime = entry.runtime_data
    options = runtime.coordinator.options
    tags = options.tags.values()
    entities = er.async_get(hass)
    expected = expected_entities(
        entry, tags, alarms=runtime.alarms is not None, controls=options.controls
    )
    for entity in er.async_entries_for_config_entry(entities, entry.entry_id):
        if (entity.domain, entity.unique_id) not in expected:
            entities.async_remove(entity.entity_id)
    devices = dr.async_get(hass)
    wanted = expected_devices(entry, tags)
    for device in dr.async_entries_for_config_entry(devices, entry.entry_id):
        if not device.identifiers & wanted:
            devices.async_update_device(device.id, remove_config_entry_id=entry.entry_id)
