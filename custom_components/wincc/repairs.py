"""Fix flows for the entry's repair issues: trusting the certificate again, following
a tag that WinCC renamed, and no longer exposing tags gone from the server."""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import SelectSelector, SelectSelectorConfig
import probatio

from .client import PresentedCertificate, TagInfo, WinCCError, fetch_certificate
from .const import CONF_TLS_FINGERPRINT, ISSUE_TAG_RENAMED, ISSUE_TAGS_GONE, TLS_KEYS
from .issues import FIXABLE
from .options import EntryOptions
from .runtime import WinCCConfigEntry
from .tag_rename import candidates, follow_renamed_tag

NEW_NAME = "new_name"

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


def _loaded_entry(hass: HomeAssistant, entry_id: str) -> WinCCConfigEntry | None:
    entry: WinCCConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.state is not ConfigEntryState.LOADED:
        return None
    return entry


class RemoveGoneTagsFlow(RepairsFlow):
    """Stop exposing the tags the server no longer knows; their entities go."""

    def __init__(self, entry_id: str) -> None:
        """Fix the entry ``entry_id``."""
        self._entry_id = entry_id

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """List the tags, then ask."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """The tags gone; on confirmation, the entry exposes them no more and reloads."""
        entry = _loaded_entry(self.hass, self._entry_id)
        if entry is None:
            return self.async_abort(reason="entry_not_loaded")
        gone = set(entry.runtime_data.coordinator.gone.names)
        if not gone:
            return self.async_abort(reason="nothing_gone")
        if user_input is not None:
            options = EntryOptions.from_options(entry.options)
            kept = {name: tag for name, tag in options.tags.items() if name not in gone}
            self.hass.config_entries.async_update_entry(
                entry, options=options.with_tags(kept).as_options()
            )
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            data_schema=probatio.Schema({}),
            description_placeholders={
                "title": entry.title,
                "tags": "\n".join(f"- {name}" for name in sorted(gone)),
            },
        )


class RenamedTagFlow(RepairsFlow):
    """Pick the new name of a tag WinCC renamed; its entity and settings follow."""

    def __init__(self, entry_id: str, tag: str) -> None:
        """Fix the tag ``tag`` of the entry ``entry_id``."""
        self._entry_id = entry_id
        self._tag = tag
        self._browsed: dict[str, TagInfo] = {}
        self._offered: list[TagInfo] = []

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Browse the server for the names the tag may have now."""
        return await self.async_step_pick()

    async def async_step_pick(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Offer the likely new names (any other can be typed); check the pick exists.
        The server is browsed once per fix: every leaf tag it has is then known."""
        entry = _loaded_entry(self.hass, self._entry_id)
        tags = entry.runtime_data.coordinator.options.tags if entry else {}
        if entry is None or self._tag not in tags:
            return self.async_abort(reason="entry_not_loaded")
        errors: dict[str, str] = {}
        if user_input is not None:
            new = user_input[NEW_NAME].strip()
            if new == self._tag:
                errors[NEW_NAME] = "same_name"
            elif (info := self._browsed.get(new)) is None:
                errors[NEW_NAME] = "tag_not_found"
            else:
                follow_renamed_tag(self.hass, entry, self._tag, info)
                return self.async_create_entry(data={})
        if not self._browsed:
            try:
                browsed = await entry.runtime_data.client.browse("*")
            except WinCCError:
                return self.async_abort(reason="cannot_connect")
            self._browsed = {info.name: info for info in browsed}
            # Ranking thousands of names by likeness takes a while: not in the loop.
            self._offered = await self.hass.async_add_executor_job(
                candidates, tags[self._tag], browsed, set(tags)
            )
        return self.async_show_form(
            step_id="pick",
            data_schema=probatio.Schema(
                {
                    probatio.Required(NEW_NAME): SelectSelector(
                        SelectSelectorConfig(
                            options=[info.name for info in self._offered],
                            custom_value=True,
                        )
                    )
                }
            ),
            errors=errors,
            description_placeholders={"tag": self._tag, "title": entry.title},
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The fix flow of a fixable issue: trust the certificate anew, or follow a tag."""
    if data is not None and issue_id.startswith(f"{ISSUE_TAG_RENAMED}_"):
        return RenamedTagFlow(str(data["entry_id"]), str(data["tag"]))
    if data is not None and issue_id.startswith(f"{ISSUE_TAGS_GONE}_"):
        return RemoveGoneTagsFlow(str(data["entry_id"]))
    if data is None or not issue_id.startswith(FIXED_BY_TRUSTING):
        raise ValueError(f"{issue_id} has no fix flow")
    return TrustCertificateFlow(str(data["entry_id"]))
