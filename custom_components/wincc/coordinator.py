"""The polling coordinator: batched reads of every exposed tag, writes, and patterns.

It keeps the last values while the tolerated number of polls fails, then lets
entities go unavailable. Home Assistant's coordinator logs once when polling starts
failing and once when it recovers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from itertools import islice
import logging
from typing import Any

from homeassistant.const import CONF_USERNAME
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.util import dt as dt_util

from .client import (
    AuthenticationError,
    Capability,
    MissingRuntimeRightError,
    PermissionDeniedError,
    PushFeed,
    Scalar,
    TagValue,
    WinCCError,
)
from .const import DOMAIN, PATTERN_REFRESH
from .entity_names import shown_names
from .exceptions import action_failed, translation_key
from .gone_tags import GoneTags
from .issues import (
    report_read_failure,
    report_server_answered,
    report_tag_renamed,
    report_tags_gone,
    report_write_right,
)
from .options import EntryOptions
from .server_coordinator import WinCCServerCoordinator
from .tags import TagConfig

_LOGGER = logging.getLogger(__name__)

type TagListener = Callable[[list[TagConfig]], None]
# Entities woken per loop step: a few milliseconds of state writes, so Home Assistant
# stays responsive while thousands of tags change at once.
WAKE_SLICE = 100


@callback
def _still_listening() -> None:
    """The coordinator's own listener while tag entities listen per tag."""


class WinCCCoordinator(WinCCServerCoordinator[dict[str, TagValue]]):
    """Polls one WinCC server for every tag its entry exposes.

    A tag's entities hear only of changes to their own tag (all of them when the
    coordinator's availability changed), and at most ``WAKE_SLICE`` per loop step.
    """

    reads = "tags"
    # It tells its tag listeners itself what changed, so it compares the data once.
    notify_every_read = True

    @staticmethod
    def interval(options: EntryOptions) -> timedelta:
        """The entry's polling interval."""
        return options.update_interval

    def _init_state(self) -> None:
        self.push_feed: PushFeed | None = None  # set while the server pushes
        self._pushed: dict[str, TagValue] = {}
        self._next_pattern_refresh: datetime | None = None
        self.gone = GoneTags()
        self._tag_listeners: list[TagListener] = []
        # Entity names, worked out for one set of tags (``_names_of``).
        self._names_of: Mapping[str, TagConfig] | None = None
        self._names: dict[str, str] = {}
        self._value_listeners: dict[str, list[CALLBACK_TYPE]] = {}
        # What the value listeners last heard of: the data, and whether reads succeeded.
        self._heard: dict[str, TagValue] = {}
        self._heard_success = True
        # Tags whose listeners are still to be woken, in order, and who wakes them.
        self._waking: dict[str, None] = {}
        self._waker: asyncio.Task[None] | None = None
        self._keep_polling: CALLBACK_TYPE | None = None  # removes the keep-alive listener
        # While some tags' values are merged in, the only ones that can have changed.
        self._merging: Mapping[str, TagValue] | None = None

    async def _async_update_data(self) -> dict[str, TagValue]:
        """Read every exposed tag in as few requests as the client's chunking allows."""
        await self._follow_patterns()
        try:
            values = await self.client.read(list(self.options.tags))
        except WinCCError as err:
            report_read_failure(self.hass, self.config_entry, err)
            return self._tolerate(err)
        if self.failed_reads:
            report_server_answered(self.hass, self.config_entry)
        self.failed_reads = 0
        if self.gone.note(values):
            report_tags_gone(self.hass, self.config_entry, self.gone.names)
        return values

    # --- listeners of one tag ----------------------------------------------------------

    @callback
    def async_add_value_listener(self, name: str, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``update`` when tag ``name`` changed, or availability did."""
        if not self._value_listeners:
            # Home Assistant polls only while the coordinator has a listener of its own.
            self._keep_polling = self.async_add_listener(_still_listening)
        self._value_listeners.setdefault(name, []).append(update)

        @callback
        def remove() -> None:
            listeners = self._value_listeners[name]
            listeners.remove(update)
            if not listeners:
                del self._value_listeners[name]
            if not self._value_listeners and self._keep_polling is not None:
                self._keep_polling()
                self._keep_polling = None

        return remove

    @callback
    def async_update_listeners(self) -> None:
        """Tell every listener of the coordinator, and each tag's listeners if it changed."""
        super().async_update_listeners()
        data = self.data or {}
        if self.last_update_success != self._heard_success:
            changed = list(self._value_listeners)
        else:
            heard = self._heard.get
            listening = self._value_listeners
            candidates = data if self._merging is None else self._merging
            # The client gives back the same object for an unchanged row: checked first.
            changed = [
                name
                for name, new in candidates.items()
                if new is not (old := heard(name)) and new != old and name in listening
            ]
        # The data is replaced on every change, never changed in place.
        self._heard, self._heard_success = data, self.last_update_success
        idle = self._waker is None or self._waker.done()
        if idle and len(changed) <= WAKE_SLICE:
            self._wake_now(changed)  # a few: at once, so a write's read-back shows at once
            return
        self._waking.update(dict.fromkeys(changed))
        if idle:
            # Not eagerly: the first slice gets a loop step of its own too.
            self._waker = self.hass.async_create_task(
                self._wake(), f"{self.name} wake", eager_start=False
            )

    async def _wake(self) -> None:
        """Wake the changed tags' listeners, ``WAKE_SLICE`` per loop step."""
        while self._waking:
            names = list(islice(self._waking, WAKE_SLICE))
            for name in names:
                del self._waking[name]
            self._wake_now(names)
            if self._waking:
                await asyncio.sleep(0)

    @callback
    def _wake_now(self, names: list[str]) -> None:
        for name in names:
            for update in list(self._value_listeners.get(name, ())):
                update()

    # --- pushed values -------------------------------------------------------------------

    @callback
    def apply_pushed(self, values: Sequence[TagValue]) -> None:
        """Take pushed values; those arriving in one loop step are written together."""
        if not self._pushed:
            self.hass.loop.call_soon(self._write_pushed)
        self._pushed.update((v.name, v) for v in values if v.name in self.options.tags)
        for value in values:
            if value.error is not None and value.error.renamed and value.name in self.options.tags:
                report_tag_renamed(self.hass, self.config_entry, value.name)

    @callback
    def _write_pushed(self) -> None:
        pushed, self._pushed = self._pushed, {}
        if pushed:
            self._merge(pushed)

    @callback
    def _merge(self, values: Mapping[str, TagValue]) -> None:
        """New values for some tags (pushed, or read back): only those are compared."""
        self._merging = values
        try:
            self.async_set_updated_data({**(self.data or {}), **values})
        finally:
            self._merging = None

    def entity_name(self, tag: TagConfig) -> str:
        """The tag's entity name, unique on its device (worked out once per set of tags)."""
        if self._names_of is not self.options.tags:
            self._names_of = self.options.tags
            self._names = shown_names(self.options.tags.values(), self.config_entry.title)
        return self._names.get(tag.name, tag.entity_name)

    # --- tags that appear later --------------------------------------------------------

    @callback
    def async_add_tag_listener(self, listener: TagListener) -> CALLBACK_TYPE:
        """Call ``listener`` with tags added while the entry is loaded."""
        self._tag_listeners.append(listener)
        return lambda: self._tag_listeners.remove(listener)

    async def _follow_patterns(self) -> None:
        """Browse the followed patterns now and then; new matches become entities."""
        now = dt_util.utcnow()
        if (
            not self.options.patterns
            or Capability.BROWSE not in self.client.capabilities
            or (self._next_pattern_refresh and now < self._next_pattern_refresh)
        ):
            return
        self._next_pattern_refresh = now + PATTERN_REFRESH
        tags = self.options.tags
        found: dict[str, TagConfig] = {}
        listed: dict[str, set[str]] = {}
        for pattern in self.options.patterns:
            try:
                infos = await self.client.browse(pattern)
            except WinCCError as err:
                _LOGGER.debug("Browsing %s for new tags failed: %s", pattern, err)
                continue
            listed[pattern] = {i.name for i in infos}
            found.update((i.name, TagConfig.from_info(i)) for i in infos if i.name not in tags)
        if left := self.gone.left_patterns(listed):
            self._drop(left, found)
            return
        if not found:
            return
        _LOGGER.info("New tags match followed patterns: %s", ", ".join(sorted(found)))
        self.options = self.options.with_new_tags(found)
        self.hass.config_entries.async_update_entry(
            self.config_entry, options=self.options.as_options()
        )
        for listener in list(self._tag_listeners):
            listener([self.options.tags[name] for name in found])
        if self.push_feed is not None:
            await self.push_feed.change_tags(list(self.options.tags))

    @callback
    def _drop(self, left: set[str], found: Mapping[str, TagConfig]) -> None:
        """Stop exposing tags gone from the server and from their followed patterns
        (and take the patterns' new tags); the entry reloads without their entities."""
        _LOGGER.info("Tags gone from the server and its followed patterns: %s", sorted(left))
        kept = {name: tag for name, tag in self.options.tags.items() if name not in left}
        options = self.options.with_tags(kept).with_new_tags(found)
        self.hass.config_entries.async_update_entry(self.config_entry, options=options.as_options())
        self.hass.config_entries.async_schedule_reload(self.config_entry.entry_id)

    # --- writes ------------------------------------------------------------------------

    async def async_write(self, tag: TagConfig, value: Scalar) -> None:
        """Write a tag, then read it back so the state shows what the server holds."""
        if self.options.read_only:
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
        except PermissionDeniedError as err:
            if not isinstance(err, MissingRuntimeRightError):  # an issue of its own
                report_write_right(
                    self.hass,
                    self.config_entry,
                    refused=tag.name,
                    username=self.config_entry.data[CONF_USERNAME],
                )
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
        report_write_right(self.hass, self.config_entry, refused=None)
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
        self._merge(values)

    def diagnostics(self) -> Mapping[str, Any]:
        """Counters and settings for the diagnostics download."""
        return {
            "tags": len(self.options.tags),
            "patterns": list(self.options.patterns),
            "read_only": self.options.read_only,
            "tolerated_failures": self.options.tolerated_failures,
            "mode": self.mode,
            "push_reconnects": self.push_feed.reconnects if self.push_feed else None,
            "failed_polls": self.failed_reads,
            "last_update_success": self.last_update_success,
            "update_interval": self.update_interval.total_seconds()
            if self.update_interval
            else None,
        }
