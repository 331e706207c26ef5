"""The repair issues an entry raises while something on the WinCC side needs the user."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .client import CertificateError, MissingRuntimeRightError, WinCCError
from .connection import tls_settings
from .const import (
    CONF_PLAIN_HTTP,
    DOMAIN,
    ISSUE_CERTIFICATE_CHANGED,
    ISSUE_MISSING_RUNTIME_RIGHT,
    ISSUE_NO_WRITE_RIGHT,
    ISSUE_PLAIN_HTTP,
    ISSUE_TAG_RENAMED,
    ISSUE_TAGS_GONE,
    ISSUE_TLS_UNVERIFIED,
)

ENTRY_ISSUES = (
    ISSUE_TLS_UNVERIFIED,
    ISSUE_MISSING_RUNTIME_RIGHT,
    ISSUE_CERTIFICATE_CHANGED,
    ISSUE_TAGS_GONE,
    ISSUE_NO_WRITE_RIGHT,
    ISSUE_PLAIN_HTTP,
)
# The most tags an issue names; the fix flow lists them all.
NAMED_TAGS = 10
# Issues with a fix flow in repairs.py (trusting a certificate); the right is fixed in WinCC.
FIXABLE = frozenset({ISSUE_TLS_UNVERIFIED, ISSUE_CERTIFICATE_CHANGED})
# What a failed read can report, until the server answers again.
READ_ISSUES = (ISSUE_MISSING_RUNTIME_RIGHT, ISSUE_CERTIFICATE_CHANGED)


def _issue_id(kind: str, entry: ConfigEntry) -> str:
    return f"{kind}_{entry.entry_id}"


@callback
def _report(
    hass: HomeAssistant,
    entry: ConfigEntry,
    kind: str,
    *,
    raised: bool,
    placeholders: dict[str, str] | None = None,
) -> None:
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
        if kind in (ISSUE_TLS_UNVERIFIED, ISSUE_PLAIN_HTTP)
        else ir.IssueSeverity.ERROR,
        translation_key=kind,
        translation_placeholders={"title": entry.title, **(placeholders or {})},
    )


@callback
def update_tls_issue(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Report unverified TLS, or plain HTTP, for as long as the entry uses it."""
    settings = tls_settings(entry.data)
    plain = bool(entry.data.get(CONF_PLAIN_HTTP))
    unverified = not (settings.verify or settings.fingerprint or settings.ca_pem)
    _report(hass, entry, ISSUE_TLS_UNVERIFIED, raised=unverified and not plain)
    _report(hass, entry, ISSUE_PLAIN_HTTP, raised=plain)


@callback
def report_read_failure(hass: HomeAssistant, entry: ConfigEntry, err: WinCCError) -> None:
    """Raise the issue a failed read or login calls for, if any: WinCC refuses the user
    tag access (the V20 right), or the server presents another certificate."""
    if isinstance(err, MissingRuntimeRightError):
        _report(hass, entry, ISSUE_MISSING_RUNTIME_RIGHT, raised=True)
    elif isinstance(err, CertificateError):
        _report(
            hass,
            entry,
            ISSUE_CERTIFICATE_CHANGED,
            raised=True,
            placeholders={"fingerprint": err.fingerprint or "?"},
        )


@callback
def report_server_answered(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """The server answered as trusted and allowed: withdraw what failed reads raised."""
    for kind in READ_ISSUES:
        _report(hass, entry, kind, raised=False)


def tag_issue_id(entry: ConfigEntry, tag: str) -> str:
    """The ID of the issue about one tag of an entry."""
    return f"{_issue_id(ISSUE_TAG_RENAMED, entry)}_{tag}"


@callback
def report_tag_renamed(hass: HomeAssistant, entry: ConfigEntry, tag: str) -> None:
    """WinCC renamed an exposed tag: the user picks its new name (repairs.py)."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        tag_issue_id(entry, tag),
        is_fixable=True,
        data={"entry_id": entry.entry_id, "tag": tag},
        severity=ir.IssueSeverity.ERROR,
        translation_key=ISSUE_TAG_RENAMED,
        translation_placeholders={"title": entry.title, "tag": tag},
    )


@callback
def prune_tag_issues(hass: HomeAssistant, entry: ConfigEntry, exposed: Collection[str]) -> None:
    """Withdraw the issues about tags the entry no longer exposes."""
    prefix = tag_issue_id(entry, "")
    for domain, issue_id in list(ir.async_get(hass).issues):
        tag = issue_id.removeprefix(prefix)
        if domain == DOMAIN and issue_id.startswith(prefix) and tag not in exposed:
            ir.async_delete_issue(hass, DOMAIN, issue_id)


@callback
def delete_entry_issues(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Forget every issue of an entry that is removed."""
    for kind in ENTRY_ISSUES:
        ir.async_delete_issue(hass, DOMAIN, _issue_id(kind, entry))
    prune_tag_issues(hass, entry, ())


def gone_issue_id(entry: ConfigEntry) -> str:
    """The ID of the issue about the entry's tags gone from the server."""
    return _issue_id(ISSUE_TAGS_GONE, entry)


def named(tags: Sequence[str]) -> str:
    """Tags for a message: the first ``NAMED_TAGS``, and how many more."""
    shown = ", ".join(tags[:NAMED_TAGS])
    return shown if len(tags) <= NAMED_TAGS else f"{shown} (+{len(tags) - NAMED_TAGS})"


@callback
def report_tags_gone(hass: HomeAssistant, entry: ConfigEntry, gone: Sequence[str]) -> None:
    """Tags the server no longer knows: the fix flow stops exposing them (repairs.py).
    No tag gone withdraws the issue."""
    if not gone:
        ir.async_delete_issue(hass, DOMAIN, gone_issue_id(entry))
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        gone_issue_id(entry),
        is_fixable=True,
        data={"entry_id": entry.entry_id},
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE_TAGS_GONE,
        translation_placeholders={
            "title": entry.title,
            "tags": named(gone),
            "count": str(len(gone)),
        },
    )


@callback
def report_write_right(
    hass: HomeAssistant, entry: ConfigEntry, *, refused: str | None, username: str = ""
) -> None:
    """A write refused for want of permission (``refused`` names the tag), while tags
    are configured writable; None withdraws the issue (a write went through, or no tag
    is writable any more)."""
    _report(
        hass,
        entry,
        ISSUE_NO_WRITE_RIGHT,
        raised=refused is not None,
        placeholders={"tag": refused or "", "username": username},
    )
