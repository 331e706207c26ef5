"""The one interface every backend implements, and the shell they share.

A backend subclasses ``WinCCClient`` and writes only its protocol: how it logs in,
reads a chunk, writes, lists tags, reads history and alarms, and (where its
capabilities say so) acknowledges and pushes. Chunking, value checks, name matching,
argument checks, capability checks and closing live here, once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
import time
from typing import ClassVar

import aiohttp

from .errors import InvalidArgumentError, UnsupportedFeatureError
from .models import (
    AlarmAction,
    AlarmActionResult,
    AlarmIdentifier,
    AlarmInstance,
    AlarmQuery,
    Capability,
    DataKind,
    HistoryValue,
    Scalar,
    ServerType,
    TagInfo,
    TagValue,
    WriteResult,
)
from .parsing import ParsedRows, check_values, chunked, matches, own_name
from .push import Backoff, PushFeed, PushHandler
from .transport import HttpTransport, ServerAddress

DEFAULT_CHUNK_SIZE = 1000
DEFAULT_LANGUAGE = "en-US"


class WinCCClient(ABC):
    """What the integration may ask of any WinCC server."""

    server_type: ClassVar[ServerType]
    # Where the API lives on the server, below ``scheme://host:port``.
    base_path: ClassVar[str]
    # What the backend can do where the server allows it; ``login`` learns the rest.
    offers: ClassVar[frozenset[Capability]]
    # Why an operation the backend lacks is missing, in the user's words.
    lacks: ClassVar[Mapping[Capability, str]] = {}
    # Whether its push session pushes alarms too (else they are polled alongside).
    pushes_alarms: ClassVar[bool] = False

    def __init__(
        self,
        session: aiohttp.ClientSession | None,
        address: ServerAddress,
        username: str,
        password: str,
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Prepare a client; nothing is sent until the first call.

        ``monotonic`` is the clock that session renewals are scheduled by.
        """
        self._transport = HttpTransport(session, address)
        self._username = username
        self._password = password
        self._chunk_size = chunk_size
        self._monotonic = monotonic
        # Serializes logins and renewals, for APIs with sessions.
        self._session_lock = asyncio.Lock()
        # Data types learned from browsing or reading; writes are checked against them.
        self._kinds: dict[str, DataKind] = {}
        self._parsed = ParsedRows()  # each tag's last row, not parsed again while unchanged
        self.capabilities: frozenset[Capability] = self.offers
        self._capabilities_learned = False

    @classmethod
    @abstractmethod
    async def speaks(cls, transport: HttpTransport) -> bool:
        """Whether the server behind ``transport`` speaks this backend's API."""

    @property
    def url(self) -> str:
        """The API's base URL."""
        return f"{self._transport.base_url}{self.base_path}"

    @property
    def server_time(self) -> datetime | None:
        """The server's clock, as of its latest answer (its ``Date`` header)."""
        return self._transport.server_time

    # --- session ----------------------------------------------------------------------

    async def login(self) -> None:
        """Check the credentials (opening a session where the API has one); the first
        login also learns what this server offers."""
        await self._login()
        if not self._capabilities_learned:
            self.capabilities = await self._learn_capabilities()
            self._capabilities_learned = True

    @abstractmethod
    async def _login(self) -> None:
        """Check the credentials, or open a session."""

    async def _learn_capabilities(self) -> frozenset[Capability]:
        """What this server offers of what the backend can do (by default, all of it)."""
        return self.offers

    async def close(self) -> None:
        """End the session and release what the client opened."""
        await self._end_session()
        await self._transport.close()

    async def _end_session(self) -> None:  # noqa: B027 - most APIs have no session
        """End the server session, if the API has one (best effort)."""

    def _require(self, capability: Capability) -> None:
        if capability not in self.capabilities:
            raise UnsupportedFeatureError(
                self.lacks.get(capability, f"This server does not offer {capability.value}")
            )

    # --- tags -------------------------------------------------------------------------

    async def read(self, names: Sequence[str]) -> dict[str, TagValue]:
        """Read tags in as few requests as chunking allows; errors stay per tag."""
        chunks = list(chunked(list(dict.fromkeys(names)), self._chunk_size))
        values: dict[str, TagValue] = {}
        for answer in await asyncio.gather(*(self._read_chunk(chunk) for chunk in chunks)):
            values.update(answer)
        return values

    @abstractmethod
    async def _read_chunk(self, names: Sequence[str]) -> dict[str, TagValue]:
        """Read one chunk of distinct names in one request."""

    async def write(
        self, values: Mapping[str, Scalar], kinds: Mapping[str, DataKind] | None = None
    ) -> dict[str, WriteResult]:
        """Write tags after checking each value against its tag's kind."""
        self._require(Capability.WRITE)
        check_values(values, {**self._kinds, **(kinds or {})})
        return await self._write(values)

    async def _write(self, values: Mapping[str, Scalar]) -> dict[str, WriteResult]:
        """Write checked values; every name gets a result (``write`` calls it only where
        the backend offers ``Capability.WRITE``)."""
        raise NotImplementedError

    async def browse(self, pattern: str = "*") -> list[TagInfo]:
        """Every leaf tag whose name (with or without its system) matches a glob pattern."""
        self._require(Capability.BROWSE)
        tags = await self._browse(pattern)
        self._kinds.update((tag.name, tag.kind) for tag in tags if tag.kind is not DataKind.OTHER)
        return tags

    async def _browse(self, pattern: str) -> list[TagInfo]:
        """The tags matching ``pattern``; by default every leaf tag, filtered here. An
        API that filters by itself overrides this instead of ``_all_tags``."""
        tags = await self._all_tags()
        return [tag for tag in tags if matches(pattern, tag.name, own_name(tag.name))]

    async def _all_tags(self) -> list[TagInfo]:
        """Every leaf tag of the server, for an API that lists them all at once."""
        raise NotImplementedError

    async def history(
        self, name: str, start: datetime | None, end: datetime | None, max_values: int = 0
    ) -> list[HistoryValue]:
        """Logged values of one tag in a time range (at least one end is needed)."""
        self._require(Capability.HISTORY)
        if start is None and end is None:
            raise InvalidArgumentError("A history request needs a start or an end time")
        return await self._history(name, start, end, max_values)

    @abstractmethod
    async def _history(
        self, name: str, start: datetime | None, end: datetime | None, max_values: int
    ) -> list[HistoryValue]:
        """Logged values of one tag; a failed item raises through ``item_failure``."""

    def push(
        self,
        handler: PushHandler,
        tags: Sequence[str],
        alarms: AlarmQuery | None = None,
        *,
        backoff: Backoff = Backoff(),  # noqa: B008 - frozen and shared
    ) -> PushFeed:
        """A push session (``Capability.PUSH``) delivering ``tags`` and, unless None, the
        alarms ``alarms`` selects to ``handler``; run its ``run`` as a task."""
        self._require(Capability.PUSH)
        return self._push(handler, tags, alarms, backoff)

    def _push(
        self,
        handler: PushHandler,
        tags: Sequence[str],
        alarms: AlarmQuery | None,
        backoff: Backoff,
    ) -> PushFeed:
        raise NotImplementedError

    # --- alarms -----------------------------------------------------------------------

    async def active_alarms(
        self, server_filter: str | None = None, languages: Sequence[str] = (DEFAULT_LANGUAGE,)
    ) -> list[AlarmInstance]:
        """The active alarm instances, with texts in the given languages."""
        self._require(Capability.ALARMS)
        return await self._active_alarms(_query(server_filter, languages))

    async def alarm_history(
        self,
        start: datetime,
        end: datetime | None = None,
        server_filter: str | None = None,
        languages: Sequence[str] = (DEFAULT_LANGUAGE,),
    ) -> list[AlarmInstance]:
        """Logged alarm states (one per transition) changed from ``start`` on."""
        self._require(Capability.ALARMS)
        return await self._alarm_history(start, end, _query(server_filter, languages))

    async def acknowledge(self, alarms: Sequence[AlarmIdentifier]) -> list[AlarmActionResult]:
        """Acknowledge alarm instances; per-instance errors come back."""
        self._require(Capability.ACKNOWLEDGE)
        return await self._acknowledge(alarms)

    async def act_on_alarms(
        self, action: AlarmAction, names: Sequence[str], shelve_for: timedelta | None = None
    ) -> list[AlarmActionResult]:
        """Shelve, unshelve, disable or enable whole alarms by name; per-alarm errors
        come back. ``shelve_for`` bounds a shelving (None: the server's own timeout)."""
        self._require(action.capability)
        if shelve_for is not None and (
            action is not AlarmAction.SHELVE or shelve_for <= timedelta()
        ):
            raise InvalidArgumentError("Only shelving takes a duration, and it must be positive")
        if not names:
            return []
        return await self._act_on_alarms(action, names, shelve_for)

    async def _act_on_alarms(
        self, action: AlarmAction, names: Sequence[str], shelve_for: timedelta | None
    ) -> list[AlarmActionResult]:
        raise NotImplementedError

    async def _active_alarms(self, query: AlarmQuery) -> list[AlarmInstance]:
        raise NotImplementedError

    async def _alarm_history(
        self, start: datetime, end: datetime | None, query: AlarmQuery
    ) -> list[AlarmInstance]:
        raise NotImplementedError

    async def _acknowledge(self, alarms: Sequence[AlarmIdentifier]) -> list[AlarmActionResult]:
        raise NotImplementedError


def _query(server_filter: str | None, languages: Sequence[str]) -> AlarmQuery:
    return AlarmQuery(server_filter or None, tuple(languages) or (DEFAULT_LANGUAGE,))
