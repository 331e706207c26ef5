"""The WinCC OA REST Reporting face (OA 3.19 and later): read-only, HTTP Basic on every
request. ``/reporting/DpNames`` lists the datapoints, ``/reporting/Dp`` reads one
element's online value or its archived values, ``/reporting/GetVersion`` names the API
version. ``/reporting/Dps`` exists on real servers (API 2.0) but is not simulated: its
answer's structure is not in the reference.
"""

from __future__ import annotations

from datetime import datetime
import json
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from .app_keys import OA_PROJECT, RUNTIME
from .classic import authenticate
from .classic_call import ClassicError
from .clock import iso, parse_iso
from .oa_project import NotAnElementError, OaProject, OnlineValue, UnknownDpError, status_text
from .runtime import Runtime
from .users import Right, User

API_VERSION = "2.0"
GENERATED_BY = "WinCC OA 3.19-P002 @ wincc-sim"
MANAGER = "UI -num 1"


class ReportingError(Exception):
    """An answer ``{"errorText": ...}`` with an HTTP status."""

    def __init__(self, status: int, text: str) -> None:
        """Answer ``status`` with ``text``."""
        super().__init__(text)
        self.status = status
        self.text = text


def _answer(data: Any) -> web.Response:
    return web.json_response(data, dumps=lambda d: json.dumps(d, indent=2))


def _row(value: OnlineValue) -> list[Any]:
    return [value.value, iso(value.stime), status_text(value.status), MANAGER]


def _parameters(request: web.Request) -> tuple[str, dict[str, str]]:
    """The datapoint (the first parameter, without ``=``) and the named parameters."""
    name = ""
    named: dict[str, str] = {}
    for part in request.query_string.split("&"):
        key, separator, value = part.partition("=")
        if separator:
            named[unquote(key)] = unquote(value)
        elif key and not name:
            name = unquote(key)
    return name, named


def _time(named: dict[str, str], key: str, default: datetime) -> datetime:
    if key not in named:
        return default
    try:
        return parse_iso(named[key])
    except ValueError as err:
        raise ReportingError(400, f"{key} is not an ISO time: {named[key]}") from err


async def _dp_names(request: web.Request, project: OaProject) -> web.Response:
    _, named = _parameters(request)
    names = project.datapoints()
    if named.get("api-version", API_VERSION).startswith("1."):
        return _answer(names)
    return _answer(
        {
            "generatedBy": GENERATED_BY,
            "formatVersionMajor": 2,
            "formatVersionMinor": 0,
            "dps": [{"DP": name} for name in names],
        }
    )


async def _dp(request: web.Request, project: OaProject, now: datetime) -> web.Response:
    name, named = _parameters(request)
    if not name:
        raise ReportingError(400, "Give a datapoint name: /reporting/Dp?System1:ExampleDP_Rpt1")
    try:
        if "from" not in named and "to" not in named:
            return _answer(_row(project.read(name)))
        start = _time(named, "from", now)
        end = _time(named, "to", now)
        return _answer([_row(value) for value in project.history(name, start, end)])
    except NotAnElementError as err:
        raise ReportingError(400, f"{name} has elements: address one of them") from err
    except UnknownDpError as err:
        raise ReportingError(400, f"Datapoint does not exist: {name}") from err


async def handle_reporting(request: web.Request) -> web.StreamResponse:
    """Route one ``/reporting/...`` request."""
    runtime: Runtime = request.app[RUNTIME]
    try:
        user = authenticate(request, runtime)
    except ClassicError as err:
        return web.json_response(
            {"errorText": err.message},
            status=401,
            headers={"WWW-Authenticate": 'Basic realm="WinCC OA"'},
        )
    try:
        return await _route(request, runtime, user)
    except ReportingError as err:
        return web.json_response({"errorText": err.text}, status=err.status)


async def _route(request: web.Request, runtime: Runtime, user: User) -> web.Response:
    endpoint = request.match_info["endpoint"]
    if not user.may(Right.READ):
        raise ReportingError(403, f"The user {user.name} may not read datapoints")
    runtime.plant.advance()
    project: OaProject = request.app[OA_PROJECT]
    if endpoint == "DpNames":
        return await _dp_names(request, project)
    if endpoint == "Dp":
        return await _dp(request, project, runtime.plant.time)
    if endpoint == "GetVersion":
        return _answer({"apiVersion": API_VERSION})
    raise ReportingError(404, f"Unknown endpoint: /reporting/{endpoint}")
