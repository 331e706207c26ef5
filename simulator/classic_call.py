"""The classic face's request plumbing: an authenticated call, its errors, and JSON and
paged answers. Every handler of ``classic.py`` and ``classic_alarms.py`` takes a ``Call``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
import json
from typing import Any

from aiohttp import web

from .alarm_rows import SUPPORTED_LANGUAGES
from .runtime import Runtime
from .users import Right, User


class ClassicError(Exception):
    """An HTTP error answer with a JSON body."""

    def __init__(self, status: int, message: str) -> None:
        """Answer ``status`` with ``{"error": message}``."""
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Call:
    """One authenticated request, matched to a route."""

    request: web.Request
    runtime: Runtime
    user: User
    params: tuple[str, ...]

    @property
    def language(self) -> str:
        """The text language asked for with ``Accept-Language`` (en-US by default)."""
        for part in self.request.headers.get("Accept-Language", "").split(","):
            prefix = part.split(";")[0].strip().lower()[:2]
            for language in SUPPORTED_LANGUAGES if prefix else ():
                if language.lower().startswith(prefix):
                    return language
        return "en-US"

    def require(self, right: Right) -> None:
        """Refuse with 403 unless the user holds ``right``."""
        if not self.user.may(right):
            raise ClassicError(403, f"The user {self.user.name} lacks the {right} permission")

    async def json_body(self) -> Any:
        """The request body as JSON, or a 400 answer."""
        try:
            return json.loads(await self.request.read())
        except web.HTTPRequestEntityTooLarge as err:
            raise ClassicError(413, "Request body too large") from err
        except ValueError as err:
            raise ClassicError(400, "The request body is not valid JSON") from err

    def int_query(self, name: str, default: int | None) -> int | None:
        """A non-negative integer query parameter."""
        raw = self.request.query.get(name)
        if raw is None:
            return default
        if not raw.isdigit():
            raise ClassicError(400, f"{name} must be a non-negative integer")
        return int(raw)


type Handler = Callable[[Call], Awaitable[web.StreamResponse]]


def json_answer(data: Any, call: Call | None = None) -> web.Response:
    headers = {"Content-Language": call.language} if call else None
    return web.json_response(
        data, headers=headers, dumps=lambda d: json.dumps(d, separators=(",", ":"))
    )


def page_answer(call: Call, key: str, items: Sequence[Any]) -> web.Response:
    """One page of a listing: ``itemLimit`` items from ``continuationPoint`` on."""
    start = call.int_query("continuationPoint", 0) or 0
    limit = call.int_query("itemLimit", None)
    end = len(items) if not limit else min(len(items), start + limit)
    page: dict[str, Any] = {key: list(items[start:end])}
    if end < len(items):
        page["continuationPoint"] = end
    return json_answer(page, call)
