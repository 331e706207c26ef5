"""Form errors for failed connection attempts, shared by every flow step."""

from __future__ import annotations

import logging

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME

from .client import (
    AuthenticationError,
    MissingRuntimeRightError,
    NotFoundError,
    NotWinCCError,
    PermissionDeniedError,
    ProtocolError,
    ServerBusyError,
    WinCCConnectionError,
    WinCCError,
    WinCCTimeoutError,
)

_LOGGER = logging.getLogger(__name__)

# Field-level form errors, the most specific class first.
_FORM_ERRORS: tuple[tuple[type[WinCCError], str, str], ...] = (
    (AuthenticationError, CONF_PASSWORD, "invalid_auth"),
    (MissingRuntimeRightError, CONF_USERNAME, "missing_runtime_right"),
    (PermissionDeniedError, CONF_USERNAME, "no_permission"),
    (NotWinCCError, CONF_PORT, "not_wincc"),
    (ProtocolError, CONF_PORT, "not_wincc"),
    (NotFoundError, CONF_PORT, "not_wincc"),
    (WinCCTimeoutError, CONF_HOST, "timeout"),
    (WinCCConnectionError, CONF_HOST, "cannot_connect"),
    (ServerBusyError, "base", "server_busy"),
)


def form_errors(err: Exception) -> dict[str, str]:
    """The form error for a failed connection attempt."""
    for kind, field, key in _FORM_ERRORS:
        if isinstance(err, kind):
            return {field: key}
    _LOGGER.exception("Unexpected error while connecting to WinCC")
    return {"base": "unknown"}
