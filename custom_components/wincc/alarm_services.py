"""The alarm actions: acknowledge alarm instances; shelve, unshelve, disable and enable
whole alarms. Each reports what the server confirmed, alarm by alarm."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from datetime import timedelta
import logging
from typing import Any

from homeassistant.core import ServiceCall, ServiceResponse
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
import probatio

from .client import AlarmAction, AlarmActionResult, AlarmIdentifier, Capability, WinCCError
from .const import DOMAIN, EVENT_ACKNOWLEDGED
from .exceptions import action_failed
from .runtime import WinCCConfigEntry
from .service_targets import TARGET_FIELDS, invalid, target_entry

_LOGGER = logging.getLogger(__name__)

ATTR_ALARMS = "alarms"
ATTR_ALL_UNACKNOWLEDGED = "all_unacknowledged"
ATTR_MIN_PRIORITY = "min_priority"
ATTR_ALARM_CLASS = "alarm_class"
ATTR_DURATION = "duration"
# Per-alarm error codes of WinCC Unified, and how they read.
ERROR_KEYS = {"2": "unknown_alarm", "305": "not_acknowledgeable"}
# The longest shelving asked for; the runtime bounds it by its own configured timeout.
MAX_SHELVE = timedelta(days=7)

ALARM_ITEM = probatio.Any(
    cv.string,
    probatio.Schema(
        {
            probatio.Required("name"): cv.string,
            probatio.Optional("instance_id", default=0): probatio.All(
                probatio.Coerce(int), probatio.Range(min=0)
            ),
        }
    ),
)
ACKNOWLEDGE_SCHEMA = probatio.Schema(
    {
        **TARGET_FIELDS,
        probatio.Optional(ATTR_ALARMS): probatio.All(cv.ensure_list, [ALARM_ITEM]),
        probatio.Optional(ATTR_ALL_UNACKNOWLEDGED, default=False): cv.boolean,
        probatio.Optional(ATTR_MIN_PRIORITY): probatio.All(
            probatio.Coerce(int), probatio.Range(min=0)
        ),
        probatio.Optional(ATTR_ALARM_CLASS): cv.string,
    }
)
ALARM_NAMES_SCHEMA = probatio.Schema(
    {
        **TARGET_FIELDS,
        probatio.Required(ATTR_ALARMS): probatio.All(
            cv.ensure_list, [cv.string], probatio.Length(min=1)
        ),
    }
)
SHELVE_SCHEMA = ALARM_NAMES_SCHEMA.extend(
    {
        probatio.Optional(ATTR_DURATION): probatio.All(
            cv.time_period, probatio.Range(min=timedelta(seconds=1), max=MAX_SHELVE)
        )
    }
)


def _targets(entry: WinCCConfigEntry, data: dict[str, Any]) -> list[AlarmIdentifier]:
    """The alarm instances a call names, or the unacknowledged ones matching its filter."""
    if data[ATTR_ALL_UNACKNOWLEDGED]:
        alarms = entry.runtime_data.alarms
        if alarms is None:
            raise invalid("alarms_disabled", title=entry.title)
        return [
            AlarmIdentifier(a.name, a.instance_id)
            for a in alarms.unacknowledged
            if (a.priority or 0) >= data.get(ATTR_MIN_PRIORITY, 0)
            and data.get(ATTR_ALARM_CLASS) in (None, a.alarm_class)
        ]
    if not data.get(ATTR_ALARMS):
        raise invalid("nothing_to_acknowledge")
    return [
        AlarmIdentifier(item)
        if isinstance(item, str)
        else AlarmIdentifier(item["name"], item["instance_id"])
        for item in data[ATTR_ALARMS]
    ]


def _writable_entry(call: ServiceCall, capability: Capability) -> WinCCConfigEntry:
    """The targeted entry, if it may and can act on alarms (``<capability>_unsupported``
    says why a server cannot)."""
    entry = target_entry(call.hass, dict(call.data))
    runtime = entry.runtime_data
    if runtime.coordinator.options.read_only:
        raise invalid("read_only_alarms", title=entry.title)
    if capability not in runtime.client.capabilities:
        raise invalid(f"{capability}_unsupported", title=entry.title)
    return entry


async def _who(call: ServiceCall) -> str:
    user = (
        await call.hass.auth.async_get_user(call.context.user_id) if call.context.user_id else None
    )
    return user.name or "a user" if user else "an automation"


async def _finish(
    call: ServiceCall, entry: WinCCConfigEntry, results: Sequence[AlarmActionResult], done: str
) -> ServiceResponse:
    """Refresh the alarms; raise the first refusal, or answer every result."""
    if entry.runtime_data.alarms is not None:
        await entry.runtime_data.alarms.async_request_refresh()
    failed = [r for r in results if r.error is not None]
    if failed and not call.return_response:
        first = failed[0]
        assert first.error is not None  # noqa: S101 - filtered above
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=ERROR_KEYS.get(first.error.code, "alarm_action_refused"),
            translation_placeholders={
                "name": first.name,
                "instance_id": str(first.instance_id),
                "error": first.error.description,
            },
        )
    if not call.return_response:
        return None
    return {
        "results": [
            {
                "name": r.name,
                "instance_id": r.instance_id,
                done: r.ok,
                "error": None
                if r.error is None
                else {"code": r.error.code, "description": r.error.description},
            }
            for r in results
        ]
    }


async def acknowledge(call: ServiceCall) -> ServiceResponse:
    """Acknowledge alarm instances; per-alarm results come back as response data."""
    entry = _writable_entry(call, Capability.ACKNOWLEDGE)
    targets = _targets(entry, dict(call.data))
    try:
        results = await entry.runtime_data.client.acknowledge(targets) if targets else []
    except WinCCError as err:
        raise action_failed(err) from err
    who = await _who(call)
    for result in results:
        if result.ok:
            _LOGGER.info(
                "%s acknowledged alarm %s (instance %s) on %s",
                who,
                result.name,
                result.instance_id,
                entry.title,
            )
            # The logbook shows who did it, through the call's context.
            call.hass.bus.async_fire(
                EVENT_ACKNOWLEDGED,
                {"name": result.name, "instance_id": result.instance_id, "server": entry.title},
                context=call.context,
            )
    return await _finish(call, entry, results, "acknowledged")


def act_on_alarms(
    action: AlarmAction,
) -> Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]:
    """The handler of ``wincc.<action>_alarm``: the action on whole alarms, by name."""

    async def handle(call: ServiceCall) -> ServiceResponse:
        entry = _writable_entry(call, action.capability)
        names = call.data[ATTR_ALARMS]
        try:
            results = await entry.runtime_data.client.act_on_alarms(
                action, names, call.data.get(ATTR_DURATION)
            )
        except WinCCError as err:
            raise action_failed(err) from err
        who = await _who(call)
        for result in results:
            if result.ok:
                _LOGGER.info("%s: %s alarm %s on %s", who, action, result.name, entry.title)
        return await _finish(call, entry, results, "done")

    return handle
