"""What both coordinators of an entry share: one server's client, the entry's options,
and Home Assistant's scheduling (listeners hear only of changed data)."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import ClassVar

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .client import AuthenticationError, WinCCClient, WinCCError
from .const import PUSH_SAFETY_INTERVAL
from .exceptions import auth_failed, update_failed
from .options import EntryOptions


class WinCCServerCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Reads one kind of data from one WinCC server at an interval."""

    config_entry: ConfigEntry
    # What it reads, for its name in logs: "tags", "alarms".
    reads: ClassVar[str]
    # Whether listeners hear of every read, not only of changed data.
    notify_every_read: ClassVar[bool] = False

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, client: WinCCClient, options: EntryOptions
    ) -> None:
        """Read from ``client`` at the interval ``options`` give."""
        super().__init__(
            hass,
            logging.getLogger(type(self).__module__),
            config_entry=entry,
            name=f"WinCC {self.reads} {entry.title}",
            update_interval=self.interval(options),
            always_update=self.notify_every_read,
        )
        self.client = client
        self.options = options
        # Whether the server pushes now; polling is then a slow safety net.
        self.pushing = False
        # Failed reads in a row; up to the tolerated number keep the last data.
        self.failed_reads = 0
        self._init_state()

    @staticmethod
    def interval(options: EntryOptions) -> timedelta:
        """How often to read, by the entry's options."""
        raise NotImplementedError

    def _init_state(self) -> None:
        """Set up what the subclass keeps between reads."""

    def _tolerate(self, err: WinCCError) -> DataT:
        """The last data while failures are tolerated; else the mapped error is raised."""
        if isinstance(err, AuthenticationError):
            raise auth_failed(err) from err
        self.failed_reads += 1
        tolerated = self.options.tolerated_failures
        if self.data is not None and self.failed_reads <= tolerated:
            self.logger.debug(
                "%s: read %s of %s tolerated failures failed: %s",
                self.name,
                self.failed_reads,
                tolerated,
                err,
            )
            return self.data
        raise update_failed(err, self.options.retry_after_cap) from err

    @callback
    def refresh_soon(self, why: str) -> None:
        """Read now, in a task Home Assistant tracks, without waiting for it."""
        self.config_entry.async_create_background_task(
            self.hass, self.async_request_refresh(), f"{self.name} {why}"
        )

    @property
    def mode(self) -> str:
        """``push`` or ``polling``."""
        return "push" if self.pushing else "polling"

    @property
    def _awaiting_read(self) -> bool:
        """Whether pushed data waits for a read (then the normal interval holds)."""
        return False

    def _adjust_interval(self) -> None:
        """The slow safety net while push flows and nothing waits; else the normal one."""
        self.update_interval = (
            PUSH_SAFETY_INTERVAL
            if self.pushing and not self._awaiting_read
            else self.interval(self.options)
        )

    @callback
    def push_started(self) -> None:
        """Pushed data flows: poll only now and then."""
        self.pushing = True
        self._adjust_interval()
        self.async_update_listeners()

    @callback
    def push_lost(self) -> None:
        """Push stopped: poll at the normal interval again, starting now."""
        if not self.pushing:
            return
        self.pushing = False
        self._adjust_interval()
        self.logger.info("%s polls until the server pushes again", self.name)
        self.async_update_listeners()
        self.refresh_soon("poll")
