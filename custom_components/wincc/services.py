"""The actions ``wincc.acknowledge_alarm`` and ``wincc.get_history``."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_CONFIG_ENTRY_ID, ATTR_DEVICE_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.util import dt as dt_util
import probatio

from .client import AlarmIdentifier, Capability, WinCCError
from .const import DOMAIN, EVENT_ACKNOWLEDGED
from .exceptions import action_failed
from .runtime import WinCCConfigEntry

_LOGGER = logging.getLogger(__name__)

SERVICE_ACKNOWLEDGE = "acknowledge_alarm"
SERVICE_HISTORY = "get_history"
ATTR_TAGS = "tags"
ATTR_START = "start"
ATTR_END = "end"
ATTR_MAX_VALUES = "max_values"
MAX_HISTORY_VALUES = 10_000
MAX_HISTORY_RANGE = timedelta(days=31)
ATTR_ALARMS = "alarms"
ATTR_ALL_UNACKNOWLEDGED = "all_unacknowledged"
ATTR_MIN_PRIORITY = "min_priority"
ATTR_ALARM_CLASS = "alarm_class"
# Per-alarm error codes of WinCC Unified, and how they read.
ERROR_KEYS = {"2": "unknown_alarm", "305": "not_acknowledgeable"}

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
        probatio.Exclusive(ATTR_CONFIG_ENTRY_ID, "target"): cv.string,
        probatio.Exclusive(ATTR_DEVICE_ID, "target"): cv.string,
        probatio.Optional(ATTR_ALARMS): probatio.All(cv.ensure_list, [ALARM_ITEM]),
        probatio.Optional(ATTR_ALL_UNACKNOWLEDGED, default=False): cv.boolean,
        probatio.Optional(ATTR_MIN_PRIORITY): probatio.All(
            probatio.Coerce(int), probatio.Range(min=0)
        ),
        probatio.Optional(ATTR_ALARM_CLASS): cv.string,
    }
)


HISTORY_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        probatio.Required(ATTR_TAGS): probatio.All(
            cv.ensure_list, [cv.string], probatio.Length(min=1)
        ),
        probatio.Required(ATTR_START): cv.datetime,
        probatio.Optional(ATTR_END): cv.datetime,
        probatio.Optional(ATTR_MAX_VALUES, default=1000): probatio.All(
            probatio.Coerce(int), probatio.Range(min=1)
        ),
    }
)


def _invalid(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


def _target_entry(hass: HomeAssistant, data: dict[str, Any]) -> WinCCConfigEntry:
    """The entry a call targets: given directly, or as the entry of a WinCC device."""
    if ATTR_DEVICE_ID in data:
        device = dr.async_get(hass).async_get(data[ATTR_DEVICE_ID])
        for entry_id in device.config_entries if device else ():
            entry = hass.config_entries.async_get_entry(entry_id)
            if entry is not None and entry.domain == DOMAIN:
                return _loaded_entry(hass, entry_id)
        raise _invalid("device_not_found", device_id=data[ATTR_DEVICE_ID])
    if ATTR_CONFIG_ENTRY_ID not in data:
        raise _invalid("no_target")
    return _loaded_entry(hass, data[ATTR_CONFIG_ENTRY_ID])


def _loaded_entry(hass: HomeAssistant, entry_id: str) -> WinCCConfigEntry:
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise _invalid("entry_not_found", entry_id=entry_id)
    if entry.state is not ConfigEntryState.LOADED:
        raise _invalid("entry_not_loaded", title=entry.title)
    return entry


def _targets(entry: WinCCConfigEntry, data: dict[str, Any]) -> list[AlarmIdentifier]:
    """The alarm instances a call names, or the unacknowledged ones matching its filter."""
    if data[ATTR_ALL_UNACKNOWLEDGED]:
        alarms = entry.runtime_data.alarms
        if alarms is None:
            raise _invalid("alarms_disabled", title=entry.title)
        return [
            AlarmIdentifier(a.name, a.instance_id)
            for a in alarms.unacknowledged
            if (a.priority or 0) >= data.get(ATTR_MIN_PRIORITY, 0)
            and data.get(ATTR_ALARM_CLASS) in (None, a.alarm_class)
        ]
    if not data.get(ATTR_ALARMS):
        raise _invalid("nothing_to_acknowledge")
    return [
        AlarmIdentifier(item)
        if isinstance(item, str)
        else AlarmIdentifier(item["name"], item["instance_id"])
        for item in data[ATTR_ALARMS]
    ]


async def _acknowledge(call: ServiceCall) -> ServiceResponse:
    """Acknowledge alarms; per-alarm results come back as response data."""
    hass = call.hass
    entry = _target_entry(hass, dict(call.data))
    runtime = entry.runtime_data
    if runtime.coordinator.options.read_only:
        raise _invalid("read_only_acknowledge", title=entry.title)
    if Capability.ACKNOWLEDGE not in runtime.client.capabilities:
        raise _invalid("acknowledge_unsupported", title=entry.title)
    targets = _targets(entry, dict(call.data))
    results = []
    if targets:
        try:
            results = await runtime.client.acknowledge(targets)
        except WinCCError as err:
            raise action_failed(err) from err
    user = await hass.auth.async_get_user(call.context.user_id) if call.context.user_id else None
    who = user.name if user else "an automation"
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
            hass.bus.async_fire(
                EVENT_ACKNOWLEDGED,
                {"name": result.name, "instance_id": result.instance_id, "server": entry.title},
                context=call.context,
            )
    if runtime.alarms is not None:
        await runtime.alarms.async_request_refresh()
    failed = [r for r in results if r.error is not None]
    if failed and not call.return_response:
        first = failed[0]
        assert first.error is not None  # noqa: S101 - filtered above
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key=ERROR_KEYS.get(first.error.code, "acknowledge_refused"),
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
                "acknowledged": r.ok,
                "error": None
                if r.error is None
                else {"code": r.error.code, "description": r.error.description},
            }
            for r in results
        ]
    }


async def _history(call: ServiceCall) -> ServiceResponse:
    """Logged values of tags in a time range, with timestamps and quality."""
    entry = _loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    client = entry.runtime_data.client
    if Capability.HISTORY not in client.capabilities:
        raise _invalid("history_unsupported", title=entry.title)
    start = dt_util.as_utc(call.data[ATTR_START])
    end = dt_util.as_utc(call.data.get(ATTR_END) or dt_util.utcnow())
    if end <= start:
        raise _invalid("bad_range", start=start.isoformat(), end=end.isoformat())
    if end - start > MAX_HISTORY_RANGE:
        raise _invalid("range_too_long", days=str(MAX_HISTORY_RANGE.days))
    max_values = call.data[ATTR_MAX_VALUES]
    if max_values > MAX_HISTORY_VALUES:
        raise _invalid("too_many_values", maximum=str(MAX_HISTORY_VALUES))
    tags: dict[str, Any] = {}
    for name in call.data[ATTR_TAGS]:
        try:
            values = await client.history(name, start, end, max_values)
        except WinCCError as err:
            raise action_failed(err) from err
        tags[name] = [
            {
                "timestamp": v.timestamp.isoformat(),
                "value": v.value,
                "quality": v.quality.value,
                "quality_raw": v.quality_raw,
            }
            for v in values
        ]
    return {"tags": tags}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, whatever entries exist)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_ACKNOWLEDGE,
        _acknowledge,
        schema=ACKNOWLEDGE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_HISTORY,
        _history,
        schema=HISTORY_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
