"""Diagnostics download: the entry's settings without secrets, and the poll's health."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .client import UnifiedPairClient
from .const import (
    CONF_PARTNER,
    CONF_PARTNER_FINGERPRINT,
    CONF_TLS_CA_PEM,
    CONF_TLS_FINGERPRINT,
)
from .runtime import WinCCConfigEntry

TO_REDACT = {
    CONF_PASSWORD,
    CONF_USERNAME,
    CONF_HOST,
    CONF_TLS_CA_PEM,
    CONF_TLS_FINGERPRINT,
    CONF_PARTNER,
    CONF_PARTNER_FINGERPRINT,
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: WinCCConfigEntry
) -> dict[str, Any]:
    """What support needs to see, and nothing a user must keep private."""
    coordinator = entry.runtime_data.coordinator
    client = entry.runtime_data.client
    values = coordinator.data or {}
    return {
        "entry": {
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": dict(entry.options),
        },
        "server": {
            "type": client.server_type.value,
            "capabilities": sorted(c.value for c in client.capabilities),
            # Which host of a redundant pair answers: the first one entered, or its partner.
            "redundancy": client.describe() if isinstance(client, UnifiedPairClient) else None,
        },
        "polling": dict(coordinator.diagnostics()),
        "values": {
            name: {
                "value": value.value,
                "quality": value.quality.value,
                "quality_raw": value.quality_raw,
                "error": None
                if value.error is None
                else f"{value.error.code}: {value.error.description}",
            }
            for name, value in values.items()
        },
    }
