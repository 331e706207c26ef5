"""TLS settings, fingerprints, and fetching a server's certificate."""

import asyncio
import socket
import ssl
from typing import Any

from homeassistant import block_async_io
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


def test_trusting_a_ca_reads_no_file(wincc_sim: SimHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    """A CA is loaded from its text alone, as Home Assistant's blocking-call detector
    allows in the event loop (the detector itself is off under tests): no system CA
    files, no paths."""
    calls: list[tuple[str, tuple[object, ...], dict[str, object]]] = []
    for name in ("load_verify_locations", "load_default_certs", "set_default_verify_paths"):
        original = getattr(ssl.SSLContext, name)

        def spy(
            self: ssl.SSLContext,
            *args: object,
            _f: Any = original,
            _n: str = name,
            **kwargs: object,
        ) -> Any:
            calls.append((_n, args, kwargs))
            return _f(self, *args, **kwargs)

        monkeypatch.setattr(ssl.SSLContext, name, spy)
    pem = wincc_sim.certificate.cert_path.read_text(encoding="ascii")
    context = TlsSettings(ca_pem=pem).ssl_argument()
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert len(context.get_ca_certs()) == 1
    assert calls == [("load_verify_locations", (), {"cadata": pem})]
    assert block_async_io._check_load_verify_locations_call_allowed({"kwargs": calls[0][2]})


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
