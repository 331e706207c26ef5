"""The classic face's further read-only endpoints that public clients call, and the short
``{"variableNames": [...]}`` archive body forms (shapes unverified; docs/simulator.md)."""

from datetime import timedelta

import pytest

from simulator.runtime import RuntimeOptions
from tests.conftest import SimHandle
from tests.simulator.conftest import Classic


@pytest.fixture
def sim_options() -> RuntimeOptions:
    """Ten minutes of plant history (a sample every 10 s)."""
    return RuntimeOptions(history_prefill=timedelta(minutes=10))


@pytest.mark.parametrize(
    "path", ["tagLogging/Values", "tagLogging/Archive/ProcessValueArchive/values"]
)
async def test_archive_reads_in_the_short_body_form(classic: Classic, path: str) -> None:
    """Each asked tag gets a row with its logged values; an unlogged one, an error."""
    rows = await classic.json(
        "POST", f"{path}?maxValues=5", body={"variableNames": ["Tank1_Level", "Batch_Name"]}
    )
    level, batch = rows
    assert (level["variableName"], level["errorcode"], len(level["values"])) == (
        "Tank1_Level",
        0,
        5,
    )
    stamps = [v["timestamp"] for v in level["values"]]
    assert stamps == sorted(stamps)  # oldest first
    assert (batch["variableName"], batch["errorcode"], batch["values"]) == ("Batch_Name", 2, [])
    status, _ = await classic.request("POST", path, body={"variableNames": "Tank1_Level"})
    assert status == 400


async def test_archive_and_logged_tag_lookups(classic: Classic) -> None:
    """One archive, one of its tags, every logged tag, one logged tag; unknowns are 404."""
    archive = await classic.json("GET", "tagLogging/Archive/ProcessValueArchive")
    assert archive["name"] == "ProcessValueArchive"
    assert archive["variableCount"] > 0
    one = await classic.json("GET", "tagLogging/Archive/ProcessValueArchive/Variable/Tank1_Level")
    assert one == {"name": "Tank1_Level", "archive": "ProcessValueArchive"}
    page = await classic.json("GET", "tagLogging/Variables?itemLimit=2")
    assert len(page["variables"]) == 2
    assert await classic.json("GET", "tagLogging/Variable/Tank1_Level") == one
    for path in (
        "tagLogging/Archive/Nope",
        "tagLogging/Archive/ProcessValueArchive/Variable/Batch_Name",
        "tagLogging/Variable/Nope",
    ):
        assert (await classic.request("GET", path))[0] == 404, path


async def test_alarm_configuration_and_runtime_lists(
    classic: Classic, wincc_sim: SimHandle
) -> None:
    """A REST filter and a message class by name; statistics count raises; nothing is
    locked or hidden; unknown filters are 404."""
    assert await classic.json("GET", "alarmLogging/RestFilter/highpriority") == {
        "name": "HighPriority",
        "minPriority": 10,
    }
    assert (await classic.json("GET", "alarmLogging/MessageClass/Warning"))["id"] == 2
    assert (await classic.json("GET", "alarmLogging/MessageClass/1"))["name"] == "Alarm"
    assert (await classic.request("GET", "alarmLogging/MessageClass/Nope"))[0] == 404
    for raised in (True, False, True):
        wincc_sim.write("Pump1_Fault", raised)
        wincc_sim.advance(1)
    hits = await classic.json("GET", "alarmLogging/HitList/AllAlarms")
    fault = next(row for row in hits if row["name"] == "Pump1_Fault")
    assert fault["count"] == 2
    assert len(await classic.json("GET", "alarmLogging/HitList/AllAlarms?maxValues=1")) == 1
    for kind in ("LockList", "Hidelist", "HiddenMessageList"):
        assert await classic.json("GET", f"alarmLogging/{kind}/AllAlarms") == []
        assert (await classic.request("GET", f"alarmLogging/{kind}/Nope"))[0] == 404
