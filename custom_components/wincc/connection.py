"""Building a client from a config entry's data, with Home Assistant's own session."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .client import ServerAddress, ServerType, TlsSettings, WinCCClient, create_client
from .const import CONF_SERVER_TYPE, CONF_TLS_CA_PEM, CONF_TLS_FINGERPRINT, CONF_TLS_VERIFY


def tls_settings(data: Mapping[str, Any]) -> TlsSettings:
    """How the entry trusts its server's certificate."""
    return TlsSettings(
        fingerprint=data.get(CONF_TLS_FINGERPRINT),
        ca_pem=data.get(CONF_TLS_CA_PEM),
        verify=data.get(CONF_TLS_VERIFY, True),
    )


def client_for(hass: HomeAssistant, data: Mapping[str, Any]) -> WinCCClient:
    """A client for the server an entry (or a flow) describes."""
    return create_client(
        ServerType(data[CONF_SERVER_TYPE]),
        async_get_clientsession(hass),
        server_address(data),
        data[CONF_USERNAME],
        data[CONF_PASSWORD],
    )


def server_address(data: Mapping[str, Any]) -> ServerAddress:
    """Where the server an entry (or a flow) describes is, and how its certificate is trusted."""
    return ServerAddress(data[CONF_HOST], data[CONF_PORT], ssl=tls_settings(data).ssl_argument())
