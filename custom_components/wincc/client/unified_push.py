"""Pushed tag values and alarms from WinCC Unified, on one WebSocket per server.

A ``PushSession`` keeps one ``graphql-transport-ws`` connection open with two
subscriptions, tag values and active alarms. It sends the bearer token in
``connection_init``, keeps the socket alive with WebSocket ping frames (the runtime
does not understand the protocol's own pings), renews the session while the socket is
open, reconnects with capped, jittered back-off, logs in again when the server ended
the session, and subscribes again after every reconnect.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
import logging
import random
from typing import Any, Protocol

import aiohttp

from .errors import InvalidArgumentError, ProtocolError, WinCCConnectionError, WinCCError
from .models import RENAMED_CODE, AlarmQuery, ItemError, Quality, TagValue
from .push import AlarmNotification, Backoff, PushHandler
from .transport import decode_json
from .unified_alarms import ALARM_FIELDS, parse_alarms
from .unified_parsing import tag_value

_LOGGER = logging.getLogger(__name__)

WS_PROTOCOL = "graphql-transport-ws"
TAG_SUBSCRIPTION = (
    "subscription($n:[String!]!){tagValues(names:$n){name value{value timestamp "
    "quality{quality subStatus}} error{code description} notificationReason}}"
)
ALARM_SUBSCRIPTION = (
    f"subscription($f:String,$l:[String]){{activeAlarms(filterString:$f,languages:$l)"
    f"{{{ALARM_FIELDS} notificationReason}}}}"
)
ALARMS_ID = "alarms"
REDU_SUBSCRIPTION = "subscription{reduState{value{value timestamp} notificationReason}}"
REDU_ID = "redu"
ACTIVE = "ACTIVE"
# Seconds between WebSocket pings, and between checks whether the session needs renewal.
PING_SECONDS = 30.0
RENEW_CHECK_SECONDS = 15.0
ADDED, MODIFIED, REMOVED = "Added", "Modified", "Removed"
RENAMED = "Removed (Name changed)"
# What a tag shows once WinCC removed it from the subscription.
GONE = {
    REMOVED: ItemError("removed", "The tag was deleted in WinCC"),
    RENAMED: ItemError(RENAMED_CODE, "The tag was renamed in WinCC"),
}


class SocketClient(Protocol):
    """What a push session needs of its client."""

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

    @property
    def redundant(self) -> bool:
        """Whether the host is one of a redundant pair, followed only while ACTIVE."""

    def host_passive(self) -> None:
        """The host reports PASSIVE: the client should follow the other one."""


async def _handshake(client: SocketClient, ws: aiohttp.ClientWebSocketResponse) -> None:
    """``connection_init`` with the token, and its ``connection_ack``."""
    await ws.send_json({"type": "connection_init", "payload": client.authorization})
    message = await ws.receive(timeout=client.request_timeout)
    if message.type is aiohttp.WSMsgType.TEXT:
        answer = decode_json(message.data.encode(), "the subscription handshake")
        if isinstance(answer, dict) and answer.get("type") == "connection_ack":
            return
    raise client.socket_closed(ws, message)


def _redu_state(payload: Any) -> str:
    """``ACTIVE`` or ``PASSIVE`` from a ``reduState`` notification."""
    try:
        state = payload["reduState"]["value"]["value"]
    except (KeyError, TypeError):
        state = None
    if not isinstance(state, str):
        raise ProtocolError(f"A reduState notification without a state: {payload!r}")
    return state


async def redundancy_state(client: SocketClient, ws: aiohttp.ClientWebSocketResponse) -> str:
    """What a host says of itself in its redundant pair (``ACTIVE`` or ``PASSIVE``), from
    the first ``reduState`` notification on ``ws``, a new socket to it (closed after)."""
    try:
        await _handshake(client, ws)
        await ws.send_json(
            {"id": REDU_ID, "type": "subscribe", "payload": {"query": REDU_SUBSCRIPTION}}
        )
        while True:
            message = await ws.receive(timeout=client.request_timeout)
            if message.type is not aiohttp.WSMsgType.TEXT:
                raise client.socket_closed(ws, message)
            data = decode_json(message.data.encode(), "a subscription")
            if isinstance(data, dict) and data.get("id") == REDU_ID:
                if data.get("type") != "next":
                    raise ProtocolError(f"The server refused reduState: {data}")
                return _redu_state((data.get("payload") or {}).get("data"))
    except TimeoutError as err:
        raise WinCCConnectionError("The host did not tell its redundancy state") from err
    finally:
        await ws.close()


class PushSession:
    """One subscription socket to one WinCC Unified runtime."""

    def __init__(
        self,
        client: SocketClient,
        handler: PushHandler,
        tags: Sequence[str],
        alarms: AlarmQuery | None,
        *,
        backoff: Backoff = Backoff(),  # noqa: B008 - frozen and shared
        rng: random.Random | None = None,
    ) -> None:
        """Subscribe ``tags`` and (unless None) the alarms ``alarms`` selects."""
        self._client = client
        self._handler = handler
        self._ignored: set[str] = set()  # notification reasons logged once already
        self._tags = list(tags)
        self._alarms = alarms
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
            await _handshake(self._client, ws)
            self._ws = ws
            await self._subscribe_tags(ws)
            if self._client.redundant:
                await ws.send_json(
                    {"id": REDU_ID, "type": "subscribe", "payload": {"query": REDU_SUBSCRIPTION}}
                )
            if self._alarms is not None:
                variables = {
                    "f": self._alarms.server_filter or "",
                    "l": list(self._alarms.languages),
                }
                await ws.send_json(
                    {
                        "id": ALARMS_ID,
                        "type": "subscribe",
                        "payload": {"query": ALARM_SUBSCRIPTION, "variables": variables},
                    }
                )
            self.connected = True
            self._handler.push_started()
            await self._deliver(ws)
        finally:
            for helper in helpers:
                helper.cancel()
            await ws.close()

    async def _subscribe_tags(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        if not self._tags:
            return
        await ws.send_json(
            {
                "id": self._tags_id,
                "type": "subscribe",
                "payload": {"query": TAG_SUBSCRIPTION, "variables": {"n": self._tags}},
            }
        )

    async def _deliver(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Hand each notification to the handler until the socket ends."""
        while True:
            message = await ws.receive()
            if message.type is not aiohttp.WSMsgType.TEXT:
                raise self._client.socket_closed(ws, message)
            data = decode_json(message.data.encode(), "a subscription")
            if not isinstance(data, dict):
                continue
            kind, identifier = data.get("type"), data.get("id")
            if kind == "error" and identifier == REDU_ID:
                _LOGGER.info(
                    "%s has no reduState subscription: a failover is noticed when it is lost",
                    self._client.url,
                )
                continue
            if kind == "error":
                raise InvalidArgumentError(f"The server refused the subscription: {data}")
            if kind != "next":
                continue
            payload = (data.get("payload") or {}).get("data") or {}
            if identifier == self._tags_id:
                self._tag_notification(payload.get("tagValues"))
            elif identifier == ALARMS_ID:
                self._alarm_notification(payload.get("activeAlarms"))
            elif identifier == REDU_ID and _redu_state(payload) != ACTIVE:
                self._client.host_passive()
                raise WinCCConnectionError("The host went passive: following the active one")

    def _tag_notification(self, row: Any) -> None:
        name = row.get("name") if isinstance(row, dict) else None
        if not isinstance(name, str):
            return
        reason = row.get("notificationReason")
        if reason in GONE:
            _LOGGER.warning("%s: %s", name, GONE[reason].description)
            value = TagValue(name, None, Quality.BAD, error=GONE[reason])
        elif reason in (ADDED, MODIFIED, None):
            value = tag_value(name, row)
        else:
            self._ignore(reason)
            return
        self._handler.pushed_values([value])

    def _alarm_notification(self, row: Any) -> None:
        if not isinstance(row, dict):
            return
        reason = row.get("notificationReason")
        if reason not in (ADDED, MODIFIED, REMOVED):
            self._ignore(reason)
            return
        assert self._alarms is not None  # noqa: S101 - only subscribed with a query
        self._handler.pushed_alarms(
            [
                AlarmNotification(reason, alarm)
                for alarm in parse_alarms([row], self._alarms.languages)
            ]
        )

    def _ignore(self, reason: object) -> None:
        """A reason the schema says should not occur ("Unknown"): logged once, ignored."""
        key = str(reason)  # whatever the server sent, even something unhashable
        if key not in self._ignored:
            self._ignored.add(key)
            _LOGGER.warning(
                "%s sent a notification with the reason %r, which should not occur; "
                "notifications with it are ignored",
                self._client.url,
                reason,
            )

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
