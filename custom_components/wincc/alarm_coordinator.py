"""Polls the server's active alarms and its alarm log, and reports what changed.

The first read after start-up is only a baseline, so a restart replays nothing.
Failed reads are tolerated like the tag coordinator's; after an outage the alarm log
since the last good read shows every step that was missed (``alarm_stream``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
import logging

from homeassistant.core import callback

from .alarm_stream import AlarmLedger, AlarmTransition, InstanceKey, instance_key
from .client import (
    AlarmInstance,
    AlarmNotification,
    InvalidArgumentError,
    NotFoundError,
    UnsupportedFeatureError,
    WinCCError,
)
from .options import EntryOptions
from .server_coordinator import WinCCServerCoordinator

_LOGGER = logging.getLogger(__name__)
FALLBACK_LANGUAGE = "en-US"
# Failed alarm-log reads in a row before its steps are inferred instead.
MAX_LOG_FAILURES = 12
# How long ended instances are remembered, so a log window's overlap repeats nothing.
LOG_MEMORY = timedelta(minutes=10)
# Each log window starts this long before the previous read: a controller may stamp
# alarms by its own clock, a little behind the server's. The ledger repeats nothing.
LOG_OVERLAP = timedelta(seconds=10)

type AlarmSet = dict[InstanceKey, AlarmInstance]


def wincc_languages(language: str) -> tuple[str, ...]:
    """Home Assistant's language as WinCC names it (``de`` -> ``de-DE``), then en-US."""
    base, _, region = language.partition("-")
    wincc = f"{base.lower()}-{(region or ('US' if base.lower() == 'en' else base)).upper()}"
    return tuple(dict.fromkeys((wincc, FALLBACK_LANGUAGE)))


class WinCCAlarmCoordinator(WinCCServerCoordinator[AlarmSet]):
    """Reads the active alarms and keeps the transitions of the latest read."""

    reads = "alarms"
    # A read can bring transitions while the active list stays the same.
    notify_every_read = True

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
        # Counts the batches of transitions, so each batch reaches listeners once.
        self.batch = 0
        self.ledger = AlarmLedger()
        # Pushed changes held back while a read catches up after (re)subscribing.
        self._held: list[AlarmNotification] | None = None
        self.log_available = True
        self.log_failures = 0
        # The server's clock at the last good read: the alarm log is read from there.
        self._log_since: datetime | None = None

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
        """Read the list and the log since the last read; their news goes to listeners."""
        self._set_transitions([])
        baseline = self.data is None
        try:
            alarms = [alarm for alarm in await self._read() if self._wanted(alarm)]
            read_at = self.client.server_time
            if baseline:
                self._log_since = read_at  # the next log read starts here too
            log = await self._read_log()
        except WinCCError as err:
            return self._tolerate(err)
        self.failed_reads = 0
        if baseline:
            self.ledger.baseline(alarms, log)  # nothing is replayed after a restart
        else:
            self._set_transitions(self.ledger.update(alarms, log))
        if self._held is not None:
            # Caught up: what was pushed meanwhile follows, without what the read told.
            held, self._held = self._held, None
            self._set_transitions([*self.transitions, *self.ledger.apply(held)[0]])
            self._adjust_interval()
        if read_at is not None:
            self._log_since = read_at
            self.ledger.forget_ended_before(read_at - LOG_MEMORY)
        return {instance_key(alarm): alarm for alarm in alarms}

    async def _read_log(self) -> list[AlarmInstance]:
        """The alarm log since the last good read, or nothing where the server has none.

        A failed read fails the whole update, so the same window is read again; after
        ``MAX_LOG_FAILURES`` in a row the steps it would show are inferred instead.
        """
        if not self.log_available or self._window_start is None:
            return []
        try:
            rows = await self.client.alarm_history(
                self._window_start, None, self.server_filter, self.languages
            )
        except (UnsupportedFeatureError, NotFoundError) as err:
            _LOGGER.info("%s keeps no alarm log (%s): steps are inferred", self.name, err)
            self.log_available = False
            return []
        except WinCCError as err:
            self.log_failures += 1
            if self.log_failures < MAX_LOG_FAILURES:
                raise
            _LOGGER.warning(
                "The alarm log of %s failed %s times in a row (%s): inferring what it would show",
                self.config_entry.title,
                self.log_failures,
                err,
            )
            self.log_failures = 0
            return []
        self.log_failures = 0
        return [row for row in rows if self._wanted(row)]

    @property
    def _window_start(self) -> datetime | None:
        """Where the next alarm-log read starts: a little before the last good read."""
        return None if self._log_since is None else self._log_since - LOG_OVERLAP

    def _set_transitions(self, transitions: list[AlarmTransition]) -> None:
        self.transitions = transitions
        self.batch += 1

    # --- pushed alarms ------------------------------------------------------------------

    @callback
    def push_started(self) -> None:
        """Subscribed (again): hold pushed changes until a read of the list and the log
        has told what happened before, so that the order stays. A failed catch-up read
        is tried again at the normal interval, so nothing waits for the slow one."""
        self._held = []
        super().push_started()
        self.refresh_soon("catch-up")

    @property
    def _awaiting_read(self) -> bool:
        """Pushed changes are held until the catch-up read succeeds."""
        return self._held is not None

    @callback
    def apply_pushed(self, notifications: Sequence[AlarmNotification]) -> None:
        """Pushed alarm changes: their news goes to listeners at once."""
        wanted = [n for n in notifications if self._wanted(n.alarm)]
        if self._held is not None:
            self._held += wanted
            return
        transitions, unresolved = self.ledger.apply(wanted)
        if transitions:
            self._set_transitions(transitions)
            self.async_set_updated_data(dict(self.ledger.active))
        if unresolved:
            self.refresh_soon("departure")

    @property
    def unshelved(self) -> list[AlarmInstance]:
        """Active alarms that are not shelved: those that count."""
        return [a for a in (self.data or {}).values() if not a.shelved]

    @property
    def shelved(self) -> list[AlarmInstance]:
        """Active alarms an operator shelved: reported apart, and not counted."""
        return [a for a in (self.data or {}).values() if a.shelved]

    @property
    def unacknowledged(self) -> list[AlarmInstance]:
        """Unshelved active alarms waiting for an acknowledgment."""
        return [a for a in self.unshelved if a.awaiting_acknowledgment]
