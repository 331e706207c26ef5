"""What the demo needs of Home Assistant: its REST API and its WebSocket commands."""

from __future__ import annotations

from typing import Any, Protocol


class RestApi(Protocol):
    """Posts JSON to Home Assistant's REST API, authenticated as an administrator."""

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        """POST ``body`` to ``path``; the decoded answer (raises on an HTTP error)."""

    async def get(self, path: str) -> Any:
        """GET ``path``; the decoded answer."""


class Commands(Protocol):
    """Sends WebSocket commands to Home Assistant, authenticated as an administrator."""

    async def command(self, kind: str, **data: Any) -> Any:
        """Send one command; its result (raises if it failed)."""
