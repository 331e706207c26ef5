"""Set up the demo in a running Home Assistant: ``python -m demo``.

Onboards Home Assistant with an owner (or logs in as that owner once onboarded), adds
both wincc-sim faces through the config-flow API, saves the "WinCC plant" dashboard,
and prints where to look and how to log in.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
import sys
from typing import Any

import aiohttp

from simulator.certificate import ensure_certificate

from .dashboard import URL_PATH
from .servers import DemoServer
from .setup_home import add_servers, install_dashboard

OWNER = ("Plant Engineer", "engineer", "wincc-demo")  # name, user name, password


class HttpApi:
    """Home Assistant's REST API and WebSocket, over aiohttp, with a bearer token."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base
        self.token = ""
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._next_id = 0

    @property
    def client_id(self) -> str:
        return f"{self.base}/"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        async with self.session.post(
            f"{self.base}{path}", json=body, headers=self._headers()
        ) as response:
            answer = await response.json(content_type=None)
            if response.status >= 400:
                raise RuntimeError(f"POST {path}: {response.status} {answer}")
            return answer

    async def get(self, path: str) -> Any:
        async with self.session.get(f"{self.base}{path}", headers=self._headers()) as response:
            response.raise_for_status()
            return await response.json()

    async def token_for(self, code: str) -> None:
        data = {"grant_type": "authorization_code", "code": code, "client_id": self.client_id}
        async with self.session.post(f"{self.base}/auth/token", data=data) as response:
            response.raise_for_status()
            self.token = (await response.json())["access_token"]

    async def command(self, kind: str, **data: Any) -> Any:
        if self._ws is None:
            self._ws = await self.session.ws_connect(f"{self.base}/api/websocket")
            await self._ws.receive_json()  # auth_required
            await self._ws.send_json({"type": "auth", "access_token": self.token})
            if (await self._ws.receive_json())["type"] != "auth_ok":
                raise RuntimeError("Home Assistant refused the demo's token")
        self._next_id += 1
        await self._ws.send_json({"id": self._next_id, "type": kind, **data})
        answer = await self._ws.receive_json()
        if not answer.get("success"):
            raise RuntimeError(f"{kind}: {answer}")
        return answer["result"]


async def wait_for(api: HttpApi, seconds: float = 120) -> None:
    """Until Home Assistant answers (it takes a while at first start)."""
    for _ in range(int(seconds * 2)):
        try:
            await api.get("/api/onboarding")
        except aiohttp.ClientError:
            await asyncio.sleep(0.5)
            continue
        return
    raise RuntimeError(f"Home Assistant did not answer at {api.base}")


async def log_in(api: HttpApi) -> None:
    """Onboard with the owner, or log in as the owner if that was done before."""
    name, username, password = OWNER
    steps = {step["step"]: step["done"] for step in await api.get("/api/onboarding")}
    if not steps.get("user"):
        answer = await api.post(
            "/api/onboarding/users",
            {
                "client_id": api.client_id,
                "name": name,
                "username": username,
                "password": password,
                "language": "en",
            },
        )
        await api.token_for(answer["auth_code"])
        return
    await api.token_for(await authorization_code(api))


async def authorization_code(api: HttpApi) -> str:
    """Log in as the owner through Home Assistant's login flow: the code it hands over."""
    _, username, password = OWNER
    flow = await api.post(
        "/auth/login_flow",
        {
            "client_id": api.client_id,
            "handler": ["homeassistant", None],
            "redirect_uri": api.client_id,
        },
    )
    result = await api.post(
        f"/auth/login_flow/{flow['flow_id']}",
        {"client_id": api.client_id, "username": username, "password": password},
    )
    if result.get("type") != "create_entry":
        raise RuntimeError(f"the demo owner {username} cannot log in: {result}")
    return str(result["result"])


async def main(base: str, sim_state: Path, unified_port: int, classic_port: int) -> None:
    """Set everything up and say how to see it."""
    fingerprint = ensure_certificate(sim_state).fingerprint
    servers = [
        DemoServer("unified", "127.0.0.1", unified_port, fingerprint),
        DemoServer("classic", "127.0.0.1", classic_port, fingerprint),
    ]
    async with aiohttp.ClientSession() as session:
        api = HttpApi(session, base)
        await wait_for(api)
        await log_in(api)
        added = await add_servers(api, servers)
        await install_dashboard(api)
    _, username, password = OWNER
    print(f"==> demo ready: {base}/{URL_PATH}")
    print(f"    log in as {username} / {password}; servers added now: {', '.join(added) or 'none'}")
    sys.stdout.flush()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    parser.add_argument("--sim-state", type=Path, default=Path(".wincc-sim"))
    parser.add_argument("--unified-port", type=int, default=4443)
    parser.add_argument("--classic-port", type=int, default=34568)
    arguments = parser.parse_args()
    asyncio.run(
        main(arguments.url, arguments.sim_state, arguments.unified_port, arguments.classic_port)
    )
