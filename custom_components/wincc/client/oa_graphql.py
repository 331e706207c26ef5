"""The WinCC OA backend over Siemens' GraphQL application example (OA 3.21 and later).

It logs in for a token that slides forward on each use, and logs in again when the
server answers "Unauthorized". Everything lives under ``api``: values and their
``_online`` time and status through ``dp.get``, writes through ``dp.set`` (then read
back), browsing through ``dp.names`` and ``dp.elementType``, history through
``dp.getPeriod``, alerts through ``alert.alertGetPeriod`` and ``alert.alertGet``
(``oa_alerts``), pushed values through ``tagSubscribe`` (``oa_push``). Acknowledgment
is not part of this backend: the example has no operation for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import cached_property
import json
import logging
from typing import Any, ClassVar

from .backend import WinCCClient
from .errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    ServerError,
    WinCCError,
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
from .oa_alerts import OaAlertReader
from .oa_common import (
    ELEMENT_KINDS,
    answered,
    element_info,
    iso_time,
    online_value,
)
from .oa_push import OaPushSession
from .parsing import as_scalar, parse_timestamp
from .push import Backoff, PushFeed, PushHandler
from .socket_session import BearerSockets
from .transport import HttpTransport, decode_json

_LOGGER = logging.getLogger(__name__)

GRAPHQL_PATH = "/graphql"
LOGIN = "mutation($u:String!,$p:String!){login(username:$u,password:$p){token expiresAt}}"
PROBE = 'mutation{login(username:"",password:""){token}}'
GET = "query($n:[String!]!){api{dp{get(dpeNames:$n)}}}"
SET = "mutation($n:[String!]!,$v:[Anytype!]!){api{dp{set(dpeNames:$n,values:$v)}}}"
NAMES = "query($p:String){api{dp{names(dpPattern:$p)}}}"
PERIOD = (
    "query($s:Time!,$e:Time!,$n:[String!]!){api{dp{getPeriod(startTime:$s,endTime:$e,"
    "dpeNames:$n)}}}"
)
WRONG_LOGIN = "Invalid username or password"
UNAUTHORIZED = "Unauthorized"
FORBIDDEN = "Forbidden"
# The attributes of an element's online value, read together.
ONLINE = (":_online.._value", ":_online.._stime", ":_online.._status")
# Element types asked for in one request while browsing.
TYPES_PER_REQUEST = 200


class _UnauthorizedError(WinCCError):
    """The token is missing, expired or unknown: log in again."""


def _unknown(name: str) -> TagValue:
    error = ItemError(UNKNOWN_NAME_CODE, f"{name} does not exist")
    return TagValue(name, None, Quality.BAD, error=error)


def _messages(payload: object) -> list[str]:
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if not isinstance(errors, list):
        return []
    return [str(e.get("message", "")) if isinstance(e, dict) else str(e) for e in errors]


class OaGraphQLClient(BearerSockets, WinCCClient):
    """Reads and writes a WinCC OA server through the GraphQL application example."""

    server_type = ServerType.OA_GRAPHQL
    base_path = GRAPHQL_PATH
    socket_path = GRAPHQL_PATH
    offers: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.WRITE,
            Capability.BROWSE,
            Capability.HISTORY,
            Capability.ALARMS,
            Capability.PUSH,
        }
    )
    lacks: ClassVar[Mapping[Capability, str]] = {
        Capability.ACKNOWLEDGE: "The WinCC OA GraphQL application example has no operation "
        "to acknowledge alerts: acknowledge them in WinCC OA",
        Capability.SHELVE: "The WinCC OA GraphQL application example cannot shelve alerts",
        Capability.DISABLE: "The WinCC OA GraphQL application example cannot disable alerts",
    }

    _token: str | None = None

    @classmethod
    async def speaks(cls, transport: HttpTransport) -> bool:
        """Whether the application example answers: an empty login is refused with its
        own words."""
        try:
            body, _ = await transport.request("POST", GRAPHQL_PATH, json={"query": PROBE})
        except (NotFoundError, ProtocolError, AuthenticationError, ServerError):
            return False
        try:
            return WRONG_LOGIN in _messages(decode_json(body, "GraphQL"))
        except ProtocolError:
            return False

    async def _post(self, query: str, variables: Mapping[str, Any], field: str) -> Any:
        """``data`` of one request; the server's refusals as the client's errors."""
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        try:
            body, _ = await self._transport.request(
                "POST", GRAPHQL_PATH, json={"query": query, "variables": variables}, headers=headers
            )
        except ServerError as err:
            if UNAUTHORIZED in str(err):
                raise _UnauthorizedError(str(err)) from err
            raise
        payload = decode_json(body, field)
        if messages := _messages(payload):
            said = "; ".join(messages)
            if any(WRONG_LOGIN in m for m in messages):
                raise AuthenticationError(f"The server refused the login: {said}")
            if any(m.startswith(FORBIDDEN) for m in messages):
                raise PermissionDeniedError(f"The user may not do this: {said}")
            if any("does not exist" in m or m.startswith("Failed to") for m in messages):
                raise NotFoundError(f"The server could not do it: {said}")
            raise ServerError(f"The server reported an error: {said}")
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, dict):
            raise ProtocolError(f"The answer about {field} has no data")
        return data

    async def _call(self, query: str, variables: Mapping[str, Any], field: str) -> Any:
        """A request with a token; logs in again once if the token was refused."""
        await self.ensure_session()
        try:
            return await self._post(query, variables, field)
        except _UnauthorizedError:
            _LOGGER.debug("The token of %s was refused; logging in again", self.url)
            await self._login()
            try:
                return await self._post(query, variables, field)
            except _UnauthorizedError as err:
                raise AuthenticationError("The server refuses the new token") from err

    async def _login(self) -> None:
        async with self._session_lock:
            self._token = None
            try:
                data = await self._post(LOGIN, {"u": self._username, "p": self._password}, "login")
            except _UnauthorizedError as err:
                raise AuthenticationError(str(err)) from err
            token = (data.get("login") or {}).get("token")
            if not isinstance(token, str) or not token:
                raise ProtocolError("The login answered no token")
            self._token = token

    async def _end_session(self) -> None:
        """Log out (best effort)."""
        if self._token is not None:
            try:
                await self._post("mutation{logout}", {}, "logout")
            except WinCCError as err:
                _LOGGER.debug("Logging out of %s failed: %s", self.url, err)
            self._token = None

    async def ensure_session(self) -> None:
        """Log in unless a token is held (it slides forward with every request)."""
        if self._token is None:
            await self._login()

    def _push(
        self,
        handler: PushHandler,
        tags: Sequence[str],
        alarms: AlarmQuery | None,
        backoff: Backoff,
    ) -> PushFeed:
        return OaPushSession(self, handler, tags, backoff=backoff)

    # --- tags -------------------------------------------------------------------------

    async def _get(self, names: Sequence[str]) -> list[Any]:
        data = await self._call(GET, {"n": list(names)}, "dp.get")
        values = data.get("api", {}).get("dp", {}).get("get")
        if not isinstance(values, list) or len(values) != len(names):
            raise ProtocolError("The answer to dp.get does not hold one value per name")
        return values

    async def _read_chunk(self, names: Sequence[str]) -> dict[str, TagValue]:
        """Value, source time and status of every element in one ``dp.get``; an element
        the server does not know fails them all, so it is read around (``answered``)."""
        found = await answered(names, self._read_known)
        return {name: found.get(name) or _unknown(name) for name in names}

    async def _read_known(self, names: Sequence[str]) -> dict[str, TagValue]:
        attributes = [f"{name}{attribute}" for name in names for attribute in ONLINE]
        raw = await self._get(attributes)
        return {
            name: online_value(name, *raw[3 * index : 3 * index + 3])
            for index, name in enumerate(names)
        }

    async def _write(self, values: Mapping[str, Scalar]) -> dict[str, WriteResult]:
        """One ``dp.set`` of all values: it succeeds or fails as a whole."""
        names = list(values)
        try:
            data = await self._call(SET, {"n": names, "v": list(values.values())}, "dp.set")
        except (NotFoundError, ServerError) as err:
            return {name: WriteResult(name, ItemError("?", str(err))) for name in names}
        done = data.get("api", {}).get("dp", {}).get("set") is True
        refused = None if done else ItemError("?", "The server did not confirm the write")
        return {name: WriteResult(name, refused) for name in names}

    async def _browse(self, pattern: str) -> list[TagInfo]:
        """Leaf elements of the datapoints the pattern matches (or, where the pattern
        has a dot, the elements it matches), each with its kind."""
        names = await self._element_names(pattern if "." in pattern else f"{pattern}.*")
        kinds: dict[str, str] = {}
        for start in range(0, len(names), TYPES_PER_REQUEST):
            kinds.update(await self._element_types(names[start : start + TYPES_PER_REQUEST]))
        return [
            element_info(name, ELEMENT_KINDS.get(kinds.get(name, ""), DataKind.OTHER))
            for name in names
            if kinds.get(name) != "STRUCT"
        ]

    async def _element_names(self, pattern: str) -> list[str]:
        """``dp.names``: datapoints, or elements where the pattern has a dot."""
        data = await self._call(NAMES, {"p": pattern}, "dp.names")
        names = data.get("api", {}).get("dp", {}).get("names") or []
        return [name for name in names if isinstance(name, str)]

    async def _element_types(self, names: Sequence[str]) -> dict[str, str]:
        fields = " ".join(
            f"e{i}:elementType(dpeName:{json.dumps(name)})" for i, name in enumerate(names)
        )
        data = await self._call(f"{{api{{dp{{{fields}}}}}}}", {}, "dp.elementType")
        types = data.get("api", {}).get("dp", {})
        return {name: str(types.get(f"e{i}")) for i, name in enumerate(names)}

    # --- alerts -----------------------------------------------------------------------

    @cached_property
    def _alerts(self) -> OaAlertReader:
        return OaAlertReader(self._call, self._get, self._element_names, lambda: self.server_time)

    async def _active_alarms(self, query: AlarmQuery) -> list[AlarmInstance]:
        return await self._alerts.active(query)

    async def _alarm_history(
        self, start: datetime, end: datetime | None, query: AlarmQuery
    ) -> list[AlarmInstance]:
        return await self._alerts.history(start, end, query)

    # --- history ----------------------------------------------------------------------

    async def _history(
        self, name: str, start: datetime | None, end: datetime | None, max_values: int
    ) -> list[HistoryValue]:
        """``dp.getPeriod``: the element's archived times and values."""
        variables = {
            "s": iso_time(start or datetime.fromtimestamp(0, UTC)),
            "e": iso_time(end or self.server_time or datetime.now(UTC)),
            "n": [name],
        }
        data = await self._call(PERIOD, variables, "dp.getPeriod")
        periods = data.get("api", {}).get("dp", {}).get("getPeriod")
        if not isinstance(periods, list) or len(periods) != 1 or not isinstance(periods[0], dict):
            raise ProtocolError("The answer to dp.getPeriod holds no period")
        times, values = periods[0].get("times") or [], periods[0].get("values") or []
        rows = [
            HistoryValue(timestamp=stamp, value=as_scalar(value), quality=Quality.UNKNOWN)
            for raw, value in zip(times, values, strict=False)
            if (stamp := parse_timestamp(raw)) is not None
        ]
        return rows[:max_values] if max_values else rows
