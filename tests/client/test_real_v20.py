"""The client against wincc-sim playing a WinCC Unified V20 runtime, as real ones answer:
``/graphql`` moved to ``/graphql/`` (301), Apollo's preflight header required, and tag
access only with the Openness runtime right."""

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
import ssl

import aiohttp
from aiohttp import web
import pytest

from custom_components.wincc.client import (
    CertificateError,
    MissingRuntimeRightError,
    PermissionDeniedError,
    ProtocolError,
    ServerType,
    TlsSettings,
    UnifiedClient,
    detect,
)
from custom_components.wincc.client.transport import HttpTransport
from simulator.certificate import Certificate, ensure_certificate
from simulator.runtime import RuntimeOptions
from tests.client.conftest import MonotonicClock, RequestCounter, server
from tests.client.test_push import ALARMS, QUICK, Recorder, stop
from tests.conftest import AppThread, SimHandle, running_simulator

LEVEL = "HMI_RT_1::Tank1_Level"


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """Every V20 behaviour at once (what ``wincc-sim --profile v20`` sets)."""
    return RuntimeOptions(graphql_redirect=True, require_preflight=True, openness_right=True)


async def test_the_moved_endpoint_is_followed_with_the_post_and_remembered(
    unified: UnifiedClient, requests: RequestCounter, wincc_sim: SimHandle
) -> None:
    """The first POST meets the 301 and is sent again as a POST (an HTTP client would
    have turned it into a GET, which the server refuses); later ones go straight there."""
    await unified.login()
    first = requests.count
    values = await unified.read([LEVEL])
    assert values[LEVEL].ok
    assert requests.count == first + 1  # no second trip through the redirect
    results = await unified.write({"HMI_RT_1::Oven_Setpoint": 200.0})
    assert results["HMI_RT_1::Oven_Setpoint"].ok
    assert wincc_sim.value("Oven_Setpoint") == 200.0


async def test_detection_follows_the_moved_endpoint(
    session: aiohttp.ClientSession, wincc_sim: SimHandle, sim_ssl: ssl.SSLContext
) -> None:
    """Auto-detection recognises a V20 runtime too."""
    assert await detect(session, server(wincc_sim.unified_url, sim_ssl)) is ServerType.UNIFIED


async def test_push_connects_where_the_endpoint_moved(unified: UnifiedClient) -> None:
    """The WebSocket opens at the remembered ``/graphql/``."""
    await unified.login()
    recorder = Recorder()
    feed = unified.push(recorder, [LEVEL], ALARMS, backoff=QUICK)
    task = asyncio.create_task(feed.run())
    try:
        await recorder.until(lambda: recorder.started == 1 and len(recorder.values) == 1)
        assert recorder.values[0].ok
    finally:
        await stop(task)


async def test_a_user_without_the_openness_right_is_told_which_right(
    session: aiohttp.ClientSession, wincc_sim: SimHandle, sim_ssl: ssl.SSLContext
) -> None:
    """The login works, but tag access is FORBIDDEN: the first login says so, naming the
    right, and it is never a wrong password."""
    client = UnifiedClient(session, server(wincc_sim.unified_url, sim_ssl), "engineer", "engineer")
    try:
        with pytest.raises(MissingRuntimeRightError, match="Openness Runtime - read and write"):
            await client.login()
        with pytest.raises(PermissionDeniedError):
            await client.read([LEVEL])
    finally:
        await client.close()


async def test_a_redirect_to_another_server_is_refused(
    socket_enabled: None,
    session: aiohttp.ClientSession,
    sim_certificate: Certificate,
    sim_ssl: ssl.SSLContext,
) -> None:
    """The client never carries its credentials to another address on its own."""

    async def elsewhere(_request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("https://192.0.2.1/graphql/")

    app = web.Application()
    app.router.add_route("*", "/graphql", elsewhere)
    with AppThread(app, sim_certificate.server_context()) as other:
        client = UnifiedClient(
            session, server(f"https://127.0.0.1:{other.port}", sim_ssl), "operator", "operator"
        )
        try:
            with pytest.raises(ProtocolError, match="another address"):
                await client.login()
        finally:
            await client.close()


async def test_temporary_redirects_are_followed_but_not_remembered_and_loops_end(
    socket_enabled: None, sim_certificate: Certificate, sim_ssl: ssl.SSLContext
) -> None:
    """A 307 is followed with the same POST each time; a loop ends in a clear error."""
    asked: list[str] = []

    async def answer(request: web.Request) -> web.Response:
        asked.append(f"{request.method} {request.path}")
        if request.path == "/graphql":
            raise web.HTTPTemporaryRedirect("/graphql/now")
        if request.path == "/loop":
            raise web.HTTPPermanentRedirect("/loop")
        return web.json_response({"data": {"__typename": "Query"}})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    with AppThread(app, sim_certificate.server_context()) as other:
        transport = HttpTransport(None, server(f"https://127.0.0.1:{other.port}", sim_ssl))
        try:
            for _ in range(2):
                await transport.request("POST", "/graphql", json={"query": "{__typename}"})
            assert asked == ["POST /graphql", "POST /graphql/now"] * 2
            with pytest.raises(ProtocolError, match="more than 3 times"):
                await transport.request("POST", "/loop", json={})
        finally:
            await transport.close()


@pytest.fixture
def localhost_sim(socket_enabled: None, tmp_path: Path) -> Iterator[SimHandle]:
    """wincc-sim with a certificate issued for localhost only, reached at 127.0.0.1."""
    certificate = ensure_certificate(tmp_path, localhost_only=True)
    with running_simulator(certificate, RuntimeOptions()) as sim:
        yield sim


async def test_a_localhost_certificate_is_trusted_by_its_fingerprint(
    session: aiohttp.ClientSession, localhost_sim: SimHandle
) -> None:
    """A pinned fingerprint does not depend on the host name: the login works."""
    pinned = TlsSettings(fingerprint=localhost_sim.certificate.fingerprint).ssl_argument()
    client = UnifiedClient(
        session, server(localhost_sim.unified_url, pinned), "operator", "operator"
    )
    try:
        await client.login()
        assert (await client.read([LEVEL]))[LEVEL].ok
    finally:
        await client.close()


async def test_a_localhost_certificate_under_ca_trust_says_why(
    session: aiohttp.ClientSession, localhost_sim: SimHandle
) -> None:
    """Trusted as a CA, it still fails the host-name check: an error of its own that
    says to pin the fingerprint instead."""
    pem = localhost_sim.certificate.cert_path.read_text(encoding="ascii")
    trusted = TlsSettings(ca_pem=pem).ssl_argument()
    client = UnifiedClient(
        session, server(localhost_sim.unified_url, trusted), "operator", "operator"
    )
    try:
        with pytest.raises(CertificateError, match=r"not issued for 127\.0\.0\.1") as caught:
            await client.login()
        assert caught.value.fingerprint == localhost_sim.certificate.fingerprint
    finally:
        await client.close()


async def test_75_minute_tokens_are_renewed_before_they_expire(
    unified: UnifiedClient, wincc_sim: SimHandle, monotonic: MonotonicClock
) -> None:
    """With V20's 75-minute tokens, a read in the last minute before expiry extends the
    session in time, again and again (through the moved endpoint)."""
    wincc_sim.thread.call(
        lambda: setattr(wincc_sim.runtime.sessions, "lifetime", timedelta(minutes=75))
    )
    await unified.login()
    for _ in range(3):
        wincc_sim.advance(74.5 * 60)
        monotonic.now += 74.5 * 60
        assert (await unified.read([LEVEL]))[LEVEL].ok
    (session,) = wincc_sim.thread.call(
        lambda: wincc_sim.runtime.sessions.of_user(
            wincc_sim.runtime.directory.authenticate("operator", "operator")
        )
    )  # type: ignore[arg-type]
    assert session.id == 1  # renewed, never replaced by a new login
    assert session.expires == wincc_sim.runtime.clock.now() + timedelta(minutes=75)
