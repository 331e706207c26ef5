"""Pushed values from WinCC OA's GraphQL application example: ``tagSubscribe`` on one
``graphql-transport-ws`` socket (``socket_session``).

With ``answer: true`` the server first answers every element, then, as OA's
``dpConnect`` calls back, sends the elements again when one changed. Alerts are not
pushed: the example has no alert subscription, so they are polled alongside.
"""

from __future__ import annotations

import logging
from typing import Any

from .models import TagValue
from .oa_common import online_value
from .socket_session import SocketSession

_LOGGER = logging.getLogger(__name__)

TAG_SUBSCRIPTION = (
    "subscription($n:[String!]!){tagSubscribe(dpeNames:$n,answer:true)"
    "{tags{name value timestamp status{value}} type error}}"
)


def pushed_value(row: Any) -> TagValue | None:
    """A tag of a ``tagSubscribe`` update, or None for one without a name."""
    name = row.get("name") if isinstance(row, dict) else None
    if not isinstance(name, str):
        return None
    status = row.get("status")
    bits = status.get("value") if isinstance(status, dict) else None
    return online_value(name, row.get("value"), row.get("timestamp"), bits)


class OaPushSession(SocketSession):
    """One subscription socket to one WinCC OA GraphQL application example."""

    tag_subscription = TAG_SUBSCRIPTION

    def _notification(self, identifier: object, payload: dict[str, Any]) -> None:
        if identifier != self._tags_id:
            return
        update = payload.get("tagSubscribe")
        if not isinstance(update, dict):
            return
        if update.get("error"):
            _LOGGER.warning("%s: %s", self._client.url, update["error"])
        values = [v for row in update.get("tags") or [] if (v := pushed_value(row)) is not None]
        if values:
            self._handler.pushed_values(values)
