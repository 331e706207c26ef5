"""The integration's actions: ``wincc.get_history`` here, the alarm actions in
``alarm_services``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import probatio

from .alarm_services import (
    ACKNOWLEDGE_SCHEMA,
    ALARM_NAMES_SCHEMA,
    SHELVE_SCHEMA,
    acknowledge,
    act_on_alarms,
)
from .client import AlarmAction, Capability, WinCCError
from .const import DOMAIN
from .exceptions import action_failed
from .service_targets import invalid, loaded_entry
from .tag_map import export_csv, export_yaml

SERVICE_ACKNOWLEDGE = "acknowledge_alarm"
SERVICE_HISTORY = "get_history"
SERVICE_EXPORT_TAG_MAP = "export_tag_map"
ATTR_TAGS = "tags"
ATTR_START = "start"
ATTR_END = "end"
ATTR_MAX_VALUES = "max_values"
MAX_HISTORY_VALUES = 10_000
MAX_HISTORY_RANGE = timedelta(days=31)

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


async def _history(call: ServiceCall) -> ServiceResponse:
    """Logged values of tags in a time range, with timestamps and quality."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    client = entry.runtime_data.client
    if Capability.HISTORY not in client.capabilities:
        raise invalid("history_unsupported", title=entry.title)
    start = dt_util.as_utc(call.data[ATTR_START])
    end = dt_util.as_utc(call.data.get(ATTR_END) or dt_util.utcnow())
    if end <= start:
        raise invalid("bad_range", start=start.isoformat(), end=end.isoformat())
    if end - start > MAX_HISTORY_RANGE:
        raise invalid("range_too_long", days=str(MAX_HISTORY_RANGE.days))
    max_values = call.data[ATTR_MAX_VALUES]
    if max_values > MAX_HISTORY_VALUES:
        raise invalid("too_many_values", maximum=str(MAX_HISTORY_VALUES))
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


async def _export_tag_map(call: ServiceCall) -> ServiceResponse:
    """The entry's tag map, as YAML and as CSV, to edit and import in the options."""
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    options = entry.runtime_data.coordinator.options
    return {
        "yaml": export_yaml(options.tags, options.controls),
        "csv": export_csv(options.tags),
    }


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, whatever entries exist)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_ACKNOWLEDGE,
        acknowledge,
        schema=ACKNOWLEDGE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_EXPORT_TAG_MAP,
        _export_tag_map,
        schema=probatio.Schema({probatio.Required(ATTR_CONFIG_ENTRY_ID): cv.string}),
        supports_response=SupportsResponse.ONLY,
    )
    for action in AlarmAction:
        hass.services.async_register(
            DOMAIN,
            f"{action}_alarm",
            act_on_alarms(action),
            schema=SHELVE_SCHEMA if action is AlarmAction.SHELVE else ALARM_NAMES_SCHEMA,
            supports_response=SupportsResponse.OPTIONAL,
        )
    hass.services.async_register(
        DOMAIN,
        SERVICE_HISTORY,
        _history,
        schema=HISTORY_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
