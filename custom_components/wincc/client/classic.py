"""The WinCC V7.5/V8 backend: the classic REST service with HTTP Basic on every call."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
import logging
from typing import Any
from urllib.parse import quote

import aiohttp

from .errors import InvalidArgumentError, NotFoundError, ProtocolError, UnsupportedFeatureError
from .models import (
    AlarmActionResult,
    AlarmIdentifier,
    AlarmInstance,
    AlarmState,
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
from .parsing import (
    as_int,
    as_scalar,
    as_text,
    check_values,
    chunked,
    classic_kind,
    clean_name,
    expect_list,
    matches,
    parse_timestamp,
    quality_from_byte,
)
from .tls import SslArgument
from .transport import DEFAULT_MAX_CONCURRENT, DEFAULT_TIMEOUT, HttpTransport, decode_json

_LOGGER = logging.getLogger(__name__)

BASE_PATH = "/WinCCRestService"
DEFAULT_CHUNK_SIZE = 1000
PAGE_SIZE = 1000
MAX_PAGES = 10_000
# How many rows of the short-term alarm archive to look through after an outage.
ARCHIVE_ROWS = 1000
NO_ANSWER = ItemError("?", "No answer for this tag")


def _row_error(row: Mapping[str, Any]) -> ItemError | None:
    """A row failed only if ``errorcode`` is non-zero or ``error`` is non-empty."""
    code = row.get("errorcode", row.get("errorCode"))
    error = row.get("error")
    failed_code = code not in (None, 0, "0", "")
    failed_error = bool(error) and not (isinstance(error, str) and not error.strip())
    if not failed_code and not failed_error:
        return None
    description = error if isinstance(error, str) else str(error) if error else ""
    return ItemError(str(code) if failed_code else "?", description)


def _quality_raw(row: Mapping[str, Any]) -> int | None:
    raw = row.get("qualitycode", row.get("qualityCode"))
    return as_int(raw)


def _classic_value(name: str, row: object) -> TagValue:
    if not isinstance(row, dict):
        return TagValue(name, None, Quality.BAD, error=ItemError("?", "Malformed answer row"))
    error = _row_error(row)
    if error is not None:
        return TagValue(name, None, Quality.BAD, error=error)
    raw_quality = _quality_raw(row)
    return TagValue(
        name,
        as_scalar(row.get("value")),
        quality_from_byte(raw_quality) if raw_quality is not None else Quality.UNKNOWN,
        raw_quality,
        parse_timestamp(row.get("timestamp")),
    )


def _rows(payload: object) -> list[Any]:
    if isinstance(payload, dict) and "variableName" in payload:
        return [payload]  # a single row, as GET Value/{tag} answers
    return expect_list(payload, "tagManagement/Values", "values", "Values")


def _rows_by_name(payload: object) -> dict[str, dict[str, Any]]:
    """Answer rows by their (cleaned) variable name; rows without one are skipped."""
    return {
        clean_name(row["variableName"]): row
        for row in _rows(payload)
        if isinstance(row, dict) and isinstance(row.get("variableName"), str)
    }


def parse_value_rows(payload: object, names: Sequence[str]) -> dict[str, TagValue]:
    """Value rows matched to the asked (cleaned) names; gaps become per-tag errors."""
    by_name = _rows_by_name(payload)
    return {
        name: _classic_value(name, by_name[name])
        if name in by_name
        else TagValue(name, None, Quality.BAD, error=NO_ANSWER)
        for name in names
    }


def parse_write_rows(payload: object, names: Sequence[str]) -> dict[str, WriteResult]:
    """Write answers: one object per tag; ``errorcode != 0`` means that tag failed."""
    by_name = _rows_by_name(payload)
    return {
        name: WriteResult(name, _row_error(by_name[name]))
        if name in by_name
        else WriteResult(name, ItemError("?", "The server did not confirm this write"))
        for name in names
    }


def parse_variables_page(payload: object) -> tuple[list[TagInfo], int | None]:
    """One page of ``tagManagement/variables`` and the next continuation point."""
    tags = []
    for row in expect_list(payload, "tagManagement/variables", "variables", "Variables"):
        if not isinstance(row, dict):
            continue
        name = as_text(row.get("variableName")) or as_text(row.get("name"))
        if name is None:
            continue
        code = as_int(row.get("dataType"))
        tags.append(
            TagInfo(
                name=name,
                display_name=name,
                data_type=None if code is None else str(code),
                kind=classic_kind(code),
                unit=as_text(row.get("unit")),
                structure=as_text(row.get("structureVariable")),
                group=as_text(row.get("group")),
                connection=as_text(row.get("connection")),
            )
        )
    following = payload.get("continuationPoint") if isinstance(payload, dict) else None
    return tags, as_int(following)


def parse_archive_names(payload: object, key: str) -> list[str]:
    """Names in a listing such as ``tagLogging/Archives``."""
    return [
        name
        for row in expect_list(
            payload, key, key.rpartition("/")[2].lower(), "archives", "variables"
        )
        if (name := as_text(row.get("name")) if isinstance(row, dict) else as_text(row))
    ]


def parse_logged_values(payload: object, name: str) -> tuple[list[HistoryValue], ItemError | None]:
    """The values of one archive tag from ``tagLogging/Values``, and its error."""
    for archive in expect_list(payload, "tagLogging/Values", "archives"):
        if not isinstance(archive, dict):
            continue
        for variable in expect_list(archive.get("variables", []), "tagLogging variables"):
            if not isinstance(variable, dict) or variable.get("name") != name:
                continue
            error = _row_error(variable)
            if error is not None:
                return [], error
            values = []
            for row in expect_list(variable.get("values", []), "tagLogging values"):
                timestamp = parse_timestamp(row.get("timestamp")) if isinstance(row, dict) else None
                if timestamp is None:
                    continue
                raw_quality = _quality_raw(row)
                values.append(
                    HistoryValue(
                        timestamp,
                        as_scalar(row.get("value")),
                        quality_from_byte(raw_quality)
                        if raw_quality is not None
                        else Quality.UNKNOWN,
                        raw_quality,
                    )
                )
            return values, None
    raise ProtocolError(f"The history answer has no entry for {name}")


def _message_state(row: Mapping[str, Any]) -> AlarmState:
    """The state from the message's times (the state numbers alone are ambiguous)."""
    acknowledged = parse_timestamp(row.get("acknowledgeTime"))
    cleared = parse_timestamp(row.get("clearTime"))
    if acknowledged and cleared:
        return (
            AlarmState.RAISED_ACKNOWLEDGED_CLEARED
            if acknowledged <= cleared
            else AlarmState.RAISED_CLEARED_ACKNOWLEDGED
        )
    if acknowledged:
        return AlarmState.RAISED_ACKNOWLEDGED
    if cleared:
        return AlarmState.RAISED_CLEARED
    return AlarmState.RAISED


def parse_messages(payload: object, language: str) -> list[AlarmInstance]:
    """The classic alarm list; a row without a name is skipped and logged."""
    alarms = []
    for row in expect_list(payload, "alarmLogging/MessageList", "messages", "Messages"):
        # Rows name the message, or at least number it.
        name = (
            as_text(row.get("name")) or as_text(str(row.get("messageNumber") or ""))
            if isinstance(row, dict)
            else None
        )
        if not isinstance(row, dict) or name is None:
            _LOGGER.warning("Skipping an alarm row without a name: %r", row)
            continue
        text, info = as_text(row.get("text")), as_text(row.get("infoText"))
        alarms.append(
            AlarmInstance(
                name=name,
                instance_id=as_int(row.get("instanceID")) or 0,
                state=_message_state(row),
                priority=as_int(row.get("priority")),
                alarm_class=as_text(row.get("messageClass")),
                texts={language: text} if text else {},
                info_texts={language: info} if info else {},
                area=as_text(row.get("area")),
                origin=as_text(row.get("origin")),
                raise_time=parse_timestamp(row.get("raiseTime")),
                acknowledgment_time=parse_timestamp(row.get("acknowledgeTime")),
                clear_time=parse_timestamp(row.get("clearTime")),
                modification_time=parse_timestamp(row.get("modificationTime")),
                requires_acknowledgment=row.get("requiresAcknowledgment") is True,
            )
        )
    return alarms


class ClassicClient:
    """Talks to the WinCC V7.5 SP2 / V8 REST service."""

    server_type = ServerType.CLASSIC
    # Alarm logging exists on V8 only; a V7.5 server answers 404 there.
    capabilities = frozenset({Capability.BROWSE, Capability.HISTORY, Capability.ALARMS})

    def __init__(
        self,
        session: aiohttp.ClientSession | None,
        host: str,
        port: int,
        username: str,
        password: str,
        *,
        ssl: SslArgument = True,
        scheme: str = "https",
        timeout: float = DEFAULT_TIMEOUT,
        max_concurrent: int = DEFAULT_MAX_CONCURRENT,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        """Prepare a client; nothing is sent until the first call."""
        self._transport = HttpTransport(
            session,
            host,
            port,
            ssl=ssl,
            scheme=scheme,
            timeout=timeout,
            max_concurrent=max_concurrent,
        )
        self._auth = {"Authorization": aiohttp.encode_basic_auth(username, password)}
        self._chunk_size = chunk_size
        self._kinds: dict[str, DataKind] = {}
        self._archives: dict[str, str] | None = None

    @property
    def url(self) -> str:
        """The REST service's base URL."""
        return f"{self._transport.base_url}{BASE_PATH}"

    async def _send(
        self, method: str, path: str, *, json: Any = None, headers: dict[str, str] | None = None
    ) -> bytes:
        body, _ = await self._transport.request(
            method, f"{BASE_PATH}/{path}", json=json, headers={**self._auth, **(headers or {})}
        )
        return body

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return decode_json(await self._send(method, path, **kwargs), path)

    async def login(self) -> None:
        """Check the credentials with a cheap, read-only request."""
        await self._send("GET", "tagManagement/Connections?itemLimit=1")

    async def read(self, names: Sequence[str]) -> dict[str, TagValue]:
        """Read tags with ``POST tagManagement/Values``, one request per chunk."""
        cleaned = {name: clean_name(name) for name in dict.fromkeys(names)}
        chunks = list(chunked(list(dict.fromkeys(cleaned.values())), self._chunk_size))
        answers = await asyncio.gather(*(self._read_chunk(chunk) for chunk in chunks))
        values: dict[str, TagValue] = {}
        for answer in answers:
            values.update(answer)
        # Answer under the caller's names, even where invisible characters were stripped.
        return {
            name: values[clean] if name == clean else replace(values[clean], name=name)
            for name, clean in cleaned.items()
        }

    async def _read_chunk(self, names: Sequence[str]) -> dict[str, TagValue]:
        body = await self._send("POST", "tagManagement/Values", json={"variableNames": list(names)})
        if not body.strip():
            # An unknown name can empty the whole answer: ask tag by tag to find it.
            _LOGGER.debug("Empty answer for %d tags; reading them one by one", len(names))
            singles = await asyncio.gather(*(self._read_one(name) for name in names))
            return dict(zip(names, singles, strict=True))
        payload = decode_json(body, "tagManagement/Values")
        self._remember_kinds(payload, names)
        return parse_value_rows(payload, names)

    async def _read_one(self, name: str) -> TagValue:
        body = await self._send("GET", f"tagManagement/Value/{quote(name, safe='')}")
        if not body.strip():
            return TagValue(name, None, Quality.BAD, error=ItemError("2", "Unknown tag"))
        return parse_value_rows(decode_json(body, "tagManagement/Value"), [name])[name]

    def _remember_kinds(self, payload: object, names: Sequence[str]) -> None:
        """Learn the data types of tags read for the first time (checked on writes)."""
        unknown = [name for name in names if name not in self._kinds]
        if not unknown:
            return
        rows = _rows_by_name(payload)
        for name in unknown:
            kind = classic_kind(rows.get(name, {}).get("dataType"))
            if kind is not DataKind.OTHER:
                self._kinds[name] = kind

    async def write(
        self, values: Mapping[str, Scalar], kinds: Mapping[str, DataKind] | None = None
    ) -> dict[str, WriteResult]:
        """Write tags with ``PUT tagManagement/Values``; values are checked first."""
        check_values(values, {**self._kinds, **(kinds or {})})
        cleaned = {name: clean_name(name) for name in values}
        payload = [
            {"variableName": cleaned[name], "value": value} for name, value in values.items()
        ]
        body = await self._send("PUT", "tagManagement/Values", json=payload)
        answer = decode_json(body, "tagManagement/Values") if body.strip() else []
        results = parse_write_rows(answer, list(cleaned.values()))
        return {name: WriteResult(name, results[cleaned[name]].error) for name in values}

    def subscribe(self, names: Sequence[str]) -> AsyncIterator[TagValue]:
        """Not possible: the classic REST service pushes nothing; poll with ``read``."""
        raise UnsupportedFeatureError(
            "WinCC V7/V8's REST service cannot push tag values: they are polled instead"
        )

    async def browse(self, pattern: str = "*") -> list[TagInfo]:
        """Every tag matching ``pattern``, paging through ``tagManagement/variables``."""
        tags = await self._all_pages()
        self._kinds.update((t.name, t.kind) for t in tags if t.kind is not DataKind.OTHER)
        return [tag for tag in tags if matches(pattern, tag.name)]

    async def _all_pages(self) -> list[TagInfo]:
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

    async def history(
        self, name: str, start: datetime | None, end: datetime | None, max_values: int = 0
    ) -> list[HistoryValue]:
        """Logged values of one tag from the archive that logs it."""
        if start is None and end is None:
            raise InvalidArgumentError("A history request needs a start or an end time")
        tag = clean_name(name)
        archive = await self._archive_of(tag)
        request = {"name": tag, "maxValues": max_values}
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
            if error.code == "2":
                raise NotFoundError(f"{tag} is not logged: {error.description}")
            raise InvalidArgumentError(f"The server refused the request: {error.description}")
        return values

    async def _rest_filter(self, server_filter: str | None) -> str:
        """The REST filter to use: the given one, or the first configured."""
        if server_filter:
            return server_filter
        filters = parse_archive_names(
            await self._json("GET", "alarmLogging/RestFilters"), "alarmLogging/RestFilters"
        )
        if not filters:
            raise UnsupportedFeatureError(
                "The server has no REST filter for alarms: configure one in WinCC's alarm logging"
            )
        return filters[0]

    async def active_alarms(
        self, server_filter: str | None = None, languages: Sequence[str] = ("en-US",)
    ) -> list[AlarmInstance]:
        """The alarm list through a REST filter configured in WinCC (V8 only)."""
        language = languages[0] if languages else "en-US"
        name = quote(await self._rest_filter(server_filter), safe="")
        answer = await self._json(
            "GET", f"alarmLogging/MessageList/{name}", headers={"Accept-Language": language}
        )
        return parse_messages(answer, language)

    async def alarm_history(
        self,
        start: datetime,
        end: datetime | None = None,
        server_filter: str | None = None,
        languages: Sequence[str] = ("en-US",),
    ) -> list[AlarmInstance]:
        """Logged alarm states from the short-term archive, changed from ``start`` on."""
        language = languages[0] if languages else "en-US"
        name = quote(await self._rest_filter(server_filter), safe="")
        answer = await self._json(
            "GET",
            f"alarmLogging/ShortTermArchive/{name}?maxValues={ARCHIVE_ROWS}",
            headers={"Accept-Language": language},
        )
        return [
            alarm
            for alarm in reversed(parse_messages(answer, language))
            if alarm.modification_time is not None
            and alarm.modification_time >= start
            and (end is None or alarm.modification_time <= end)
        ]

    @property
    def server_time(self) -> datetime | None:
        """The server's clock, as of its latest answer."""
        return self._transport.server_time

    async def acknowledge(self, alarms: Sequence[AlarmIdentifier]) -> list[AlarmActionResult]:
        """Not possible: the classic REST service has no way to acknowledge alarms."""
        raise UnsupportedFeatureError(
            "WinCC V7/V8's REST service cannot acknowledge alarms: acknowledge them in WinCC"
        )

    async def close(self) -> None:
        """Close what the client opened (there is no session to end)."""
        await self._transport.close()
