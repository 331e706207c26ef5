"""The WinCC OA example's subscriptions, over ``graphql-transport-ws`` on ``/graphql``.

``tagSubscribe`` is simulated: with ``answer: true`` it first answers every element
(``type`` "1"), then, as OA's ``dpConnect`` calls back, it sends every element again
whenever one of them changed its value or status (``type`` "0"). An element that can
no longer be read is left out, and ``error`` names it. ``dpConnect`` and the query
subscriptions answer "Not simulated by wincc-sim".

A connection authenticates with the token of ``connection_init`` (or of the upgrade
request); the server sends WebSocket pings every 12 seconds, as the example's
``graphql-ws`` library does, and ends the socket when the token has expired.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import cache
from typing import Any

from aiohttp import web
from graphql import GraphQLEnumType, GraphQLError, GraphQLSchema

from .app_keys import OA_ALERTS, OA_PROJECT, OA_SESSIONS, RUNTIME
from .clock import iso
from .graphql_ws import SocketFace
from .oa_graphql import NOT_SIMULATED, Call, oa_schema, resolve_field
from .oa_project import NotAnElementError, OaProject, OnlineValue, UnknownDpError
from .users import Sessions

# The example's keep-alive: WebSocket pings every 12 seconds.
HEARTBEAT_SECONDS = 12.0
# How long a subscription waits for a change before it looks again (the example
# datapoints change without telling).
IDLE_SECONDS = 1.0
ANSWER, CHANGE = "1", "0"


def _status(schema: GraphQLSchema, status: int) -> dict[str, Any]:
    """``ElementStatus``: the bits, and the names of those set and not set."""
    names = schema.type_map["ElementStatusBit"]
    assert isinstance(names, GraphQLEnumType)  # noqa: S101 - declared by the schema
    bits = list(names.values)
    return {
        "value": status,
        "bits": format(status, "032b"),
        "on": [name for index, name in enumerate(bits) if status >> index & 1],
        "off": [name for index, name in enumerate(bits) if not status >> index & 1],
    }


def _tag(schema: GraphQLSchema, name: str, online: OnlineValue) -> dict[str, Any]:
    return {
        "name": name,
        "value": online.value,
        "timestamp": iso(online.stime),
        "status": _status(schema, online.status),
    }


def _read_all(project: OaProject, names: list[str]) -> tuple[dict[str, OnlineValue], str | None]:
    values: dict[str, OnlineValue] = {}
    failed = []
    for name in names:
        try:
            values[name] = project.read(name)
        except (UnknownDpError, NotAnElementError):
            failed.append(name)
    return values, (f"Cannot read {', '.join(failed)}" if failed else None)


def tag_subscribe(
    _root: Any,
    info: Any,
    dpeNames: list[str],  # noqa: N803
    answer: bool | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """The elements' values, times and status: now (if asked), then on every change."""
    call: Call = info.context
    values, error = _read_all(call.project, dpeNames)
    if error:
        raise GraphQLError(f"Failed to subscribe: {error}")
    return _tag_updates(call, info.schema, list(dpeNames), values, answer=bool(answer))


async def _tag_updates(
    call: Call,
    schema: GraphQLSchema,
    names: list[str],
    last: dict[str, OnlineValue],
    *,
    answer: bool,
) -> AsyncIterator[dict[str, Any]]:
    def update(values: dict[str, OnlineValue], kind: str, error: str | None) -> dict[str, Any]:
        tags = [_tag(schema, name, value) for name, value in values.items()]
        return {"tags": tags, "type": kind, "error": error}

    def state(values: dict[str, OnlineValue]) -> dict[str, tuple[Any, int]]:
        return {name: (value.value, value.status) for name, value in values.items()}

    plant = call.runtime.plant
    if answer:
        yield update(last, ANSWER, None)
    told = state(last)
    seen = plant.changes.version
    while True:
        await plant.changes.wait_beyond(seen, IDLE_SECONDS)
        plant.advance()
        seen = plant.changes.version
        values, error = _read_all(call.project, names)
        if state(values) != told:
            told = state(values)
            yield update(values, CHANGE, error)


def _not_simulated(field: str) -> Callable[..., Any]:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise GraphQLError(NOT_SIMULATED.format(field=field))

    return refuse


@cache
def oa_socket_schema() -> GraphQLSchema:
    """The example's schema with its subscriptions made to work (once)."""
    schema = oa_schema()
    subscription = schema.subscription_type
    assert subscription is not None  # noqa: S101 - declared by the schema
    for name, field in subscription.fields.items():
        field.subscribe = (
            tag_subscribe if name == "tagSubscribe" else _not_simulated(f"Subscription.{name}")
        )
        field.resolve = lambda event, _info, **_args: event
    return schema


def _context(request: web.Request, token: str | None) -> Call | None:
    sessions: Sessions = request.app[OA_SESSIONS]
    session = sessions.find(token) if token else None
    if session is None:
        return None
    return Call(
        request.app[OA_PROJECT],
        request.app[OA_ALERTS],
        request.app[RUNTIME],
        sessions,
        sessions.extend(session),
    )


def _alive(request: web.Request, call: Call) -> bool:
    sessions: Sessions = request.app[OA_SESSIONS]
    return call.session is not None and sessions.find(call.session.token) is not None


OA_SOCKETS = SocketFace(
    oa_socket_schema, _context, _alive, heartbeat=HEARTBEAT_SECONDS, field_resolver=resolve_field
)
