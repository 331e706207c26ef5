"""The simulator's clock: real time plus an offset that tests and the control API move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Wall-clock time that can be stepped forward.

    With ``frozen_at`` the clock stands still until ``advance`` moves it, so tests
    step the plant deterministically.
    """

    def __init__(self, frozen_at: datetime | None = None) -> None:
        """Start a real-time clock, or a frozen one at ``frozen_at``."""
        if frozen_at is not None and frozen_at.tzinfo is None:
            raise ValueError("frozen_at must be timezone-aware")
        self._frozen_at = frozen_at
        self._offset = timedelta()

    @property
    def frozen(self) -> bool:
        """Whether time moves only when ``advance`` is called."""
        return self._frozen_at is not None

    def now(self) -> datetime:
        """The current simulated time, in UTC."""
        base = self._frozen_at if self._frozen_at is not None else datetime.now(UTC)
        return base + self._offset

    def advance(self, seconds: float) -> datetime:
        """Move time forward and return the new time."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += timedelta(seconds=seconds)
        return self.now()


def iso(moment: datetime) -> str:
    """Format a time the way WinCC does: ISO-8601 UTC with milliseconds and ``Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_or_none(moment: datetime | None) -> str | None:
    """``iso(moment)``, or None for a time that has not come (an alarm not yet cleared)."""
    return iso(moment) if moment else None


def parse_iso(text: str) -> datetime:
    """Parse an ISO-8601 time; a time without zone is taken as UTC."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
