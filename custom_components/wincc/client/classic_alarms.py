"""Reading the classic REST service's alarm messages (``alarmLogging``, WinCC V8)."""

from __future__ import annotations

from collections.abc import Mapping
import logging
from typing import Any

from .models import AlarmInstance, AlarmState
from .parsing import alarm_place_and_times, as_int, as_text, expect_list, parse_timestamp

_LOGGER = logging.getLogger(__name__)


def _message_state(row: Mapping[str, Any]) -> AlarmState:
    """The state from the message's times (the state numbers alone are ambiguous), or
    from ``alarmState`` where an archive row names it (``NORMAL`` once it left,
    ``REMOVED`` when WinCC removed it)."""
    named = row.get("alarmState")
    if named in (AlarmState.NORMAL, AlarmState.REMOVED):
        return AlarmState(named)
    acknowledged = parse_timestamp(row.get("acknowledgeTime"))
    cleared = parse_timestamp(row.get("clearTime"))
    if acknowledged and cleared:
        return (
            AlarmState.RAISED_ACKNOWLEDGED_CLEARED
            if acknowledged <= cleared
            else AlarmState.RAISED_CLEARED_ACKNOWLEDGED
        )
    if acknowledged:
        return AlarmState.RAISED_ACKNOWLEDGED
    if cleared:
        return AlarmState.RAISED_CLEARED
    return AlarmState.RAISED


def parse_messages(payload: object, language: str) -> list[AlarmInstance]:
    """The classic alarm list; a row without a name is skipped and logged."""
    alarms = []
    for row in expect_list(payload, "alarmLogging/MessageList", "messages", "Messages"):
        # Rows name the message, or at least number it.
        name = (
            as_text(row.get("name")) or as_text(str(row.get("messageNumber") or ""))
            if isinstance(row, dict)
            else None
        )
        if not isinstance(row, dict) or name is None:
            _LOGGER.warning("Skipping an alarm row without a name: %r", row)
            continue
        text, info = as_text(row.get("text")), as_text(row.get("infoText"))
        alarms.append(
            AlarmInstance(
                name=name,
                instance_id=as_int(row.get("instanceID")) or 0,
                state=_message_state(row),
                priority=as_int(row.get("priority")),
                alarm_class=as_text(row.get("messageClass")),
                texts={language: text} if text else {},
                info_texts={language: info} if info else {},
                requires_acknowledgment=row.get("requiresAcknowledgment") is True,
                **alarm_place_and_times(row, "acknowledgeTime"),
            )
        )
    return alarms
