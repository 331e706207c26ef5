"""Building a client from a config entry's data, with Home Assistant's own session."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .client import (
    InvalidArgumentError,
    ServerAddress,
    ServerType,
    TlsSettings,
    WinCCClient,
    create_client,
)
from .const import (
    CONF_PARTNER,
    CONF_PARTNER_FINGERPRINT,
    CONF_PLAIN_HTTP,
    CONF_SERVER_TYPE,
    CONF_TLS_CA_PEM,
    CONF_TLS_FINGERPRINT,
    CONF_TLS_VERIFY,
)


def tls_settings(data: Mapping[str, Any]) -> TlsSettings:
    """How the entry trusts its server's certificate."""
    return TlsSettings(
        fingerprint=data.get(CONF_TLS_FINGERPRINT),
        ca_pem=data.get(CONF_TLS_CA_PEM),
        verify=data.get(CONF_TLS_VERIFY, True),
    )


def client_for(
    hass: HomeAssistant, data: Mapping[str, Any], address: ServerAddress | None = None
) -> WinCCClient:
    """A client for the server an entry (or a flow) describes: its redundant pair, if
    it names a partner; with ``address``, that one host alone."""
    return create_client(
        ServerType(data[CONF_SERVER_TYPE]),
        async_get_clientsession(hass),
        address or server_address(data),
        data[CONF_USERNAME],
        data[CONF_PASSWORD],
        partner=None if address else partner_address(data),
    )


def split_host(text: str, default_port: int) -> tuple[str, int]:
    """``host`` or ``host:port`` (an IPv6 address with a port in brackets)."""
    text = text.strip()
    host, separator, port = text.rpartition(":")
    if not separator or not port.isdigit() or (":" in host and not host.endswith("]")):
        return text.strip("[]"), default_port
    number = int(port)
    if not host or not 1 <= number <= 65535:
        raise InvalidArgumentError(f"{text} is not a host, or a host and a port")
    return host.strip("[]"), number


def partner_address(data: Mapping[str, Any]) -> ServerAddress | None:
    """The second host of a redundant pair, trusted as the first one, or by its own
    pinned fingerprint."""
    if not data.get(CONF_PARTNER):
        return None
    host, port = split_host(data[CONF_PARTNER], data[CONF_PORT])
    settings = tls_settings(data)
    if data.get(CONF_PARTNER_FINGERPRINT):
        settings = TlsSettings(fingerprint=data[CONF_PARTNER_FINGERPRINT])
    return ServerAddress(host, port, ssl=settings.ssl_argument())


def server_address(data: Mapping[str, Any]) -> ServerAddress:
    """Where the server an entry (or a flow) describes is, and how its certificate is trusted."""
    if data.get(CONF_PLAIN_HTTP):
        return ServerAddress(data[CONF_HOST], data[CONF_PORT], scheme="http")
    return ServerAddress(data[CONF_HOST], data[CONF_PORT], ssl=tls_settings(data).ssl_argument())


def plain_http_misused(data: Mapping[str, Any]) -> bool:
    """Plain HTTP chosen for a server other than the WinCC OA GraphQL example."""
    return bool(data.get(CONF_PLAIN_HTTP)) and (
        data[CONF_SERVER_TYPE] != ServerType.OA_GRAPHQL.value
    )
