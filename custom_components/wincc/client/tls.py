"""TLS trust: verified by default, or a CA, or a pinned SHA-256 fingerprint.

Also fetches a server's certificate, so a user can decide whether to trust it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import hashlib
import ssl

import aiohttp
from cryptography import x509

from .errors import InvalidArgumentError, ProtocolError, WinCCConnectionError, WinCCTimeoutError

# What aiohttp accepts as ``ssl=``: True (verify with the system's CAs), a context, or
# a pinned fingerprint.
type SslArgument = ssl.SSLContext | aiohttp.Fingerprint | bool


def format_fingerprint(digest: bytes) -> str:
    """A SHA-256 digest as upper-case hex pairs joined by colons."""
    return ":".join(f"{byte:02X}" for byte in digest)


def parse_fingerprint(text: str) -> bytes:
    """A SHA-256 fingerprint from hex, with or without colons or spaces."""
    cleaned = "".join(ch for ch in text if ch not in ": \t").lower()
    try:
        digest = bytes.fromhex(cleaned)
    except ValueError:
        digest = b""
    if len(digest) != hashlib.sha256().digest_size:
        raise InvalidArgumentError(
            "A SHA-256 fingerprint has 32 bytes: 64 hex digits, optionally separated by colons"
        )
    return digest


@dataclass(frozen=True, slots=True)
class TlsSettings:
    """How to trust the server's certificate. The default verifies it normally.

    Exactly one alternative applies, in this order: a pinned fingerprint, a CA
    certificate (PEM text), or no verification at all (an explicit, unsafe choice).
    """

    fingerprint: str | None = None
    ca_pem: str | None = None
    verify: bool = True

    def ssl_argument(self) -> SslArgument:
        """What to pass as aiohttp's ``ssl=``. Reads no files, so it is safe in a loop."""
        if self.fingerprint:
            return aiohttp.Fingerprint(parse_fingerprint(self.fingerprint))
        if self.ca_pem:
            return ca_context(self.ca_pem)
        if not self.verify:
            return unverified_context()
        return True


def ca_context(ca_pem: str) -> ssl.SSLContext:
    """A client context that trusts the CA ``ca_pem`` alone, checking host names. It
    reads no file (unlike ``ssl.create_default_context``, which Home Assistant reports
    as a blocking call in its event loop)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        context.load_verify_locations(cadata=ca_pem)
    except ssl.SSLError as err:
        raise InvalidArgumentError("The CA certificate is not a valid PEM certificate") from err
    return context


def unverified_context() -> ssl.SSLContext:
    """A client context that accepts any certificate (for fetching or an explicit choice)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@dataclass(frozen=True, slots=True)
class PresentedCertificate:
    """What a server presented in its TLS handshake: what a user compares before trusting it."""

    fingerprint: str
    subject: str


def describe_certificate(der: bytes) -> PresentedCertificate:
    """Fingerprint and subject of a DER certificate."""
    certificate = x509.load_der_x509_certificate(der)
    return PresentedCertificate(
        fingerprint=format_fingerprint(hashlib.sha256(der).digest()),
        subject=certificate.subject.rfc4514_string(),
    )


async def fetch_certificate(
    host: str, port: int, handshake_timeout: float = 10.0
) -> PresentedCertificate:
    """Connect without verifying and return the certificate the server presents."""
    try:
        async with asyncio.timeout(handshake_timeout):
            reader, writer = await asyncio.open_connection(
                host, port, ssl=unverified_context(), server_hostname=host
            )
    except TimeoutError as err:
        raise WinCCTimeoutError(f"{host}:{port} did not complete a TLS handshake in time") from err
    except ssl.SSLError as err:
        raise ProtocolError(f"{host}:{port} does not speak TLS: {err.reason}") from err
    except OSError as err:
        raise WinCCConnectionError(f"Cannot connect to {host}:{port}: {err}") from err
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object else None
    finally:
        writer.close()
        await asyncio.gather(writer.wait_closed(), return_exceptions=True)
    del reader
    if not der:
        raise ProtocolError(f"{host}:{port} presented no certificate")
    return describe_certificate(der)
