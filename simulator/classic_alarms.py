"""The classic face's alarm logging (WinCC V8): message lists and archives through REST
filters, the configured messages and classes, and the runtime lists."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .alarm_rows import STATE_TEXTS
from .alarms import ACKNOWLEDGE_REQUIRED, AlarmInstance, AlarmState, Reason
from .classic_call import Call, ClassicError, json_answer
from .clock import iso, iso_or_none
from .description import pick_text
from .runtime import Runtime
from .users import Right

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


# --- alarm logging (V8) ---------------------------------------------------------------


def message_numbers(runtime: Runtime) -> dict[str, int]:
    return {
        name: MESSAGE_NUMBER_BASE + i for i, name in enumerate(runtime.plant.description.alarms)
    }


def _message_row(call: Call, instance: AlarmInstance) -> dict[str, Any]:
    definition = instance.definition
    language = call.language
    state = _CLASSIC_STATE.get(instance.state, WENT_OUT)
    return {
        "messageNumber": message_numbers(call.runtime)[definition.name],
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
        "acknowledgeTime": iso_or_none(instance.acknowledgment_time),
        "clearTime": iso_or_none(instance.clear_time),
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
    return json_answer(
        [_message_row(call, i) for i in active if i.definition.priority >= minimum], call
    )


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
    return json_answer(rows, call)


async def get_messages(call: Call) -> web.StreamResponse:
    """The configured messages."""
    call.require(Right.READ)
    numbers = message_numbers(call.runtime)
    return json_answer(
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
    numbers = {str(v): k for k, v in message_numbers(call.runtime).items()}
    name = numbers.get(call.params[0])
    if name is None:
        raise ClassicError(404, f"Message {call.params[0]} not found")
    alarm = call.runtime.plant.description.alarms[name]
    return json_answer(
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
    return json_answer(
        [{"name": c.name, "id": c.id} for c in sorted(classes, key=lambda c: c.id)], call
    )


async def get_rest_filter(call: Call) -> web.StreamResponse:
    """One REST filter by name."""
    call.require(Right.READ)
    minimum = _min_priority(call)
    name = next(
        n
        for n in call.runtime.plant.description.rest_filters
        if n.lower() == call.params[0].lower()
    )
    return json_answer({"name": name, "minPriority": minimum}, call)


async def get_message_class(call: Call) -> web.StreamResponse:
    """One alarm (message) class, by name or number."""
    call.require(Right.READ)
    wanted = call.params[0].lower()
    for alarm in call.runtime.plant.description.alarms.values():
        alarm_class = alarm.alarm_class
        if wanted in (alarm_class.name.lower(), str(alarm_class.id)):
            return json_answer({"name": alarm_class.name, "id": alarm_class.id}, call)
    raise ClassicError(404, f"Message class {call.params[0]} not found")


async def get_hit_list(call: Call) -> web.StreamResponse:
    """Alarm statistics through a REST filter: how often each message came in."""
    call.require(Right.READ)
    minimum = _min_priority(call)
    call.runtime.plant.advance()
    numbers = message_numbers(call.runtime)
    counts: dict[str, int] = {}
    for entry in call.runtime.plant.alarms.journal:
        definition = entry.instance.definition
        if entry.reason is Reason.ADDED and definition.priority >= minimum:
            counts[definition.name] = counts.get(definition.name, 0) + 1
    rows = [
        {"messageNumber": numbers[name], "name": name, "count": count}
        for name, count in sorted(counts.items(), key=lambda item: -item[1])
    ]
    max_values = call.int_query("maxValues", 0) or 0
    return json_answer(rows[:max_values] if max_values else rows, call)


async def get_empty_filter_list(call: Call) -> web.StreamResponse:
    """Locked or hidden alarms through a REST filter: the demo plant has none."""
    call.require(Right.READ)
    _min_priority(call)
    return json_answer([], call)


async def get_rest_filters(call: Call) -> web.StreamResponse:
    """The REST filters configured for the alarm list."""
    call.require(Right.READ)
    filters = call.runtime.plant.description.rest_filters
    return json_answer([{"name": n, "minPriority": p} for n, p in filters.items()], call)
