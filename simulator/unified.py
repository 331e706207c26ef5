"""The WinCC Unified face: the GraphQL schema's resolvers and ``POST /graphql``.

The schema is ``unified.graphql``; this module binds resolvers to it. Subscriptions
over WebSocket live in ``graphql_ws.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, wraps
from importlib import resources
import json
import logging
from typing import Any

from aiohttp import web
from graphql import (
    GraphQLError,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    ValueNode,
    build_schema,
    execute,
    parse,
    validate,
)
from graphql.language import BooleanValueNode, FloatValueNode, IntValueNode, StringValueNode

from .alarm_rows import FILTER_FIELDS, SUPPORTED_LANGUAGES, alarm_row
from .alarms import UNKNOWN_NAME, AlarmResult, Reason
from .app_keys import HOST, RUNTIME
from .clock import iso, parse_iso
from .plant import NotALeafError, TagReading, UnknownTagError
from .queries import (
    FilterSyntaxError,
    HistoryArgumentError,
    browse_matches,
    parse_alarm_filter,
    select_history,
)
from .redundancy import ACTIVE
from .runtime import Runtime
from .tagtypes import WriteRejectedError, quality_code, unified_quality
from .users import Right, Session

_LOGGER = logging.getLogger(__name__)

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
UNKNOWN_REASON = "Unknown"
RENAMED_REASON = "Removed (Name changed)"
NO_SSO = "Single sign-on (UMC) is not configured on this runtime"
LOGGING_TAG_SUFFIX = ":LoggingTag_1"
# A subscription wakes at every change of the plant, and at least this often to let a
# running clock move the plant on.
SUBSCRIPTION_IDLE_SECONDS = 1.0
NOT_PERMITTED = 1
CANNOT_RESOLVE = "Cannot resolve provided name"
ALARM_ERRORS = {
    UNKNOWN_NAME: CANNOT_RESOLVE,
    NOT_PERMITTED: "Operation not permitted for this user",
}
MAX_BODY_BYTES = 4 * 1024 * 1024
# What Apollo Server's CSRF guard answers a request without a preflight header.
CSRF_MESSAGE = (
    "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). "
    "Please either specify a 'content-type' header (with a type that is not one of "
    "application/x-www-form-urlencoded, multipart/form-data, text/plain) or provide a "
    "non-empty value for one of the following headers: x-apollo-operation-name, "
    "apollo-require-preflight"
)


@dataclass(slots=True)
class RequestContext:
    """What a resolver may know about its request."""

    runtime: Runtime
    token: str | None
    session: Session | None
    host: int = 0  # which host of a redundant pair serves the request


def _error(code: int | str, description: str = "") -> dict[str, str]:
    return {"code": str(code), "description": description}


OK = _error(0)


# --- scalars --------------------------------------------------------------------------


def _scalar_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Any:
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, FloatValueNode):
        return float(node.value)
    if isinstance(node, StringValueNode | BooleanValueNode):
        return node.value
    raise GraphQLError("Variant accepts only a number, a string or a boolean")


def _variant_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise GraphQLError("Variant accepts only a number, a string or a boolean")


def time_value(value: Any, scalar: str = "Timestamp") -> datetime:
    """A time scalar's value (Unified's ``Timestamp``, OA's ``Time``): ISO 8601."""
    if not isinstance(value, str):
        raise GraphQLError(f"{scalar} must be an ISO 8601 string")
    try:
        return parse_iso(value)
    except ValueError as err:
        raise GraphQLError(f"{scalar} must be an ISO 8601 string: {value!r}") from err


def _timestamp_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Any:
    if not isinstance(node, StringValueNode):
        raise GraphQLError("Timestamp must be an ISO 8601 string")
    return time_value(node.value)


# --- helpers --------------------------------------------------------------------------


def _context(info: Any) -> RequestContext:
    context: RequestContext = info.context
    return context


def _user(info: Any) -> Any:
    session = _context(info).session
    if session is None:  # guarded by _require_login; kept for the type checker
        raise GraphQLError("Unauthenticated", extensions={"code": UNAUTHENTICATED})
    return session.user


def _require_openness(info: Any) -> None:
    """As a V20 runtime: tag reads and writes need the Openness runtime right."""
    if _context(info).runtime.openness_right and not _user(info).may(Right.OPENNESS):
        raise GraphQLError("Forbidden", extensions={"code": FORBIDDEN})


def _local_name(runtime: Runtime, name: str) -> str:
    """A tag or alarm name without the system prefix; another system is unknown."""
    system, separator, local = name.rpartition("::")
    if separator and system != runtime.system:
        raise UnknownTagError(name)
    return local


def _value(reading: TagReading) -> dict[str, Any]:
    return {
        "value": reading.value,
        "timestamp": iso(reading.timestamp),
        "quality": unified_quality(reading.quality),
    }


def _read_tag(runtime: Runtime, name: str) -> dict[str, Any]:
    try:
        reading = runtime.plant.read(_local_name(runtime, name))
    except UnknownTagError:
        return {"name": name, "value": None, "error": _error(UNKNOWN_NAME, CANNOT_RESOLVE)}
    except NotALeafError:
        return {
            "name": name,
            "value": None,
            "error": _error(202, "Only leaf elements of a structure tag can be addressed"),
        }
    return {"name": name, "value": _value(reading), "error": OK}


def _session_payload(session: Session, runtime: Runtime) -> dict[str, Any]:
    user = session.user
    return {
        "user": {
            "id": str(abs(hash(user.name)) % 10_000),
            "name": user.name,
            "fullName": user.full_name,
            "language": user.language,
            "autoLogoffSec": int(runtime.sessions.lifetime.total_seconds()),
            "groups": [{"id": str(i + 1), "name": g} for i, g in enumerate(user.groups)],
        },
        "token": session.token,
        "expires": iso(session.expires),
        "error": OK,
    }


def _languages(languages: Sequence[str] | None) -> list[str]:
    chosen = list(languages or ["en-US"])
    unknown = [lang for lang in chosen if lang not in SUPPORTED_LANGUAGES]
    if unknown:
        raise GraphQLError(f"Invalid language {unknown[0]!r}", extensions={"code": "302"})
    return chosen


def _alarm_predicate(filter_string: str | None, filter_language: str | None) -> Any:
    if (filter_language or "en-US") not in SUPPORTED_LANGUAGES:
        raise GraphQLError(
            f"Invalid filter language {filter_language!r}", extensions={"code": "303"}
        )
    try:
        return parse_alarm_filter(filter_string or "", FILTER_FIELDS)
    except FilterSyntaxError as err:
        raise GraphQLError(
            f"Syntax error in filter string: {err}", extensions={"code": "301"}
        ) from err


@dataclass(frozen=True, slots=True)
class AlarmQuery:
    """The arguments ``activeAlarms`` and ``loggedAlarms`` share, checked once."""

    systems: list[str]
    languages: list[str]
    filter_language: str
    predicate: Callable[[dict[str, Any]], bool]

    @classmethod
    def from_arguments(cls, runtime: Runtime, args: dict[str, Any]) -> AlarmQuery:
        """Validate the arguments (languages, filter string)."""
        return cls(
            systems=[s for s in args.get("systemNames") or [] if s] or [runtime.system],
            languages=_languages(args.get("languages")),
            filter_language=args.get("filterLanguage") or "en-US",
            predicate=_alarm_predicate(args.get("filterString"), args.get("filterLanguage")),
        )

    def rows(self, runtime: Runtime, instances: Any) -> list[dict[str, Any]]:
        """Matching instances as rows, or none when the system is not asked for."""
        if runtime.system not in self.systems:
            return []
        rows = (
            alarm_row(i, runtime.system, self.languages, self.filter_language) for i in instances
        )
        return [row for row in rows if self.predicate(row)]


# --- queries --------------------------------------------------------------------------


def resolve_session(_root: Any, info: Any, allSessions: bool = False) -> list[dict[str, Any]]:  # noqa: N803
    """The caller's session, or every session of the caller's user."""
    context = _context(info)
    runtime = context.runtime
    assert context.session is not None  # noqa: S101 - guarded by _require_login
    sessions = runtime.sessions.of_user(context.session.user) if allSessions else [context.session]
    return [_session_payload(s, runtime) for s in sessions]


def resolve_tag_values(
    _root: Any,
    info: Any,
    names: list[str],
    directRead: bool = False,  # noqa: N803 - the simulator always reads directly
) -> list[dict[str, Any]]:
    """Current values, one row per asked name, errors per row."""
    _require_openness(info)
    runtime = _context(info).runtime
    runtime.plant.advance()
    return [_read_tag(runtime, name) for name in names]


def _browse_objects(runtime: Runtime, language: str) -> list[tuple[str, str, str, str | None]]:
    """(full name, display name, object type, data type) of every browsable object."""
    system = runtime.system
    plant = runtime.plant

    def display(texts: dict[str, str], fallback: str) -> str:
        return texts.get(language) or texts.get("en-US") or fallback

    objects: list[tuple[str, str, str, str | None]] = []
    for name, definition in plant.definitions.items():
        full = f"{system}::{name}"
        objects.append(
            (
                full,
                display(definition.display, name),
                "SIMPLETAG",
                definition.data_type.unified_name,
            )
        )
        if definition.logged:
            logging_tag = f"{full}{LOGGING_TAG_SUFFIX}"
            objects.append((logging_tag, logging_tag, "LOGGINGTAG", None))
    for name, structure in plant.description.structures.items():
        objects.append(
            (
                f"{system}::{name}",
                display(structure.display, name),
                "STRUCTURETAG",
                structure.type_name,
            )
        )
    for name, alarm in plant.description.alarms.items():
        objects.append((f"{system}::{name}", display(alarm.text, name), "ALARM", None))
    return objects


def resolve_browse(
    _root: Any,
    info: Any,
    nameFilters: list[str] | None = None,  # noqa: N803
    objectTypeFilters: list[str] | None = None,  # noqa: N803
    baseTypeFilters: list[str] | None = None,  # noqa: N803
    language: str = "en-US",
) -> list[dict[str, Any]]:
    """Objects whose names match any filter; with no filter, every top-level object."""
    runtime = _context(info).runtime
    if language not in SUPPORTED_LANGUAGES:
        raise GraphQLError(f"Invalid language {language!r}", extensions={"code": "302"})
    patterns = [p for p in nameFilters or [] if p] or ["*::*"]
    types = set(objectTypeFilters or [])
    if "TAG" in types:
        types |= {"SIMPLETAG", "STRUCTURETAG"}
    base_types = {b.lower() for b in baseTypeFilters or [] if b}
    results = [
        {"name": name, "displayName": shown, "objectType": kind, "dataType": data_type}
        for name, shown, kind, data_type in _browse_objects(runtime, language)
        if (not types or kind in types)
        and (not base_types or (data_type or "").lower() in base_types)
        and any(browse_matches(p, name) for p in patterns)
    ]
    return sorted(results, key=lambda row: row["name"])


def _logging_tag(runtime: Runtime, name: str) -> str:
    local = _local_name(runtime, name)
    tag = local.removesuffix(LOGGING_TAG_SUFFIX)
    if not runtime.plant.logged(tag):
        raise UnknownTagError(name)
    return tag


def resolve_logged_tag_values(
    _root: Any,
    info: Any,
    names: list[str | None],
    startTime: Any = None,  # noqa: N803
    endTime: Any = None,  # noqa: N803
    maxNumberOfValues: int = 0,  # noqa: N803
    sortingMode: str = "TIME_ASC",  # noqa: N803
    boundingValuesMode: str = "NO_BOUNDING_VALUES",  # noqa: N803
) -> list[dict[str, Any]]:
    """Logged values per logging tag; a bad range is an argument error (code 3)."""
    runtime = _context(info).runtime
    runtime.plant.advance()
    results: list[dict[str, Any]] = []
    for name in names:
        try:
            tag = _logging_tag(runtime, name or "")
        except UnknownTagError:
            results.append(
                {
                    "loggingTagName": name,
                    "error": _error(UNKNOWN_NAME, CANNOT_RESOLVE),
                    "values": [],
                }
            )
            continue
        canonical = f"{runtime.system}::{tag}{LOGGING_TAG_SUFFIX}"
        try:
            samples = select_history(
                runtime.plant.history(tag),
                startTime,
                endTime,
                maxNumberOfValues or 0,
                descending=sortingMode == "TIME_DESC",
                left_bound=boundingValuesMode
                in ("LEFT_BOUNDING_VALUES", "LEFTRIGHT_BOUNDING_VALUES"),
                right_bound=boundingValuesMode
                in ("RIGHT_BOUNDING_VALUES", "LEFTRIGHT_BOUNDING_VALUES"),
            )
        except HistoryArgumentError as err:
            results.append(
                {"loggingTagName": canonical, "error": _error(3, str(err)), "values": []}
            )
            continue
        results.append(
            {
                "loggingTagName": canonical,
                "error": OK,
                "values": [
                    {"value": _value(s.reading), "flags": ["BOUNDING"] if s.bounding else []}
                    for s in samples
                ],
            }
        )
    return results


def resolve_active_alarms(_root: Any, info: Any, **args: Any) -> list[dict[str, Any]]:
    """The active alarm instances that match the filter."""
    runtime = _context(info).runtime
    runtime.plant.advance()
    query = AlarmQuery.from_arguments(runtime, args)
    instances = sorted(runtime.plant.alarms.active.values(), key=lambda i: i.raise_time)
    return query.rows(runtime, instances)


def resolve_logged_alarms(
    _root: Any,
    info: Any,
    startTime: Any = None,  # noqa: N803
    endTime: Any = None,  # noqa: N803
    maxNumberOfResults: int = 0,  # noqa: N803
    **args: Any,
) -> list[dict[str, Any]]:
    """Every logged transition in the time range, oldest first."""
    runtime = _context(info).runtime
    runtime.plant.advance()
    query = AlarmQuery.from_arguments(runtime, args)
    instances = [
        entry.instance
        for entry in runtime.plant.alarms.journal
        if (startTime is None or entry.instance.modification_time >= startTime)
        and (endTime is None or entry.instance.modification_time <= endTime)
    ]
    rows = query.rows(runtime, instances)
    return rows[: maxNumberOfResults or None]


# --- mutations ------------------------------------------------------------------------


def resolve_login(_root: Any, info: Any, username: str, password: str) -> dict[str, Any]:
    """Log in; errors come in ``Session.error`` (101 wrong credentials)."""
    runtime = _context(info).runtime
    user = runtime.directory.authenticate(username, password)
    if user is None:
        return {"user": None, "token": None, "expires": None, "error": _error(101, "Login failed")}
    if not user.may(Right.API):
        return {
            "user": None,
            "token": None,
            "expires": None,
            "error": _error(1, "The user has no right to use the GraphQL interface"),
        }
    session = runtime.sessions.open(user)
    _LOGGER.debug("login of %s", user.name)
    return _session_payload(session, runtime)


def resolve_nonce(_root: Any, _info: Any) -> None:
    """No single sign-on here: a nonce is an error, as on a runtime without UMC SSO."""
    raise GraphQLError(NO_SSO, extensions={"code": "NOT_CONFIGURED"})


def resolve_identity_provider_url(_root: Any, _info: Any) -> None:
    """No identity provider is configured."""


def resolve_login_swac(_root: Any, _info: Any, claim: str, signedClaim: str) -> dict[str, Any]:  # noqa: N803
    """A single sign-on login fails with a UMC error (102): none is configured."""
    return {"user": None, "token": None, "expires": None, "error": _error(102, NO_SSO)}


def resolve_extend_session(_root: Any, info: Any) -> dict[str, Any]:
    """Renew the caller's session."""
    context = _context(info)
    assert context.session is not None  # noqa: S101 - guarded by _require_login
    return _session_payload(context.runtime.sessions.extend(context.session), context.runtime)


def resolve_logout(_root: Any, info: Any, allSessions: bool = False) -> bool:  # noqa: N803
    """End the caller's session, or all of the user's sessions."""
    context = _context(info)
    assert context.session is not None  # noqa: S101 - guarded by _require_login
    context.runtime.sessions.close(context.session, all_of_user=bool(allSessions))
    return True


def resolve_write_tag_values(
    _root: Any,
    info: Any,
    input: list[dict[str, Any]],  # noqa: A002 - the schema's argument name
    timestamp: Any = None,
    quality: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Write values; each row carries its own error."""
    _require_openness(info)
    runtime = _context(info).runtime
    runtime.plant.advance()
    may_write = _user(info).may(Right.WRITE)
    results: list[dict[str, Any]] = []
    for item in input:
        name = item["name"]
        if not may_write:
            results.append({"name": name, "error": _error(1, "Write access denied")})
            continue
        try:
            local = _local_name(runtime, name)
            runtime.plant.write(local, item["value"])
            item_quality = item.get("quality") or quality
            if item_quality:
                runtime.plant.force_quality(
                    local, quality_code(item_quality["quality"], item_quality.get("subStatus"))
                )
        except UnknownTagError:
            results.append({"name": name, "error": _error(UNKNOWN_NAME, CANNOT_RESOLVE)})
        except NotALeafError:
            results.append(
                {"name": name, "error": _error(202, "Only leaf elements can be addressed")}
            )
        except WriteRejectedError as err:
            results.append({"name": name, "error": _error(err.code, err.description)})
        else:
            results.append({"name": name, "error": OK})
    return results


def _alarm_results(
    info: Any,
    items: list[dict[str, Any]],
    action: Callable[..., list[AlarmResult]],
) -> list[dict[str, Any]]:
    runtime = _context(info).runtime
    runtime.plant.advance()
    user = _user(info)
    results: list[dict[str, Any]] = []
    for item in items:
        name, instance_id = item["name"], item.get("instanceID") or 0
        if not user.may(Right.ACKNOWLEDGE):
            outcomes = [AlarmResult(name, instance_id, NOT_PERMITTED, ALARM_ERRORS[NOT_PERMITTED])]
        else:
            try:
                local = _local_name(runtime, name)
            except UnknownTagError:
                outcomes = [AlarmResult(name, instance_id, UNKNOWN_NAME, CANNOT_RESOLVE)]
            else:
                outcomes = action(local, instance_id, runtime.plant.time, user.name)
        results.extend(
            {
                "alarmName": f"{runtime.system}::{o.name.rpartition('::')[2]}",
                "alarmInstanceID": o.instance_id,
                "error": _error(o.code, o.description),
            }
            for o in outcomes
        )
    return results


def resolve_acknowledge_alarms(_root: Any, info: Any, input: list[dict[str, Any]]) -> Any:  # noqa: A002
    """Acknowledge alarm instances (instance ID 0: all instances of the alarm)."""
    return _alarm_results(info, input, _context(info).runtime.plant.alarms.acknowledge)


def resolve_reset_alarms(_root: Any, info: Any, input: list[dict[str, Any]]) -> Any:  # noqa: A002
    """Reset alarm instances that need a reset."""
    return _alarm_results(info, input, _context(info).runtime.plant.alarms.reset)


def _by_name(info: Any, names: list[str], action: Callable[[str], None]) -> list[dict[str, Any]]:
    """Apply an action to whole configured alarms, one result per name (error 0, 1 or 2)."""
    runtime = _context(info).runtime
    runtime.plant.advance()
    allowed = _user(info).may(Right.ACKNOWLEDGE)
    results = []
    for name in names:
        system, _, local = name.rpartition("::")
        known = system in ("", runtime.system) and local in runtime.plant.alarms.definitions
        code = 0 if known and allowed else NOT_PERMITTED if known else UNKNOWN_NAME
        if code == 0:
            action(local)
        canonical = f"{runtime.system}::{local}"
        results.append({"alarmName": canonical, "error": _error(code, ALARM_ERRORS.get(code, ""))})
    return results


def _timespan(value: Any) -> timedelta:
    """A ``Timespan`` argument, taken as milliseconds (a number or a numeric string)."""
    try:
        return timedelta(milliseconds=float(value or 0))
    except (TypeError, ValueError):
        raise GraphQLError(f"Timespan cannot represent value: {value!r}") from None


def resolve_shelve_alarms(_root: Any, info: Any, names: list[str], shelveTimeout: Any = 0) -> Any:  # noqa: N803
    """Shelve every active instance of the named alarms."""
    engine, timeout = _context(info).runtime.plant.alarms, _timespan(shelveTimeout)
    return _by_name(info, names, lambda n: engine.shelve(n, timeout, _now(info)))


def resolve_unshelve_alarms(_root: Any, info: Any, names: list[str]) -> Any:
    """Unshelve the shelved instances of the named alarms."""
    engine = _context(info).runtime.plant.alarms
    return _by_name(info, names, lambda n: engine.unshelve(n, _now(info)))


def resolve_disable_alarms(_root: Any, info: Any, names: list[str]) -> Any:
    """Stop raising the named alarms; their active instances are removed."""
    engine = _context(info).runtime.plant.alarms
    return _by_name(info, names, lambda n: engine.disable(n, _now(info)))


def resolve_enable_alarms(_root: Any, info: Any, names: list[str]) -> Any:
    """Raise the named alarms again."""
    return _by_name(info, names, _context(info).runtime.plant.alarms.enable)


def _now(info: Any) -> datetime:
    return _context(info).runtime.plant.time


# --- subscriptions --------------------------------------------------------------------


async def subscribe_tag_values(_root: Any, info: Any, names: list[str]) -> AsyncIterator[Any]:
    """``Added`` for every name first, then ``Modified`` whenever a value or quality changes."""
    _require_openness(info)
    runtime = _context(info).runtime
    runtime.plant.advance()
    last: dict[str, Any] = {}
    for name in names:
        row = _read_tag(runtime, name)
        last[name] = row["value"]
        yield row | {"notificationReason": str(Reason.ADDED)}
    seen = runtime.plant.changes.version
    names = list(names)
    while True:
        await runtime.plant.changes.wait_beyond(seen, SUBSCRIPTION_IDLE_SECONDS)
        runtime.plant.advance()
        seen = runtime.plant.changes.version
        for name in list(names):
            if name.rpartition("::")[2] in runtime.plant.renamed:
                # Renamed in the project: said once, then the name is not followed.
                names.remove(name)
                yield {"name": name, "value": None, "error": None} | {
                    "notificationReason": RENAMED_REASON
                }
                continue
            row = _read_tag(runtime, name)
            if row["value"] != last[name]:
                last[name] = row["value"]
                if runtime.faults.unknown_notifications:
                    yield row | {"notificationReason": UNKNOWN_REASON}
                yield row | {"notificationReason": str(Reason.MODIFIED)}


async def subscribe_active_alarms(_root: Any, info: Any, **args: Any) -> AsyncIterator[Any]:
    """``Added`` for every matching instance, then one notification per transition."""
    runtime = _context(info).runtime
    runtime.plant.advance()
    query = AlarmQuery.from_arguments(runtime, args)
    engine = runtime.plant.alarms
    cursor = engine.sequence
    sent: set[tuple[str, int]] = set()
    for row in query.rows(runtime, engine.active.values()):
        sent.add((row["name"], row["instanceID"]))
        yield row | {"notificationReason": str(Reason.ADDED)}
    seen = runtime.plant.changes.version
    while True:
        await runtime.plant.changes.wait_beyond(seen, SUBSCRIPTION_IDLE_SECONDS)
        runtime.plant.advance()
        seen = runtime.plant.changes.version
        entries = engine.entries_after(cursor)
        cursor = engine.sequence
        for entry in entries:
            rows = query.rows(runtime, [entry.instance])
            key = (
                f"{runtime.system}::{entry.instance.definition.name}",
                entry.instance.instance_id,
            )
            if entry.reason is Reason.REMOVED or not rows:
                if key in sent:
                    sent.discard(key)
                    row = alarm_row(
                        entry.instance, runtime.system, query.languages, query.filter_language
                    )
                    yield row | {"notificationReason": str(Reason.REMOVED)}
                continue
            reason = Reason.MODIFIED if key in sent else Reason.ADDED
            sent.add(key)
            yield rows[0] | {"notificationReason": str(reason)}


def subscribe_redu_state(_root: Any, info: Any) -> AsyncIterator[Any]:
    """The host's role in its redundant pair (refused where the fault plays a runtime
    without the subscription)."""
    context = _context(info)
    if context.runtime.faults.redu_state_unsupported:
        raise GraphQLError("Cannot query field 'reduState' on type 'Subscription'.")
    return _redu_states(context)


async def _redu_states(context: RequestContext) -> AsyncIterator[Any]:
    """``Added`` with the host's role in its redundant pair, then ``Modified`` on every
    change. A runtime without a partner is always ``ACTIVE``."""
    pair = context.runtime.redundancy
    if pair is None:
        yield _redu_state(ACTIVE, context.runtime.clock.now(), Reason.ADDED)
        await asyncio.Event().wait()  # nothing ever changes
        return
    state = pair.state(context.host)
    yield _redu_state(state, pair.changed_at, Reason.ADDED)
    seen = pair.changes.version
    while True:
        await pair.changes.wait_beyond(seen, SUBSCRIPTION_IDLE_SECONDS)
        seen = pair.changes.version
        if pair.state(context.host) != state:
            state = pair.state(context.host)
            yield _redu_state(state, pair.changed_at, Reason.MODIFIED)


def _redu_state(state: str, since: datetime, reason: Reason) -> dict[str, Any]:
    return {"value": {"value": state, "timestamp": iso(since)}, "notificationReason": str(reason)}


def _identity(event: Any, _info: Any, **_args: Any) -> Any:
    return event


# --- schema ---------------------------------------------------------------------------


def _require_login(resolver: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(resolver)
    def guarded(root: Any, info: Any, **args: Any) -> Any:
        if _context(info).session is None:
            raise GraphQLError("Unauthenticated", extensions={"code": UNAUTHENTICATED})
        return resolver(root, info, **args)

    return guarded


def _bind(type_: GraphQLObjectType | None, resolvers: dict[str, Callable[..., Any]]) -> None:
    assert type_ is not None  # noqa: S101 - the SDL defines every root type
    for name, resolver in resolvers.items():
        field = type_.fields[name]
        logged_in = field.ast_node is not None and any(
            d.name.value == "isLoggedIn" for d in field.ast_node.directives or ()
        )
        field.resolve = _require_login(resolver) if logged_in else resolver


@cache
def unified_schema() -> GraphQLSchema:
    """The schema with every resolver bound (built once)."""
    sdl = resources.files(__package__).joinpath("unified.graphql").read_text(encoding="utf-8")
    schema = build_schema(sdl)
    variant = schema.type_map["Variant"]
    timestamp = schema.type_map["Timestamp"]
    assert isinstance(variant, GraphQLScalarType)  # noqa: S101
    assert isinstance(timestamp, GraphQLScalarType)  # noqa: S101
    variant.parse_value = _variant_value  # type: ignore[method-assign]
    variant.parse_literal = _scalar_literal  # type: ignore[method-assign]
    timestamp.parse_value = time_value  # type: ignore[method-assign]
    timestamp.parse_literal = _timestamp_literal  # type: ignore[method-assign]
    _bind(
        schema.query_type,
        {
            "session": resolve_session,
            "nonce": resolve_nonce,
            "identityProviderURL": resolve_identity_provider_url,
            "tagValues": resolve_tag_values,
            "browse": resolve_browse,
            "loggedTagValues": resolve_logged_tag_values,
            "activeAlarms": resolve_active_alarms,
            "loggedAlarms": resolve_logged_alarms,
        },
    )
    _bind(
        schema.mutation_type,
        {
            "login": resolve_login,
            "loginSWAC": resolve_login_swac,
            "extendSession": resolve_extend_session,
            "logout": resolve_logout,
            "writeTagValues": resolve_write_tag_values,
            "acknowledgeAlarms": resolve_acknowledge_alarms,
            "resetAlarms": resolve_reset_alarms,
            "shelveAlarms": resolve_shelve_alarms,
            "unshelveAlarms": resolve_unshelve_alarms,
            "disableAlarms": resolve_disable_alarms,
            "enableAlarms": resolve_enable_alarms,
        },
    )
    subscription = schema.subscription_type
    assert subscription is not None  # noqa: S101
    for name, source in (
        ("tagValues", subscribe_tag_values),
        ("activeAlarms", subscribe_active_alarms),
        ("reduState", subscribe_redu_state),
    ):
        subscription.fields[name].subscribe = _require_login(source)
        subscription.fields[name].resolve = _identity
    return schema


# --- HTTP -----------------------------------------------------------------------------


def bearer_token(request: web.Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def request_context(runtime: Runtime, token: str | None, host: int = 0) -> RequestContext:
    """The context of a request made with this token (or none), to one host."""
    return RequestContext(runtime, token, runtime.sessions.find(token) if token else None, host)


def _errors(status: int, message: str, code: str | None = None) -> web.Response:
    error: dict[str, Any] = {"message": message}
    if code:
        error["extensions"] = {"code": code}
    return web.json_response({"errors": [error]}, status=status)


class BadRequestError(Exception):
    """A request that is not a GraphQL request at all; answered with an HTTP error."""

    def __init__(self, status: int, message: str) -> None:
        """Answer ``status`` with a GraphQL ``errors`` body carrying ``message``."""
        super().__init__(message)
        self.response = _errors(status, message, "BAD_REQUEST")


async def _read_request(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read())
    except web.HTTPRequestEntityTooLarge as err:
        raise BadRequestError(413, "Request body too large") from err
    except ValueError as err:
        raise BadRequestError(400, "The request body is not valid JSON") from err
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("query"), str)
        or not isinstance(body.get("variables") or {}, dict)
    ):
        raise BadRequestError(400, "Expected {query: String, variables: Object}")
    return body


async def handle_graphql_post(request: web.Request) -> web.Response:
    """Execute one GraphQL query or mutation."""
    runtime: Runtime = request.app[RUNTIME]
    if runtime.require_preflight and "apollo-require-preflight" not in request.headers:
        return _errors(400, CSRF_MESSAGE, "BAD_REQUEST")
    try:
        body = await _read_request(request)
    except BadRequestError as err:
        return err.response
    schema = unified_schema()
    try:
        document = parse(body["query"])
    except GraphQLError as err:
        return web.json_response({"errors": [err.formatted]}, status=400)
    if problems := validate(schema, document):
        return web.json_response({"errors": [p.formatted for p in problems]}, status=400)
    result = execute(
        schema,
        document,
        context_value=request_context(runtime, bearer_token(request), request.app[HOST]),
        variable_values=body.get("variables"),
        operation_name=body.get("operationName"),
    )
    if asyncio.iscoroutine(result):  # pragma: no cover - every resolver here is synchronous
        result = await result
    payload = result.formatted  # type: ignore[union-attr]
    unauthenticated = any(
        (e.get("extensions") or {}).get("code") == UNAUTHENTICATED
        for e in payload.get("errors") or []
    )
    if unauthenticated and runtime.faults.unauthenticated_as_http_401:
        return _errors(401, "Unauthorized", UNAUTHENTICATED)
    return web.json_response(payload, dumps=lambda data: json.dumps(data, separators=(",", ":")))
