"""The WinCC OA GraphQL application example's face: ``POST /graphql`` on port 4000, in
plain HTTP as the example serves it (sites put TLS in a reverse proxy).

The whole schema is declared (``oa_graphql.graphql``), so any query a client sends is
valid. This module answers what this project uses: ``login`` and ``logout``, and under
``api.dp`` the reads (``get`` of values and of ``_online`` attributes, ``names``,
``elementType``, ``typeName``, ``exists``, ``getPeriod``) and the writes (``set``,
``setWait``), and under ``api.alert`` ``alertGetPeriod`` and ``alertGet``
(``oa_alerts``). Every other field answers the error "Not simulated by wincc-sim".
Subscriptions are not simulated yet.

Errors as the reference gives them: a missing or bad token is HTTP 500 "Unauthorized";
a wrong password is HTTP 200 "Invalid username or password"; a read-only user's
mutation is "Forbidden: Read-only users cannot perform mutations".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, partial
from importlib import resources
import json
from typing import Any

from aiohttp import web
from graphql import (
    GraphQLError,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    execute,
    get_named_type,
    parse,
    validate,
)

from .app_keys import OA_ALERTS, OA_PROJECT, OA_SESSIONS, RUNTIME
from .clock import iso
from .oa_alerts import OaAlerts, UnknownAlertError
from .oa_project import NotAnElementError, OaProject, UnknownDpError
from .plant import UnknownTagError
from .runtime import Runtime
from .tagtypes import WriteRejectedError
from .unified import time_value
from .users import Right, Session, Sessions, User

# Tokens slide forward on each use; 20 minutes is the example's default in code.
TOKEN_LIFETIME = timedelta(minutes=20)
UNAUTHORIZED = "Unauthorized"
WRONG_LOGIN = "Invalid username or password"
READ_ONLY = "Forbidden: Read-only users cannot perform mutations"
NOT_SIMULATED = "Not simulated by wincc-sim: {field}"
# The attributes of an element's online value a client may read with ``dp.get``.
ONLINE = ":_online.._"
# The type of an element's alert handler, which a client may read with ``dp.get``.
HANDLER_TYPE = ":_alert_hdl.._type"


@dataclass(frozen=True, slots=True)
class Call:
    """What a resolver needs: the project, the sessions and the caller."""

    project: OaProject
    alerts: OaAlerts
    runtime: Runtime
    sessions: Sessions
    session: Session | None

    @property
    def user(self) -> User | None:
        """The caller, if a token came with the request."""
        return self.session.user if self.session else None


class Namespace:
    """The value of a namespace field (``api``, ``dp``): it only leads further in."""


NAMESPACE = Namespace()


def _call(info: GraphQLResolveInfo) -> Call:
    context: Call = info.context
    return context


def _failed(action: str, err: Exception) -> GraphQLError:
    return GraphQLError(f"Failed to {action}: {err}")


def _value(call: Call, name: str) -> Any:
    project = call.project
    element, handler, _ = name.partition(HANDLER_TYPE)
    if handler:
        return call.alerts.handler_type(element)
    element, separator, attribute = name.partition(ONLINE)
    online = project.read(element if separator else name)
    if not separator or attribute == "value":
        return online.value
    if attribute == "stime":
        return iso(online.stime)
    if attribute == "status":
        return online.status
    raise UnknownDpError(name)


def dp_get(info: GraphQLResolveInfo, dpeNames: list[str]) -> list[Any]:  # noqa: N803
    """The values (or ``_online`` attributes) of elements, in order."""
    call = _call(info)
    try:
        return [_value(call, name) for name in dpeNames]
    except (UnknownDpError, NotAnElementError) as err:
        raise _failed("get data points", err) from err


def dp_names(
    info: GraphQLResolveInfo,
    dpPattern: str | None = None,  # noqa: N803
    dpType: str | None = None,  # noqa: N803
    ignoreCase: bool | None = None,  # noqa: N803
) -> list[str]:
    """Datapoints (or elements) matching a pattern, of a type if one is given."""
    project = _call(info).project
    names = project.names(dpPattern or "*", ignore_case=bool(ignoreCase))
    if dpType:
        names = [n for n in names if project.type_name(n.partition(".")[0]) == dpType]
    return names


def dp_element_type(info: GraphQLResolveInfo, dpeName: str) -> str:  # noqa: N803
    """OA's element type of an element."""
    try:
        return _call(info).project.element_type(dpeName)
    except UnknownDpError as err:
        raise _failed("get element type", err) from err


def dp_type_name(info: GraphQLResolveInfo, dp: str) -> str:
    """A datapoint's type."""
    try:
        return _call(info).project.type_name(dp)
    except UnknownDpError as err:
        raise _failed("get type name", err) from err


def dp_exists(info: GraphQLResolveInfo, dpeName: str) -> bool:  # noqa: N803
    """Whether a datapoint or element exists."""
    project = _call(info).project
    try:
        project.element_type(dpeName)
    except UnknownDpError:
        return False
    return True


def dp_get_period(
    info: GraphQLResolveInfo,
    startTime: datetime,  # noqa: N803
    endTime: datetime,  # noqa: N803
    dpeNames: list[str],  # noqa: N803
) -> list[dict[str, Any]]:
    """Archived values per element: ``{times, values}``."""
    project = _call(info).project
    try:
        periods = [project.history(name, startTime, endTime) for name in dpeNames]
    except (UnknownDpError, NotAnElementError) as err:
        raise _failed("get period", err) from err
    return [
        {"times": [iso(row.stime) for row in rows], "values": [row.value for row in rows]}
        for rows in periods
    ]


def dp_set(info: GraphQLResolveInfo, dpeNames: list[str], values: list[Any]) -> bool:  # noqa: N803
    """Write elements; a read-only user may not."""
    call = _call(info)
    if call.user is None or not call.user.may(Right.WRITE):
        raise GraphQLError(READ_ONLY)
    if len(dpeNames) != len(values):
        raise GraphQLError("dpeNames and values must have the same length")
    try:
        for name, value in zip(dpeNames, values, strict=True):
            call.project.write(name, value)
    except (UnknownDpError, NotAnElementError, UnknownTagError, WriteRejectedError) as err:
        raise _failed("set data points", err) from err
    finally:
        call.alerts.evaluate_example()
    return True


def alert_get_period(
    info: GraphQLResolveInfo,
    startTime: datetime,  # noqa: N803
    endTime: datetime,  # noqa: N803
    names: list[str],
) -> dict[str, Any]:
    """Alert entries of a period, one time and value per named attribute."""
    try:
        return _call(info).alerts.period(startTime, endTime, names)
    except (UnknownDpError, NotAnElementError) as err:
        raise _failed("get alert period data", err) from err


def alert_get(
    info: GraphQLResolveInfo,
    alertsTime: list[dict[str, Any]],  # noqa: N803
    dpeNames: list[str],  # noqa: N803
) -> list[Any]:
    """Attributes of alerts, paired with their alerts by position."""
    try:
        return _call(info).alerts.get(alertsTime, dpeNames)
    except (UnknownDpError, NotAnElementError, UnknownAlertError, ValueError) as err:
        raise _failed("get alert attributes", err) from err


def login(info: GraphQLResolveInfo, username: str, password: str) -> dict[str, str]:
    """A token for a user who may use the web APIs."""
    call = _call(info)
    user = call.runtime.directory.authenticate(username, password)
    if user is None or not user.may(Right.API):
        raise GraphQLError(WRONG_LOGIN)
    session = call.sessions.open(user)
    return {"token": session.token, "expiresAt": iso(session.expires)}


def logout(info: GraphQLResolveInfo) -> bool:
    """The caller's token ends (the handler has checked there is one)."""
    call = _call(info)
    if call.session is not None:
        call.sessions.close(call.session)
    return True


RESOLVERS: dict[str, Callable[..., Any]] = {
    "Mutation.login": login,
    "Mutation.logout": logout,
    "DataPointMethods.get": dp_get,
    "DataPointMethods.names": dp_names,
    "DataPointMethods.elementType": dp_element_type,
    "DataPointMethods.typeName": dp_type_name,
    "DataPointMethods.exists": dp_exists,
    "DataPointMethods.getPeriod": dp_get_period,
    "DataPointMutations.set": dp_set,
    "AlertMethods.alertGetPeriod": alert_get_period,
    "AlertMethods.alertGet": alert_get,
    "DataPointMutations.setWait": dp_set,
}


def resolve_field(root: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    """Our resolver, a namespace, a field of an answer, or "not simulated"."""
    field = f"{info.parent_type.name}.{info.field_name}"
    if field in RESOLVERS:
        return RESOLVERS[field](info, **args)
    if isinstance(root, dict):
        return root.get(info.field_name)
    returned = get_named_type(info.return_type)
    if isinstance(returned, GraphQLObjectType) and not args and _is_namespace(returned):
        return NAMESPACE
    raise GraphQLError(NOT_SIMULATED.format(field=field))


def _is_namespace(type_: GraphQLObjectType) -> bool:
    return type_.name in ("API", "APIMutations") or type_.name.endswith(("Methods", "Mutations"))


@cache
def oa_schema() -> GraphQLSchema:
    """The application example's schema, with its scalars made to work (built once)."""
    sdl = resources.files(__package__).joinpath("oa_graphql.graphql").read_text(encoding="utf-8")
    schema = build_schema(sdl)
    time = schema.type_map["Time"]
    assert isinstance(time, GraphQLScalarType)  # noqa: S101
    time.parse_value = partial(time_value, scalar="Time")  # type: ignore[method-assign]
    return schema


def _errors(status: int, message: str) -> web.Response:
    return web.json_response({"errors": [{"message": message}]}, status=status)


def _only_login(document: Any) -> bool:
    """Whether a document asks nothing but ``login`` (no token needed for that)."""
    fields = [
        selection.name.value
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
        for selection in definition.selection_set.selections
        if hasattr(selection, "name")
    ]
    return bool(fields) and all(field in ("login", "__typename") for field in fields)


def _session(request: web.Request, sessions: Sessions) -> Session | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    session = sessions.find(token.strip())
    return sessions.extend(session) if session else None  # tokens slide on each use


async def handle_oa_graphql(request: web.Request) -> web.Response:
    """Execute one query or mutation."""
    runtime: Runtime = request.app[RUNTIME]
    sessions: Sessions = request.app[OA_SESSIONS]
    try:
        body = json.loads(await request.read())
        query = body["query"]
        variables = body.get("variables") or {}
    except (ValueError, KeyError, TypeError):
        return _errors(400, "Expected {query: String, variables: Object}")
    schema = oa_schema()
    try:
        document = parse(query)
    except GraphQLError as err:
        return web.json_response({"errors": [err.formatted]}, status=400)
    if problems := validate(schema, document):
        return web.json_response({"errors": [p.formatted for p in problems]}, status=400)
    session = _session(request, sessions)
    if session is None and not _only_login(document):
        return _errors(500, UNAUTHORIZED)
    runtime.plant.advance()
    result = execute(
        schema,
        document,
        context_value=Call(
            request.app[OA_PROJECT], request.app[OA_ALERTS], runtime, sessions, session
        ),
        variable_values=variables,
        operation_name=body.get("operationName"),
        field_resolver=resolve_field,
    )
    return web.json_response(result.formatted)  # type: ignore[union-attr]


def oa_sessions(runtime: Runtime) -> Sessions:
    """The example's own token store, on the simulated clock."""
    return Sessions(runtime.clock, TOKEN_LIFETIME)
