"""One ``graphql-transport-ws`` connection kept open, whatever the server family.

A ``SocketSession`` sends the bearer token in ``connection_init``, keeps the socket
alive with WebSocket ping frames, renews the session while the socket is open,
reconnects with capped, jittered back-off, logs in again when the server ended the
session, and subscribes again after every reconnect. What it subscribes and how it
reads the notifications is each family's own (``_subscribe``, ``_notification``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
import logging
import random
from typing import Any, ClassVar, Protocol

import aiohttp

from .errors import (
    AuthenticationError,
    InvalidArgumentError,
    ServerBusyError,
    WinCCConnectionError,
    WinCCError,
)
from .push import Backoff, PushHandler
from .transport import HttpTransport, decode_json

_LOGGER = logging.getLogger(__name__)

WS_PROTOCOL = "graphql-transport-ws"
# Seconds between WebSocket pings, and between checks whether the session needs renewal.
PING_SECONDS = 30.0
RENEW_CHECK_SECONDS = 15.0
# How a server closes a subscription socket, and what it means.
WS_CLOSE_ERRORS: dict[int, tuple[type[WinCCError], str]] = {
    4401: (AuthenticationError, "The server ended the session of the subscription"),
    4403: (AuthenticationError, "The server refused the subscription's session"),
    1012: (ServerBusyError, "The WinCC runtime stopped"),
}


class SocketClient(Protocol):
    """What a socket session needs of its client."""

    @property
    def url(self) -> str:
        """The API's URL, for logs."""

    @property
    def request_timeout(self) -> float:
        """How long the handshake may take."""

    @property
    def authorization(self) -> dict[str, str]:
        """The ``connection_init`` payload: the bearer token."""

    async def ensure_session(self) -> None:
        """Log in, or renew the session when it is due."""

    async def open_socket(self, protocol: str) -> aiohttp.ClientWebSocketResponse:
        """Open the subscription WebSocket."""

    def socket_closed(
        self, ws: aiohttp.ClientWebSocketResponse, message: aiohttp.WSMessage
    ) -> WinCCError:
        """The error for a socket the server ended (and forget an ended session)."""


class BearerSockets:
    """The socket side of a client that holds a bearer token: the token goes on the
    upgrade request and in ``connection_init``, and a session the server ended is
    forgotten, so that the next connection logs in again."""

    socket_path: ClassVar[str]
    _transport: HttpTransport
    _token: str | None

    @property
    def request_timeout(self) -> float:
        """How long a request (or the subscription handshake) may take."""
        return self._transport.timeout

    @property
    def authorization(self) -> dict[str, str]:
        """The bearer token, as headers and ``connection_init`` carry it."""
        return {"Authorization": f"Bearer {self._token}"}

    async def open_socket(self, protocol: str) -> aiohttp.ClientWebSocketResponse:
        """The subscription WebSocket, with the token on the upgrade request too."""
        return await self._transport.websocket(self.socket_path, protocol, self.authorization)

    def socket_closed(
        self, ws: aiohttp.ClientWebSocketResponse, message: aiohttp.WSMessage
    ) -> WinCCError:
        """The error for an ended socket."""
        code = message.data if message.type is aiohttp.WSMsgType.CLOSE else ws.close_code
        error_class, text = WS_CLOSE_ERRORS.get(
            code or 0, (WinCCConnectionError, "The subscription connection closed")
        )
        if error_class is AuthenticationError:
            self._token = None
        return error_class(f"{text} (code {code})")


async def handshake(client: SocketClient, ws: aiohttp.ClientWebSocketResponse) -> None:
    """``connection_init`` with the token, and its ``connection_ack``."""
    await ws.send_json({"type": "connection_init", "payload": client.authorization})
    message = await ws.receive(timeout=client.request_timeout)
    if message.type is aiohttp.WSMsgType.TEXT:
        answer = decode_json(message.data.encode(), "the subscription handshake")
        if isinstance(answer, dict) and answer.get("type") == "connection_ack":
            return
    raise client.socket_closed(ws, message)


class SocketSession:
    """One subscription socket to one server, subscribing ``tags`` (and what else a
    family adds) after every (re)connect."""

    # The subscription of tag values; its variable ``n`` holds the names.
    tag_subscription: ClassVar[str]

    def __init__(
        self,
        client: SocketClient,
        handler: PushHandler,
        tags: Sequence[str],
        *,
        backoff: Backoff = Backoff(),  # noqa: B008 - frozen and shared
        rng: random.Random | None = None,
    ) -> None:
        """Push ``tags`` to ``handler``."""
        self._client = client
        self._handler = handler
        self._tags = list(tags)
        self._backoff = backoff
        self._rng = rng or random.Random()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._tag_generation = 0
        self.connected = False
        self.reconnects = 0

    async def change_tags(self, tags: Sequence[str]) -> None:
        """Subscribe another set of tags; the old subscription is completed."""
        self._tags = list(tags)
        if self._ws is not None and not self._ws.closed:
            await self._ws.send_json({"id": self._tags_id, "type": "complete"})
            self._tag_generation += 1
            await self._subscribe_tags(self._ws)

    @property
    def _tags_id(self) -> str:
        return f"tags-{self._tag_generation}"

    async def run(self) -> None:
        """Stay connected, reconnecting after every loss, until cancelled."""
        attempt = 0
        while True:
            try:
                await self._serve()
                error: WinCCError = WinCCConnectionError("The subscription connection closed")
            except WinCCError as err:
                error = err
            except (TimeoutError, aiohttp.ClientError, ConnectionError) as err:
                error = WinCCConnectionError(f"The subscription connection failed ({err})")
            if self.connected:
                attempt = 0
            self.connected = False
            self._ws = None
            self._handler.push_lost(error)
            _LOGGER.debug("Subscriptions of %s ended: %s", self._client.url, error)
            await asyncio.sleep(self._backoff.delay(attempt, self._rng))
            attempt += 1
            self.reconnects += 1

    async def _serve(self) -> None:
        """One connection: handshake, subscribe, then deliver until it ends."""
        await self._client.ensure_session()
        ws = await self._client.open_socket(WS_PROTOCOL)
        helpers = [
            asyncio.create_task(self._keep_alive(ws)),
            asyncio.create_task(self._keep_session(ws)),
        ]
        try:
            await handshake(self._client, ws)
            self._ws = ws
            await self._subscribe(ws)
            self.connected = True
            self._handler.push_started()
            await self._deliver(ws)
        finally:
            for helper in helpers:
                helper.cancel()
            await ws.close()

    async def _subscribe(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Everything this session pushes; a family adds its own."""
        await self._subscribe_tags(ws)

    async def _subscribe_tags(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        if not self._tags:
            return
        await ws.send_json(
            {
                "id": self._tags_id,
                "type": "subscribe",
                "payload": {"query": self.tag_subscription, "variables": {"n": self._tags}},
            }
        )

    async def _deliver(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Hand each notification on until the socket ends."""
        while True:
            message = await ws.receive()
            if message.type is not aiohttp.WSMsgType.TEXT:
                raise self._client.socket_closed(ws, message)
            data = decode_json(message.data.encode(), "a subscription")
            if not isinstance(data, dict):
                continue
            kind, identifier = data.get("type"), data.get("id")
            if kind == "error":
                self._refused(identifier, data)
            elif kind == "next":
                self._notification(identifier, (data.get("payload") or {}).get("data") or {})
            elif kind == "ping":
                await ws.send_json({"type": "pong"})

    def _refused(self, identifier: object, data: dict[str, Any]) -> None:
        """A subscription the server refused ends the connection."""
        raise InvalidArgumentError(f"The server refused the subscription: {data}")

    def _notification(self, identifier: object, payload: dict[str, Any]) -> None:
        """One notification's ``data``."""
        raise NotImplementedError

    @staticmethod
    async def _keep_alive(ws: aiohttp.ClientWebSocketResponse) -> None:
        """WebSocket pings; a failed ping closes the socket, which ends the connection."""
        while not ws.closed:
            await asyncio.sleep(PING_SECONDS)
            try:
                await ws.ping()
            except (ConnectionError, aiohttp.ClientError):
                await ws.close()

    async def _keep_session(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Renew the session in time, so the server does not end the socket's session."""
        while not ws.closed:
            await asyncio.sleep(RENEW_CHECK_SECONDS)
            try:
                await self._client.ensure_session()
            except WinCCError as err:
                _LOGGER.debug("Renewing the session of the subscriptions failed: %s", err)
