"""The classic face's configuration lookups (shapes unverified, see docs/simulator.md):
structure types and variables, logging timers, and the alarm logging's message types,
groups, blocks and limit values."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .classic_alarms import message_numbers
from .classic_call import Call, ClassicError, json_answer, page_answer
from .description import StructureDefinition
from .plant import Plant
from .tagtypes import STRUCTURE_CLASSIC_CODE
from .users import Right

# The timers of a WinCC project's tag logging, and their length in milliseconds.
TIMERS = (("500 ms", 500), ("1 second", 1000), ("1 minute", 60_000), ("1 hour", 3_600_000))
# The message blocks every message of the demo plant fills.
MESSAGE_BLOCKS = ("Date", "Time", "Number", "Message text", "Point of error", "Info text")
TYPE_OFFSET = 100  # message type numbers: class ID times this, plus one


def _one(items: list[dict[str, Any]], wanted: str, key: str, label: str) -> dict[str, Any]:
    """The item whose ``key`` matches ``wanted`` (ignoring case), or 404."""
    for item in items:
        if str(item[key]).lower() == wanted.lower():
            return item
    raise ClassicError(404, f"{label} {wanted} not found")


# --- structures -------------------------------------------------------------------------


def _structure_type(plant: Plant, type_name: str) -> dict[str, Any]:
    structures = [s for s in plant.description.structures.values() if s.type_name == type_name]
    return {
        "name": type_name,
        "elements": [
            {"name": e.split(".", 1)[1], "dataType": plant.definitions[e].data_type.classic_code}
            for e in structures[0].elements
        ],
        "instances": [s.name for s in structures],
        "dataType": STRUCTURE_CLASSIC_CODE,
    }


def _structure_types(call: Call) -> list[dict[str, Any]]:
    call.require(Right.READ)
    plant = call.runtime.plant
    names = dict.fromkeys(s.type_name for s in plant.description.structures.values())
    return [_structure_type(plant, name) for name in names]


def _structure_variable(structure: StructureDefinition) -> dict[str, Any]:
    return {
        "name": structure.name,
        "typeName": structure.type_name,
        "elements": list(structure.elements),
    }


async def get_structure_types(call: Call) -> web.StreamResponse:
    """Structure types and their elements, paged."""
    return page_answer(call, "structureTypes", _structure_types(call))


async def get_structure_type(call: Call) -> web.StreamResponse:
    """One structure type."""
    return json_answer(_one(_structure_types(call), call.params[0], "name", "Structure type"), call)


def _structure_variables(call: Call, types: list[str] | None) -> list[dict[str, Any]]:
    call.require(Right.READ)
    wanted = None if types is None else {t.lower() for t in types}
    return [
        _structure_variable(s)
        for s in call.runtime.plant.description.structures.values()
        if wanted is None or s.type_name.lower() in wanted
    ]


async def get_structure_variables(call: Call) -> web.StreamResponse:
    """Every structure variable (instance of a structure type), paged."""
    return page_answer(call, "structureVariables", _structure_variables(call, None))


async def post_structure_variables(call: Call) -> web.StreamResponse:
    """The structure variables of the types named in ``{"typeNames": [...]}``."""
    body = await call.json_body()
    types = body.get("typeNames") if isinstance(body, dict) else None
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise ClassicError(400, 'Expected {"typeNames": ["<structure type>", ...]}')
    return page_answer(call, "structureVariables", _structure_variables(call, types))


async def get_structure_variable(call: Call) -> web.StreamResponse:
    """The structure variables of one structure type."""
    variables = _structure_variables(call, [call.params[0]])
    if not variables:
        raise ClassicError(404, f"Structure type {call.params[0]} not found")
    return json_answer({"typeName": call.params[0], "structureVariables": variables}, call)


# --- tag logging timers -----------------------------------------------------------------


def _timers(call: Call) -> list[dict[str, Any]]:
    call.require(Right.READ)
    return [{"name": name, "baseMilliseconds": ms, "factor": 1} for name, ms in TIMERS]


async def get_timers(call: Call) -> web.StreamResponse:
    """The tag logging's timers (logging cycles), paged."""
    return page_answer(call, "timers", _timers(call))


async def get_timer(call: Call) -> web.StreamResponse:
    """One timer."""
    return json_answer(_one(_timers(call), call.params[0], "name", "Timer"), call)


# --- alarm configuration ----------------------------------------------------------------


def _message_types(call: Call) -> list[dict[str, Any]]:
    call.require(Right.READ)
    classes = {a.alarm_class for a in call.runtime.plant.description.alarms.values()}
    return [
        {"name": c.name, "id": c.id * TYPE_OFFSET + 1, "messageClass": c.name, "classId": c.id}
        for c in sorted(classes, key=lambda c: c.id)
    ]


def _message_groups(call: Call) -> list[dict[str, Any]]:
    call.require(Right.READ)
    numbers = message_numbers(call.runtime)
    groups: dict[str, list[int]] = {}
    for alarm in call.runtime.plant.description.alarms.values():
        groups.setdefault(alarm.area, []).append(numbers[alarm.name])
    return [
        {"name": area, "id": index, "messageNumbers": members}
        for index, (area, members) in enumerate(groups.items(), start=1)
    ]


def _message_blocks(call: Call) -> list[dict[str, Any]]:
    call.require(Right.READ)
    return [{"id": index, "name": name} for index, name in enumerate(MESSAGE_BLOCKS, start=1)]


def _limit_values(call: Call) -> list[dict[str, Any]]:
    call.require(Right.READ)
    numbers = message_numbers(call.runtime)
    limits: dict[str, list[dict[str, Any]]] = {}
    for alarm in call.runtime.plant.description.alarms.values():
        if alarm.condition.operator in ("above", "below"):
            limits.setdefault(alarm.tag, []).append(
                {
                    "messageNumber": numbers[alarm.name],
                    "limit": alarm.condition.limit,
                    "type": "high" if alarm.condition.operator == "above" else "low",
                }
            )
    return [{"variableName": tag, "limits": rows} for tag, rows in limits.items()]


def _listing(key: str, build: Any, doc: str) -> Any:
    async def listing(call: Call) -> web.StreamResponse:
        return page_answer(call, key, build(call))

    listing.__doc__ = doc
    return listing


def _lookup(build: Any, key: str, label: str) -> Any:
    async def lookup(call: Call) -> web.StreamResponse:
        return json_answer(_one(build(call), call.params[0], key, label), call)

    lookup.__doc__ = f"One {label.lower()}, by {key}."
    return lookup


get_message_types = _listing("messageTypes", _message_types, "Message types, paged.")
get_message_type = _lookup(_message_types, "name", "Message type")
get_message_groups = _listing("messageGroups", _message_groups, "Message groups, paged.")
get_message_group = _lookup(_message_groups, "name", "Message group")
get_message_blocks = _listing("messageBlocks", _message_blocks, "Message blocks, paged.")
get_message_block = _lookup(_message_blocks, "id", "Message block")
get_limit_values = _listing("limitValues", _limit_values, "Analog alarm limits, paged.")
get_limit_value = _lookup(_limit_values, "variableName", "Limit value of")
