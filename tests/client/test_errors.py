"""Every error class, produced through the simulator's faults, on both backends."""

from collections.abc import AsyncIterator
import socket
import ssl

import aiohttp
import pytest

from custom_components.wincc.client import (
    CertificateError,
    ClassicClient,
    ProtocolError,
    ServerAddress,
    ServerBusyError,
    ServerError,
    TlsSettings,
    UnifiedClient,
    WinCCClient,
    WinCCConnectionError,
    WinCCTimeoutError,
)
from tests.client.conftest import address, server
from tests.conftest import SimHandle

TAGS = {"unified": ["HMI_RT_1::Tank1_Level"], "classic": ["Tank1_Level"]}


@pytest.fixture(params=["unified", "classic"])
async def client(
    request: pytest.FixtureRequest,
    wincc_sim: SimHandle,
    session: aiohttp.ClientSession,
    sim_ssl: ssl.SSLContext,
) -> AsyncIterator[tuple[WinCCClient, list[str]]]:
    """Each backend in turn, with a short timeout."""
    backend = UnifiedClient if request.param == "unified" else ClassicClient
    url = wincc_sim.unified_url if request.param == "unified" else wincc_sim.classic_url
    short = ServerAddress(*address(url), ssl=sim_ssl, timeout=1.0)
    instance = backend(session, short, "operator", "operator")
    yield instance, TAGS[request.param]
    await instance.close()


async def test_server_error(client: tuple[WinCCClient, list[str]], wincc_sim: SimHandle) -> None:
    """HTTP 500 is a ServerError that tells the user to check the event log."""
    backend, tags = client
    await backend.login()
    wincc_sim.faults(error_rate=1.0, error_status=500)
    with pytest.raises(ServerError, match="event log"):
        await backend.read(tags)


async def test_busy_carries_retry_after(
    client: tuple[WinCCClient, list[str]], wincc_sim: SimHandle
) -> None:
    """HTTP 503 is ServerBusyError with the server's Retry-After hint."""
    backend, tags = client
    await backend.login()
    wincc_sim.faults(error_rate=1.0, error_status=503, retry_after=7)
    with pytest.raises(ServerBusyError) as err:
        await backend.read(tags)
    assert err.value.retry_after == 7


async def test_paused_runtime_is_busy_without_hint(
    client: tuple[WinCCClient, list[str]], wincc_sim: SimHandle
) -> None:
    """A stopped runtime answers 503; there is no hint, so none is invented."""
    backend, tags = client
    wincc_sim.faults(paused=True)
    with pytest.raises(ServerBusyError, match="start the runtime") as err:
        await backend.read(tags)
    assert err.value.retry_after is None


async def test_dropped_connection(
    client: tuple[WinCCClient, list[str]], wincc_sim: SimHandle
) -> None:
    """A dropped connection is a WinCCConnectionError."""
    backend, tags = client
    await backend.login()
    wincc_sim.faults(drop_rate=1.0)
    with pytest.raises(WinCCConnectionError):
        await backend.read(tags)


async def test_malformed_answer(
    client: tuple[WinCCClient, list[str]], wincc_sim: SimHandle
) -> None:
    """Broken JSON is a ProtocolError."""
    backend, tags = client
    await backend.login()
    wincc_sim.faults(malformed_rate=1.0)
    with pytest.raises(ProtocolError, match="not valid JSON"):
        await backend.read(tags)


async def test_timeout(client: tuple[WinCCClient, list[str]], wincc_sim: SimHandle) -> None:
    """An answer slower than the client's timeout is a WinCCTimeoutError."""
    backend, tags = client
    await backend.login()
    wincc_sim.faults(latency_ms=3000)
    with pytest.raises(WinCCTimeoutError):
        await backend.read(tags)
    wincc_sim.faults(latency_ms=0)
    assert (await backend.read(tags))[tags[0]].ok


async def test_connection_refused(socket_enabled: None, session: aiohttp.ClientSession) -> None:
    """Nothing listening: a WinCCConnectionError that names the port and firewall."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = ClassicClient(session, ServerAddress("127.0.0.1", port), "operator", "operator")
    with pytest.raises(WinCCConnectionError, match="firewall"):
        await client.read(["Tank1_Level"])


@pytest.mark.parametrize("backend", [UnifiedClient, ClassicClient])
async def test_untrusted_certificate(
    wincc_sim: SimHandle,
    session: aiohttp.ClientSession,
    backend: type[UnifiedClient] | type[ClassicClient],
) -> None:
    """With default verification, the self-signed certificate is refused, and the
    error carries what the user needs to decide: its fingerprint and subject."""
    client = backend(session, server(wincc_sim.unified_url), "operator", "operator")
    with pytest.raises(CertificateError) as err:
        await client.login()
    assert err.value.fingerprint == wincc_sim.certificate.fingerprint
    assert err.value.subject is not None
    assert "CN=wincc-sim" in err.value.subject


async def test_pinned_fingerprint(wincc_sim: SimHandle, session: aiohttp.ClientSession) -> None:
    """A matching pin connects; a different pin is refused with the real fingerprint."""
    good = TlsSettings(fingerprint=wincc_sim.certificate.fingerprint).ssl_argument()
    client = UnifiedClient(session, server(wincc_sim.unified_url, good), "operator", "operator")
    assert (await client.read(["HMI_RT_1::Batch_Name"]))["HMI_RT_1::Batch_Name"].ok
    await client.close()
    wrong = TlsSettings(fingerprint="AB" * 32).ssl_argument()
    client = UnifiedClient(session, server(wincc_sim.unified_url, wrong), "operator", "operator")
    with pytest.raises(CertificateError, match="does not match") as err:
        await client.login()
    assert err.value.fingerprint == wincc_sim.certificate.fingerprint


async def test_ca_certificate_and_explicit_no_verification(
    wincc_sim: SimHandle, session: aiohttp.ClientSession
) -> None:
    """The simulator's certificate given as CA is trusted; so is anything with verify off."""
    pem = wincc_sim.certificate.cert_path.read_text()
    for settings in (TlsSettings(ca_pem=pem), TlsSettings(verify=False)):
        address = server(wincc_sim.classic_url, settings.ssl_argument())
        client = ClassicClient(session, address, "operator", "operator")
        await client.login()
        await client.close()
