"""Reads of 10,000 tags on both faces answer correctly."""

import pytest

from simulator.runtime import RuntimeOptions
from tests.simulator.conftest import Classic, GraphQL

COUNT = 10_000


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """The demo plant plus 10,000 synthetic tags."""
    return RuntimeOptions(extra_tags=COUNT)


async def test_unified_reads_ten_thousand_tags(gql: GraphQL) -> None:
    """One tagValues request with 10,000 names answers every one, in order."""
    names = [f"HMI_RT_1::Extra_{i:05d}" for i in range(1, COUNT + 1)]
    data = await gql.data(
        "query($n:[String!]!){tagValues(names:$n){name value{value} error{code}}}", {"n": names}
    )
    rows = data["tagValues"]
    assert [r["name"] for r in rows] == names
    assert all(r["error"]["code"] == "0" for r in rows)
    assert {type(r["value"]["value"]) for r in rows} == {float, int, bool, str}


async def test_classic_reads_ten_thousand_tags(classic: Classic) -> None:
    """One POST Values with 10,000 names answers every one, in order."""
    names = [f"Extra_{i:05d}" for i in range(1, COUNT + 1)]
    rows = await classic.json("POST", "tagManagement/Values", body={"variableNames": names})
    assert [r["variableName"] for r in rows] == names
    assert all(r["errorcode"] == 0 for r in rows)
    assert {r["dataType"] for r in rows} == {1, 6, 8, 11}


async def test_writes_to_synthetic_tags_stick(classic: Classic) -> None:
    """A written synthetic tag keeps the written value."""
    row = await classic.json("PUT", "tagManagement/Value/Extra_00001", body={"value": 42})
    assert row["errorcode"] == 0
    assert (await classic.json("GET", "tagManagement/Value/Extra_00001"))["value"] == 42
