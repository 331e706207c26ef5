"""wincc-sim playing real servers: a WinCC Unified V20 runtime, as people running real ones
report it, and a WinCC V7.5 classic service."""

from pathlib import Path

import aiohttp
from cryptography import x509
import pytest

from simulator.certificate import ensure_certificate
from simulator.cli import build_parser, runtime_from
from simulator.runtime import RuntimeOptions
from tests.conftest import SimHandle

LOGIN = "mutation($u:String!,$p:String!){login(username:$u,password:$p){token}}"
READ = '{tagValues(names:["HMI_RT_1::Tank1_Level"]){name error{code}}}'
PREFLIGHT = {"apollo-require-preflight": "true"}


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """Every V20 behaviour."""
    return RuntimeOptions(graphql_redirect=True, require_preflight=True, openness_right=True)


async def _post(
    http: aiohttp.ClientSession, url: str, query: str, variables: object = None, **headers: str
) -> tuple[int, dict[str, object], str | None]:
    async with http.post(
        url, json={"query": query, "variables": variables}, headers=headers, allow_redirects=False
    ) as answer:
        body = await answer.json() if answer.content_type == "application/json" else {}
        return answer.status, body, answer.headers.get("Location")


async def _token(http: aiohttp.ClientSession, sim: SimHandle, user: str) -> str:
    _, body, _ = await _post(
        http, f"{sim.graphql_url}/", LOGIN, {"u": user, "p": user}, **PREFLIGHT
    )
    token = body["data"]["login"]["token"]  # type: ignore[index]
    assert isinstance(token, str)
    return token


async def test_graphql_moved_to_the_trailing_slash(
    http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """A POST to ``/graphql`` gets 301 to ``/graphql/``, which serves."""
    status, _, location = await _post(http, wincc_sim.graphql_url, LOGIN, **PREFLIGHT)
    assert (status, location) == (301, "/graphql/")
    status, body, _ = await _post(
        http, f"{wincc_sim.graphql_url}/", LOGIN, {"u": "operator", "p": "operator"}, **PREFLIGHT
    )
    assert status == 200
    assert body["data"]["login"]["token"]  # type: ignore[index]


async def test_a_post_without_the_preflight_header_is_refused(
    http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """Apollo's CSRF guard: 400, naming the header."""
    status, body, _ = await _post(http, f"{wincc_sim.graphql_url}/", LOGIN)
    assert status == 400
    assert "apollo-require-preflight" in body["errors"][0]["message"]  # type: ignore[index]


async def test_tag_access_needs_the_openness_right(
    http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """The engineer may log in, but reading tags answers FORBIDDEN; the operator reads."""
    url = f"{wincc_sim.graphql_url}/"
    token = await _token(http, wincc_sim, "engineer")
    _, body, _ = await _post(http, url, READ, Authorization=f"Bearer {token}", **PREFLIGHT)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # type: ignore[index]
    token = await _token(http, wincc_sim, "operator")
    _, body, _ = await _post(http, url, READ, Authorization=f"Bearer {token}", **PREFLIGHT)
    assert body["data"]["tagValues"][0]["error"]["code"] == "0"  # type: ignore[index]


def test_the_v20_profile_sets_every_behaviour_and_75_minute_tokens() -> None:
    """``--profile v20`` is all the switches at once; each switch also stands alone."""
    v20 = runtime_from(build_parser().parse_args(["--profile", "v20", "--history-hours", "0"]))
    assert (v20.graphql_redirect, v20.require_preflight, v20.openness_right) == (True,) * 3
    assert v20.sessions.lifetime.total_seconds() == 75 * 60
    plain = runtime_from(build_parser().parse_args(["--history-hours", "0"]))
    assert (plain.graphql_redirect, plain.require_preflight, plain.openness_right) == (False,) * 3
    one = runtime_from(build_parser().parse_args(["--graphql-redirect", "--history-hours", "0"]))
    assert (one.graphql_redirect, one.require_preflight) == (True, False)


async def test_single_sign_on_answers_as_a_runtime_without_it(
    http: aiohttp.ClientSession, wincc_sim: SimHandle
) -> None:
    """``nonce``, ``identityProviderURL`` and ``loginSWAC`` validate, and say that no
    single sign-on is configured, rather than failing validation."""
    url = f"{wincc_sim.graphql_url}/"
    status, body, _ = await _post(http, url, "{nonce{value validFor}}", **PREFLIGHT)
    assert status == 200
    assert body["data"] == {"nonce": None}
    assert body["errors"][0]["extensions"]["code"] == "NOT_CONFIGURED"  # type: ignore[index]
    _, body, _ = await _post(http, url, "{identityProviderURL}", **PREFLIGHT)
    assert body == {"data": {"identityProviderURL": None}}
    _, body, _ = await _post(
        http,
        url,
        'mutation{loginSWAC(claim:"c",signedClaim:"s"){token error{code description}}}',
        **PREFLIGHT,
    )
    session = body["data"]["loginSWAC"]  # type: ignore[index]
    assert session["token"] is None
    assert session["error"]["code"] == "102"


def test_the_v75_profile_has_no_alarm_logging() -> None:
    """``--profile v75`` plays a WinCC V7.5 classic service: 404 on alarmLogging/..."""
    v75 = runtime_from(build_parser().parse_args(["--profile", "v75", "--history-hours", "0"]))
    assert v75.alarm_logging is False
    assert v75.graphql_redirect is False


def test_the_v20_profile_serves_a_localhost_certificate(tmp_path: Path) -> None:
    """The localhost certificate names localhost alone, and lives beside the usual one."""
    usual = ensure_certificate(tmp_path)
    localhost = ensure_certificate(tmp_path, localhost_only=True)
    assert usual.fingerprint != localhost.fingerprint
    names = x509.load_pem_x509_certificate(localhost.cert_path.read_bytes()).extensions
    alternative = names.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(n.value) for n in alternative] == ["localhost"]
