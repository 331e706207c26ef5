"""The client's errors: one hierarchy under ``WinCCError``.

Each message says what the user should check, in the words of the troubleshooting
tables WinCC users rely on.
"""

from __future__ import annotations


class WinCCError(Exception):
    """Base of every error the client raises."""


class AuthenticationError(WinCCError):
    """Wrong user or password, an expired session, or a user without the API right."""


class PermissionDeniedError(WinCCError):
    """Authenticated, but not allowed to do this."""


class MissingRuntimeRightError(PermissionDeniedError):
    """WinCC Unified V20 answers FORBIDDEN to tag reads and writes until the user holds
    the runtime right "Openness Runtime - read and write access"."""


class NotFoundError(WinCCError):
    """A wrong endpoint, API version, or name."""


class WinCCConnectionError(WinCCError):
    """The server could not be reached, or the connection dropped."""


class WinCCTimeoutError(WinCCError):
    """The server did not answer in time."""


class ServerBusyError(WinCCError):
    """The service or runtime is not running or overloaded (HTTP 503)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        """Carry the server's ``Retry-After`` hint in seconds, when it gave one."""
        super().__init__(message)
        self.retry_after = retry_after


class ServerError(WinCCError):
    """The runtime failed while answering (HTTP 500 or a generic error)."""


class ProtocolError(WinCCError):
    """The server answered something that is not what the API defines."""


class NotWinCCError(ProtocolError):
    """Something answered, but it speaks neither WinCC API."""


class InvalidArgumentError(WinCCError, ValueError):
    """A request the server or the client refuses: a bad value, filter or time range."""


class UnsupportedFeatureError(WinCCError):
    """The server (or its API) does not offer this operation."""


class CertificateError(WinCCError):
    """The server's TLS certificate is not trusted, or does not match the pinned one."""

    def __init__(self, message: str, fingerprint: str | None, subject: str | None) -> None:
        """Carry the presented certificate's SHA-256 fingerprint and subject."""
        super().__init__(message)
        self.fingerprint = fingerprint
        self.subject = subject


class CertificateNameMismatchError(CertificateError):
    """The certificate is trusted, but issued for another host name or address."""


HTTP_MESSAGES: dict[int, tuple[type[WinCCError], str]] = {
    401: (
        AuthenticationError,
        "The server refused the credentials: check the user name and password, and "
        "that the user holds the right to use the web API",
    ),
    403: (
        PermissionDeniedError,
        "The user may not do this: grant the tag or operation permission, or use a user "
        "with more rights",
    ),
    404: (
        NotFoundError,
        "The server does not know this address or name: check the URL, the port and the "
        "tag name (tag names are case-sensitive)",
    ),
    # Web servers that are not WinCC answer a WinCC request with these, among others.
    405: (NotFoundError, "The server does not take this request here: check the port"),
    500: (ServerError, "The WinCC runtime failed: check the WinCC event log"),
    501: (NotFoundError, "The server does not implement this request: check the port"),
    503: (
        ServerBusyError,
        "The WinCC web service or runtime is not running: enable the service and start the runtime",
    ),
}
CONNECTION_MESSAGE = (
    "Cannot connect to the server: check the host, the port and the firewall, and that "
    "the WinCC web service is enabled"
)
TIMEOUT_MESSAGE = "The server did not answer in time: check the network and the server load"

OPENNESS_RIGHT = "Openness Runtime - read and write access"
MISSING_RIGHT_MESSAGE = (
    f"The user may log in, but WinCC refuses tag reads and writes: give the user a role "
    f'with the runtime right "{OPENNESS_RIGHT}"'
)
