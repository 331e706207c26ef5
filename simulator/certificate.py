"""The simulator's self-signed TLS certificate for 127.0.0.1 and localhost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import ipaddress
from pathlib import Path
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CERT_FILE = "wincc-sim.crt"
KEY_FILE = "wincc-sim.key"


@dataclass(frozen=True, slots=True)
class Certificate:
    """Where the certificate and key are, and the certificate's SHA-256 fingerprint."""

    cert_path: Path
    key_path: Path
    fingerprint: str  # upper-case hex pairs joined by colons

    def server_context(self) -> ssl.SSLContext:
        """A TLS server context presenting this certificate."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_path, self.key_path)
        return context


def fingerprint_of(pem: bytes) -> str:
    """The SHA-256 fingerprint of a PEM certificate, as ``AA:BB:...``."""
    digest = x509.load_pem_x509_certificate(pem).fingerprint(hashes.SHA256())
    return ":".join(f"{byte:02X}" for byte in digest)


def ensure_certificate(state_dir: Path, *, localhost_only: bool = False) -> Certificate:
    """Load the certificate from ``state_dir``, creating it on first use.

    ``localhost_only`` gives one issued for ``localhost`` alone, as real V20 runtimes
    have: any other address, 127.0.0.1 included, fails a host-name check.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    prefix = "localhost-" if localhost_only else ""
    cert_path, key_path = state_dir / f"{prefix}{CERT_FILE}", state_dir / f"{prefix}{KEY_FILE}"
    if not (cert_path.exists() and key_path.exists()):
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, "wincc-sim"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "WinCC for Home Assistant"),
            ]
        )
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost")]
                    if localhost_only
                    else [
                        x509.DNSName("localhost"),
                        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    ]
                ),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_path.chmod(0o600)
        cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return Certificate(cert_path, key_path, fingerprint_of(cert_path.read_bytes()))
