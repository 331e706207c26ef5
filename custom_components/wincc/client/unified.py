"""The WinCC Unified backend: GraphQL with a bearer-token session."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
import time
from typing import Any

import aiohttp

from .errors import (
    AuthenticationError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    ServerBusyError,
    ServerError,
    WinCCConnectionError,
    WinCCError,
)
from .models import (
    ACKNOWLEDGMENT_REQUIRED_MACHINES,
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
    expect_list,
    item_error,
    matches,
    parse_timestamp,
    quality_from_main,
    unified_kind,
)
from .tls import SslArgument
from .transport import DEFAULT_MAX_CONCURRENT, DEFAULT_TIMEOUT, HttpTransport, decode_json

_LOGGER = logging.getLogger(__name__)

GRAPHQL_PATH = "/graphql"
DEFAULT_CHUNK_SIZE = 1000
# Renew this long before the session expires (or a fifth of its life, if shorter).
RENEW_MARGIN = timedelta(seconds=60)

LOGIN = (
    "mutation($u:String!,$p:String!){login(username:$u,password:$p)"
    "{token expires error{code description}}}"
)
EXTEND = "mutation{extendSession{token expires error{code description}}}"
LOGOUT = "mutation{logout}"
TAG_VALUES = (
    "query($n:[String!]!){tagValues(names:$n)"
    "{name value{value timestamp quality{quality subStatus}} error{code description}}}"
)
WRITE = "mutation($i:[TagValueInput]!){writeTagValues(input:$i){name error{code description}}}"
BROWSE = "query($f:[String]){browse(nameFilters:$f){name displayName objectType dataType}}"
LOGGED = (
    "query($n:[String]!,$s:Timestamp,$e:Timestamp,$m:Int){loggedTagValues(names:$n,"
    "startTime:$s,endTime:$e,maxNumberOfValues:$m){loggingTagName error{code description}"
    " values{value{value timestamp quality{quality}} flags}}}"
)
ALARM_FIELDS = (
    "name instanceID state stateMachine priority alarmClassName eventText infoText area "
    "origin raiseTime acknowledgmentTime clearTime resetTime modificationTime"
)
ACTIVE_ALARMS = (
    f"query($f:String,$l:[String]){{activeAlarms(filterString:$f,languages:$l){{{ALARM_FIELDS}}}}}"
)
LOGGED_ALARMS = (
    "query($s:Timestamp,$e:Timestamp,$f:String,$l:[String]){loggedAlarms(startTime:$s,"
    f"endTime:$e,filterString:$f,languages:$l){{{ALARM_FIELDS}}}}}"
)
ACKNOWLEDGE = (
    "mutation($i:[AlarmIdentifierInput]!){acknowledgeAlarms(input:$i)"
    "{alarmName alarmInstanceID error{code description}}}"
)
TAG_SUBSCRIPTION = (
    "subscription($n:[String!]!){tagValues(names:$n){name value{value timestamp "
    "quality{quality subStatus}} error{code description} notificationReason}}"
)
WS_PROTOCOL = "graphql-transport-ws"
# How the runtime closes a subscription socket, and what it means.
WS_CLOSE_ERRORS: dict[int, tuple[type[WinCCError], str]] = {
    4401: (AuthenticationError, "The server ended the session of the subscription"),
    4403: (AuthenticationError, "The server refused the subscription's session"),
    1012: (ServerBusyError, "The WinCC runtime stopped"),
}
LEAF_TYPES = frozenset({"TAG", "SIMPLETAG"})
# Request-level error codes that mean the caller's arguments were wrong.
ARGUMENT_CODES = frozenset({"3", "301", "302", "303"})


class _UnauthenticatedError(Exception):
    """The server says the session is missing or over."""


def _is_unauthenticated(error: Mapping[str, Any]) -> bool:
    # What an expired token returns is undocumented: look at the code and the words.
    extensions = error.get("extensions")
    code = str(extensions.get("code", "")) if isinstance(extensions, dict) else ""
    message = str(error.get("message", "")).lower()
    return code in ("UNAUTHENTICATED", "401") or any(
        word in message for word in ("unauthenticated", "unauthorized", "not logged in")
    )


@dataclass(frozen=True, slots=True)
class GraphQLAnswer:
    """The field asked for, and the request-level errors that came with it."""

    data: Any
    errors: Sequence[Mapping[str, Any]]


def parse_graphql(payload: object, field: str) -> GraphQLAnswer:
    """Split a GraphQL answer into ``data[field]`` and its request-level errors."""
    if not isinstance(payload, dict):
        raise ProtocolError("The GraphQL answer is not an object")
    raw_errors = payload.get("errors")
    errors = [e for e in raw_errors if isinstance(e, dict)] if isinstance(raw_errors, list) else []
    if isinstance(raw_errors, list) and raw_errors and not errors:
        errors = [{"message": "unreadable error"}]
    data = payload.get("data")
    if errors:
        return GraphQLAnswer(data.get(field) if isinstance(data, dict) else None, errors)
    if not isinstance(data, dict) or field not in data:
        raise ProtocolError(f"The GraphQL answer has no data.{field}")
    return GraphQLAnswer(data[field], [])


def raise_for_errors(errors: Sequence[Mapping[str, Any]]) -> None:
    """Turn request-level GraphQL errors into the client's errors."""
    if not errors:
        return
    if any(_is_unauthenticated(e) for e in errors):
        raise _UnauthenticatedError
    messages = "; ".join(str(e.get("message", "")) for e in errors) or "unknown error"
    codes = {
        str(e["extensions"].get("code")) for e in errors if isinstance(e.get("extensions"), dict)
    }
    if codes & ARGUMENT_CODES:
        raise InvalidArgumentError(f"The server refused the request: {messages}")
    raise ServerError(f"The server reported an error: {messages}")


@dataclass(frozen=True, slots=True)
class SessionAnswer:
    """What ``login`` or ``extendSession`` answered."""

    token: str | None
    expires: datetime | None
    error: ItemError | None


def parse_session(raw: object) -> SessionAnswer:
    """Token, expiry and error of a ``Session`` (code "0" is success)."""
    if not isinstance(raw, dict):
        raise ProtocolError("The login answer has no session")
    error = item_error(raw.get("error"))
    token = as_text(raw.get("token"))
    if error is None and token is None:
        raise ProtocolError("The login answer has no token")
    return SessionAnswer(token, parse_timestamp(raw.get("expires")), error)


def session_token(answer: SessionAnswer) -> str:
    """The token of a successful session answer; a refusal raises."""
    if answer.error is not None:
        if answer.error.code == "1":
            raise PermissionDeniedError(
                "The user may not use the GraphQL interface: grant the user the right to "
                f"use it ({answer.error.description})"
            )
        raise AuthenticationError(
            "The server refused the login: check the user name and password "
            f"(code {answer.error.code}: {answer.error.description})"
        )
    assert answer.token is not None  # noqa: S101 - parse_session guarantees one of the two
    return answer.token


def _unified_value(name: str, row: object) -> TagValue:
    if not isinstance(row, dict):
        return TagValue(name, None, Quality.BAD, error=ItemError("?", "Malformed answer row"))
    error = item_error(row.get("error"))
    value = row.get("value")
    if error is not None or not isinstance(value, dict):
        return TagValue(
            name, None, Quality.BAD, error=error or ItemError("?", "The answer row has no value")
        )
    quality = value.get("quality")
    main = quality.get("quality") if isinstance(quality, dict) else None
    return TagValue(
        name,
        as_scalar(value.get("value")),
        quality_from_main(main),
        main if isinstance(main, str) else None,
        parse_timestamp(value.get("timestamp")),
    )


def parse_tag_values(payload: object, names: Sequence[str]) -> dict[str, TagValue]:
    """Rows of ``tagValues``, matched to the asked names; gaps become per-tag errors."""
    rows = expect_list(payload, "tagValues")
    by_name: dict[str, object] = {}
    for index, row in enumerate(rows):
        name = row.get("name") if isinstance(row, dict) else None
        if isinstance(name, str):
            by_name[name] = row
        elif index < len(names):
            by_name.setdefault(names[index], row)
    return {
        name: _unified_value(name, by_name[name])
        if name in by_name
        else TagValue(name, None, Quality.BAD, error=ItemError("?", "No answer for this tag"))
        for name in names
    }


def parse_write_results(payload: object, names: Sequence[str]) -> dict[str, WriteResult]:
    """Rows of ``writeTagValues``; a missing row is an unconfirmed write."""
    results: dict[str, WriteResult] = {}
    for row in expect_list(payload, "writeTagValues"):
        if isinstance(row, dict) and isinstance(row.get("name"), str):
            results[row["name"]] = WriteResult(row["name"], item_error(row.get("error")))
    return {
        name: results.get(name, WriteResult(name, ItemError("?", "The server did not confirm")))
        for name in names
    }


def parse_browse(payload: object) -> list[TagInfo]:
    """Leaf tags among ``browse`` results; structure tags, alarms and the rest are skipped."""
    tags = []
    for row in expect_list(payload, "browse"):
        if not isinstance(row, dict):
            continue
        name = as_text(row.get("name"))
        object_type = row.get("objectType")
        if name is None or (object_type is not None and object_type not in LEAF_TYPES):
            continue
        data_type = as_text(row.get("dataType"))
        system, separator, local = name.rpartition("::")
        structure = local.split(".", 1)[0] if "." in local else None
        tags.append(
            TagInfo(
                name=name,
                display_name=as_text(row.get("displayName")) or local,
                data_type=data_type,
                kind=unified_kind(data_type),
                structure=f"{system}{separator}{structure}" if structure else None,
            )
        )
    return tags


def parse_history(payload: object) -> tuple[list[HistoryValue], ItemError | None]:
    """Values of one ``loggedTagValues`` result, and its per-item error."""
    rows = expect_list(payload, "loggedTagValues")
    if not rows or not isinstance(rows[0], Mapping):
        raise ProtocolError("The history answer has no result")
    error = item_error(rows[0].get("error"))
    if error is not None:
        return [], error
    values = []
    for entry in expect_list(rows[0].get("values"), "loggedTagValues.values"):
        value = entry.get("value") if isinstance(entry, dict) else None
        timestamp = parse_timestamp(value.get("timestamp")) if isinstance(value, dict) else None
        if not isinstance(value, dict) or timestamp is None:
            continue
        quality = value.get("quality")
        main = quality.get("quality") if isinstance(quality, dict) else None
        flags = entry.get("flags")
        values.append(
            HistoryValue(
                timestamp,
                as_scalar(value.get("value")),
                quality_from_main(main),
                main if isinstance(main, str) else None,
                bounding=isinstance(flags, list) and "BOUNDING" in flags,
            )
        )
    return values, None


def history_error(error: ItemError) -> WinCCError:
    """The client error for a failed history request."""
    if error.code == "2":
        return NotFoundError(
            f"No logged values: the tag is unknown or not logged ({error.description})"
        )
    if error.code in ARGUMENT_CODES:
        return InvalidArgumentError(f"The server refused the time range: {error.description}")
    return ServerError(f"The server could not read history: {error.description}")


def _texts(raw: object, languages: Sequence[str]) -> dict[str, str]:
    if not isinstance(raw, list):
        return {}
    return {
        language: text
        for language, text in zip(languages, raw, strict=False)
        if isinstance(text, str)
    }


def parse_alarms(payload: object, languages: Sequence[str]) -> list[AlarmInstance]:
    """``activeAlarms`` rows; a row without a name or instance ID is skipped and logged."""
    alarms = []
    for row in expect_list(payload, "activeAlarms"):
        name = as_text(row.get("name")) if isinstance(row, dict) else None
        instance_id = as_int(row.get("instanceID")) if isinstance(row, dict) else None
        if not isinstance(row, dict) or name is None or instance_id is None:
            _LOGGER.warning("Skipping an alarm row without name or instance ID: %r", row)
            continue
        state_machine = as_text(row.get("stateMachine"))
        raw_state = row.get("state")
        state = (
            AlarmState(raw_state)
            if isinstance(raw_state, str) and raw_state in AlarmState.__members__
            else AlarmState.UNKNOWN
        )
        alarms.append(
            AlarmInstance(
                name=name,
                instance_id=instance_id,
                state=state,
                state_machine=state_machine,
                priority=as_int(row.get("priority")),
                alarm_class=as_text(row.get("alarmClassName")),
                texts=_texts(row.get("eventText"), languages),
                info_texts=_texts(row.get("infoText"), languages),
                area=as_text(row.get("area")),
                origin=as_text(row.get("origin")),
                raise_time=parse_timestamp(row.get("raiseTime")),
                acknowledgment_time=parse_timestamp(row.get("acknowledgmentTime")),
                clear_time=parse_timestamp(row.get("clearTime")),
                reset_time=parse_timestamp(row.get("resetTime")),
                modification_time=parse_timestamp(row.get("modificationTime")),
                requires_acknowledgment=state_machine in ACKNOWLEDGMENT_REQUIRED_MACHINES,
            )
        )
    return alarms


def parse_alarm_results(payload: object) -> list[AlarmActionResult]:
    """Rows of ``acknowledgeAlarms``."""
    results = []
    for row in expect_list(payload, "acknowledgeAlarms"):
        if not isinstance(row, dict):
            raise ProtocolError("An acknowledgment result is not an object")
        results.append(
            AlarmActionResult(
                as_text(row.get("alarmName")) or "",
                as_int(row.get("alarmInstanceID")) or 0,
                item_error(row.get("error")),
            )
        )
    return results


PING_SECONDS = 30.0


async def _keep_alive(ws: aiohttp.ClientWebSocketResponse) -> None:
    """WebSocket-level pings: the runtime does not understand the protocol's own pings.

    A failed ping closes the socket, which ends the subscription with an error.
    """
    while not ws.closed:
        await asyncio.sleep(PING_SECONDS)
        try:
            await ws.ping()
        except (ConnectionError, aiohttp.ClientError):
            await ws.close()


class UnifiedClient:
    """Talks to a WinCC Unified runtime over GraphQL."""

    server_type = ServerType.UNIFIED
    capabilities = frozenset(
        {
            Capability.BROWSE,
            Capability.HISTORY,
            Capability.ALARMS,
            Capability.ACKNOWLEDGE,
            Capability.PUSH,
        }
    )

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
        monotonic: Callable[[], float] = time.monotonic,
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
        self._username = username
        self._password = password
        self._chunk_size = chunk_size
        self._monotonic = monotonic
        self._token: str | None = None
        self._renew_at = 0.0
        self._session_lock = asyncio.Lock()
        self._kinds: dict[str, DataKind] = {}

    @property
    def url(self) -> str:
        """The GraphQL endpoint."""
        return f"{self._transport.base_url}{GRAPHQL_PATH}"

    # --- session ----------------------------------------------------------------------

    async def _post(self, query: str, variables: Mapping[str, Any] | None, field: str) -> Any:
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else None
        try:
            body, _ = await self._transport.request(
                "POST", GRAPHQL_PATH, json={"query": query, "variables": variables}, headers=headers
            )
        except AuthenticationError as err:
            raise _UnauthenticatedError from err
        answer = parse_graphql(decode_json(body, field), field)
        raise_for_errors(answer.errors)
        return answer.data

    def _schedule_renewal(self, expires: datetime | None) -> None:
        # The server's Date and its expiry come from one clock; the local clock may differ.
        now = self._transport.server_time
        lifetime = (expires - now) if expires and now else timedelta(minutes=5)
        lifetime = max(timedelta(seconds=10), lifetime)
        margin = min(RENEW_MARGIN, lifetime / 5)
        self._renew_at = self._monotonic() + (lifetime - margin).total_seconds()

    async def login(self) -> None:
        """Log in; wrong credentials raise ``AuthenticationError``."""
        async with self._session_lock:
            await self._login()

    async def _login(self) -> None:
        self._token = None
        try:
            raw = await self._post(LOGIN, {"u": self._username, "p": self._password}, "login")
        except _UnauthenticatedError as err:
            raise AuthenticationError(
                "The server refused the login: check the user name and password"
            ) from err
        answer = parse_session(raw)
        self._token = session_token(answer)
        self._schedule_renewal(answer.expires)
        _LOGGER.debug("Logged in to %s", self.url)

    async def _ensure_session(self) -> None:
        async with self._session_lock:
            if self._token is None:
                await self._login()
            elif self._monotonic() >= self._renew_at:
                try:
                    answer = parse_session(await self._post(EXTEND, None, "extendSession"))
                    self._token = session_token(answer)
                except (_UnauthenticatedError, AuthenticationError, ProtocolError):
                    await self._login()
                else:
                    self._schedule_renewal(answer.expires)
                    _LOGGER.debug("Renewed the session with %s", self.url)

    async def _call(self, query: str, variables: Mapping[str, Any] | None, field: str) -> Any:
        """Run an operation in a live session; log in once more if the server forgot it."""
        await self._ensure_session()
        token = self._token
        try:
            return await self._post(query, variables, field)
        except _UnauthenticatedError:
            async with self._session_lock:
                if self._token == token:  # nobody else logged in meanwhile
                    await self._login()
        try:
            return await self._post(query, variables, field)
        except _UnauthenticatedError as err:
            raise AuthenticationError(
                "The server ended the session right after login: check the user's rights"
            ) from err

    # --- operations -------------------------------------------------------------------

    async def read(self, names: Sequence[str]) -> dict[str, TagValue]:
        """Read tags, one request per chunk, a few in flight at once."""
        unique = list(dict.fromkeys(names))
        chunks = list(chunked(unique, self._chunk_size))
        answers = await asyncio.gather(
            *(self._call(TAG_VALUES, {"n": list(chunk)}, "tagValues") for chunk in chunks)
        )
        values: dict[str, TagValue] = {}
        for chunk, answer in zip(chunks, answers, strict=True):
            values.update(parse_tag_values(answer, chunk))
        return values

    async def write(
        self, values: Mapping[str, Scalar], kinds: Mapping[str, DataKind] | None = None
    ) -> dict[str, WriteResult]:
        """Write tags; values are checked against their kinds first."""
        check_values(values, {**self._kinds, **(kinds or {})})
        payload = [{"name": name, "value": value} for name, value in values.items()]
        answer = await self._call(WRITE, {"i": payload}, "writeTagValues")
        return parse_write_results(answer, list(values))

    async def browse(self, pattern: str = "*") -> list[TagInfo]:
        """Every leaf tag (simple tags and structure elements) matching ``pattern``."""
        answer = await self._call(BROWSE, {"f": ["*::*", "*.**"]}, "browse")
        tags = [
            tag
            for tag in parse_browse(answer)
            if matches(pattern, tag.name, tag.name.rpartition("::")[2])
        ]
        self._kinds.update((tag.name, tag.kind) for tag in tags)
        return tags

    async def history(
        self, name: str, start: datetime | None, end: datetime | None, max_values: int = 0
    ) -> list[HistoryValue]:
        """Logged values of one tag (its single logging tag, or a named logging tag)."""
        if start is None and end is None:
            raise InvalidArgumentError("A history request needs a start or an end time")
        variables = {
            "n": [name],
            "s": start.isoformat() if start else None,
            "e": end.isoformat() if end else None,
            "m": max_values,
        }
        values, error = parse_history(await self._call(LOGGED, variables, "loggedTagValues"))
        if error is not None:
            raise history_error(error)
        return values

    async def active_alarms(
        self, server_filter: str | None = None, languages: Sequence[str] = ("en-US",)
    ) -> list[AlarmInstance]:
        """Active alarms matching a filter string such as ``Priority >= 10``."""
        answer = await self._call(
            ACTIVE_ALARMS, {"f": server_filter or "", "l": list(languages)}, "activeAlarms"
        )
        return parse_alarms(answer, languages)

    async def alarm_history(
        self,
        start: datetime,
        end: datetime | None = None,
        server_filter: str | None = None,
        languages: Sequence[str] = ("en-US",),
    ) -> list[AlarmInstance]:
        """Logged alarm states from ``loggedAlarms``, one row per transition."""
        variables = {
            "s": start.isoformat(),
            "e": end.isoformat() if end else None,
            "f": server_filter or "",
            "l": list(languages),
        }
        return parse_alarms(await self._call(LOGGED_ALARMS, variables, "loggedAlarms"), languages)

    @property
    def server_time(self) -> datetime | None:
        """The server's clock, as of its latest answer."""
        return self._transport.server_time

    async def acknowledge(self, alarms: Sequence[AlarmIdentifier]) -> list[AlarmActionResult]:
        """Acknowledge instances; per-instance errors come back (305: not in this state)."""
        payload = [{"name": a.name, "instanceID": a.instance_id} for a in alarms]
        return parse_alarm_results(
            await self._call(ACKNOWLEDGE, {"i": payload}, "acknowledgeAlarms")
        )

    async def subscribe(self, names: Sequence[str]) -> AsyncIterator[TagValue]:
        """Pushed tag values: every tag once at first (even a failing one), then each
        change, until the caller stops iterating or the server ends the subscription."""
        await self._ensure_session()
        auth = f"Bearer {self._token}"
        ws = await self._transport.websocket(GRAPHQL_PATH, WS_PROTOCOL, {"Authorization": auth})
        pinger = asyncio.create_task(_keep_alive(ws))
        try:
            await ws.send_json({"type": "connection_init", "payload": {"Authorization": auth}})
            await self._expect_ack(ws)
            await ws.send_json(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": TAG_SUBSCRIPTION, "variables": {"n": list(names)}},
                }
            )
            while True:
                message = await ws.receive()
                if message.type is not aiohttp.WSMsgType.TEXT:
                    closing = message.type is aiohttp.WSMsgType.CLOSE
                    raise self._closed(message.data if closing else ws.close_code)
                data = decode_json(message.data.encode(), "a subscription")
                kind = data.get("type") if isinstance(data, dict) else None
                if kind == "next":
                    row = ((data.get("payload") or {}).get("data") or {}).get("tagValues")
                    name = row.get("name") if isinstance(row, dict) else None
                    if isinstance(name, str):
                        yield _unified_value(name, row)
                elif kind == "complete":
                    return
                elif kind == "error":
                    raise InvalidArgumentError(f"The server refused the subscription: {data}")
        finally:
            pinger.cancel()
            await ws.close()

    async def _expect_ack(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        message = await ws.receive(timeout=self._transport.timeout)
        if message.type is aiohttp.WSMsgType.TEXT:
            answer = decode_json(message.data.encode(), "the subscription handshake")
            if isinstance(answer, dict) and answer.get("type") == "connection_ack":
                return
        closing = message.type is aiohttp.WSMsgType.CLOSE
        raise self._closed(message.data if closing else ws.close_code)

    @staticmethod
    def _closed(code: int | None) -> WinCCError:
        error_class, text = WS_CLOSE_ERRORS.get(
            code or 0, (WinCCConnectionError, "The subscription connection closed")
        )
        return error_class(f"{text} (code {code})")

    async def close(self) -> None:
        """Log out (best effort) and close what the client opened."""
        if self._token is not None:
            try:
                await self._post(LOGOUT, None, "logout")
            except Exception:  # noqa: BLE001 - closing must not fail on a dead server
                _LOGGER.debug("Logout from %s failed", self.url, exc_info=True)
            self._token = None
        await self._transport.close()
