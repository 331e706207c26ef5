"""Clients of every backend, connected to a fresh simulator that they trust."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
import ssl
from urllib.parse import urlsplit

import aiohttp
import pytest

from custom_components.wincc.client import (
    ClassicClient,
    OaGraphQLClient,
    ServerAddress,
    UnifiedClient,
)
from custom_components.wincc.client.tls import SslArgument
from tests.conftest import SimHandle


def address(url: str) -> tuple[str, int]:
    """Host and port of a URL."""
    parts = urlsplit(url)
    assert parts.hostname is not None
    assert parts.port is not None
    return parts.hostname, parts.port


def server(url: str, ssl: SslArgument = True, scheme: str = "https") -> ServerAddress:
    """The address of the server behind a URL."""
    return ServerAddress(*address(url), ssl=ssl, scheme=scheme)


@dataclass
class RequestCounter:
    """Counts the HTTP requests a session sends (through aiohttp's tracing)."""

    count: int = 0

    def trace_config(self) -> aiohttp.TraceConfig:
        """A trace configuration that counts request starts."""
        config = aiohttp.TraceConfig()

        async def started(*_args: object) -> None:
            self.count += 1

        config.on_request_start.append(started)
        return config


@pytest.fixture
def requests() -> RequestCounter:
    """How many requests the test's session has sent."""
    return RequestCounter()


@pytest.fixture
async def session(requests: RequestCounter) -> AsyncIterator[aiohttp.ClientSession]:
    """The injected session, as Home Assistant would give one."""
    async with aiohttp.ClientSession(trace_configs=[requests.trace_config()]) as client_session:
        yield client_session


class MonotonicClock:
    """A monotonic clock the test moves, so session renewal is deterministic."""

    def __init__(self) -> None:
        """Start at zero."""
        self.now = 0.0

    def __call__(self) -> float:
        """The current reading."""
        return self.now


@pytest.fixture
def monotonic() -> MonotonicClock:
    """The clock the Unified client schedules renewals with."""
    return MonotonicClock()


@pytest.fixture
async def unified(
    session: aiohttp.ClientSession,
    wincc_sim: SimHandle,
    sim_ssl: ssl.SSLContext,
    monotonic: MonotonicClock,
) -> AsyncIterator[UnifiedClient]:
    """A Unified client logged in as the operator."""
    client = UnifiedClient(
        session,
        server(wincc_sim.unified_url, sim_ssl),
        "operator",
        "operator",
        monotonic=monotonic,
    )
    yield client
    await client.close()


@pytest.fixture
async def classic(
    session: aiohttp.ClientSession, wincc_sim: SimHandle, sim_ssl: ssl.SSLContext
) -> AsyncIterator[ClassicClient]:
    """A classic client as the operator."""
    client = ClassicClient(session, server(wincc_sim.classic_url, sim_ssl), "operator", "operator")
    yield client
    await client.close()


def oa_graphql_address(sim: SimHandle) -> ServerAddress:
    """The address of the WinCC OA GraphQL example's face (plain HTTP)."""
    return server(sim.oa_graphql_url, scheme="http")


@pytest.fixture
async def oa(
    session: aiohttp.ClientSession, wincc_sim: SimHandle
) -> AsyncIterator[OaGraphQLClient]:
    """A client of the WinCC OA GraphQL example, logged in as the operator."""
    client = OaGraphQLClient(session, oa_graphql_address(wincc_sim), "operator", "operator")
    await client.login()
    yield client
    await client.close()
