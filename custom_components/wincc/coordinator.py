"""The polling coordinator: batched reads of every exposed tag, writes, and patterns.

It keeps the last values while the tolerated number of polls fails, then lets
entities go unavailable. Home Assistant's coordinator logs once when polling starts
failing and once when it recovers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .alarm_coordinator import WinCCAlarmCoordinator
from .client import AuthenticationError, Scalar, TagValue, WinCCClient, WinCCError
from .const import (
    DEFAULT_SCAN_INTERVAL,
    DEFAULT_TOLERATED_FAILURES,
    DOMAIN,
    OPT_PATTERNS,
    OPT_READ_ONLY,
    OPT_SCAN_INTERVAL,
    OPT_TAGS,
    OPT_TOLERATED_FAILURES,
    PATTERN_REFRESH,
)
from .exceptions import action_failed, auth_failed, translation_key, update_failed
from .tags import TagConfig, tags_from_options

_LOGGER = logging.getLogger(__name__)

type TagListener = Callable[[list[TagConfig]], None]


@dataclass(slots=True)
class WinCCRuntimeData:
    """What a loaded entry holds."""

    client: WinCCClient
    coordinator: WinCCCoordinator
    alarms: WinCCAlarmCoordinator | None = None


type WinCCConfigEntry = ConfigEntry[WinCCRuntimeData]


class WinCCCoordinator(DataUpdateCoordinator[dict[str, TagValue]]):
    """Polls one WinCC server for every tag its entry exposes."""

    config_entry: WinCCConfigEntry

    def __init__(self, hass: HomeAssistant, entry: WinCCConfigEntry, client: WinCCClient) -> None:
        """Poll at the entry's interval; notify listeners only when data changed."""
        options = entry.options
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"WinCC {entry.title}",
            update_interval=timedelta(
                seconds=options.get(OPT_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
            ),
            always_update=False,
        )
        self.client = client
        self.tags: dict[str, TagConfig] = tags_from_options(options)
        self.patterns: list[str] = list(options.get(OPT_PATTERNS, []))
        self.read_only: bool = options.get(OPT_READ_ONLY, False)
        self.tolerated_failures: int = options.get(
            OPT_TOLERATED_FAILURES, DEFAULT_TOLERATED_FAILURES
        )
        self.failed_polls = 0
        self.runtime_device_id: str | None = None  # set once the device is registered
        self._next_pattern_refresh: datetime | None = None
        self._tag_listeners: list[TagListener] = []

    async def _async_update_data(self) -> dict[str, TagValue]:
        """Read every exposed tag in as few requests as the client's chunking allows."""
        await self._follow_patterns()
        try:
            values = await self.client.read(list(self.tags))
        except AuthenticationError as err:
            raise auth_failed(err) from err
        except WinCCError as err:
            self.failed_polls += 1
            if self.data is not None and self.failed_polls <= self.tolerated_failures:
                _LOGGER.debug(
                    "Poll %s of %s tolerated failures failed: %s",
                    self.failed_polls,
                    self.tolerated_failures,
                    err,
                )
                return self.data
            raise update_failed(err) from err
        self.failed_polls = 0
        return values

    # --- tags that appear later --------------------------------------------------------

    @callback
    def async_add_tag_listener(self, listener: TagListener) -> CALLBACK_TYPE:
        """Call ``listener`` with tags added while the entry is loaded."""
        self._tag_listeners.append(listener)
        return lambda: self._tag_listeners.remove(listener)

    async def _follow_patterns(self) -> None:
        """Browse the followed patterns now and then; new matches become entities."""
        now = dt_util.utcnow()
        if not self.patterns or (self._next_pattern_refresh and now < self._next_pattern_refresh):
            return
        self._next_pattern_refresh = now + PATTERN_REFRESH
        found: dict[str, TagConfig] = {}
        for pattern in self.patterns:
            try:
                infos = await self.client.browse(pattern)
            except WinCCError as err:
                _LOGGER.debug("Browsing %s for new tags failed: %s", pattern, err)
                continue
            found.update((i.name, TagConfig.from_info(i)) for i in infos if i.name not in self.tags)
        if not found:
            return
        _LOGGER.info("New tags match followed patterns: %s", ", ".join(sorted(found)))
        self.tags.update(found)
        self.hass.config_entries.async_update_entry(
            self.config_entry,
            options={
                **self.config_entry.options,
                OPT_TAGS: {name: tag.as_options() for name, tag in self.tags.items()},
            },
        )
        for listener in list(self._tag_listeners):
            listener(list(found.values()))

    # --- writes ------------------------------------------------------------------------

    async def async_write(self, tag: TagConfig, value: Scalar) -> None:
        """Write a tag, then read it back so the state shows what the server holds."""
        if self.read_only:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="read_only_mode",
                translation_placeholders={"tag": tag.entity_name},
            )
        if not tag.writable:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_writable",
                translation_placeholders={"tag": tag.entity_name},
            )
        try:
            results = await self.client.write({tag.name: value}, kinds={tag.name: tag.kind})
        except AuthenticationError as err:
            self.config_entry.async_start_reauth(self.hass)
            raise action_failed(err) from err
        except WinCCError as err:
            raise action_failed(err) from err
        result = results[tag.name]
        if result.error is not None:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="write_refused",
                translation_placeholders={
                    "tag": tag.entity_name,
                    "code": result.error.code,
                    "error": result.error.description,
                },
            )
        _LOGGER.debug("Wrote %r to %s", value, tag.name)
        await self._read_back(tag.name)

    async def _read_back(self, name: str) -> None:
        try:
            values = await self.client.read([name])
        except WinCCError as err:
            _LOGGER.debug(
                "Reading back %s failed (%s); polling instead", name, translation_key(err)
            )
            await self.async_request_refresh()
            return
        self.async_set_updated_data({**(self.data or {}), **values})

    def diagnostics(self) -> Mapping[str, Any]:
        """Counters and settings for the diagnostics download."""
        return {
            "tags": len(self.tags),
            "patterns": self.patterns,
            "read_only": self.read_only,
            "tolerated_failures": self.tolerated_failures,
            "failed_polls": self.failed_polls,
            "last_update_success": self.last_update_success,
            "update_interval": self.update_interval.total_seconds()
            if self.update_interval
            else None,
        }
