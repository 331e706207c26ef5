"""Faults a real plant network and WinCC runtime produce, switchable at run time.

They apply to the WinCC paths of both faces, never to the ``/_sim`` control paths.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, fields
import logging
import random
from typing import Any

from aiohttp import web

_LOGGER = logging.getLogger(__name__)

CONTROL_PREFIX = "/_sim"
MALFORMED_BODY = b'{"data": {"tagValues": [{"name": "HMI_RT_1::Tank1_Le'


@dataclass(slots=True)
class Faults:
    """The fault settings. Rates are probabilities between 0 and 1."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    error_status: int = 500
    retry_after: int | None = None  # seconds, sent with 503 answers when set
    drop_rate: float = 0.0
    malformed_rate: float = 0.0
    paused: bool = False  # the runtime is stopped: every WinCC request gets 503
    # How Unified answers a missing or expired token: a GraphQL error (False) or HTTP 401.
    unauthenticated_as_http_401: bool = False
    # The classic quirk the reference warns of: an unknown tag empties the whole answer.
    empty_body_for_unknown_tags: bool = False
    # Only the subscription sockets fail: open ones are cut, new ones refused (503).
    websocket_down: bool = False
    # Each tag change is preceded by a notification with the reason "Unknown", which the
    # schema documents as an error that should not occur.
    unknown_notifications: bool = False
    # The runtime has no reduState subscription (an older or unredundant installation).
    redu_state_unsupported: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The settings as JSON-ready data."""
        return asdict(self)

    def update(self, changes: dict[str, Any]) -> None:
        """Change some settings; unknown names or bad values raise ``ValueError``."""
        known = {f.name: f for f in fields(self)}
        unknown = set(changes) - set(known)
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        staged = Faults(**self.as_dict())
        for name, value in changes.items():
            setattr(staged, name, value)
        staged.validate()
        for name in changes:
            setattr(self, name, getattr(staged, name))

    def validate(self) -> None:
        """Raise ``ValueError`` for settings that make no sense."""
        for rate in ("error_rate", "drop_rate", "malformed_rate"):
            value = getattr(self, rate)
            if not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"{rate} must be a number from 0 to 1")
        for duration in ("latency_ms", "jitter_ms"):
            value = getattr(self, duration)
            if not isinstance(value, int | float) or value < 0:
                raise ValueError(f"{duration} must be a number of milliseconds, at least 0")
        if self.error_status not in (500, 503):
            raise ValueError("error_status must be 500 or 503")
        if self.retry_after is not None and (
            not isinstance(self.retry_after, int) or self.retry_after < 0
        ):
            raise ValueError("retry_after must be a whole number of seconds or null")
        for flag in (
            "paused",
            "unauthenticated_as_http_401",
            "empty_body_for_unknown_tags",
            "websocket_down",
            "unknown_notifications",
            "redu_state_unsupported",
        ):
            if not isinstance(getattr(self, flag), bool):
                raise TypeError(f"{flag} must be true or false")


type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def unavailable_response(faults: Faults, reason: str) -> web.Response:
    """A 503 answer, with ``Retry-After`` when one is configured."""
    headers = {} if faults.retry_after is None else {"Retry-After": str(faults.retry_after)}
    return web.json_response({"error": reason}, status=503, headers=headers)


def fault_middleware(faults: Faults, rng: random.Random) -> Any:
    """An aiohttp middleware that injects the configured faults."""

    @web.middleware
    async def inject_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(CONTROL_PREFIX):
            return await handler(request)
        if faults.latency_ms or faults.jitter_ms:
            jitter = rng.uniform(-faults.jitter_ms, faults.jitter_ms)
            await asyncio.sleep(max(0.0, faults.latency_ms + jitter) / 1000)
        if faults.paused:
            return unavailable_response(faults, "The WinCC runtime is not running")
        if faults.drop_rate and rng.random() < faults.drop_rate:
            _LOGGER.debug("dropping the connection of %s %s", request.method, request.path)
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError
        if faults.error_rate and rng.random() < faults.error_rate:
            if faults.error_status == 503:
                return unavailable_response(faults, "Service unavailable")
            return web.json_response({"error": "Internal server error"}, status=500)
        if faults.malformed_rate and rng.random() < faults.malformed_rate:
            return web.Response(body=MALFORMED_BODY, content_type="application/json")
        return await handler(request)

    return inject_faults
