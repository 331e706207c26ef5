"""Pushed tag values and alarms from WinCC Unified, on one WebSocket per server.

A ``PushSession`` keeps one ``graphql-transport-ws`` connection open
(``socket_session``) with two subscriptions, tag values and active alarms, and on a
redundant pair a third, the host's redundancy state. The runtime does not understand
the protocol's own pings: WebSocket ping frames keep the socket alive.
"""

from __future__ import annotations

from collections.abc import Sequence
import logging
import random
from typing import Any, Protocol

import aiohttp

from .errors import ProtocolError, WinCCConnectionError
from .models import RENAMED_CODE, AlarmQuery, ItemError, Quality, TagValue
from .push import AlarmNotification, Backoff, PushHandler
from .socket_session import WS_PROTOCOL, SocketClient, SocketSession, handshake
from .transport import decode_json
from .unified_alarms import ALARM_FIELDS, parse_alarms
from .unified_parsing import tag_value

_LOGGER = logging.getLogger(__name__)

__all__ = ["WS_PROTOCOL", "PushSession", "redundancy_state"]

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
ADDED, MODIFIED, REMOVED = "Added", "Modified", "Removed"
RENAMED = "Removed (Name changed)"
# What a tag shows once WinCC removed it from the subscription.
GONE = {
    REMOVED: ItemError("removed", "The tag was deleted in WinCC"),
    RENAMED: ItemError(RENAMED_CODE, "The tag was renamed in WinCC"),
}


class UnifiedSocketClient(SocketClient, Protocol):
    """What a Unified push session needs of its client besides the socket."""

    @property
    def redundant(self) -> bool:
        """Whether the host is one of a redundant pair, followed only while ACTIVE."""

    def host_passive(self) -> None:
        """The host reports PASSIVE: the client should follow the other one."""


def _redu_state(payload: Any) -> str:
    """``ACTIVE`` or ``PASSIVE`` from a ``reduState`` notification."""
    try:
        state = payload["reduState"]["value"]["value"]
    except (KeyError, TypeError):
        state = None
    if not isinstance(state, str):
        raise ProtocolError(f"A reduState notification without a state: {payload!r}")
    return state


async def redundancy_state(client: UnifiedSocketClient, ws: aiohttp.ClientWebSocketResponse) -> str:
    """What a host says of itself in its redundant pair (``ACTIVE`` or ``PASSIVE``), from
    the first ``reduState`` notification on ``ws``, a new socket to it (closed after)."""
    try:
        await handshake(client, ws)
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


class PushSession(SocketSession):
    """One subscription socket to one WinCC Unified runtime."""

    tag_subscription = TAG_SUBSCRIPTION

    def __init__(
        self,
        client: UnifiedSocketClient,
        handler: PushHandler,
        tags: Sequence[str],
        alarms: AlarmQuery | None,
        *,
        backoff: Backoff = Backoff(),  # noqa: B008 - frozen and shared
        rng: random.Random | None = None,
    ) -> None:
        """Subscribe ``tags`` and (unless None) the alarms ``alarms`` selects."""
        super().__init__(client, handler, tags, backoff=backoff, rng=rng)
        self._unified = client
        self._ignored: set[str] = set()  # notification reasons logged once already
        self._alarms = alarms

    async def _subscribe(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Tags, the redundancy state of a pair's host, and the alarms."""
        await self._subscribe_tags(ws)
        if self._unified.redundant:
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

    def _refused(self, identifier: object, data: dict[str, Any]) -> None:
        """A host without ``reduState`` is followed until it is lost; other refusals end
        the connection."""
        if identifier == REDU_ID:
            _LOGGER.info(
                "%s has no reduState subscription: a failover is noticed when it is lost",
                self._client.url,
            )
            return
        super()._refused(identifier, data)

    def _notification(self, identifier: object, payload: dict[str, Any]) -> None:
        if identifier == self._tags_id:
            self._tag_notification(payload.get("tagValues"))
        elif identifier == ALARMS_ID:
            self._alarm_notification(payload.get("activeAlarms"))
        elif identifier == REDU_ID and _redu_state(payload) != ACTIVE:
            self._unified.host_passive()
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
