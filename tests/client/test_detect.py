"""Detecting which API a server speaks, and building the matching client."""

from collections.abc import Iterator
import ssl

import aiohttp
from aiohttp import web
import pytest

from custom_components.wincc.client import (
    CertificateError,
    ClassicClient,
    NotWinCCError,
    ServerAddress,
    ServerType,
    UnifiedClient,
    WinCCConnectionError,
    create_client,
    detect,
)
from simulator.clock import Clock
from simulator.runtime import Runtime
from simulator.server import Simulator, SimulatorThread
from tests.client.conftest import server
from tests.conftest import SIM_START, SimHandle


async def test_detects_both_faces(
    wincc_sim: SimHandle, session: aiohttp.ClientSession, sim_ssl: ssl.SSLContext
) -> None:
    """The Unified port speaks GraphQL; the classic port the REST service."""
    unified = server(wincc_sim.unified_url, sim_ssl)
    assert await detect(session, unified) is ServerType.UNIFIED
    assert await detect(session, server(wincc_sim.classic_url, sim_ssl)) is ServerType.CLASSIC


async def test_detect_reports_an_untrusted_certificate(
    wincc_sim: SimHandle, session: aiohttp.ClientSession
) -> None:
    """The certificate step of the config flow needs the fingerprint from detection."""
    with pytest.raises(CertificateError) as err:
        await detect(session, server(wincc_sim.unified_url))
    assert err.value.fingerprint == wincc_sim.certificate.fingerprint


@pytest.fixture
def plain_sim(socket_enabled: None) -> Iterator[SimulatorThread]:
    """A simulator over plain HTTP."""
    thread = SimulatorThread(
        Simulator(
            Runtime(Clock(frozen_at=SIM_START)),
            unified_port=0,
            classic_port=0,
            oa_reporting_port=0,
            oa_graphql_port=0,
        )
    )
    thread.start()
    yield thread
    thread.stop()


async def test_plain_http(plain_sim: SimulatorThread, session: aiohttp.ClientSession) -> None:
    """With scheme http no TLS is used, and both clients work."""
    assert plain_sim.endpoints is not None
    unified = server(plain_sim.endpoints.unified_url, scheme="http")
    assert await detect(session, unified) is ServerType.UNIFIED
    client = create_client(ServerType.UNIFIED, session, unified, "operator", "operator")
    assert isinstance(client, UnifiedClient)
    assert (await client.read(["HMI_RT_1::Batch_Name"]))["HMI_RT_1::Batch_Name"].ok
    await client.close()
    classic = server(plain_sim.endpoints.classic_url, scheme="http")
    client = create_client(ServerType.CLASSIC, session, classic, "operator", "operator")
    assert isinstance(client, ClassicClient)
    assert (await client.read(["Batch_Name"]))["Batch_Name"].ok


async def test_something_else_is_not_wincc(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """A web server that is neither API: a clear NotWinCCError."""

    async def teapot(_request: web.Request) -> web.Response:
        return web.Response(status=418, text="I'm a teapot")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", teapot)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        with pytest.raises(NotWinCCError, match="but not as WinCC Unified"):
            await detect(session, ServerAddress("127.0.0.1", port, scheme="http"))
    finally:
        await runner.cleanup()


async def test_a_json_server_that_is_not_graphql(
    socket_enabled: None, session: aiohttp.ClientSession
) -> None:
    """JSON that is not a GraphQL answer, and a 404 REST path: not WinCC."""

    async def handler(request: web.Request) -> web.Response:
        if request.path == "/graphql":
            return web.json_response([1, 2, 3])
        return web.Response(status=404)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        with pytest.raises(NotWinCCError):
            await detect(session, ServerAddress("127.0.0.1", runner.addresses[0][1], scheme="http"))
    finally:
        await runner.cleanup()


async def test_https_to_a_plain_http_port(
    plain_sim: SimulatorThread, session: aiohttp.ClientSession
) -> None:
    """Speaking TLS to a port that serves plain HTTP is a connection error that says so."""
    assert plain_sim.endpoints is not None
    client = UnifiedClient(session, server(plain_sim.endpoints.unified_url), "operator", "operator")
    with pytest.raises(WinCCConnectionError, match="HTTPS"):
        await client.login()
