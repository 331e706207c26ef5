"""Alarm instances as the Unified schema shows them, and the filter fields over them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .alarms import ACKNOWLEDGEABLE, RESET_REQUIRED, AlarmInstance, AlarmState
from .clock import iso, iso_or_none
from .description import pick_text
from .tagtypes import GOOD_CASCADE, unified_quality

SUPPORTED_LANGUAGES = ("en-US", "de-DE")

STATE_TEXTS: dict[AlarmState, dict[str, str]] = {
    AlarmState.NORMAL: {"en-US": "Normal", "de-DE": "Normal"},
    AlarmState.RAISED: {"en-US": "Raised", "de-DE": "Gekommen"},
    AlarmState.RAISED_CLEARED: {"en-US": "Raised/Cleared", "de-DE": "Gekommen/Gegangen"},
    AlarmState.RAISED_ACKNOWLEDGED: {
        "en-US": "Raised/Acknowledged",
        "de-DE": "Gekommen/Quittiert",
    },
    AlarmState.RAISED_ACKNOWLEDGED_CLEARED: {
        "en-US": "Raised/Acknowledged/Cleared",
        "de-DE": "Gekommen/Quittiert/Gegangen",
    },
    AlarmState.RAISED_CLEARED_ACKNOWLEDGED: {
        "en-US": "Raised/Cleared/Acknowledged",
        "de-DE": "Gekommen/Gegangen/Quittiert",
    },
    AlarmState.REMOVED: {"en-US": "Removed", "de-DE": "Entfernt"},
}

# Filter-string field names (lower case) and the row keys they test.
FILTER_FIELDS: Mapping[str, str] = {
    "name": "name",
    "instanceid": "instanceID",
    "priority": "priority",
    "alarmclassname": "alarmClassName",
    "alarmclassid": "alarmClassID",
    "state": "state",
    "statemachine": "stateMachine",
    "area": "area",
    "origin": "origin",
    "eventtext": "filterText",
}

_NULL_FIELDS = (
    "alarmGroupID",
    "textColor",
    "backColor",
    "alarmType",
    *(f"alarmText{n}" for n in range(1, 10)),
    "deadBand",
    "deadband",
    "duration",
    "sourceID",
    "systemSeverity",
    "loopInAlarm",
    "loopInAlarmParameterValues",
)


def _user_response(instance: AlarmInstance) -> str:
    machine = instance.definition.state_machine
    if machine in ACKNOWLEDGEABLE and instance.state in (
        AlarmState.RAISED,
        AlarmState.RAISED_CLEARED,
    ):
        return "ACKNOWLEDGEMENT"
    if machine in RESET_REQUIRED and instance.state in (
        AlarmState.RAISED_ACKNOWLEDGED_CLEARED,
        AlarmState.RAISED_CLEARED_ACKNOWLEDGED,
    ):
        return "RESET"
    return "NONE"


def alarm_row(
    instance: AlarmInstance, system: str, languages: Sequence[str], filter_language: str
) -> dict[str, Any]:
    """An ``ActiveAlarm`` (or ``LoggedAlarm``) row, with texts in the asked languages."""
    definition = instance.definition
    quality = unified_quality(GOOD_CASCADE)
    end = instance.reset_time or instance.modification_time
    seconds = (end - instance.raise_time).total_seconds()
    row: dict[str, Any] = dict.fromkeys(_NULL_FIELDS)
    row.update(
        {
            "name": f"{system}::{definition.name}",
            "instanceID": instance.instance_id,
            "raiseTime": iso(instance.raise_time),
            "acknowledgmentTime": iso_or_none(instance.acknowledgment_time),
            "clearTime": iso_or_none(instance.clear_time),
            "resetTime": iso_or_none(instance.reset_time),
            "modificationTime": iso(instance.modification_time),
            "state": str(instance.state),
            "flashing": _user_response(instance) != "NONE",
            "languages": list(languages),
            "alarmClassName": definition.alarm_class.name,
            "alarmClassSymbol": [definition.alarm_class.symbol for _ in languages],
            "alarmClassID": definition.alarm_class.id,
            "stateMachine": definition.state_machine,
            "priority": definition.priority,
            "alarmParameterValues": [instance.value],
            "eventText": [pick_text(definition.text, lang) for lang in languages],
            "infoText": [pick_text(definition.info, lang) for lang in languages],
            "stateText": [pick_text(STATE_TEXTS[instance.state], lang) for lang in languages],
            "origin": definition.origin,
            "area": definition.area,
            "changeReason": [instance.change_reason],
            "connectionName": definition.origin,
            "valueLimit": definition.condition.limit,
            "sourceType": "TAG",
            "suppressionState": instance.suppression,
            "hostName": "wincc-sim",
            "userName": instance.user_name,
            "value": instance.value,
            "valueQuality": quality,
            "quality": quality,
            "invalidFlags": {
                "invalidConfiguration": False,
                "invalidTimestamp": False,
                "invalidAlarmParameter": False,
                "invalidEventText": False,
            },
            "producer": "WINCC",
            "durationIso": f"PT{seconds:.3f}S",
            "path": f"{system}::{definition.area}",
            "userResponse": _user_response(instance),
            "hasComments": False,
            "filterText": pick_text(definition.text, filter_language),
        }
    )
    return row
