"""Find out which WinCC API a server speaks, and build the matching client."""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp

from .classic import BASE_PATH, ClassicClient
from .errors import AuthenticationError, NotFoundError, NotWinCCError, ProtocolError
from .models import ServerType
from .protocol import WinCCClient
from .tls import SslArgument
from .transport import DEFAULT_TIMEOUT, HttpTransport, decode_json
from .unified import GRAPHQL_PATH, UnifiedClient


async def _speaks_unified(transport: HttpTransport) -> bool:
    try:
        body, _ = await transport.request("POST", GRAPHQL_PATH, json={"query": "{__typename}"})
        answer = decode_json(body, "GraphQL")
    except (NotFoundError, ProtocolError, AuthenticationError):
        return False
    return isinstance(answer, Mapping) and ("data" in answer or "errors" in answer)


async def _speaks_classic(transport: HttpTransport) -> bool:
    try:
        await transport.request("GET", f"{BASE_PATH}/tagManagement/Connections?itemLimit=1")
    except AuthenticationError:
        return True  # the service exists and wants credentials
    except (NotFoundError, ProtocolError):
        return False
    return True


async def detect(
    session: aiohttp.ClientSession | None,
    host: str,
    port: int,
    *,
    ssl: SslArgument = True,
    scheme: str = "https",
    request_timeout: float = DEFAULT_TIMEOUT,
) -> ServerType:
    """Probe ``host:port`` for the Unified GraphQL endpoint, then the classic REST service.

    Certificate, connection and timeout errors propagate, so the caller can ask the
    user to trust a certificate or to check the address.
    """
    transport = HttpTransport(session, host, port, ssl=ssl, scheme=scheme, timeout=request_timeout)
    try:
        if await _speaks_unified(transport):
            return ServerType.UNIFIED
        if await _speaks_classic(transport):
            return ServerType.CLASSIC
    finally:
        await transport.close()
    raise NotWinCCError(
        f"{host}:{port} answers, but neither as WinCC Unified (GraphQL) nor as the WinCC "
        "V7/V8 REST service: check the port"
    )


def create_client(
    server_type: ServerType,
    session: aiohttp.ClientSession | None,
    host: str,
    port: int,
    username: str,
    password: str,
    *,
    ssl: SslArgument = True,
    scheme: str = "https",
    timeout: float = DEFAULT_TIMEOUT,
) -> WinCCClient:
    """The client for a server type."""
    backend: type[UnifiedClient] | type[ClassicClient] = (
        UnifiedClient if server_type is ServerType.UNIFIED else ClassicClient
    )
    return backend(session, host, port, username, password, ssl=ssl, scheme=scheme, timeout=timeout)
