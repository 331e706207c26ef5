"""HTTP plumbing both backends share: the session, timeouts, bounded concurrency, and
mapping transport failures and HTTP statuses onto the client's errors."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
import logging
from typing import Any

import aiohttp
import orjson
from yarl import URL

from .errors import (
    CONNECTION_MESSAGE,
    HTTP_MESSAGES,
    TIMEOUT_MESSAGE,
    CertificateError,
    CertificateNameMismatchError,
    ProtocolError,
    ServerBusyError,
    ServerError,
    WinCCConnectionError,
    WinCCError,
    WinCCTimeoutError,
)
from .tls import SslArgument, fetch_certificate, format_fingerprint

_LOGGER = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
# WinCC does not rate-limit its web clients, so the client limits itself.
DEFAULT_MAX_CONCURRENT = 4
# Redirects followed with the same method and body; 301 and 308 are remembered.
REDIRECTS = frozenset({301, 302, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
MAX_REDIRECTS = 3
# OpenSSL's verify codes for a certificate issued for another host name or IP address.
NAME_MISMATCH = frozenset({62, 64})


def _retry_after(headers: Any) -> float | None:
    raw: str | None = headers.get("Retry-After")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        try:
            moment = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None
        return max(0.0, (moment - datetime.now(moment.tzinfo)).total_seconds())


def decode_json(body: bytes, what: str) -> Any:
    """Decode a JSON body; anything else is a ``ProtocolError``."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as err:
        raise ProtocolError(f"The server's answer to {what} is not valid JSON") from err


@dataclass(frozen=True, slots=True)
class ServerAddress:
    """Where a server is and how to reach it: every backend and the detection take one."""

    host: str
    port: int
    ssl: SslArgument = True
    scheme: str = "https"
    timeout: float = DEFAULT_TIMEOUT
    max_concurrent: int = DEFAULT_MAX_CONCURRENT

    @property
    def base_url(self) -> str:
        """``scheme://host:port``."""
        return f"{self.scheme}://{self.host}:{self.port}"


class HttpTransport:
    """Sends requests to one server with a bounded number in flight."""

    def __init__(self, session: aiohttp.ClientSession | None, address: ServerAddress) -> None:
        """Talk to ``address`` through ``session`` (one is made if none)."""
        self.host = address.host
        self.port = address.port
        self.base_url = address.base_url
        self._session = session
        self._owns_session = session is None
        self._ssl = address.ssl if address.scheme == "https" else False
        self.timeout = address.timeout
        self._timeout = aiohttp.ClientTimeout(total=address.timeout)
        self._slots = asyncio.Semaphore(address.max_concurrent)
        self.server_time: datetime | None = None  # the Date of the latest answer
        # Paths the server moved for good (a 301 or 308 on this server), asked there since.
        self._moved: dict[str, str] = {}

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[bytes, Any]:
        """Send a request; return the raw body and the response headers.

        Non-success statuses raise the matching ``WinCCError``. A redirect on the same
        server is followed with the same method and body (an HTTP client would turn a
        POST into a GET on 301), and a permanent one is remembered.
        """
        data = None if json is None else orjson.dumps(json)
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        async with self._slots:
            asked = self._moved.get(path, path)
            for _ in range(MAX_REDIRECTS + 1):
                try:
                    async with self._client().request(
                        method,
                        f"{self.base_url}{asked}",
                        data=data,
                        headers=all_headers,
                        ssl=self._ssl,
                        timeout=self._timeout,
                        allow_redirects=False,
                    ) as response:
                        body = await response.read()
                        self._note_server_time(response.headers)
                        if response.status in REDIRECTS:
                            asked = self._redirected(path, asked, response)
                            continue
                        if response.status >= 300:
                            raise self._status_error(
                                response.status, response.headers, method, path, body
                            )
                        return body, response.headers
                except WinCCError:
                    raise
                except (TimeoutError, aiohttp.ClientError) as err:
                    raise await self._connection_error(err) from err
        raise ProtocolError(f"The server redirected {path} more than {MAX_REDIRECTS} times")

    def _redirected(self, path: str, asked: str, response: aiohttp.ClientResponse) -> str:
        """Where a redirect points, on this server only; a permanent one is remembered."""
        target = URL(f"{self.base_url}{asked}").join(URL(response.headers.get("Location", "")))
        if target.origin() != URL(self.base_url).origin():
            raise ProtocolError(
                f"The server redirected {path} to another address ({target.origin()}): "
                "enter that address instead"
            )
        moved = target.raw_path_qs
        _LOGGER.debug("%s redirected (HTTP %s) to %s", asked, response.status, moved)
        if response.status in PERMANENT_REDIRECTS:
            self._moved[path] = moved
        return moved

    async def websocket(
        self, path: str, protocol: str, headers: dict[str, str]
    ) -> aiohttp.ClientWebSocketResponse:
        """Open a WebSocket; failures map onto the client's errors like requests do."""
        url = f"{self.base_url.replace('http', 'ws', 1)}{self._moved.get(path, path)}"
        try:
            return await self._client().ws_connect(
                url,
                protocols=(protocol,),
                headers=headers,
                ssl=self._ssl,
                timeout=aiohttp.ClientWSTimeout(ws_close=self._timeout.total),
            )
        except aiohttp.WSServerHandshakeError as err:
            raise self._status_error(err.status, err.headers or {}, "GET", path) from err
        except (TimeoutError, aiohttp.ClientError) as err:
            raise await self._connection_error(err) from err

    async def _connection_error(self, err: Exception) -> WinCCError:
        """The client's error for a failed connection, timeout or TLS handshake."""
        if isinstance(err, aiohttp.ServerFingerprintMismatch):
            return await self._certificate_error(
                "The server's certificate does not match the trusted fingerprint",
                format_fingerprint(err.got),
            )
        if isinstance(err, aiohttp.ClientConnectorCertificateError):
            if getattr(err.certificate_error, "verify_code", None) in NAME_MISMATCH:
                return await self._certificate_error(
                    f"The server's certificate is not issued for {self.host}, which real "
                    "WinCC runtimes often have (one for localhost only): trust it by its "
                    "fingerprint instead, which does not depend on the host name",
                    None,
                    CertificateNameMismatchError,
                )
            return await self._certificate_error(
                f"The server's certificate is not trusted ({err.certificate_error})", None
            )
        if isinstance(err, TimeoutError):
            return WinCCTimeoutError(TIMEOUT_MESSAGE)
        if isinstance(err, aiohttp.ClientConnectorSSLError):
            return WinCCConnectionError(
                f"The TLS handshake with {self.host}:{self.port} failed: check that the "
                "port serves HTTPS"
            )
        return WinCCConnectionError(f"{CONNECTION_MESSAGE} ({err})")

    def _note_server_time(self, headers: Any) -> None:
        raw = headers.get("Date")
        if raw:
            try:
                self.server_time = parsedate_to_datetime(raw)
            except (TypeError, ValueError):
                self.server_time = None

    def _status_error(
        self, status: int, headers: Any, method: str, path: str, body: bytes = b""
    ) -> WinCCError:
        error_class, message = HTTP_MESSAGES.get(
            status,
            (ServerError, f"The server answered HTTP {status}")
            if status >= 500
            else (ProtocolError, f"The server refused the request with HTTP {status}"),
        )
        _LOGGER.debug("%s %s answered HTTP %s", method, path, status)
        if status in (429, 503):
            return ServerBusyError(
                HTTP_MESSAGES[503][1] if status == 503 else "The server is busy",
                _retry_after(headers),
            )
        said = server_says(body)
        return error_class(f"{message} (the server says: {said})" if said else message)

    async def _certificate_error(
        self,
        message: str,
        fingerprint: str | None,
        kind: type[CertificateError] = CertificateError,
    ) -> CertificateError:
        """Describe the presented certificate, so the user can decide to trust it."""
        try:
            presented = await fetch_certificate(self.host, self.port)
        except WinCCError:
            return kind(message, fingerprint, None)
        return kind(message, presented.fingerprint, presented.subject)

    async def close(self) -> None:
        """Close the session if this transport made it."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None


def server_says(body: bytes) -> str | None:
    """The reason in an error answer's JSON (``errorText``, ``error`` or ``message``, or
    the first GraphQL error's ``message``)."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(payload, dict):
        return None
    errors = payload.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        payload = errors[0]  # a GraphQL error answer
    for key in ("errorText", "error", "message"):
        if isinstance(payload.get(key), str) and payload[key].strip():
            return str(payload[key]).strip()[:300]
    return None
