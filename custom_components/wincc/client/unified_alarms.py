"""Reading WinCC Unified's alarm answers: ``activeAlarms``, ``loggedAlarms`` and the
results of alarm mutations."""

from __future__ import annotations

from collections.abc import Sequence
import logging

from .errors import ProtocolError
from .models import ACKNOWLEDGMENT_REQUIRED_MACHINES, AlarmActionResult, AlarmInstance, AlarmState
from .parsing import (
    alarm_place_and_times,
    as_int,
    as_text,
    expect_list,
    item_error,
    parse_timestamp,
)

_LOGGER = logging.getLogger(__name__)

# The alarm fields the integration asks for, in queries and the subscription alike.
ALARM_FIELDS = (
    "name instanceID state stateMachine priority alarmClassName eventText infoText area "
    "origin raiseTime acknowledgmentTime clearTime resetTime modificationTime suppressionState"
)
SHELVED_STATES = frozenset({"SHELVED", "SUPPRESSED_AND_SHELVED"})


def _texts(raw: object, languages: Sequence[str]) -> dict[str, str]:
    if not isinstance(raw, list):
        return {}
    return {
        language: text
        for language, text in zip(languages, raw, strict=False)
        if isinstance(text, str)
    }


def parse_alarms(payload: object, languages: Sequence[str]) -> list[AlarmInstance]:
    """``activeAlarms`` rows; a row without a name or instance ID is skipped and logged."""
    alarms = []
    for row in expect_list(payload, "activeAlarms"):
        name = as_text(row.get("name")) if isinstance(row, dict) else None
        instance_id = as_int(row.get("instanceID")) if isinstance(row, dict) else None
        if not isinstance(row, dict) or name is None or instance_id is None:
            _LOGGER.warning("Skipping an alarm row without name or instance ID: %r", row)
            continue
        state_machine = as_text(row.get("stateMachine"))
        raw_state = row.get("state")
        state = (
            AlarmState(raw_state)
            if isinstance(raw_state, str) and raw_state in AlarmState.__members__
            else AlarmState.UNKNOWN
        )
        alarms.append(
            AlarmInstance(
                name=name,
                instance_id=instance_id,
                state=state,
                state_machine=state_machine,
                priority=as_int(row.get("priority")),
                alarm_class=as_text(row.get("alarmClassName")),
                texts=_texts(row.get("eventText"), languages),
                info_texts=_texts(row.get("infoText"), languages),
                reset_time=parse_timestamp(row.get("resetTime")),
                requires_acknowledgment=state_machine in ACKNOWLEDGMENT_REQUIRED_MACHINES,
                shelved=row.get("suppressionState") in SHELVED_STATES,
                **alarm_place_and_times(row, "acknowledgmentTime"),
            )
        )
    return alarms


def parse_alarm_results(payload: object, field: str) -> list[AlarmActionResult]:
    """Rows of an alarm mutation such as ``acknowledgeAlarms`` or ``shelveAlarms``
    (whose rows name no instance: 0, the whole alarm)."""
    results = []
    for row in expect_list(payload, field):
        if not isinstance(row, dict):
            raise ProtocolError(f"A result of {field} is not an object")
        results.append(
            AlarmActionResult(
                as_text(row.get("alarmName")) or "",
                as_int(row.get("alarmInstanceID")) or 0,
                item_error(row.get("error")),
            )
        )
    return results
