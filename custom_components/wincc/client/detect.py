"""Find out which WinCC API a server speaks, and build the matching client."""

from __future__ import annotations

import aiohttp

from .backend import WinCCClient
from .classic import ClassicClient
from .errors import InvalidArgumentError, NotWinCCError
from .models import ServerType
from .oa_graphql import OaGraphQLClient
from .oa_reporting import OaReportingClient
from .transport import HttpTransport, ServerAddress
from .unified import UnifiedClient
from .unified_pair import UnifiedPairClient

# Every backend, in the order detection tries them.
BACKENDS: dict[ServerType, type[WinCCClient]] = {
    # Before Unified: both answer GraphQL, and the example refuses Unified's probe.
    ServerType.OA_GRAPHQL: OaGraphQLClient,
    ServerType.UNIFIED: UnifiedClient,
    ServerType.CLASSIC: ClassicClient,
    ServerType.OA_REPORTING: OaReportingClient,
}


async def detect(session: aiohttp.ClientSession | None, address: ServerAddress) -> ServerType:
    """Ask each backend in turn whether the server at ``address`` speaks its API.

    Certificate, connection and timeout errors propagate, so the caller can ask the
    user to trust a certificate or to check the address.
    """
    transport = HttpTransport(session, address)
    try:
        for server_type, backend in BACKENDS.items():
            if await backend.speaks(transport):
                return server_type
    finally:
        await transport.close()
    raise NotWinCCError(
        f"{address.host}:{address.port} answers, but not as WinCC Unified (GraphQL), the "
        "WinCC V7/V8 REST service, or WinCC OA (REST Reporting or the GraphQL application "
        "example): check the port"
    )


def create_client(
    server_type: ServerType,
    session: aiohttp.ClientSession | None,
    address: ServerAddress,
    username: str,
    password: str,
    partner: ServerAddress | None = None,
) -> WinCCClient:
    """The client for a server type; with a ``partner``, for a redundant WinCC Unified
    pair (the first address is asked first)."""
    if partner is None:
        return BACKENDS[server_type](session, address, username, password)
    if server_type is not ServerType.UNIFIED:
        raise InvalidArgumentError("Only WinCC Unified servers form redundant pairs")
    return UnifiedPairClient(session, address, partner, username, password)
