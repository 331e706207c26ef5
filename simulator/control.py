"""The ``/_sim`` control endpoints: faults, sessions, restart, clock and forced tag states.

They sit beside the WinCC paths on both ports, need no credentials, and are never
subject to faults. The tests use the same operations in-process.
"""

from __future__ import annotations

from datetime import timedelta
import json
from typing import Any

from aiohttp import web

from .app_keys import RUNTIME
from .clock import iso
from .plant import NotALeafError, UnknownTagError
from .redundancy import HOSTS
from .runtime import Runtime
from .tagtypes import WriteRejectedError


def _runtime(request: web.Request) -> Runtime:
    runtime: Runtime = request.app[RUNTIME]
    return runtime


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"{}")
    except ValueError as err:
        raise web.HTTPBadRequest(text="the body is not valid JSON") from err
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return body


def state_of(runtime: Runtime) -> dict[str, Any]:
    """What the control API reports about the runtime."""
    runtime.plant.advance()
    return {
        "time": iso(runtime.plant.time),
        "frozenClock": runtime.clock.frozen,
        "controllerClockBehindSeconds": runtime.plant.controller_clock_behind.total_seconds(),
        "faults": runtime.faults.as_dict(),
        "activeAlarms": len(runtime.plant.alarms.active),
        "tags": len(runtime.plant.definitions),
        "redundancy": runtime.redundancy.as_dict() if runtime.redundancy else None,
    }


async def get_state(request: web.Request) -> web.Response:
    """The clock, the faults and a few counts."""
    return web.json_response(state_of(_runtime(request)))


async def put_faults(request: web.Request) -> web.Response:
    """Change fault settings, e.g. ``{"error_rate": 1, "error_status": 503}``."""
    runtime = _runtime(request)
    try:
        runtime.faults.update(await _body(request))
    except (TypeError, ValueError) as err:
        raise web.HTTPBadRequest(text=str(err)) from err
    return web.json_response(runtime.faults.as_dict())


async def post_invalidate_sessions(request: web.Request) -> web.Response:
    """End every Unified session now."""
    return web.json_response({"invalidated": _runtime(request).sessions.invalidate_all()})


async def post_restart(request: web.Request) -> web.Response:
    """Restart the runtime: sessions end, alarm instances are removed and raised anew."""
    runtime = _runtime(request)
    runtime.restart()
    return web.json_response(state_of(runtime))


async def post_pause(request: web.Request) -> web.Response:
    """Stop the runtime: every WinCC request gets 503 until resumed."""
    _runtime(request).faults.paused = True
    return web.json_response({"paused": True})


async def post_resume(request: web.Request) -> web.Response:
    """Start the runtime again."""
    _runtime(request).faults.paused = False
    return web.json_response({"paused": False})


async def post_advance_clock(request: web.Request) -> web.Response:
    """Move simulated time forward: ``{"seconds": 60}``."""
    runtime = _runtime(request)
    seconds = (await _body(request)).get("seconds")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        raise web.HTTPBadRequest(text="seconds must be a number, at least 0")
    runtime.clock.advance(seconds)
    return web.json_response(state_of(runtime))


async def put_controller_clock(request: web.Request) -> web.Response:
    """Stamp alarms by a controller clock that runs behind: ``{"behind_seconds": 3}``."""
    runtime = _runtime(request)
    seconds = (await _body(request)).get("behind_seconds")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        raise web.HTTPBadRequest(text="behind_seconds must be a number, at least 0")
    runtime.plant.controller_clock_behind = timedelta(seconds=seconds)
    return web.json_response(state_of(runtime))


async def post_tag(request: web.Request) -> web.Response:
    """Set a tag's value and/or force its quality byte (``null`` restores good quality)."""
    runtime = _runtime(request)
    name = request.match_info["name"]
    body = await _body(request)
    runtime.plant.advance()
    try:
        if "value" in body:
            runtime.plant.write(name, body["value"])
        if "quality" in body:
            quality = body["quality"]
            if quality is not None and (not isinstance(quality, int) or not 0 <= quality <= 255):
                raise web.HTTPBadRequest(text="quality must be a byte (0-255) or null")
            runtime.plant.force_quality(name, quality)
        reading = runtime.plant.read(name)
    except (UnknownTagError, NotALeafError) as err:
        raise web.HTTPNotFound(text=f"no leaf tag {name}") from err
    except WriteRejectedError as err:
        raise web.HTTPBadRequest(text=err.description) from err
    return web.json_response({"name": name, "value": reading.value, "quality": reading.quality})


async def post_rename(request: web.Request) -> web.Response:
    """Rename a tag, as an engineer changing the project would: ``{"to": "NewName"}``."""
    runtime = _runtime(request)
    new = (await _body(request)).get("to")
    if not isinstance(new, str) or not new:
        raise web.HTTPBadRequest(text="to must be the new tag name")
    try:
        runtime.plant.rename_tag(request.match_info["name"], new)
    except (UnknownTagError, NotALeafError) as err:
        raise web.HTTPNotFound(text=f"no leaf tag {request.match_info['name']}") from err
    except ValueError as err:
        raise web.HTTPConflict(text=str(err)) from err
    return web.json_response({"name": new})


async def post_redundancy(request: web.Request) -> web.Response:
    """Drive a redundant pair: ``{"switch_over": true}``, ``{"lose": 0}``, ``{"restore": 0}``."""
    runtime = _runtime(request)
    pair = runtime.redundancy
    if pair is None:
        raise web.HTTPNotFound(text="this runtime has no redundant partner (--redundant)")
    body = await _body(request)
    for action in ("lose", "restore"):
        if action in body and (body[action] not in HOSTS or isinstance(body[action], bool)):
            raise web.HTTPBadRequest(text=f"{action} takes a host: 0 or 1")
    try:
        if body.get("switch_over"):
            pair.switch_over()
    except ValueError as err:
        raise web.HTTPBadRequest(text=str(err)) from err
    if "lose" in body:
        pair.lose(body["lose"])
    if "restore" in body:
        pair.restore(body["restore"])
    return web.json_response(pair.as_dict())


async def post_tags(request: web.Request) -> web.Response:
    """Write many tags at once: ``{"values": {"Tank1_Level": 50, ...}}``."""
    runtime = _runtime(request)
    values = (await _body(request)).get("values")
    if not isinstance(values, dict):
        raise web.HTTPBadRequest(text="values must be an object of tag names and values")
    runtime.plant.advance()
    try:
        for name, value in values.items():
            runtime.plant.write(name, value)
    except (UnknownTagError, NotALeafError) as err:
        raise web.HTTPNotFound(text=f"no leaf tag {err}") from err
    except WriteRejectedError as err:
        raise web.HTTPBadRequest(text=err.description) from err
    return web.json_response({"written": len(values)})


async def put_user(request: web.Request) -> web.Response:
    """Change a user's password: ``{"password": "new"}``."""
    runtime = _runtime(request)
    password = (await _body(request)).get("password")
    if not isinstance(password, str) or not password:
        raise web.HTTPBadRequest(text="password must be a non-empty string")
    try:
        runtime.directory.set_password(request.match_info["name"], password)
    except KeyError as err:
        raise web.HTTPNotFound(text="no such user") from err
    return web.json_response({"user": request.match_info["name"]})


def add_control_routes(app: web.Application) -> None:
    """Register the control endpoints on an application."""
    app.router.add_get("/_sim/state", get_state)
    app.router.add_put("/_sim/faults", put_faults)
    app.router.add_post("/_sim/sessions/invalidate", post_invalidate_sessions)
    app.router.add_post("/_sim/restart", post_restart)
    app.router.add_post("/_sim/pause", post_pause)
    app.router.add_post("/_sim/resume", post_resume)
    app.router.add_post("/_sim/clock/advance", post_advance_clock)
    app.router.add_put("/_sim/controller-clock", put_controller_clock)
    app.router.add_post("/_sim/tags", post_tags)
    app.router.add_post("/_sim/tags/{name}", post_tag)
    app.router.add_post("/_sim/tags/{name}/rename", post_rename)
    app.router.add_put("/_sim/users/{name}", put_user)
    app.router.add_post("/_sim/redundancy", post_redundancy)
