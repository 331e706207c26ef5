"""Maps client errors onto Home Assistant's, once, with translated messages.

The coordinators and actions that call the client catch its errors and raise what
these return; entities never see a client error.
"""

from __future__ import annotations

from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    HomeAssistantError,
    ServiceValidationError,
)
from homeassistant.helpers.update_coordinator import UpdateFailed

from .client import (
    AuthenticationError,
    CertificateError,
    InvalidArgumentError,
    MissingRuntimeRightError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    ServerBusyError,
    ServerError,
    UnsupportedFeatureError,
    WinCCConnectionError,
    WinCCError,
    WinCCTimeoutError,
)
from .const import DOMAIN

# The most specific class first: translation keys in translations/*.json "exceptions".
_KEYS: tuple[tuple[type[WinCCError], str], ...] = (
    (AuthenticationError, "invalid_auth"),
    (MissingRuntimeRightError, "missing_runtime_right"),
    (PermissionDeniedError, "no_permission"),
    (CertificateError, "certificate_not_trusted"),
    (WinCCTimeoutError, "timeout"),
    (WinCCConnectionError, "cannot_connect"),
    (ServerBusyError, "server_busy"),
    (ServerError, "server_error"),
    (NotFoundError, "not_found"),
    (ProtocolError, "protocol_error"),
    (UnsupportedFeatureError, "unsupported"),
    (InvalidArgumentError, "invalid_argument"),
)


def translation_key(err: WinCCError) -> str:
    """The translation key that describes a client error."""
    return next((key for kind, key in _KEYS if isinstance(err, kind)), "unknown_error")


def auth_failed(err: AuthenticationError) -> ConfigEntryAuthFailed:
    """Refused credentials: Home Assistant starts re-authentication."""
    return ConfigEntryAuthFailed(
        translation_domain=DOMAIN,
        translation_key="invalid_auth",
        translation_placeholders={"error": str(err)},
    )


def update_failed(err: WinCCError, retry_after_cap: float) -> UpdateFailed:
    """An ``UpdateFailed`` for a failed poll, honouring the server's retry hint up to
    ``retry_after_cap`` seconds."""
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key=translation_key(err),
        translation_placeholders={"error": str(err)},
        retry_after=min(err.retry_after, retry_after_cap)
        if isinstance(err, ServerBusyError) and err.retry_after is not None
        else None,
    )


def action_failed(err: WinCCError) -> HomeAssistantError:
    """The error a user sees when an action (a write, an acknowledgment) fails.

    A request the server or client refuses as invalid is the caller's mistake
    (``ServiceValidationError``); everything else is a failure (``HomeAssistantError``).
    """
    error_class = (
        ServiceValidationError
        if isinstance(err, InvalidArgumentError | UnsupportedFeatureError)
        else HomeAssistantError
    )
    return error_class(
        translation_domain=DOMAIN,
        translation_key=translation_key(err),
        translation_placeholders={"error": str(err)},
    )
