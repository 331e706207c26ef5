"""Fix flows for the entry's repair issues: trusting the certificate again."""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
import probatio

from .client import PresentedCertificate, WinCCError, fetch_certificate
from .const import CONF_TLS_FINGERPRINT, TLS_KEYS
from .issues import FIXABLE

# Every fixable issue is fixed by trusting the certificate the server presents now.
FIXED_BY_TRUSTING = tuple(f"{kind}_" for kind in FIXABLE)


class TrustCertificateFlow(RepairsFlow):
    """Show the certificate the server presents now; pin it once the user confirms."""

    def __init__(self, entry_id: str) -> None:
        """Fix the entry ``entry_id``."""
        self._entry_id = entry_id
        self._presented: PresentedCertificate | None = None

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Fetch the certificate, then ask."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """The fingerprint to compare with the server's own; on confirmation, pin it."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="entry_removed")
        if user_input is not None and self._presented is not None:
            data = {key: value for key, value in entry.data.items() if key not in TLS_KEYS}
            data[CONF_TLS_FINGERPRINT] = self._presented.fingerprint
            self.hass.config_entries.async_update_entry(entry, data=data)
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
            return self.async_create_entry(data={})
        try:
            self._presented = await fetch_certificate(entry.data[CONF_HOST], entry.data[CONF_PORT])
        except WinCCError:
            return self.async_abort(reason="cannot_connect")
        return self.async_show_form(
            step_id="confirm",
            data_schema=probatio.Schema({}),
            description_placeholders={
                "title": entry.title,
                "fingerprint": self._presented.fingerprint,
                "subject": self._presented.subject or "?",
            },
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The fix flow of a fixable issue: both trust the certificate anew."""
    if data is None or not issue_id.startswith(FIXED_BY_TRUSTING):
        raise ValueError(f"{issue_id} has no fix flow")
    return TrustCertificateFlow(str(data["entry_id"]))
