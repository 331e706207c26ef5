"""The WinCC V7.5/V8 backend: the classic REST service with HTTP Basic on every call."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
import logging
from typing import Any, ClassVar
from urllib.parse import quote

import aiohttp

from .backend import WinCCClient
from .classic_alarms import parse_messages
from .classic_parsing import (
    parse_archive_names,
    parse_logged_values,
    parse_value_rows,
    parse_variables_page,
    parse_write_rows,
    rows_by_name,
)
from .errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    UnsupportedFeatureError,
)
from .models import (
    UNKNOWN_NAME_CODE,
    AlarmInstance,
    AlarmQuery,
    Capability,
    DataKind,
    HistoryValue,
    ItemError,
    Quality,
    Scalar,
    ServerType,
    TagInfo,
    TagValue,
    WriteResult,
)
from .parsing import classic_kind, clean_name, item_failure
from .transport import HttpTransport, decode_json

_LOGGER = logging.getLogger(__name__)

BASE_PATH = "/WinCCRestService"
PAGE_SIZE = 1000
MAX_PAGES = 10_000
# How many rows of the short-term alarm archive to look through after an outage.
ARCHIVE_ROWS = 1000
PROBE_PATH = "tagManagement/Connections?itemLimit=1"


@lru_cache(maxsize=256)
def _cleaned(names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Each name without invisible characters, and those names once each, to ask for.

    Polls ask for the same chunks again and again, so this is remembered.
    """
    cleaned = tuple(clean_name(name) for name in names)
    return cleaned, tuple(dict.fromkeys(cleaned))


class ClassicClient(WinCCClient):
    """Talks to the WinCC V7.5 SP2 / V8 REST service."""

    server_type = ServerType.CLASSIC
    base_path = BASE_PATH
    offers: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.WRITE, Capability.BROWSE, Capability.HISTORY, Capability.ALARMS}
    )
    lacks: ClassVar[Mapping[Capability, str]] = {
        Capability.ACKNOWLEDGE: "WinCC V7/V8's REST service cannot acknowledge alarms: "
        "acknowledge them in WinCC",
        Capability.PUSH: "WinCC V7/V8's REST service cannot push tag values: "
        "they are polled instead",
        Capability.SHELVE: "WinCC V7/V8's REST service cannot shelve alarms: shelve them in WinCC",
        Capability.DISABLE: "WinCC V7/V8's REST service cannot disable or enable alarms: "
        "lock them in WinCC",
        Capability.ALARMS: "This server offers no alarm logging over its REST service "
        "(WinCC V7.5, or V8 without REST filters)",
    }

    # Learned on first use: which archive logs each tag, and the first REST filter.
    _archives: dict[str, str] | None = None
    _first_filter: str | None = None

    @classmethod
    async def speaks(cls, transport: HttpTransport) -> bool:
        """Whether the REST service answers (asking for credentials counts)."""
        try:
            await transport.request("GET", f"{BASE_PATH}/{PROBE_PATH}")
        except AuthenticationError:
            return True
        except (NotFoundError, ProtocolError):
            return False
        return True

    async def _send(
        self, method: str, path: str, *, json: Any = None, headers: dict[str, str] | None = None
    ) -> bytes:
        auth = aiohttp.encode_basic_auth(self._username, self._password)
        body, _ = await self._transport.request(
            method,
            f"{BASE_PATH}/{path}",
            json=json,
            headers={"Authorization": auth, **(headers or {})},
        )
        return body

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return decode_json(await self._send(method, path, **kwargs), path)

    async def _login(self) -> None:
        """Check the credentials with a cheap, read-only request."""
        await self._send("GET", PROBE_PATH)

    async def _learn_capabilities(self) -> frozenset[Capability]:
        """Alarm logging exists where ``alarmLogging/RestFilters`` lists a filter (V8).

        WinCC V7.5 answers 404 there; a user without alarm rights gets 403.
        """
        try:
            await self._rest_filter(None)
        except (NotFoundError, PermissionDeniedError, UnsupportedFeatureError) as err:
            _LOGGER.debug("%s offers no alarms: %s", self.url, err)
            return self.offers - {Capability.ALARMS}
        return self.offers

    # --- tags -------------------------------------------------------------------------

    async def _read_chunk(self, names: Sequence[str]) -> dict[str, TagValue]:
        """``POST tagManagement/Values``; names lose invisible characters on the way."""
        chunk = tuple(names)
        cleaned, asked = _cleaned(chunk)
        body = await self._send("POST", "tagManagement/Values", json={"variableNames": asked})
        if body.strip():
            payload = decode_json(body, "tagManagement/Values")
            self._remember_kinds(payload, asked)
            values = parse_value_rows(payload, asked, self._parsed)
        else:
            # An unknown name can empty the whole answer: ask tag by tag to find it.
            _LOGGER.debug("Empty answer for %d tags; reading them one by one", len(asked))
            values = dict(
                zip(asked, await asyncio.gather(*(self._read_one(n) for n in asked)), strict=True)
            )
        if cleaned == chunk:
            return values  # the usual case: every name was clean already
        # Answer under the caller's names, even where invisible characters were stripped.
        return {
            name: values[clean] if name == clean else values[clean]._replace(name=name)
            for name, clean in zip(names, cleaned, strict=True)
        }

    async def _read_one(self, name: str) -> TagValue:
        body = await self._send("GET", f"tagManagement/Value/{quote(name, safe='')}")
        if not body.strip():
            return TagValue(
                name, None, Quality.BAD, error=ItemError(UNKNOWN_NAME_CODE, "Unknown tag")
            )
        return parse_value_rows(decode_json(body, "tagManagement/Value"), [name], self._parsed)[
            name
        ]

    def _remember_kinds(self, payload: object, names: Sequence[str]) -> None:
        """Learn the data types of tags read for the first time (checked on writes)."""
        unknown = [name for name in names if name not in self._kinds]
        if not unknown:
            return
        rows = rows_by_name(payload)
        for name in unknown:
            kind = classic_kind(rows.get(name, {}).get("dataType"))
            if kind is not DataKind.OTHER:
                self._kinds[name] = kind

    async def _write(self, values: Mapping[str, Scalar]) -> dict[str, WriteResult]:
        """``PUT tagManagement/Values``, one row per tag."""
        cleaned = {name: clean_name(name) for name in values}
        payload = [
            {"variableName": cleaned[name], "value": value} for name, value in values.items()
        ]
        body = await self._send("PUT", "tagManagement/Values", json=payload)
        answer = decode_json(body, "tagManagement/Values") if body.strip() else []
        results = parse_write_rows(answer, list(cleaned.values()))
        return {name: WriteResult(name, results[cleaned[name]].error) for name in values}

    async def _all_tags(self) -> list[TagInfo]:
        """Every page of ``tagManagement/variables``."""
        tags: list[TagInfo] = []
        point = 0
        for _ in range(MAX_PAGES):
            page, following = parse_variables_page(
                await self._json(
                    "GET",
                    f"tagManagement/variables?itemLimit={PAGE_SIZE}&continuationPoint={point}",
                )
            )
            tags.extend(page)
            if following is None or following <= point or not page:
                return tags
            point = following
        raise ProtocolError("The tag list did not end after too many pages")

    # --- history ----------------------------------------------------------------------

    async def _archive_of(self, name: str) -> str:
        if self._archives is None:
            archives: dict[str, str] = {}
            for archive in parse_archive_names(
                await self._json("GET", "tagLogging/Archives"), "tagLogging/Archives"
            ):
                variables = await self._json(
                    "GET", f"tagLogging/Archive/{quote(archive, safe='')}/Variables"
                )
                for variable in parse_archive_names(variables, "tagLogging/Variables"):
                    archives.setdefault(variable, archive)
            self._archives = archives
        if name not in self._archives:
            raise NotFoundError(f"{name} is not logged in any archive")
        return self._archives[name]

    async def _history(
        self, name: str, start: datetime | None, end: datetime | None, max_values: int
    ) -> list[HistoryValue]:
        """Logged values of one tag from the archive that logs it."""
        tag = clean_name(name)
        archive = await self._archive_of(tag)
        request: dict[str, Any] = {"name": tag, "maxValues": max_values}
        if start:
            request["timeFrom"] = start.isoformat()
        if end:
            request["timeTo"] = end.isoformat()
        answer = await self._json(
            "POST",
            "tagLogging/Values",
            json={"archives": [{"name": archive, "variables": [request]}]},
        )
        values, error = parse_logged_values(answer, tag)
        if error is not None:
            raise item_failure(error, f"History of {tag}")
        return values

    # --- alarms -----------------------------------------------------------------------

    async def _rest_filter(self, server_filter: str | None) -> str:
        """The REST filter to use: the given one, or the first configured."""
        if server_filter:
            return server_filter
        if self._first_filter is None:
            filters = parse_archive_names(
                await self._json("GET", "alarmLogging/RestFilters"), "alarmLogging/RestFilters"
            )
            if not filters:
                raise UnsupportedFeatureError(
                    "The server has no REST filter for alarms: configure one in WinCC's "
                    "alarm logging"
                )
            self._first_filter = filters[0]
        return self._first_filter

    async def _messages(self, list_path: str, query: AlarmQuery) -> list[AlarmInstance]:
        """An alarm list of a REST filter, in the query's preferred language."""
        name = quote(await self._rest_filter(query.server_filter), safe="")
        answer = await self._json(
            "GET",
            list_path.format(filter=name),
            headers={"Accept-Language": query.language},
        )
        return parse_messages(answer, query.language)

    async def _active_alarms(self, query: AlarmQuery) -> list[AlarmInstance]:
        """The alarm list through a REST filter configured in WinCC (V8 only)."""
        return await self._messages("alarmLogging/MessageList/{filter}", query)

    async def _alarm_history(
        self, start: datetime, end: datetime | None, query: AlarmQuery
    ) -> list[AlarmInstance]:
        """Logged alarm states from the short-term archive, changed from ``start`` on."""
        rows = await self._messages(
            f"alarmLogging/ShortTermArchive/{{filter}}?maxValues={ARCHIVE_ROWS}", query
        )
        return [
            alarm
            for alarm in reversed(rows)
            if alarm.modification_time is not None
            and alarm.modification_time >= start
            and (end is None or alarm.modification_time <= end)
        ]
