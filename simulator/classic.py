"""The WinCC V7.5/V8 classic face: ``/WinCCRestService`` with HTTP Basic on every call.

Paths are matched without regard to case, as the real service does; tag names keep
their case. The shapes of the answers follow the reference where it is specific and
its stated guesses where it is not (see docs/simulator.md).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
import json
import logging
from typing import Any

from aiohttp import web

from .alarm_rows import STATE_TEXTS, SUPPORTED_LANGUAGES
from .alarms import ACKNOWLEDGE_REQUIRED, AlarmInstance, AlarmState, Reason
from .clock import iso, parse_iso
from .description import pick_text
from .plant import NotALeafError, UnknownTagError
from .queries import HistoryArgumentError, select_history
from .runtime import Runtime
from .tagtypes import STRUCTURE_CLASSIC_CODE, UNCERTAIN_INITIAL_VALUE, WriteRejectedError
from .users import Right, User

_LOGGER = logging.getLogger(__name__)

ARCHIVE = "ProcessValueArchive"
MESSAGE_NUMBER_BASE = 1001
# WinCC V7 message states: came in, went out, acknowledged.
CAME_IN, WENT_OUT, ACKNOWLEDGED = 1, 2, 3
_CLASSIC_STATE = {
    AlarmState.RAISED: CAME_IN,
    AlarmState.RAISED_CLEARED: WENT_OUT,
    AlarmState.RAISED_ACKNOWLEDGED: ACKNOWLEDGED,
    AlarmState.RAISED_ACKNOWLEDGED_CLEARED: WENT_OUT,
    AlarmState.RAISED_CLEARED_ACKNOWLEDGED: ACKNOWLEDGED,
}


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


def _json(data: Any, call: Call | None = None) -> web.Response:
    headers = {"Content-Language": call.language} if call else None
    return web.json_response(
        data, headers=headers, dumps=lambda d: json.dumps(d, separators=(",", ":"))
    )


def _page(call: Call, key: str, items: Sequence[Any]) -> web.Response:
    """One page of a listing: ``itemLimit`` items from ``continuationPoint`` on."""
    start = call.int_query("continuationPoint", 0) or 0
    limit = call.int_query("itemLimit", None)
    end = len(items) if not limit else min(len(items), start + limit)
    page: dict[str, Any] = {key: list(items[start:end])}
    if end < len(items):
        page["continuationPoint"] = end
    return _json(page, call)


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
    return _json(row, call)


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
    return _json(rows, call)


async def put_value(call: Call) -> web.StreamResponse:
    """Write one tag: ``{"value": ...}``."""
    call.require(Right.WRITE)
    body = await call.json_body()
    if not isinstance(body, dict) or "value" not in body:
        raise ClassicError(400, 'Expected {"value": ...}')
    call.runtime.plant.advance()
    return _json(_write_row(call.runtime, call.params[0], body["value"]), call)


async def put_values(call: Call) -> web.StreamResponse:
    """Write several tags: ``[{"variableName": ..., "value": ...}]``."""
    call.require(Right.WRITE)
    body = await call.json_body()
    if not isinstance(body, list) or not all(
        isinstance(item, dict) and "variableName" in item and "value" in item for item in body
    ):
        raise ClassicError(400, 'Expected [{"variableName": ..., "value": ...}]')
    call.runtime.plant.advance()
    return _json([_write_row(call.runtime, i["variableName"], i["value"]) for i in body], call)


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
    return _page(call, "variables", [_variable(call.runtime, n) for n in names])


async def get_variable(call: Call) -> web.StreamResponse:
    """One tag's configuration."""
    call.require(Right.READ)
    if call.params[0] not in call.runtime.plant.definitions:
        raise ClassicError(404, f"Tag {call.params[0]} not found")
    return _json(_variable(call.runtime, call.params[0]), call)


def _grouped(runtime: Runtime, attribute: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for name, definition in runtime.plant.definitions.items():
        groups.setdefault(getattr(definition, attribute), []).append(name)
    return groups


async def get_groups(call: Call) -> web.StreamResponse:
    """Tag groups, paged."""
    call.require(Right.READ)
    groups = _grouped(call.runtime, "group")
    return _page(call, "groups", [{"name": g, "variableCount": len(v)} for g, v in groups.items()])


async def get_connections(call: Call) -> web.StreamResponse:
    """Connections (PLC links), paged."""
    call.require(Right.READ)
    connections = _grouped(call.runtime, "connection")
    return _page(
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
        return _json({"name": call.params[0], "variables": names}, call)

    members.__doc__ = f"One {label.lower()} and its tags."
    return members


get_group = _members("group", "Group")
get_connection = _members("connection", "Connection")


async def get_structure_types(call: Call) -> web.StreamResponse:
    """Structure types and their elements, paged."""
    call.require(Right.READ)
    plant = call.runtime.plant
    types = [
        {
            "name": s.type_name,
            "elements": [
                {
                    "name": e.split(".", 1)[1],
                    "dataType": plant.definitions[e].data_type.classic_code,
                }
                for e in s.elements
            ],
            "instances": [s.name],
            "dataType": STRUCTURE_CLASSIC_CODE,
        }
        for s in plant.description.structures.values()
    ]
    return _page(call, "structureTypes", types)


# --- tag logging ----------------------------------------------------------------------


def _logged(runtime: Runtime) -> list[str]:
    return [n for n in runtime.plant.definitions if runtime.plant.logged(n)]


def _archive(call: Call) -> None:
    if call.params[0].lower() != ARCHIVE.lower():
        raise ClassicError(404, f"Archive {call.params[0]} not found")


async def get_archives(call: Call) -> web.StreamResponse:
    """Process value archives, paged."""
    call.require(Right.READ)
    return _page(call, "archives", [{"name": ARCHIVE, "variableCount": len(_logged(call.runtime))}])


async def get_archive_variables(call: Call) -> web.StreamResponse:
    """The tags an archive logs, paged."""
    call.require(Right.READ)
    _archive(call)
    return _page(call, "variables", [{"name": n} for n in _logged(call.runtime)])


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
    return _page(call, "values", rows)


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


async def post_logged_values(call: Call) -> web.StreamResponse:
    """Logged values for archive tags and time ranges."""
    call.require(Right.READ)
    body = await call.json_body()
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
    return _json({"archives": answer}, call)


# --- alarm logging (V8) ---------------------------------------------------------------


def _message_numbers(runtime: Runtime) -> dict[str, int]:
    return {
        name: MESSAGE_NUMBER_BASE + i for i, name in enumerate(runtime.plant.description.alarms)
    }


def _message_row(call: Call, instance: AlarmInstance) -> dict[str, Any]:
    definition = instance.definition
    language = call.language
    state = _CLASSIC_STATE.get(instance.state, WENT_OUT)
    return {
        "messageNumber": _message_numbers(call.runtime)[definition.name],
        "name": definition.name,
        "instanceID": instance.instance_id,
        "state": state,
        "stateText": pick_text(STATE_TEXTS[instance.state], language),
        "priority": definition.priority,
        "messageClass": definition.alarm_class.name,
        "messageClassId": definition.alarm_class.id,
        "text": pick_text(definition.text, language),
        "infoText": pick_text(definition.info, language),
        "area": definition.area,
        "origin": definition.origin,
        "value": instance.value,
        "raiseTime": iso(instance.raise_time),
        "acknowledgeTime": iso(instance.acknowledgment_time)
        if instance.acknowledgment_time
        else None,
        "clearTime": iso(instance.clear_time) if instance.clear_time else None,
        "modificationTime": iso(instance.modification_time),
        "requiresAcknowledgment": definition.state_machine in ACKNOWLEDGE_REQUIRED,
    }


def _min_priority(call: Call) -> int:
    filters = call.runtime.plant.description.rest_filters
    match = next((v for k, v in filters.items() if k.lower() == call.params[0].lower()), None)
    if match is None:
        raise ClassicError(404, f"REST filter {call.params[0]} is not configured")
    return match


async def get_message_list(call: Call) -> web.StreamResponse:
    """The current alarm list through a configured REST filter."""
    call.require(Right.READ)
    minimum = _min_priority(call)
    call.runtime.plant.advance()
    active = sorted(call.runtime.plant.alarms.active.values(), key=lambda i: i.raise_time)
    return _json([_message_row(call, i) for i in active if i.definition.priority >= minimum], call)


_EVENT_NAMES = {Reason.ADDED: "Came In", Reason.MODIFIED: "Changed", Reason.REMOVED: "Left"}


async def get_alarm_archive(call: Call) -> web.StreamResponse:
    """Alarm history through a REST filter, newest first, at most ``maxValues`` rows."""
    call.require(Right.READ)
    minimum = _min_priority(call)
    max_values = call.int_query("maxValues", 100) or 100
    call.runtime.plant.advance()
    rows = []
    for entry in reversed(call.runtime.plant.alarms.journal):
        if entry.instance.definition.priority < minimum:
            continue
        rows.append(
            _message_row(call, entry.instance)
            | {"event": _EVENT_NAMES[entry.reason], "alarmState": str(entry.instance.state)}
        )
        if len(rows) >= max_values:
            break
    return _json(rows, call)


async def get_messages(call: Call) -> web.StreamResponse:
    """The configured messages."""
    call.require(Right.READ)
    numbers = _message_numbers(call.runtime)
    return _json(
        [
            {
                "messageNumber": numbers[a.name],
                "name": a.name,
                "messageClass": a.alarm_class.name,
                "priority": a.priority,
                "text": pick_text(a.text, call.language),
                "tag": a.tag,
            }
            for a in call.runtime.plant.description.alarms.values()
        ],
        call,
    )


async def get_message(call: Call) -> web.StreamResponse:
    """One configured message by number."""
    call.require(Right.READ)
    numbers = {str(v): k for k, v in _message_numbers(call.runtime).items()}
    name = numbers.get(call.params[0])
    if name is None:
        raise ClassicError(404, f"Message {call.params[0]} not found")
    alarm = call.runtime.plant.description.alarms[name]
    return _json(
        {
            "messageNumber": int(call.params[0]),
            "name": name,
            "messageClass": alarm.alarm_class.name,
            "priority": alarm.priority,
            "text": pick_text(alarm.text, call.language),
            "infoText": pick_text(alarm.info, call.language),
            "tag": alarm.tag,
        },
        call,
    )


async def get_message_classes(call: Call) -> web.StreamResponse:
    """The alarm (message) classes."""
    call.require(Right.READ)
    classes = {a.alarm_class for a in call.runtime.plant.description.alarms.values()}
    return _json([{"name": c.name, "id": c.id} for c in sorted(classes, key=lambda c: c.id)], call)


async def get_rest_filters(call: Call) -> web.StreamResponse:
    """The REST filters configured for the alarm list."""
    call.require(Right.READ)
    filters = call.runtime.plant.description.rest_filters
    return _json([{"name": n, "minPriority": p} for n, p in filters.items()], call)


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
    ("GET", "tagLogging/Archives"): get_archives,
    ("GET", "tagLogging/Archive/{}/Variables"): get_archive_variables,
    ("GET", "tagLogging/Archive/{}/Value/{}"): get_archive_values,
    ("POST", "tagLogging/Values"): post_logged_values,
    ("GET", "alarmLogging/MessageList/{}"): get_message_list,
    ("GET", "alarmLogging/ShortTermArchive/{}"): get_alarm_archive,
    ("GET", "alarmLogging/LongTermArchive/{}"): get_alarm_archive,
    ("GET", "alarmLogging/Messages"): get_messages,
    ("GET", "alarmLogging/Message/{}"): get_message,
    ("GET", "alarmLogging/MessageClasses"): get_message_classes,
    ("GET", "alarmLogging/RestFilters"): get_rest_filters,
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
    runtime: Runtime = request.app["runtime"]
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
