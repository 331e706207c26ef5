"""Raw HTTP helpers for the simulator tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
import json
import ssl
from typing import Any

import aiohttp
import pytest

from tests.conftest import SimHandle


class GraphQL:
    """Posts GraphQL documents to the simulator and returns the decoded answer."""

    def __init__(
        self, session: aiohttp.ClientSession, sim: SimHandle, url: str | None = None
    ) -> None:
        """Use ``session`` against ``sim`` (at ``url``: another host of it)."""
        self.session = session
        self.sim = sim
        self.url = url or sim.graphql_url
        self.token: str | None = None

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        """POST a document; return the HTTP status and the JSON body."""
        bearer = token or self.token
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        async with self.session.post(
            self.url, json={"query": query, "variables": variables}, headers=headers
        ) as response:
            return response.status, await response.json()

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        """POST a document that must succeed; return its ``data``."""
        status, body = await self.post(query, variables)
        assert status == 200, body
        assert "errors" not in body, body
        return body["data"]

    async def login(self, user: str = "operator", password: str | None = None) -> str:
        """Log in and keep the token for later requests."""
        data = await self.data(
            "mutation($u:String!,$p:String!){login(username:$u,password:$p){token error{code}}}",
            {"u": user, "p": password or user},
        )
        assert data["login"]["error"]["code"] == "0"
        self.token = data["login"]["token"]
        return self.token


@pytest.fixture
async def http(sim_ssl: ssl.SSLContext) -> AsyncIterator[aiohttp.ClientSession]:
    """A raw aiohttp session that trusts the simulator's certificate."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=sim_ssl)) as session:
        yield session


@pytest.fixture
async def gql(http: aiohttp.ClientSession, wincc_sim: SimHandle) -> GraphQL:
    """A GraphQL poster, logged in as the operator."""
    client = GraphQL(http, wincc_sim)
    await client.login()
    return client


class Classic:
    """Raw requests to the classic REST face with Basic credentials."""

    def __init__(self, session: aiohttp.ClientSession, sim: SimHandle) -> None:
        """Use ``session`` against ``sim``."""
        self.session = session
        self.base = sim.classic_url

    async def request(
        self,
        method: str,
        path: str,
        *,
        user: str | None = "operator",
        body: Any = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        """Send a request; return the status and the raw body."""
        all_headers = dict(headers or {})
        if user is not None:
            all_headers["Authorization"] = aiohttp.encode_basic_auth(user, user)
        data = raw if raw is not None else None if body is None else json.dumps(body).encode()
        async with self.session.request(
            method, f"{self.base}/{path}", data=data, headers=all_headers
        ) as response:
            return response.status, await response.read()

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request that must answer 200 with JSON; return the decoded body."""
        status, body = await self.request(method, path, **kwargs)
        assert status == 200, body
        return json.loads(body)


@pytest.fixture
def classic(http: aiohttp.ClientSession, wincc_sim: SimHandle) -> Classic:
    """The classic REST face, as the operator by default."""
    return Classic(http, wincc_sim)
