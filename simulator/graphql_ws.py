"""GraphQL subscriptions over WebSocket, sub-protocol ``graphql-transport-ws``, for
each face that has them (``SocketFace``): WinCC Unified and the WinCC OA example.

Unified's quirk is kept: a protocol-level ``ping`` message is not understood (clients
should use WebSocket ping frames instead). The OA example answers ``ping`` with
``pong``, and sends WebSocket ping frames every 12 seconds itself (its library's
keep-alive), closing a socket whose client does not answer them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
import json
import logging
from typing import Any

from aiohttp import WSMsgType, web
from graphql import ExecutionResult, GraphQLError, GraphQLSchema, parse, subscribe, validate

from .app_keys import HOST, RUNTIME, SOCKET_FACE
from .runtime import Runtime
from .unified import bearer_token, request_context, unified_schema

_LOGGER = logging.getLogger(__name__)

PROTOCOL = "graphql-transport-ws"
INIT_TIMEOUT_SECONDS = 10.0
SESSION_CHECK_SECONDS = 0.25


@dataclass(frozen=True, slots=True)
class SocketFace:
    """What differs between the faces that take subscriptions."""

    schema: Callable[[], GraphQLSchema]
    # The context of a connection with this token, or None if the token is refused.
    context: Callable[[web.Request, str | None], Any]
    # Whether a connection's session still stands.
    alive: Callable[[web.Request, Any], bool]
    # Seconds between the server's own WebSocket pings; None: it sends none, and does
    # not understand the protocol's ``ping`` message either.
    heartbeat: float | None = None
    field_resolver: Callable[..., Any] | None = None


def _unified_context(request: web.Request, token: str | None) -> Any:
    context = request_context(request.app[RUNTIME], token, request.app[HOST])
    return context if context.session is not None else None


def _unified_alive(request: web.Request, context: Any) -> bool:
    runtime: Runtime = request.app[RUNTIME]
    return context.token is not None and runtime.sessions.find(context.token) is not None


UNIFIED_SOCKETS = SocketFace(unified_schema, _unified_context, _unified_alive)


class _Connection:
    """One WebSocket connection and its running subscriptions."""

    def __init__(self, request: web.Request, ws: web.WebSocketResponse) -> None:
        self.runtime: Runtime = request.app[RUNTIME]
        self.request = request
        self.ws = ws
        self.face: SocketFace = request.app[SOCKET_FACE]
        self.header_token = bearer_token(request)
        self.context: Any = None
        self.subscriptions: dict[str, asyncio.Task[None]] = {}

    async def close(self, code: int, reason: str) -> None:
        _LOGGER.debug("closing subscription socket: %s %s", code, reason)
        await self.ws.close(code=code, message=reason.encode())

    async def send(self, message: dict[str, Any]) -> None:
        if not self.ws.closed:
            await self.ws.send_str(json.dumps(message, separators=(",", ":")))

    async def on_message(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "connection_init":
            await self._init(message.get("payload"))
        elif kind == "subscribe":
            await self._subscribe(message)
        elif kind == "complete":
            task = self.subscriptions.pop(str(message.get("id")), None)
            if task is not None:
                task.cancel()
        elif kind == "ping" and self.face.heartbeat is not None:
            await self.send({"type": "pong"})
        elif kind == "pong" and self.face.heartbeat is not None:
            return
        else:
            await self.close(4400, "Invalid message type")

    async def _init(self, payload: Any) -> None:
        if self.context is not None:
            await self.close(4429, "Too many initialisation requests")
            return
        token = self.header_token
        if isinstance(payload, dict):
            scheme, _, value = str(payload.get("Authorization", "")).partition(" ")
            if scheme.lower() == "bearer" and value.strip():
                token = value.strip()
        context = self.face.context(self.request, token)
        if context is None:
            await self.close(4403, "Forbidden")
            return
        self.context = context
        await self.send({"type": "connection_ack"})

    async def _subscribe(self, message: dict[str, Any]) -> None:
        if self.context is None:
            await self.close(4401, "Unauthorized")
            return
        identifier = message.get("id")
        payload = message.get("payload")
        if not isinstance(identifier, str) or not isinstance(payload, dict):
            await self.close(4400, "Invalid message")
            return
        if identifier in self.subscriptions:
            await self.close(4409, f"Subscriber for {identifier} already exists")
            return
        schema = self.face.schema()
        try:
            document = parse(str(payload.get("query", "")))
        except GraphQLError as err:
            await self.send({"id": identifier, "type": "error", "payload": [err.formatted]})
            return
        if problems := validate(schema, document):
            await self.send(
                {"id": identifier, "type": "error", "payload": [p.formatted for p in problems]}
            )
            return
        result = await subscribe(
            schema,
            document,
            context_value=self.context,
            variable_values=payload.get("variables"),
            operation_name=payload.get("operationName"),
            field_resolver=self.face.field_resolver,
        )
        if isinstance(result, ExecutionResult):
            await self.send(
                {"id": identifier, "type": "error", "payload": result.formatted["errors"]}
            )
            return
        self.subscriptions[identifier] = asyncio.create_task(self._forward(identifier, result))

    async def _forward(self, identifier: str, stream: Any) -> None:
        try:
            async for result in stream:
                await self.send({"id": identifier, "type": "next", "payload": result.formatted})
            await self.send({"id": identifier, "type": "complete"})
        except ConnectionResetError:
            _LOGGER.debug("subscription %s: the client went away", identifier)
        finally:
            self.subscriptions.pop(identifier, None)
            with suppress(Exception):
                await stream.aclose()

    async def watch_session(self) -> None:
        """Close the socket when its session ends or the runtime stops."""
        pair = self.runtime.redundancy
        while not self.ws.closed:
            await asyncio.sleep(SESSION_CHECK_SECONDS)
            if self.runtime.faults.websocket_down or (
                pair is not None and self.request.app[HOST] in pair.lost
            ):
                # Cut, not closed: the client sees the connection drop.
                if self.request.transport is not None:
                    self.request.transport.abort()
                return
            if self.runtime.faults.paused:
                await self.close(1012, "Runtime stopped")
            elif self.context is not None and not self.face.alive(self.request, self.context):
                await self.close(4401, "Session expired")

    def stop(self) -> None:
        for task in self.subscriptions.values():
            task.cancel()


async def handle_graphql_ws(request: web.Request) -> web.StreamResponse:
    """Serve one ``graphql-transport-ws`` connection."""
    runtime: Runtime = request.app[RUNTIME]
    if runtime.faults.websocket_down:
        return web.json_response({"error": "Subscriptions are unavailable"}, status=503)
    face: SocketFace = request.app[SOCKET_FACE]
    ws = web.WebSocketResponse(protocols=(PROTOCOL,), heartbeat=face.heartbeat)
    await ws.prepare(request)
    if ws.ws_protocol != PROTOCOL:
        await ws.close(code=4406, message=b"Subprotocol not acceptable")
        return ws
    connection = _Connection(request, ws)
    runtime.sockets.add(ws)
    watchdog = asyncio.create_task(connection.watch_session())
    try:
        async with asyncio.timeout(INIT_TIMEOUT_SECONDS) as init_deadline:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(message.data)
                except ValueError:
                    await connection.close(4400, "Invalid message")
                    break
                if not isinstance(data, dict):
                    await connection.close(4400, "Invalid message")
                    break
                await connection.on_message(data)
                if connection.context is not None:
                    init_deadline.reschedule(None)
    except TimeoutError:
        await connection.close(4408, "Connection initialisation timeout")
    finally:
        runtime.sockets.discard(ws)
        watchdog.cancel()
        connection.stop()
    return ws
