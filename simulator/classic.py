"""The WinCC V7.5/V8 classic face: ``/WinCCRestService`` with HTTP Basic on every call.

Paths are matched without regard to case, as the real service does; tag names keep
their case. The shapes of the answers follow the reference where it is specific and
its stated guesses where it is not (see docs/simulator.md).
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

from aiohttp import web

from .app_keys import RUNTIME
from .classic_alarms import (
    get_alarm_archive,
    get_empty_filter_list,
    get_hit_list,
    get_message,
    get_message_class,
    get_message_classes,
    get_message_list,
    get_messages,
    get_rest_filter,
    get_rest_filters,
)
from .classic_call import Call, ClassicError, Handler, json_answer, page_answer
from .classic_config import (
    get_limit_value,
    get_limit_values,
    get_message_block,
    get_message_blocks,
    get_message_group,
    get_message_groups,
    get_message_type,
    get_message_types,
    get_structure_type,
    get_structure_types,
    get_structure_variable,
    get_structure_variables,
    get_timer,
    get_timers,
    post_structure_variables,
)
from .clock import iso, parse_iso
from .plant import NotALeafError, UnknownTagError
from .queries import HistoryArgumentError, select_history
from .runtime import Runtime
from .tagtypes import UNCERTAIN_INITIAL_VALUE, WriteRejectedError
from .users import Right, User

_LOGGER = logging.getLogger(__name__)

ARCHIVE = "ProcessValueArchive"


# --- tags -----------------------------------------------------------------------------


def _value_row(runtime: Runtime, raw_name: Any) -> dict[str, Any]:
    # A name carrying a byte-order mark or zero-width character is simply unknown,
    # so it fails as silently as on a real server.
    name = str(raw_name)
    plant = runtime.plant
    try:
        definition = plant.definition(name)
        reading = plant.read(name)
    except UnknownTagError:
        return {"variableName": name, "value": None, "errorcode": 2, "error": "Tag not found"}
    except NotALeafError:
        return {
            "variableName": name,
            "value": None,
            "errorcode": 3,
            "error": "A structure tag cannot be read as a whole; address its elements",
        }
    value, quality = reading.value, reading.quality
    if definition.fetch_on_demand and name not in runtime.fetched:
        runtime.fetched.add(name)
        value, quality = definition.initial, UNCERTAIN_INITIAL_VALUE
    return {
        "variableName": name,
        "value": value,
        "timestamp": iso(reading.timestamp),
        "qualitycode": quality,
        "dataType": definition.data_type.classic_code,
        "errorcode": 0,
        "error": "",
    }


def _write_row(runtime: Runtime, name: Any, value: Any) -> dict[str, Any]:
    name = str(name)
    try:
        runtime.plant.write(name, value)
    except UnknownTagError:
        return {"variableName": name, "errorcode": 2, "error": "Tag not found"}
    except NotALeafError:
        return {"variableName": name, "errorcode": 3, "error": "Address an element"}
    except WriteRejectedError as err:
        return {"variableName": name, "errorcode": err.code, "error": err.description}
    return {"variableName": name, "errorcode": 0, "error": ""}


async def get_value(call: Call) -> web.StreamResponse:
    """One tag's value; an unknown tag answers an empty body, as WinCC does."""
    call.require(Right.READ)
    call.runtime.plant.advance()
    row = _value_row(call.runtime, call.params[0])
    if row["errorcode"] == 2:
        return web.Response(status=200)
    return json_answer(row, call)


async def post_values(call: Call) -> web.StreamResponse:
    """Several tags' values in one answer, one row per name."""
    call.require(Right.READ)
    body = await call.json_body()
    names = body.get("variableNames") if isinstance(body, dict) else None
    if not isinstance(names, list):
        raise ClassicError(400, 'Expected {"variableNames": [...]}')
    call.runtime.plant.advance()
    rows = [_value_row(call.runtime, n) for n in names]
    if call.runtime.faults.empty_body_for_unknown_tags and any(r["errorcode"] == 2 for r in rows):
        return web.Response(status=200)
    return json_answer(rows, call)


async def put_value(call: Call) -> web.StreamResponse:
    """Write one tag: ``{"value": ...}``."""
    call.require(Right.WRITE)
    body = await call.json_body()
    if not isinstance(body, dict) or "value" not in body:
        raise ClassicError(400, 'Expected {"value": ...}')
    call.runtime.plant.advance()
    return json_answer(_write_row(call.runtime, call.params[0], body["value"]), call)


async def put_values(call: Call) -> web.StreamResponse:
    """Write several tags: ``[{"variableName": ..., "value": ...}]``."""
    call.require(Right.WRITE)
    body = await call.json_body()
    if not isinstance(body, list) or not all(
        isinstance(item, dict) and "variableName" in item and "value" in item for item in body
    ):
        raise ClassicError(400, 'Expected [{"variableName": ..., "value": ...}]')
    call.runtime.plant.advance()
    return json_answer(
        [_write_row(call.runtime, i["variableName"], i["value"]) for i in body], call
    )


def _variable(runtime: Runtime, name: str) -> dict[str, Any]:
    definition = runtime.plant.definitions[name]
    return {
        "variableName": name,
        "dataType": definition.data_type.classic_code,
        "connection": definition.connection,
        "group": definition.group,
        "structureVariable": definition.structure,
        "unit": definition.unit,
    }


async def get_variables(call: Call) -> web.StreamResponse:
    """Tag configuration, paged."""
    call.require(Right.READ)
    names = list(call.runtime.plant.definitions)
    return page_answer(call, "variables", [_variable(call.runtime, n) for n in names])


async def get_variable(call: Call) -> web.StreamResponse:
    """One tag's configuration."""
    call.require(Right.READ)
    if call.params[0] not in call.runtime.plant.definitions:
        raise ClassicError(404, f"Tag {call.params[0]} not found")
    return json_answer(_variable(call.runtime, call.params[0]), call)


def _grouped(runtime: Runtime, attribute: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for name, definition in runtime.plant.definitions.items():
        groups.setdefault(getattr(definition, attribute), []).append(name)
    return groups


async def get_groups(call: Call) -> web.StreamResponse:
    """Tag groups, paged."""
    call.require(Right.READ)
    groups = _grouped(call.runtime, "group")
    return page_answer(
        call, "groups", [{"name": g, "variableCount": len(v)} for g, v in groups.items()]
    )


async def get_connections(call: Call) -> web.StreamResponse:
    """Connections (PLC links), paged."""
    call.require(Right.READ)
    connections = _grouped(call.runtime, "connection")
    return page_answer(
        call,
        "connections",
        [
            {"name": c, "unit": "SIMATIC S7-1200/1500", "variableCount": len(v)}
            for c, v in connections.items()
        ],
    )


def _members(attribute: str, label: str) -> Handler:
    """A handler that lists the tags of one group or connection."""

    async def members(call: Call) -> web.StreamResponse:
        call.require(Right.READ)
        names = _grouped(call.runtime, attribute).get(call.params[0])
        if names is None:
            raise ClassicError(404, f"{label} {call.params[0]} not found")
        return json_answer({"name": call.params[0], "variables": names}, call)

    members.__doc__ = f"One {label.lower()} and its tags."
    return members


get_group = _members("group", "Group")
get_connection = _members("connection", "Connection")


# --- tag logging ----------------------------------------------------------------------


def _logged(runtime: Runtime) -> list[str]:
    return [n for n in runtime.plant.definitions if runtime.plant.logged(n)]


def _archive(call: Call) -> None:
    if call.params[0].lower() != ARCHIVE.lower():
        raise ClassicError(404, f"Archive {call.params[0]} not found")


async def get_archives(call: Call) -> web.StreamResponse:
    """Process value archives, paged."""
    call.require(Right.READ)
    return page_answer(
        call, "archives", [{"name": ARCHIVE, "variableCount": len(_logged(call.runtime))}]
    )


async def get_archive_variables(call: Call) -> web.StreamResponse:
    """The tags an archive logs, paged."""
    call.require(Right.READ)
    _archive(call)
    return page_answer(call, "variables", [{"name": n} for n in _logged(call.runtime)])


def _history_row(sample: Any) -> dict[str, Any]:
    reading = sample.reading
    return {
        "value": reading.value,
        "timestamp": iso(reading.timestamp),
        "qualitycode": reading.quality,
    }


async def get_archive_values(call: Call) -> web.StreamResponse:
    """Every logged value of one archive tag, newest first, paged."""
    call.require(Right.READ)
    _archive(call)
    name = call.params[1]
    if not call.runtime.plant.logged(name):
        raise ClassicError(404, f"Archive tag {name} not found")
    call.runtime.plant.advance()
    samples = reversed(call.runtime.plant.history(name))
    rows = [
        {"value": s.value, "timestamp": iso(s.timestamp), "qualitycode": s.quality} for s in samples
    ]
    return page_answer(call, "values", rows)


def _logged_variable(call: Call, name: str) -> dict[str, Any]:
    if not call.runtime.plant.logged(name):
        raise ClassicError(404, f"Archive tag {name} not found")
    return {"name": name, "archive": ARCHIVE}


async def get_archive(call: Call) -> web.StreamResponse:
    """One process value archive."""
    call.require(Right.READ)
    _archive(call)
    return json_answer({"name": ARCHIVE, "variableCount": len(_logged(call.runtime))}, call)


async def get_archive_variable(call: Call) -> web.StreamResponse:
    """One tag of an archive."""
    call.require(Right.READ)
    _archive(call)
    return json_answer(_logged_variable(call, call.params[1]), call)


async def get_logged_variables(call: Call) -> web.StreamResponse:
    """Every logged tag of every archive, paged."""
    call.require(Right.READ)
    return page_answer(
        call, "variables", [{"name": n, "archive": ARCHIVE} for n in _logged(call.runtime)]
    )


async def get_logged_variable(call: Call) -> web.StreamResponse:
    """One logged tag, with its archive."""
    call.require(Right.READ)
    return json_answer(_logged_variable(call, call.params[0]), call)


def _archive_variable(runtime: Runtime, spec: Any) -> dict[str, Any]:
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        return {
            "name": None,
            "values": [],
            "errorcode": 3,
            "error": "Expected {name, timeFrom, timeTo, maxValues}",
        }
    name = spec["name"]
    if not runtime.plant.logged(name):
        return {"name": name, "values": [], "errorcode": 2, "error": "Archive tag not found"}
    try:
        start = parse_iso(spec["timeFrom"]) if spec.get("timeFrom") else None
        end = parse_iso(spec["timeTo"]) if spec.get("timeTo") else None
        max_values = int(spec.get("maxValues") or 0)
        samples = select_history(runtime.plant.history(name), start, end, max_values)
    except (HistoryArgumentError, ValueError, TypeError) as err:
        return {"name": name, "values": [], "errorcode": 3, "error": str(err)}
    return {"name": name, "values": [_history_row(s) for s in samples], "errorcode": 0, "error": ""}


def _named_history(call: Call, names: Any) -> list[dict[str, Any]]:
    """The short body form one client sends, ``{"variableNames": [...]}``: every logged
    value of each tag, the newest ``maxValues`` (all without it), oldest first."""
    if not isinstance(names, list):
        raise ClassicError(400, 'Expected {"variableNames": [...]}')
    max_values = call.int_query("maxValues", 0) or 0
    call.runtime.plant.advance()
    rows = []
    for name in names:
        if not isinstance(name, str) or not call.runtime.plant.logged(name):
            rows.append({"variableName": name, "values": [], "errorcode": 2, "error": "Not logged"})
            continue
        history = call.runtime.plant.history(name)
        kept = history[-max_values:] if max_values else history
        values = [
            {"value": s.value, "timestamp": iso(s.timestamp), "qualitycode": s.quality}
            for s in kept
        ]
        rows.append({"variableName": name, "values": values, "errorcode": 0, "error": ""})
    return rows


async def post_archive_values(call: Call) -> web.StreamResponse:
    """``POST tagLogging/Archive/{a}/values?maxValues=N`` with ``{"variableNames": [...]}``."""
    call.require(Right.READ)
    _archive(call)
    body = await call.json_body()
    return json_answer(
        _named_history(call, body.get("variableNames") if isinstance(body, dict) else None), call
    )


async def post_logged_values(call: Call) -> web.StreamResponse:
    """Logged values for archive tags and time ranges (or, in the short form, for
    ``{"variableNames": [...]}``)."""
    call.require(Right.READ)
    body = await call.json_body()
    if isinstance(body, dict) and "variableNames" in body:
        return json_answer(_named_history(call, body["variableNames"]), call)
    archives = body.get("archives") if isinstance(body, dict) else None
    if not isinstance(archives, list):
        raise ClassicError(400, 'Expected {"archives": [{"name": ..., "variables": [...]}]}')
    call.runtime.plant.advance()
    answer: list[dict[str, Any]] = []
    for archive in archives:
        name = archive.get("name") if isinstance(archive, dict) else None
        if not isinstance(name, str) or name.lower() != ARCHIVE.lower():
            answer.append(
                {"name": name, "variables": [], "errorcode": 2, "error": "Archive not found"}
            )
            continue
        variables = archive.get("variables") or []
        answer.append(
            {
                "name": name,
                "variables": [_archive_variable(call.runtime, v) for v in variables],
                "errorcode": 0,
                "error": "",
            }
        )
    return json_answer({"archives": answer}, call)


# --- routing --------------------------------------------------------------------------

# (method, path pattern); "{}" is a parameter segment. Fixed segments ignore case.
ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "tagManagement/Value/{}"): get_value,
    ("PUT", "tagManagement/Value/{}"): put_value,
    ("POST", "tagManagement/Values"): post_values,
    ("PUT", "tagManagement/Values"): put_values,
    ("GET", "tagManagement/variables"): get_variables,
    ("GET", "tagManagement/variable/{}"): get_variable,
    ("GET", "tagManagement/Groups"): get_groups,
    ("GET", "tagManagement/Group/{}"): get_group,
    ("GET", "tagManagement/Connections"): get_connections,
    ("GET", "tagManagement/Connection/{}"): get_connection,
    ("GET", "tagManagement/StructureTypes"): get_structure_types,
    ("GET", "tagManagement/StructureType/{}"): get_structure_type,
    ("GET", "tagManagement/StructureVariables"): get_structure_variables,
    ("POST", "tagManagement/StructureVariables"): post_structure_variables,
    ("GET", "tagManagement/StructureVariable/{}"): get_structure_variable,
    ("GET", "tagLogging/Archives"): get_archives,
    ("GET", "tagLogging/Archive/{}"): get_archive,
    ("GET", "tagLogging/Archive/{}/Variables"): get_archive_variables,
    ("GET", "tagLogging/Archive/{}/Variable/{}"): get_archive_variable,
    ("GET", "tagLogging/Variables"): get_logged_variables,
    ("GET", "tagLogging/Variable/{}"): get_logged_variable,
    ("GET", "tagLogging/Archive/{}/Value/{}"): get_archive_values,
    ("GET", "tagLogging/Timers"): get_timers,
    ("GET", "tagLogging/Timer/{}"): get_timer,
    ("POST", "tagLogging/Values"): post_logged_values,
    ("POST", "tagLogging/Archive/{}/values"): post_archive_values,
    ("GET", "alarmLogging/MessageList/{}"): get_message_list,
    ("GET", "alarmLogging/ShortTermArchive/{}"): get_alarm_archive,
    ("GET", "alarmLogging/LongTermArchive/{}"): get_alarm_archive,
    ("GET", "alarmLogging/Messages"): get_messages,
    ("GET", "alarmLogging/Message/{}"): get_message,
    ("GET", "alarmLogging/MessageClasses"): get_message_classes,
    ("GET", "alarmLogging/RestFilters"): get_rest_filters,
    ("GET", "alarmLogging/RestFilter/{}"): get_rest_filter,
    ("GET", "alarmLogging/MessageClass/{}"): get_message_class,
    ("GET", "alarmLogging/MessageTypes"): get_message_types,
    ("GET", "alarmLogging/MessageType/{}"): get_message_type,
    ("GET", "alarmLogging/MessageGroups"): get_message_groups,
    ("GET", "alarmLogging/MessageGroup/{}"): get_message_group,
    ("GET", "alarmLogging/MessageBlocks"): get_message_blocks,
    ("GET", "alarmLogging/MessageBlock/{}"): get_message_block,
    ("GET", "alarmLogging/LimitValues"): get_limit_values,
    ("GET", "alarmLogging/LimitValue/{}"): get_limit_value,
    ("GET", "alarmLogging/HitList/{}"): get_hit_list,
    ("GET", "alarmLogging/LockList/{}"): get_empty_filter_list,
    ("GET", "alarmLogging/Hidelist/{}"): get_empty_filter_list,
    ("GET", "alarmLogging/HiddenMessageList/{}"): get_empty_filter_list,
}


def match_route(
    method: str, segments: list[str], *, alarm_logging: bool = True
) -> tuple[Handler, tuple[str, ...]]:
    """The handler and parameters for a path; 404 or 405 as a ``ClassicError``.

    Without alarm logging (WinCC V7.5) the ``alarmLogging`` paths are unknown.
    """
    if not alarm_logging and segments and segments[0].lower() == "alarmlogging":
        raise ClassicError(404, "Unknown endpoint")
    path_known = False
    for (route_method, pattern), handler in ROUTES.items():
        parts = pattern.split("/")
        if len(parts) != len(segments):
            continue
        params = []
        for part, segment in zip(parts, segments, strict=True):
            if part == "{}":
                params.append(segment)
            elif part.lower() != segment.lower():
                break
        else:
            path_known = True
            if route_method == method:
                return handler, tuple(params)
    if path_known:
        raise ClassicError(405, "Method not allowed")
    raise ClassicError(404, "Unknown endpoint")


def authenticate(request: web.Request, runtime: Runtime) -> User:
    """The user of the Basic credentials; 401 for missing, malformed or wrong ones."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        raise ClassicError(401, "Authentication required")
    try:
        name, separator, password = (
            base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
        )
    except (binascii.Error, UnicodeDecodeError) as err:
        raise ClassicError(401, "Malformed Basic credentials") from err
    user = runtime.directory.authenticate(name, password) if separator else None
    if user is None or not user.may(Right.API):
        raise ClassicError(401, "Wrong user or password, or the user lacks the REST right")
    return user


async def handle_classic(request: web.Request) -> web.StreamResponse:
    """Route one ``/WinCCRestService`` request."""
    runtime: Runtime = request.app[RUNTIME]
    segments = [s for s in request.match_info["tail"].split("/") if s]
    try:
        user = authenticate(request, runtime)
        handler, params = match_route(request.method, segments, alarm_logging=runtime.alarm_logging)
        return await handler(Call(request, runtime, user, params))
    except ClassicError as err:
        headers = (
            {"WWW-Authenticate": 'Basic realm="WinCCRestService"'} if err.status == 401 else None
        )
        return web.json_response({"error": err.message}, status=err.status, headers=headers)
