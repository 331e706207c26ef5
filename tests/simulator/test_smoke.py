"""First contact: the simulator answers both faces over HTTPS."""

import aiohttp

from tests.conftest import SimHandle
from tests.simulator.conftest import GraphQL


async def test_both_faces_answer(gql: GraphQL, http: aiohttp.ClientSession, wincc_sim: SimHandle) -> None:
    """A Unified read and a classic read both succeed."""
    data = await gql.data('{tagValues(names:["HMI_RT_1::Tank1_Level"]){name value{value}}}')
    assert data["tagValues"][0]["value"]["value"] == 50.0
    async with http.get(
        f"{wincc_sim.classic_url}/tagManagement/Value/Tank1_Level",
        auth=aiohttp.BasicAuth("operator", "operator"),
    ) as response:
        assert response.status == 200
        assert (await response.json())["value"] == 50.0
