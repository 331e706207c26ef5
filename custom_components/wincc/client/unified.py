"""The WinCC Unified backend: GraphQL with a bearer-token session, and push over
GraphQL subscriptions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
import logging
from typing import Any, ClassVar

from .backend import WinCCClient
from .errors import (
    AuthenticationError,
    NotFoundError,
    ProtocolError,
)
from .models import (
    AlarmAction,
    AlarmActionResult,
    AlarmIdentifier,
    AlarmInstance,
    AlarmQuery,
    Capability,
    HistoryValue,
    Scalar,
    ServerType,
    TagInfo,
    TagValue,
    WriteResult,
)
from .parsing import item_failure
from .push import Backoff, PushFeed, PushHandler
from .socket_session import BearerSockets
from .transport import HttpTransport, decode_json
from .unified_alarms import ALARM_FIELDS, parse_alarm_results, parse_alarms
from .unified_parsing import (
    UnauthenticatedError,
    parse_browse,
    parse_graphql,
    parse_history,
    parse_session,
    parse_tag_values,
    parse_write_results,
    raise_for_errors,
    session_token,
)
from .unified_push import PushSession

_LOGGER = logging.getLogger(__name__)

GRAPHQL_PATH = "/graphql"
# Apollo Server's CSRF guard: harmless where it is off, needed where it is on (V20).
PREFLIGHT = {"apollo-require-preflight": "true"}
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
NAMED_ALARM_MUTATIONS = {
    action: f"mutation($n:[String]!{timespan}){{{action.value}Alarms(names:$n{argument})"
    "{alarmName error{code description}}}"
    for action, timespan, argument in (
        (AlarmAction.SHELVE, ",$t:Timespan", ",shelveTimeout:$t"),
        (AlarmAction.UNSHELVE, "", ""),
        (AlarmAction.DISABLE, "", ""),
        (AlarmAction.ENABLE, "", ""),
    )
}


class UnifiedClient(BearerSockets, WinCCClient):
    """Talks to a WinCC Unified runtime over GraphQL."""

    server_type = ServerType.UNIFIED
    base_path = GRAPHQL_PATH
    socket_path = GRAPHQL_PATH
    pushes_alarms = True
    offers: ClassVar[frozenset[Capability]] = frozenset(Capability)

    _token: str | None = None
    _renew_at = 0.0  # on the client's monotonic clock

    @classmethod
    async def speaks(cls, transport: HttpTransport) -> bool:
        """Whether a GraphQL server answers at ``/graphql``."""
        try:
            body, _ = await transport.request(
                "POST", GRAPHQL_PATH, json={"query": "{__typename}"}, headers=PREFLIGHT
            )
            answer = decode_json(body, "GraphQL")
        except (NotFoundError, ProtocolError, AuthenticationError):
            return False
        return isinstance(answer, Mapping) and ("data" in answer or "errors" in answer)

    # --- session ----------------------------------------------------------------------

    async def _post(self, query: str, variables: Mapping[str, Any] | None, field: str) -> Any:
        headers = (
            {**PREFLIGHT, "Authorization": f"Bearer {self._token}"} if self._token else PREFLIGHT
        )
        try:
            body, _ = await self._transport.request(
                "POST", GRAPHQL_PATH, json={"query": query, "variables": variables}, headers=headers
            )
        except AuthenticationError as err:
            raise UnauthenticatedError from err
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

    async def _login(self) -> None:
        """Log in; wrong credentials raise ``AuthenticationError``."""
        async with self._session_lock:
            await self._open_session()

    async def _learn_capabilities(self) -> frozenset[Capability]:
        """Read no tag once: a V20 runtime refuses tag reads (FORBIDDEN) to a user without
        the Openness runtime right, and the setup should say so, not the first poll."""
        await self._call(TAG_VALUES, {"n": []}, "tagValues")
        return self.offers

    async def _open_session(self) -> None:
        self._token = None
        try:
            raw = await self._post(LOGIN, {"u": self._username, "p": self._password}, "login")
        except UnauthenticatedError as err:
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
                await self._open_session()
            elif self._monotonic() >= self._renew_at:
                try:
                    answer = parse_session(await self._post(EXTEND, None, "extendSession"))
                    self._token = session_token(answer)
                except (UnauthenticatedError, AuthenticationError, ProtocolError):
                    await self._open_session()
                else:
                    self._schedule_renewal(answer.expires)
                    _LOGGER.debug("Renewed the session with %s", self.url)

    async def _call(self, query: str, variables: Mapping[str, Any] | None, field: str) -> Any:
        """Run an operation in a live session; log in once more if the server forgot it."""
        await self._ensure_session()
        token = self._token
        try:
            return await self._post(query, variables, field)
        except UnauthenticatedError:
            async with self._session_lock:
                if self._token == token:  # nobody else logged in meanwhile
                    await self._open_session()
        try:
            return await self._post(query, variables, field)
        except UnauthenticatedError as err:
            raise AuthenticationError(
                "The server ended the session right after login: check the user's rights"
            ) from err

    # --- operations -------------------------------------------------------------------

    async def _read_chunk(self, names: Sequence[str]) -> dict[str, TagValue]:
        answer = await self._call(TAG_VALUES, {"n": list(names)}, "tagValues")
        return parse_tag_values(answer, names, self._parsed)

    async def _write(self, values: Mapping[str, Scalar]) -> dict[str, WriteResult]:
        payload = [{"name": name, "value": value} for name, value in values.items()]
        answer = await self._call(WRITE, {"i": payload}, "writeTagValues")
        return parse_write_results(answer, list(values))

    async def _all_tags(self) -> list[TagInfo]:
        """Simple tags and the elements of structure tags, at every level."""
        return parse_browse(await self._call(BROWSE, {"f": ["*::*", "*.**"]}, "browse"))

    async def _history(
        self, name: str, start: datetime | None, end: datetime | None, max_values: int
    ) -> list[HistoryValue]:
        """Logged values of one tag (its single logging tag, or a named logging tag)."""
        variables = {
            "n": [name],
            "s": start.isoformat() if start else None,
            "e": end.isoformat() if end else None,
            "m": max_values,
        }
        values, error = parse_history(await self._call(LOGGED, variables, "loggedTagValues"))
        if error is not None:
            raise item_failure(error, f"History of {name}")
        return values

    async def _active_alarms(self, query: AlarmQuery) -> list[AlarmInstance]:
        """Active alarms matching a filter string such as ``Priority >= 10``."""
        variables = {"f": query.server_filter or "", "l": list(query.languages)}
        return parse_alarms(
            await self._call(ACTIVE_ALARMS, variables, "activeAlarms"), query.languages
        )

    async def _alarm_history(
        self, start: datetime, end: datetime | None, query: AlarmQuery
    ) -> list[AlarmInstance]:
        """Logged alarm states from ``loggedAlarms``, one row per transition."""
        variables = {
            "s": start.isoformat(),
            "e": end.isoformat() if end else None,
            "f": query.server_filter or "",
            "l": list(query.languages),
        }
        return parse_alarms(
            await self._call(LOGGED_ALARMS, variables, "loggedAlarms"), query.languages
        )

    async def _acknowledge(self, alarms: Sequence[AlarmIdentifier]) -> list[AlarmActionResult]:
        """Acknowledge instances; per-instance errors come back (305: not in this state)."""
        payload = [{"name": a.name, "instanceID": a.instance_id} for a in alarms]
        return parse_alarm_results(
            await self._call(ACKNOWLEDGE, {"i": payload}, "acknowledgeAlarms"), "acknowledgeAlarms"
        )

    async def _act_on_alarms(
        self, action: AlarmAction, names: Sequence[str], shelve_for: timedelta | None
    ) -> list[AlarmActionResult]:
        """``shelveAlarms`` (a Timespan in milliseconds), ``unshelveAlarms``,
        ``disableAlarms`` or ``enableAlarms``."""
        field = f"{action.value}Alarms"
        variables: dict[str, Any] = {"n": list(names)}
        if shelve_for is not None:
            variables["t"] = round(shelve_for.total_seconds() * 1000)
        return parse_alarm_results(
            await self._call(NAMED_ALARM_MUTATIONS[action], variables, field), field
        )

    # --- push -------------------------------------------------------------------------

    def _push(
        self,
        handler: PushHandler,
        tags: Sequence[str],
        alarms: AlarmQuery | None,
        backoff: Backoff,
    ) -> PushFeed:
        return PushSession(self, handler, tags, alarms, backoff=backoff)

    async def ensure_session(self) -> None:
        """Log in, or renew the session when it is due (subscriptions keep it alive)."""
        await self._ensure_session()

    @property
    def redundant(self) -> bool:
        """A single host: not one of a redundant pair."""
        return False

    def host_passive(self) -> None:
        """Only a redundant client follows the active host."""

    async def _end_session(self) -> None:
        """Log out (best effort: closing must not fail on a dead server)."""
        if self._token is None:
            return
        try:
            await self._post(LOGOUT, None, "logout")
        except Exception:  # noqa: BLE001 - closing must not fail on a dead server
            _LOGGER.debug("Logout from %s failed", self.url, exc_info=True)
        self._token = None
