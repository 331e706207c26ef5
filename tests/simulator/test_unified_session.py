"""Unified sessions: login, error codes, token expiry, renewal, logout."""

import pytest

from tests.conftest import SimHandle
from tests.simulator.conftest import GraphQL

LOGIN = """mutation($u:String!,$p:String!){login(username:$u,password:$p){
  token expires error{code description}
  user{id name fullName language autoLogoffSec groups{id name}}}}"""
READ = '{tagValues(names:["HMI_RT_1::Tank1_Level"]){name value{value}}}'


async def test_login_success_carries_error_code_zero(gql: GraphQL) -> None:
    """A good login has a token, an expiry, and error code the string "0"."""
    data = await gql.data(LOGIN, {"u": "operator", "p": "operator"})
    session = data["login"]
    assert session["error"] == {"code": "0", "description": ""}
    assert session["token"]
    assert session["expires"] == "2026-05-01T10:15:00.000Z"
    assert session["user"]["name"] == "operator"
    assert session["user"]["groups"] == [{"id": "1", "name": "Operators"}]
    assert session["user"]["autoLogoffSec"] == 900


@pytest.mark.parametrize(
    ("user", "password", "code"),
    [("operator", "wrong", "101"), ("nobody", "x", "101"), ("guest", "guest", "1")],
)
async def test_login_failures(gql: GraphQL, user: str, password: str, code: str) -> None:
    """Wrong credentials answer code 101; a user without the GraphQL right code 1."""
    data = await gql.data(LOGIN, {"u": user, "p": password})
    assert data["login"]["token"] is None
    assert data["login"]["error"]["code"] == code


async def test_missing_token_is_a_graphql_error(gql: GraphQL) -> None:
    """Without a token, the field is null and errors[] says unauthenticated."""
    gql.token = None
    status, body = await gql.post(READ)
    assert status == 200
    assert body["data"] == {"tagValues": None}
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["errors"][0]["path"] == ["tagValues"]


async def test_unauthenticated_can_answer_http_401(gql: GraphQL, wincc_sim: SimHandle) -> None:
    """The other documented behaviour: HTTP 401, switchable at run time."""
    wincc_sim.faults(unauthenticated_as_http_401=True)
    status, body = await gql.post(READ, token="not-a-token")
    assert status == 401
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    wincc_sim.faults(unauthenticated_as_http_401=False)
    status, body = await gql.post(READ, token="not-a-token")
    assert status == 200
    assert body["data"] == {"tagValues": None}


async def test_token_expires_and_extend_session_renews(gql: GraphQL, wincc_sim: SimHandle) -> None:
    """A token dies at ``expires``; extendSession pushes the expiry out."""
    wincc_sim.advance(600)
    data = await gql.data("mutation{extendSession{token expires error{code}}}")
    assert data["extendSession"]["token"] == gql.token
    assert data["extendSession"]["expires"] == "2026-05-01T10:25:00.000Z"
    wincc_sim.advance(600)
    assert (await gql.data(READ))["tagValues"][0]["value"]["value"] is not None
    wincc_sim.advance(301)
    _status, body = await gql.post(READ)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_session_query_and_logout(gql: GraphQL) -> None:
    """``session`` lists sessions; ``logout(allSessions)`` ends them all."""
    first = gql.token
    second = await gql.login()
    data = await gql.data("{session(allSessions:true){token user{name}}}")
    assert {s["token"] for s in data["session"]} == {first, second}
    data = await gql.data("{session{token}}")
    assert data["session"] == [{"token": second}]
    assert (await gql.data("mutation{logout(allSessions:true)}")) == {"logout": True}
    _status, body = await gql.post(READ, token=first)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_logout_ends_only_this_session(gql: GraphQL) -> None:
    """A plain logout leaves the user's other sessions alive."""
    first = gql.token
    await gql.login()
    assert (await gql.data("mutation{logout}")) == {"logout": True}
    _status, body = await gql.post(READ, token=first)
    assert "errors" not in body
