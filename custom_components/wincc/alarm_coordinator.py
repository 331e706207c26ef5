"""Polls the server's active alarms and works out what changed since the last read.

The first read after start-up is only a baseline, so a restart replays nothing.
During an outage the last known list is kept; the first read afterwards reports
what changed meanwhile, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
import logging

from .alarm_transitions import AlarmKey, AlarmTransition, diff, unseen
from .client import (
    AlarmInstance,
    AuthenticationError,
    InvalidArgumentError,
    WinCCError,
)
from .exceptions import auth_failed, update_failed
from .options import EntryOptions
from .server_coordinator import WinCCServerCoordinator

_LOGGER = logging.getLogger(__name__)
FALLBACK_LANGUAGE = "en-US"

type AlarmSet = dict[AlarmKey, AlarmInstance]


def wincc_languages(language: str) -> tuple[str, ...]:
    """Home Assistant's language as WinCC names it (``de`` -> ``de-DE``), then en-US."""
    base, _, region = language.partition("-")
    wincc = f"{base.lower()}-{(region or ('US' if base.lower() == 'en' else base)).upper()}"
    return tuple(dict.fromkeys((wincc, FALLBACK_LANGUAGE)))


class WinCCAlarmCoordinator(WinCCServerCoordinator[AlarmSet]):
    """Reads the active alarms and keeps the transitions of the latest read."""

    reads = "alarms"

    @staticmethod
    def interval(options: EntryOptions) -> timedelta:
        """The entry's alarm interval."""
        return options.alarm_update_interval

    def _init_state(self) -> None:
        self.server_filter = self.options.alarm_filter
        self.min_priority = self.options.alarm_min_priority
        self.classes = frozenset(self.options.alarm_classes)
        self.languages = wincc_languages(self.hass.config.language)
        self.transitions: list[AlarmTransition] = []
        # The server's clock at the last good read, and whether reads failed since.
        self._last_server_time: datetime | None = None
        self._missed = False

    def _wanted(self, alarm: AlarmInstance) -> bool:
        return (alarm.priority or 0) >= self.min_priority and (
            not self.classes or alarm.alarm_class in self.classes
        )

    async def _read(self) -> Sequence[AlarmInstance]:
        try:
            return await self.client.active_alarms(self.server_filter, self.languages)
        except InvalidArgumentError:
            if self.languages == (FALLBACK_LANGUAGE,):
                raise
            _LOGGER.debug(
                "The server refused the languages %s; using %s", self.languages, FALLBACK_LANGUAGE
            )
            self.languages = (FALLBACK_LANGUAGE,)
            return await self.client.active_alarms(self.server_filter, self.languages)

    async def _async_update_data(self) -> AlarmSet:
        """Read the alarms; the transitions since the last good read go to listeners."""
        try:
            alarms = await self._read()
        except WinCCError as err:
            # Nothing new to report; what changed meanwhile comes with the next good read.
            self.transitions = []
            self._missed = self.data is not None
            if isinstance(err, AuthenticationError):
                raise auth_failed(err) from err
            raise update_failed(err) from err
        current = {alarm.key: alarm for alarm in alarms if self._wanted(alarm)}
        previous: AlarmSet | None = self.data  # None before the first good read
        if previous is None:
            self.transitions = []  # the baseline: nothing is replayed after a restart
        else:
            self.transitions = diff(previous, current)
            if self._missed:
                self.transitions[:0] = await self._came_and_went(set(previous) | set(current))
        self._missed = False
        self._last_server_time = self.client.server_time
        return current

    async def _came_and_went(self, known: set[AlarmKey]) -> list[AlarmTransition]:
        """From the server's alarm log: instances raised and gone during an outage."""
        if self._last_server_time is None:
            return []
        try:
            history = await self.client.alarm_history(
                self._last_server_time, None, self.server_filter, self.languages
            )
        except WinCCError as err:
            _LOGGER.warning("Could not read the alarm log to fill the outage: %s", err)
            return []
        return unseen((alarm for alarm in history if self._wanted(alarm)), known)

    @property
    def unacknowledged(self) -> list[AlarmInstance]:
        """Active alarms waiting for an acknowledgment."""
        return [a for a in (self.data or {}).values() if a.awaiting_acknowledgment]
