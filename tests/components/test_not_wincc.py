"""Servers that are not WinCC (a router's page, a default page, another API) are refused
in the config flow, for every server type, and never end as an unknown error."""

from collections.abc import Iterator
import logging
from typing import Any

from aiohttp import web
from homeassistant.const import CONF_PORT
from homeassistant.core import HomeAssistant
import pytest

from simulator.certificate import ensure_certificate
from tests.components.test_config_flow import finish, start, submit, user_input
from tests.conftest import AppThread, SimHandle

HTML = "<!doctype html><html><head><title>Router</title></head><body>Login</body></html>"


def _answer(kind: str) -> web.Response:
    if kind == "html":
        return web.Response(text=HTML, content_type="text/html")
    if kind == "json":
        return web.json_response({"status": "ok", "version": "1.2"})
    status = {"404": 404, "501": 501}[kind]
    return web.Response(status=status, text=HTML, content_type="text/html")


@pytest.fixture(params=["html", "json", "404", "501"])
def other_server_port(
    request: pytest.FixtureRequest, socket_enabled: None, tmp_path: Any
) -> Iterator[int]:
    """An HTTPS server that answers every request the same way, and is not WinCC."""
    kind: str = request.param

    async def answer(_request: web.Request) -> web.Response:
        return _answer(kind)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    with AppThread(app, ensure_certificate(tmp_path).server_context()) as server:
        yield server.port


@pytest.mark.parametrize("server_type", ["auto", "unified", "classic"])
async def test_a_server_that_is_not_wincc_is_refused(
    hass: HomeAssistant,
    wincc_sim: SimHandle,
    other_server_port: int,
    server_type: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """ "Not a WinCC web API at this address", on the port; then the right port works."""
    result = await submit(
        hass, await start(hass), user_input(wincc_sim, server_type, port=other_server_port)
    )
    result = await submit(hass, result, {"trust": "pin"})
    assert result["errors"] == {CONF_PORT: "not_wincc"}
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    result = await submit(hass, result, user_input(wincc_sim, "auto"))
    await finish(hass, result, wincc_sim)
