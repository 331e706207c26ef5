"""The repair issues an entry raises while something on the WinCC side needs the user."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .connection import tls_settings
from .const import DOMAIN, ISSUE_MISSING_RUNTIME_RIGHT, ISSUE_TLS_UNVERIFIED

ENTRY_ISSUES = (ISSUE_TLS_UNVERIFIED, ISSUE_MISSING_RUNTIME_RIGHT)
# Issues with a fix flow in repairs.py; the other is fixed in WinCC.
FIXABLE = frozenset({ISSUE_TLS_UNVERIFIED})


def _issue_id(kind: str, entry: ConfigEntry) -> str:
    return f"{kind}_{entry.entry_id}"


@callback
def _report(hass: HomeAssistant, entry: ConfigEntry, kind: str, *, raised: bool) -> None:
    if not raised:
        ir.async_delete_issue(hass, DOMAIN, _issue_id(kind, entry))
        return
    fixable = kind in FIXABLE
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(kind, entry),
        is_fixable=fixable,
        data={"entry_id": entry.entry_id} if fixable else None,
        severity=ir.IssueSeverity.WARNING
        if kind == ISSUE_TLS_UNVERIFIED
        else ir.IssueSeverity.ERROR,
        translation_key=kind,
        translation_placeholders={"title": entry.title},
    )


@callback
def update_tls_issue(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Report unverified TLS for as long as the entry uses it."""
    settings = tls_settings(entry.data)
    unverified = not (settings.verify or settings.fingerprint or settings.ca_pem)
    _report(hass, entry, ISSUE_TLS_UNVERIFIED, raised=unverified)


@callback
def report_missing_runtime_right(hass: HomeAssistant, entry: ConfigEntry, *, missing: bool) -> None:
    """Report, or withdraw, that WinCC refuses the user tag access (the V20 right)."""
    _report(hass, entry, ISSUE_MISSING_RUNTIME_RIGHT, raised=missing)


@callback
def delete_entry_issues(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Forget every issue of an entry that is removed."""
    for kind in ENTRY_ISSUES:
        ir.async_delete_issue(hass, DOMAIN, _issue_id(kind, entry))
