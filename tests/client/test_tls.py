"""TLS settings, fingerprints, and fetching a server's certificate."""

import asyncio
import socket

import pytest

from custom_components.wincc.client import (
    InvalidArgumentError,
    ProtocolError,
    TlsSettings,
    WinCCConnectionError,
    fetch_certificate,
)
from custom_components.wincc.client.tls import format_fingerprint, parse_fingerprint
from tests.client.conftest import address
from tests.conftest import SimHandle


def test_fingerprint_forms() -> None:
    """With colons, without, lower or upper case: the same 32 bytes."""
    digest = bytes(range(32))
    text = format_fingerprint(digest)
    assert text.startswith("00:01:02")
    assert parse_fingerprint(text) == digest
    assert parse_fingerprint(text.replace(":", "").lower()) == digest
    assert parse_fingerprint(" ".join(text.split(":"))) == digest


@pytest.mark.parametrize("bad", ["", "AB", "ZZ" * 32, "AB" * 20])
def test_bad_fingerprints(bad: str) -> None:
    """Anything but 64 hex digits is refused with a helpful message."""
    with pytest.raises(InvalidArgumentError, match="64 hex digits"):
        parse_fingerprint(bad)


def test_default_verifies_and_bad_pem_is_refused() -> None:
    """The default trusts the system's CAs; a broken CA PEM is an argument error."""
    assert TlsSettings().ssl_argument() is True
    with pytest.raises(InvalidArgumentError, match="PEM"):
        TlsSettings(
            ca_pem="-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"
        ).ssl_argument()


async def test_fetch_certificate(wincc_sim: SimHandle) -> None:
    """The helper returns what the server presents: fingerprint and subject."""
    presented = await fetch_certificate(*address(wincc_sim.unified_url))
    assert presented.fingerprint == wincc_sim.certificate.fingerprint
    assert "CN=wincc-sim" in presented.subject


async def test_fetch_certificate_failures(socket_enabled: None) -> None:
    """No listener: a connection error. A listener that is not TLS: a protocol error."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(WinCCConnectionError):
        await fetch_certificate("127.0.0.1", closed_port)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        async def refuse() -> None:
            connection, _ = await asyncio.get_running_loop().sock_accept(listener)
            connection.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            connection.close()

        listener.setblocking(False)
        task = asyncio.create_task(refuse())
        with pytest.raises(ProtocolError, match="does not speak TLS"):
            await fetch_certificate("127.0.0.1", port)
        await task
